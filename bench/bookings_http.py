"""Booking creation through the HTTP API (a WSGI server on loopback) at 16 concurrent clients, on PostgreSQL.

Prints bookings/s, p50/p99 latency, the overlaps found afterwards by a self-join (must be 0), and the rate of a
raw-SQL INSERT with the same exclusion constraint at the same concurrency, measured in the same run.
Each client books the resources of its own space, one after another in free slots, so every request is a real
201 (the race for one slot is tested in tests/bookings_api/test_concurrency.py). Needs PostgreSQL.

BENCH_SIZE=full: the dataset of bookings_generate.py (1,000,000 bookings), 250 bookings per client.
BENCH_SIZE=small: a small dataset, 25 per client. BENCH_SERVER: granian (default: Granian's WSGI server, as
`make serve` runs it) or gunicorn. BENCH_THREADS (threads per worker, default 8: gthread workers for gunicorn,
blocking threads for granian; 1: gunicorn's sync workers), BENCH_WORKERS (default: one per core, 2 x cores + 1
for sync workers), BENCH_CLIENTS (default 16 client processes), BENCH_REQUESTS (per client), BENCH_CLIENT: raw
(default: a kept-alive socket, the requests' bytes built before the start, ≈0.1 ms of client CPU a booking) or
http (http.client, ≈0.4 ms). Also prints where the CPU went (the server, PostgreSQL, the clients, the rest of the
machine), in all and per booking, since client, server and database share the same cores. DB_PREPARE_THRESHOLD (plek.settings) is passed
on to the server: e.g. 5 for server-side prepared statements.
The confirmation emails are enqueued for the task worker (bookings.tasks), which this bench does not run: it
prints how many were queued and what sending them costs in CPU (measured on 200 of them, in this process), then
deletes the queued ones (no mail is sent).
Promise: at least 500 bookings/s with p99 under 50 ms at 16 clients.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/plek_bench_bookings BENCH_SIZE=full \
        .venv/bin/python bench/bookings_http.py
"""

import http.client
import json
import multiprocessing
import os
import re
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plek.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

import psycopg  # noqa: E402
from django.db import connection  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _bookings_data as data  # noqa: E402

FULL = os.environ.get("BENCH_SIZE", "small") == "full"
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 16))
PER_CLIENT = int(os.environ.get("BENCH_REQUESTS", 250 if FULL else 25))
# gthread workers, one process per core, 8 threads each: measured faster here than 2 x cores + 1 sync workers (see
# bench/README.md): kept-alive connections, and threads overlap the database round trips.
THREADS = int(os.environ.get("BENCH_THREADS", 8))
WORKERS = int(os.environ.get("BENCH_WORKERS", 0)) or (os.cpu_count() or 1 if THREADS > 1 else data.default_workers())
# BENCH_SERVER: gunicorn (gthread) or granian (Rust HTTP, WSGI threads); BENCH_CLIENT: raw (sockets) or http.
SERVER = os.environ.get("BENCH_SERVER", "granian")
CLIENT = os.environ.get("BENCH_CLIENT", "raw")
WARM_UP = 5  # bookings per client before the measured run
RATE_BOUND, P99_BOUND_MS = 500.0, 50.0


def run_clients(work, prepare=None) -> tuple[float, list[float], list[int], float, float]:
    """Run ``work(client_index, prepared) -> (latencies, statuses, database CPU)`` in CLIENTS processes started
    together, ``prepared`` being what ``prepare(client_index)`` gave before the start (not measured).

    Processes, not threads: one Python process driving 16 clients would add its own GIL queue to every latency.
    Returns the wall time, every latency and status, the CPU seconds the clients used, and the database CPU the
    clients reported (their own short-lived connections).
    """
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(CLIENTS + 1)
    results = context.Queue()

    def body(i):
        prepared = prepare(i) if prepare is not None else None
        barrier.wait()
        cpu = time.process_time()
        latencies, statuses, database = work(i, prepared)
        results.put((latencies, statuses, database, time.perf_counter(), time.process_time() - cpu))

    processes = [context.Process(target=body, args=(i,)) for i in range(CLIENTS)]
    for p in processes:
        p.start()
    barrier.wait()
    t0 = time.perf_counter()
    latencies: list[float] = []
    statuses: list[int] = []
    ends, cpu, database_cpu = [], 0.0, 0.0
    for _ in processes:
        lat, st, database, end, used = results.get()
        latencies += lat
        statuses += st
        database_cpu += database
        ends.append(end)
        cpu += used
    for p in processes:
        p.join()
    return max(ends) - t0, latencies, statuses, cpu, database_cpu


def _payloads(client, start_at: dt.datetime, count: int) -> list[str]:
    """The JSON bodies of one client's requests: its space's resources one after another, in free slots."""
    _token, practice, resources = client
    out = []
    for n in range(count):
        start = start_at + dt.timedelta(hours=3 * (n // len(resources)))
        out.append(
            json.dumps(
                {
                    "resource": resources[n % len(resources)],
                    "practice": practice,
                    "start": start.isoformat(),
                    "end": (start + dt.timedelta(hours=2)).isoformat(),
                    "title": "Bench",
                }
            )
        )
    return out


def http_bench(port: int, clients, start_at: dt.datetime, count: int):
    """Each client books the resources of its own space over one HTTP connection. BENCH_CLIENT=raw (default): a
    socket kept alive, requests built before the start (the least client CPU); http: http.client (kept alive when
    the server allows it, reopened when it closes it, as sync workers do after each response)."""
    if CLIENT == "raw":
        return raw_http_bench(port, clients, start_at, count)

    def work(i, _prepared):
        token, _practice, _resources = clients[i]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies, statuses = [], []
        for n, payload in enumerate(_payloads(clients[i], start_at, count)):
            t0 = time.perf_counter()
            conn.request("POST", "/api/v1/bookings", payload, headers)
            response = conn.getresponse()
            body = response.read()
            latencies.append(time.perf_counter() - t0)
            statuses.append(response.status)
            if response.status != 201 and n == 0 and i == 0:
                print(f"first refusal: {response.status} {body[:300]!r}")
        conn.close()
        return latencies, statuses, 0.0

    return run_clients(work)


def raw_http_bench(port: int, clients, start_at: dt.datetime, count: int):
    """``http_bench`` with the lightest client: the request bytes built before the start, one socket kept alive,
    the answer read up to its Content-Length (every answer of this endpoint has one)."""

    def prepare(i):
        token = clients[i][0]
        requests = []
        for payload in _payloads(clients[i], start_at, count):
            body = payload.encode()
            head = (
                f"POST /api/v1/bookings HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            requests.append(head.encode() + body)
        return requests

    def connect():
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def answer(sock, buffer: bytes) -> tuple[bytes, bytes, bytes]:
        """(head, body, the bytes after them); ConnectionError when the server closed the connection."""
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            buffer += chunk
        head, _, buffer = buffer.partition(b"\r\n\r\n")
        length = int(re.search(rb"(?i)\r\ncontent-length: *(\d+)", head).group(1))
        while len(buffer) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            buffer += chunk
        return head, buffer[:length], buffer[length:]

    def work(i, requests):
        sock = connect()
        latencies, statuses = [], []
        buffer = b""
        for request in requests:
            t0 = time.perf_counter()
            try:
                sock.sendall(request)
                head, body, buffer = answer(sock, buffer)
            except (ConnectionError, OSError):
                # A kept-alive connection the server closed while it was idle (as http.client, open a new one and
                # send again; were the first one booked after all, the second answers 409: counted below).
                sock.close()
                sock, buffer = connect(), b""
                sock.sendall(request)
                head, body, buffer = answer(sock, buffer)
            latencies.append(time.perf_counter() - t0)
            status = int(head[9:12])
            statuses.append(status)
            if status != 201 and i == 0 and len(statuses) == 1:
                print(f"first refusal: {status} {body[:300]!r}")
            if re.search(rb"(?i)\r\nconnection: *close", head):
                sock.close()
                sock, buffer = connect(), b""
        sock.close()
        return latencies, statuses, 0.0

    return run_clients(work, prepare)


def raw_bench(clients, start_at: dt.datetime):
    """The same rows, inserted with plain SQL (one transaction each) under the same exclusion constraint."""
    dsn = connection.get_connection_params()
    dsn.pop("cursor_factory", None)
    dsn.pop("context", None)
    dsn.pop("prepare_threshold", None)

    def work(i, _prepared):
        _token, practice, resources = clients[i]
        latencies, statuses = [], []
        with psycopg.connect(**dsn, autocommit=True) as conn:
            backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
            for n in range(PER_CLIENT):
                start = start_at + dt.timedelta(hours=3 * (n // len(resources)))
                end = start + dt.timedelta(hours=2)
                t0 = time.perf_counter()
                conn.execute(
                    'INSERT INTO bookings_booking (resource_id, practice_id, title, "start", "end", blocked_start, '
                    "blocked_end, status, kind, is_public, guest_name, guest_email, reason, created_at) "
                    "VALUES (%s, %s, 'Raw', %s, %s, %s, %s, 'confirmed', 'booking', false, '', '', '', now())",
                    [resources[n % len(resources)], practice, start, end, start, end],
                )
                latencies.append(time.perf_counter() - t0)
                statuses.append(201)
            # This connection's backend ends with it: read its CPU now (same machine).
            backend_cpu = data.cpu_of(backend)
        return latencies, statuses, backend_cpu

    return run_clients(work)


def report(name: str, wall: float, latencies: list[float], statuses: list[int]) -> float:
    ok = sum(1 for s in statuses if s == 201)
    rate = ok / wall
    print(f"{name}: {ok} created of {len(statuses)} in {wall:.2f} s")
    print(f"{name} rate: {rate:.0f} bookings/s")
    print(f"{name} p50: {data.percentile(latencies, 50) * 1000:.1f} ms")
    print(f"{name} p99: {data.percentile(latencies, 99) * 1000:.1f} ms")
    others = sorted({s for s in statuses if s != 201})
    if others:
        print(f"{name} other statuses: {others}")
    return rate


def email_cost(start_at: dt.datetime) -> None:
    """The confirmation emails the run queued for the worker: how many, and their CPU (200 sent here, to nowhere)."""
    from django.core import mail
    from django.test.utils import override_settings
    from django_tasks_db.models import DBTaskResult

    from bookings.tasks import send_notification

    queued = DBTaskResult.objects.filter(task_path=send_notification.module_path, status="READY")
    print(f"email tasks queued for the worker: {queued.count()}")
    sample = list(queued.order_by("enqueued_at")[:200].values_list("args_kwargs", flat=True))
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        cpu = time.process_time()
        for args in sample:
            send_notification.call(*args["args"])
        cpu = time.process_time() - cpu
        mail.outbox = []
    if sample:
        print(f"email CPU (worker, in this process): {cpu / len(sample) * 1000:.2f} ms per booking")
    deleted, _ = queued.delete()
    print(f"email tasks deleted (the bench sends no mail): {deleted}")
    connection.close()


def main() -> int:
    if connection.vendor != "postgresql":
        print("bookings_http: needs PostgreSQL (set DATABASE_URL); skipped")
        return 0
    if not data.exists():
        data.generate(1000 if FULL else 20, 10, 100 if FULL else 10)
    from bookings.models import Booking

    print(f"bookings in the database: {Booking.objects.count()}")
    clients = data.tokens(CLIENTS)
    # Far beyond the dataset and beyond earlier runs: every run books its own fresh week.
    latest = Booking.objects.order_by("-end").values_list("end", flat=True).first()
    start_at = (latest + dt.timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    print(f"clients: {CLIENTS} processes, requests per client: {PER_CLIENT}")
    if SERVER == "granian":
        print(f"granian: {WORKERS} workers x {THREADS} blocking threads; client: {CLIENT}")
    else:
        print(
            f"gunicorn: {WORKERS} {'gthread' if THREADS > 1 else 'sync'} workers x {THREADS} threads; client: {CLIENT}"
        )
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    connection.close()  # the clients are forked: none may share this connection
    with data.Gunicorn(workers=WORKERS, threads=THREADS, server=SERVER) as url:
        port = int(url.rsplit(":", 1)[1])
        # Warm up, not measured: every worker loads the code, opens its database connection and books once or
        # twice (templates, translations), at the same concurrency, in a week of its own.
        http_bench(port, clients, start_at + dt.timedelta(days=120), WARM_UP)
        meter = data.CpuMeter(server_pid=data.Gunicorn.last_pid, database=connection.settings_dict["NAME"])
        meter.start()
        wall, latencies, statuses, meter.client, _ = http_bench(port, clients, start_at, PER_CLIENT)
        meter.stop()
    api_rate = report("http", wall, latencies, statuses)
    meter.report("http", per=sum(1 for s in statuses if s == 201))
    email_cost(start_at)
    p99 = data.percentile(latencies, 99) * 1000
    raw_start = start_at + dt.timedelta(days=60)
    meter = data.CpuMeter(database=connection.settings_dict["NAME"])
    meter.start()
    wall, raw_latencies, raw_statuses, meter.client, meter.backends = raw_bench(clients, raw_start)
    meter.stop()
    raw_rate = report("raw sql", wall, raw_latencies, raw_statuses)
    meter.report("raw sql", per=len(raw_statuses))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"http / raw sql: {api_rate / raw_rate:.2f}")
    t0 = time.perf_counter()
    found = data.overlaps()
    print(f"overlapping holding bookings (self-join over all {Booking.objects.count()} rows): {found}")
    print(f"self-join: {time.perf_counter() - t0:.1f} s")
    missed = []
    if found:
        missed.append("overlaps")
    if FULL and api_rate < RATE_BOUND:
        missed.append(f"rate < {RATE_BOUND:.0f}/s")
    if FULL and p99 > P99_BOUND_MS:
        missed.append(f"p99 > {P99_BOUND_MS:.0f} ms")
    if missed:
        print("MISSED: " + ", ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
