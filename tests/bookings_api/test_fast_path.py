"""POST /api/v1/bookings the short way (api.bookings.post_booking_fast, services.create_single_booking_fast)
answers exactly as the DRF view and create_booking do: status, JSON, headers, rows, audit entry and emails.

Each case is posted twice in the same state, the short way and the DRF way (the short path switched off), each
in a savepoint rolled back afterwards.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from api import bookings as api_bookings
from api.authentication import issue_token, member_for_bearer
from api.models import ApiToken
from bookings import services
from bookings.models import Booking
from community.models import Member
from core.models import AuditEntry
from spaces import rules as space_rules
from tests import factories as f

from .factories import BookingFactory

pytestmark = pytest.mark.django_db


def body(room, practice, start, end, **extra):
    data = {"resource": room.pk, "start": start.isoformat(), "end": end.isoformat(), "title": "Rehearsal", **extra}
    if practice is not None:
        data["practice"] = practice.pk
    return data


def _ids_out(text: str, ids, pattern: str = r"\b{}\b", into: str = "<id>") -> str:
    for pk in ids:
        text = re.sub(pattern.format(pk), into, text)
    return text


@pytest.fixture
def post_both(monkeypatch, django_capture_on_commit_callbacks):
    """``post_both(client, data, **headers)`` → (short way, DRF way, which way the first went): each answer as
    (status, JSON, headers, bookings, audit entries, emails), ids and creation times replaced."""
    real_fast = services.create_single_booking_fast

    def answer(client, data, headers, *, short: bool):
        taken = []

        def spy(*args, **kwargs):
            try:
                made = real_fast(*args, **kwargs)
            except (services.BookingConflict, services.BookingRefused):
                taken.append(True)
                raise
            taken.append(made is not None)
            return made

        monkeypatch.setattr(services, "create_single_booking_fast", spy)
        if not short:
            monkeypatch.setattr(api_bookings, "post_booking_fast", lambda request: None)
        mail.outbox = []
        before = set(Booking.objects.values_list("id", flat=True))
        audit_before = set(AuditEntry.objects.values_list("id", flat=True))
        savepoint = transaction.savepoint()
        try:
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post("/api/v1/bookings", data, format="json", **headers)
            made = list(Booking.objects.exclude(id__in=before).order_by("id").values())
            ids = [b.pop("id") for b in made]
            for b in made:
                b.pop("created_at")
            entries = list(AuditEntry.objects.exclude(id__in=audit_before).order_by("id").values())
            for e in entries:
                e.pop("id"), e.pop("at")
                e["object_id"] = _ids_out(e["object_id"], ids)
                e["after"] = {**e["after"], "bookings": ["<id>" for _b in e["after"].get("bookings", [])]}
            json = response.json()
            for item in [json, *json.get("occurrences", [])]:
                if "id" in item:
                    item["id"] = "<id>"
                    item.pop("created_at")
            emails = [(m.to, m.subject, _ids_out(m.body, ids, "/{}/", "/<id>/")) for m in mail.outbox]
            headers_out = {k: response.get(k) for k in ("Content-Type", "Vary", "Allow", "Content-Language")}
            return (response.status_code, json, headers_out, made, entries, emails), taken
        finally:
            transaction.savepoint_rollback(savepoint)
            monkeypatch.undo()

    def post(client, data, **headers):
        short, taken = answer(client, data, headers, short=True)
        drf, _ = answer(client, data, headers, short=False)
        return short, drf, ("short" if taken == [True] else "drf")

    return post


def test_confirmed_booking_is_the_same_both_ways(api, room, member, practice, at, post_both):
    short, drf, way = post_both(api(member), body(room, practice, at(3, 10), at(3, 12)))

    assert way == "short"
    assert short == drf
    status, json, headers, [booking], [entry], emails = short
    assert (status, json["status"], json["occurrences"][0]["status"]) == (201, "confirmed", "confirmed")
    assert headers["Content-Type"] == "application/json"
    assert (booking["status"], booking["kind"], booking["booked_by_id"]) == ("confirmed", "booking", member.pk)
    assert (entry["action"], entry["actor_id"], entry["object_type"]) == (
        "bookings.created",
        member.pk,
        "bookings.booking",
    )
    assert [(to, subject) for to, subject, _text in emails] == [(["member@example.org"], "Booking confirmed: Studio 2")]


def test_pending_booking_is_the_same_both_ways(api, space, room, member, practice, coordinator, at, post_both):
    services.save_policy(space, by=coordinator, resource=room, requires_approval=True)

    short, drf, way = post_both(api(member), body(room, practice, at(3, 10), at(3, 12), is_public=True))

    assert way == "short"
    assert short == drf
    assert (short[0], short[1]["status"], short[1]["is_public"]) == (201, "pending", True)
    assert sorted(to[0] for to, _s, _t in short[5]) == ["coordinator@example.org", "member@example.org"]


def test_booking_without_a_practice_by_a_coordinator(api, room, coordinator, at, post_both):
    short, drf, way = post_both(api(coordinator), body(room, None, at(3, 10), at(3, 12), title="  Tidy up "))

    assert way == "short"
    assert short == drf
    assert (short[0], short[1]["practice"], short[1]["title"]) == (201, None, "Tidy up")


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"start": "2030-01-01T10:00:00"}, 400),
        ({"end": "tomorrow"}, 400),
        ({"resource": "abc"}, 400),
        ({"resource": 999999}, 400),
        ({"resource": 2**64}, 400),
        ({"practice": 999999}, 400),
        ({"is_public": "maybe"}, 400),
        ({"recurrence": "FREQ=WEEKLY"}, 400),
        ({"on_conflict": "maybe"}, 400),
        ({"title": "x" * 201}, 400),
        ({"title": "a\x00b"}, 400),
        ({"title": None}, 400),
        # Valid, but converted by the serializer: left to it.
        ({"is_public": "yes"}, 201),
        ({"title": 12}, 201),
        ({"title": "Two\nlines"}, 201),
        ({"exdates": ["2030-01-01T10:00:00+00:00"]}, 201),
        ({"recurrence": " "}, 201),
    ],
)
def test_input_the_short_path_leaves_to_the_serializer(api, room, member, practice, at, post_both, change, status):
    short, drf, way = post_both(api(member), {**body(room, practice, at(3, 10), at(3, 12)), **change})

    assert way == "drf"
    assert short == drf
    assert short[0] == status


def test_other_requests_the_short_path_leaves_to_drf(api, room, member, practice, at, post_both):
    data = body(room, practice, at(3, 10), at(3, 12))
    client = api(member)

    for headers in ({"HTTP_ACCEPT": "text/html"}, {"HTTP_ACCEPT": "application/json; indent=4"}):
        short, drf, way = post_both(client, data, **headers)
        assert way == "drf"
        assert short == drf
    assert short[0] == 201
    form = client.post("/api/v1/bookings", data)  # multipart
    assert form.status_code == 201


def test_end_before_start_is_the_same_400(api, room, member, practice, at, post_both):
    short, drf, _way = post_both(api(member), body(room, practice, at(3, 12), at(3, 10)))

    assert short == drf
    assert (short[0], short[1]["fields"]) == (400, {"end": ["The end must be after the start."]})


def test_refusals_are_the_same_403_both_ways(api, space, room, member, practice, coordinator, at, post_both):
    services.save_policy(space, by=coordinator, resource=room, max_days_ahead=60)
    stranger = f.PracticeFactory(name="Not mine")

    too_far, too_far_drf, way = post_both(api(member), body(room, practice, at(70, 10), at(70, 12)))
    not_mine, not_mine_drf, way_not_mine = post_both(api(member), body(room, stranger, at(3, 10), at(3, 12)))

    assert (way, way_not_mine) == ("short", "short")
    assert too_far == too_far_drf
    assert not_mine == not_mine_drf
    assert too_far[:2] == (
        403,
        {
            "code": "permission_denied",
            "message": "Bookings of Studio 2 can be made at most 60 days ahead.",
            "fields": {},
        },
    )
    assert not_mine[1]["message"] == "You do not act for Not mine."
    assert too_far[3:] == ([], [], [])


def test_refusal_in_french_both_ways(api, space, room, member, practice, coordinator, at, post_both):
    services.save_policy(space, by=coordinator, resource=room, max_days_ahead=60)

    short, drf, _way = post_both(api(member), body(room, practice, at(70, 10), at(70, 12)), HTTP_ACCEPT_LANGUAGE="fr")

    assert short == drf
    assert short[0] == 403


def test_quota_is_the_same_both_ways(api, space, room, member, practice, coordinator, at, post_both):
    services.save_policy(space, by=coordinator, resource=room, quota_hours=3, quota_period="week")
    services.create_booking(room, at(7, 10), at(7, 12), by=member, practice=practice)

    short, drf, way = post_both(api(member), body(room, practice, at(7, 14), at(7, 16)))  # same day: same week
    within, within_drf, _way = post_both(api(member), body(room, practice, at(7, 14), at(7, 15)))

    assert way == "short"
    assert short == drf
    assert (short[0], short[1]["message"]) == (
        403,
        "Atelier Nord may book Studio 2 for at most 3 hours per week. 2 hours are already booked that week.",
    )
    assert within == within_drf
    assert within[0] == 201


def test_opening_hours_are_the_same_both_ways(api, space, room, member, practice, coordinator, at, post_both):
    services.save_policy(space, by=coordinator, resource=room, respect_opening_hours=True)
    day = at(3, 10)
    f.OpeningHoursFactory(space=space, weekday=day.weekday(), opens=dt.time(9), closes=dt.time(18))

    inside = post_both(api(member), body(room, practice, at(3, 10), at(3, 12)))
    outside = post_both(api(member), body(room, practice, at(3, 17), at(3, 19)))

    assert inside[0] == inside[1] and inside[0][0] == 201
    assert outside[0] == outside[1] and outside[0][0] == 403


@pytest.mark.parametrize("status", ["confirmed", "pending"])
def test_conflict_is_the_same_409_both_ways(api, room, member, practice, at, post_both, status):
    BookingFactory(resource=room, start=at(3, 11), end=at(3, 13), status=status)

    short, drf, way = post_both(api(member), body(room, practice, at(3, 10), at(3, 12)))

    assert way == "short"
    assert short == drf
    reason = "already booked" if status == "confirmed" else "requested by someone else"
    assert short[0] == 409
    assert short[1]["code"] == "conflict"
    assert [(dt.datetime.fromisoformat(c["start"]), c["reason"]) for c in short[1]["conflicts"]] == [
        (at(3, 10), reason)
    ]
    assert short[3:] == ([], [], [])


def test_cancelled_bookings_do_not_conflict(api, room, member, practice, at, post_both):
    BookingFactory(resource=room, start=at(3, 11), end=at(3, 13), status="cancelled")

    short, drf, _way = post_both(api(member), body(room, practice, at(3, 10), at(3, 12)))

    assert short == drf
    assert short[0] == 201


@pytest.mark.parametrize("whole_space", [True, False])
def test_closure_is_the_same_409_both_ways(api, space, room, member, practice, at, post_both, whole_space):
    f.ClosureFactory(space=space, resource=None if whole_space else room, start=at(3, 0), end=at(4, 0), reason="Leak")
    f.ClosureFactory(space=space, start=at(5, 9), end=at(5, 10), reason="")

    closed = post_both(api(member), body(room, practice, at(3, 10), at(3, 12)))
    unnamed = post_both(api(member), body(room, practice, at(5, 8), at(5, 10)))
    touching = post_both(api(member), body(room, practice, at(5, 10), at(5, 11)))

    assert closed[0] == closed[1] and unnamed[0] == unnamed[1] and touching[0] == touching[1]
    assert [c["reason"] for c in closed[0][1]["conflicts"]] == ["Leak"]
    assert [c["reason"] for c in unnamed[0][1]["conflicts"]] == ["closed"]
    assert touching[0][0] == 201


def test_buffers_are_the_same_both_ways(api, space, room, member, practice, coordinator, at, post_both):
    services.save_policy(space, by=coordinator, resource=room, buffer_before_minutes=15, buffer_after_minutes=30)
    services.create_booking(room, at(3, 10), at(3, 12), by=member, practice=practice)

    too_close = post_both(api(member), body(room, practice, at(3, 12, 15), at(3, 13)))
    too_close_before = post_both(api(member), body(room, practice, at(3, 8), at(3, 9, 50)))
    after_buffer = post_both(api(member), body(room, practice, at(3, 12, 45), at(3, 13)))

    assert too_close[0] == too_close[1] and too_close[0][0] == 409
    assert too_close_before[0] == too_close_before[1] and too_close_before[0][0] == 409
    assert after_buffer[0] == after_buffer[1] and after_buffer[0][0] == 201
    [made] = after_buffer[0][3]
    assert (made["blocked_start"], made["blocked_end"]) == (at(3, 12, 30), at(3, 13, 30))


def test_visitors_and_sessions_go_the_drf_way(api, client_for, space, member, outsider, at, post_both):
    hall = f.ResourceFactory(space=space, name="Hall")
    practice = outsider.practice_links.get().practice

    visitor = post_both(api(outsider), body(hall, practice, at(3, 10), at(3, 12)))
    session = post_both(client_for(member), body(hall, None, at(3, 10), at(3, 12)))
    anonymous = post_both(api(), body(hall, None, at(3, 10), at(3, 12)))
    bad_token = post_both(api(), body(hall, None, at(3, 10), at(3, 12)), HTTP_AUTHORIZATION="Bearer nope")

    for short, drf, way in (visitor, session, anonymous, bad_token):
        assert way == "drf"
        assert short == drf
    assert visitor[0][0] == 403
    assert (anonymous[0][0], bad_token[0][0]) == (401, 401)


def test_the_service_makes_the_same_row_as_create_booking(room, member, practice, at):
    made = services.create_single_booking_fast(
        member, room.pk, at(3, 10), at(3, 12), practice_id=practice.pk, title="Rehearsal", public=True
    )
    [reference] = services.create_booking(
        room, at(4, 10), at(4, 12), by=member, practice=practice, title="Rehearsal", public=True
    )

    fast_row = Booking.objects.filter(pk=made.id).values().get()
    slow_row = Booking.objects.filter(pk=reference.pk).values().get()
    shift = dt.timedelta(days=1)
    for key in ("start", "end", "blocked_start", "blocked_end"):
        fast_row[key] += shift
    for key in ("id", "created_at"):
        fast_row.pop(key), slow_row.pop(key)
    assert fast_row == slow_row
    assert (made.status, made.created_at is not None, made.start) == ("confirmed", True, at(3, 10))


def test_the_service_declines_what_it_does_not_cover(room, other_room, member, practice, at):
    assert services.create_single_booking_fast(member, 999999, at(3, 10), at(3, 12)) is None
    assert services.create_single_booking_fast(member, room.pk, at(3, 10), at(3, 12), practice_id=999999) is None
    assert services.create_single_booking_fast(member, other_room.pk, at(3, 10), at(3, 12)) is None  # not a member
    assert Booking.objects.count() == 0


def test_the_service_refuses_bad_times_as_create_booking_does(room, member, practice, at):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as short:
        services.create_single_booking_fast(member, room.pk, at(3, 12), at(3, 10), practice_id=practice.pk)
    with pytest.raises(ValidationError) as slow:
        services.create_booking(room, at(3, 12), at(3, 10), by=member, practice=practice)
    with pytest.raises(ValidationError):
        services.create_single_booking_fast(member, room.pk, dt.datetime(2030, 1, 1, 10), at(3, 10))

    assert short.value.message_dict == slow.value.message_dict == {"end": ["The end must be after the start."]}


def _rules_of(person) -> dict:
    cache = space_rules._load(person)
    return {key: cache[key] for key in ("roles", "practices", "practice_spaces", "spaces", "networks")}


@pytest.mark.parametrize("who", ["member", "coordinator", "outsider"])
def test_the_token_query_also_loads_the_rules(request, space, room, django_assert_num_queries, who):
    person = request.getfixturevalue(who)
    if who == "member":
        f.RoleAssignmentFactory(space=space, member=person, role="host")
    raw = issue_token(person)
    expected = _rules_of(Member.objects.get(pk=person.pk))

    with django_assert_num_queries(2):  # the token with the rules, and noting the token's first use
        found = member_for_bearer(f"Bearer {raw}")
    with django_assert_num_queries(0):
        loaded = _rules_of(found)
    with django_assert_num_queries(1):  # within LAST_USE_EVERY: no write
        again = member_for_bearer(f"Bearer {raw}")

    assert found.pk == again.pk == person.pk
    assert loaded == _rules_of(again) == expected
    assert loaded["spaces"] and (loaded["practices"] or loaded["roles"])


def test_a_revoked_token_or_an_inactive_member_gives_none(member, django_assert_num_queries):
    raw = issue_token(member)
    ApiToken.objects.filter(member=member).update(revoked_at=timezone.now())
    with django_assert_num_queries(1):
        assert member_for_bearer(f"Bearer {raw}") is None
    raw = issue_token(member)
    Member.objects.filter(pk=member.pk).update(is_active=False)
    assert member_for_bearer(f"Bearer {raw}") is None
    assert member_for_bearer("Bearer not-a-token") is None


@pytest.mark.django_db(transaction=True)
def test_the_token_query_is_the_health_check(member, monkeypatch):
    """CONN_HEALTH_CHECKS without its SELECT 1: a broken connection is replaced and the query run again."""
    from django.db import connections

    connection = connections["default"]  # the wrapper itself (not the proxy): monkeypatch restores it
    raw = issue_token(member)
    connection.ensure_connection()
    monkeypatch.setattr(connection, "health_check_enabled", True)
    monkeypatch.setattr(connection, "is_usable", lambda: pytest.fail("a SELECT 1 round trip"))
    monkeypatch.setattr(connection, "health_check_done", False)
    assert member_for_bearer(f"Bearer {raw}").pk == member.pk
    assert connection.health_check_done

    if connection.vendor != "postgresql":
        return  # SQLite's connections do not break
    connection.health_check_done = False
    broken = connection.connection
    broken.close()  # as when the server went away
    assert member_for_bearer(f"Bearer {raw}").pk == member.pk
    assert connection.connection is not broken


def _advisory_locks_held() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_session_lock_is_always_released(
    space, room, member, practice, coordinator, at, django_capture_on_commit_callbacks
):
    """PostgreSQL in autocommit (a request): the lock comes with the context's query and goes after the write,
    whatever the answer; the booking, its audit entry and its email as inside a transaction."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the session lock is PostgreSQL's")
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        made = services.create_single_booking_fast(member, room.pk, at(3, 10), at(3, 12), practice_id=practice.pk)
    assert _advisory_locks_held() == 0
    booking = Booking.objects.get(pk=made.id)
    assert (booking.status, booking.booked_by_id, booking.start) == ("confirmed", member.pk, at(3, 10))
    assert AuditEntry.objects.filter(action="bookings.created", object_id=str(made.id)).count() == 1
    assert [m.subject for m in mail.outbox] == ["Booking confirmed: Studio 2"]

    with pytest.raises(services.BookingConflict):
        services.create_single_booking_fast(member, room.pk, at(3, 11), at(3, 13), practice_id=practice.pk)
    assert _advisory_locks_held() == 0
    services.save_policy(space, by=coordinator, resource=room, max_duration_minutes=60)
    with pytest.raises(services.BookingRefused):
        services.create_single_booking_fast(member, room.pk, at(4, 10), at(4, 12), practice_id=practice.pk)
    assert _advisory_locks_held() == 0
    assert services.create_single_booking_fast(member, room.pk, at(4, 10), at(4, 11), practice_id=999999) is None
    assert services.create_single_booking_fast(member, 999999, at(4, 10), at(4, 11)) is None
    assert _advisory_locks_held() == 0
    assert Booking.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_without_session_locks_the_transaction_lock_is_used(settings, room, member, practice, at):
    """DB_SESSION_LOCKS=0 (behind a pooler in transaction mode): the same booking, no session lock left."""
    from django.db import connection

    settings.DB_SESSION_LOCKS = False
    made = services.create_single_booking_fast(member, room.pk, at(3, 10), at(3, 12), practice_id=practice.pk)
    assert Booking.objects.get(pk=made.id).status == "confirmed"
    with pytest.raises(services.BookingConflict):
        services.create_single_booking_fast(member, room.pk, at(3, 11), at(3, 13), practice_id=practice.pk)
    if connection.vendor == "postgresql":
        assert _advisory_locks_held() == 0


@pytest.fixture
def tasks_in_database(settings):
    """The production task backend (django-tasks-db), instead of the tests' immediate one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _task_rows(exclude=()):
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.exclude(id__in=exclude).order_by("enqueued_at").values())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("pending", [False, True])
def test_the_email_task_is_written_with_the_booking(
    space, room, member, practice, coordinator, at, tasks_in_database, pending
):
    """With the tasks in the database, the short path writes the email task in the booking's own write (on
    PostgreSQL the same statement), the very row ``send_notification.enqueue`` writes; the worker sends it."""
    from django.core.management import call_command
    from django.db import connection

    from bookings.tasks import send_notification

    if pending:
        services.save_policy(space, by=coordinator, resource=room, requires_approval=True)
    made = services.create_single_booking_fast(member, room.pk, at(3, 10), at(3, 12), practice_id=practice.pk)
    (written,) = _task_rows()
    name = "booking_pending" if pending else "booking_confirmed"
    assert written["args_kwargs"] == {"args": [name, [made.id]], "kwargs": {}}

    send_notification.enqueue(name, [made.id])
    (by_enqueue,) = _task_rows(exclude=[written["id"]])
    assert written["id"] != by_enqueue["id"]
    for row in (written, by_enqueue):
        row.pop("id"), row.pop("enqueued_at")
    assert written == by_enqueue
    if connection.vendor == "postgresql":
        assert _advisory_locks_held() == 0

    mail.outbox = []
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert [r["status"] for r in _task_rows()] == ["SUCCESSFUL", "SUCCESSFUL"]
    sent = sorted((m.to[0], m.subject) for m in mail.outbox)  # each email twice: once per task
    assert sent and sent[::2] == sent[1::2]
    assert (member.email, "Booking confirmed: Studio 2") in sent or pending


@pytest.mark.django_db(transaction=True)
def test_no_email_task_without_the_booking(room, member, practice, at, tasks_in_database):
    """The task is written with the booking or not at all: a conflict, and a booking rolled back, leave none."""
    from django.db import connection

    services.create_single_booking_fast(member, room.pk, at(3, 10), at(3, 12), practice_id=practice.pk)
    with pytest.raises(services.BookingConflict):
        services.create_single_booking_fast(member, room.pk, at(3, 11), at(3, 13), practice_id=practice.pk)
    assert len(_task_rows()) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        services.create_single_booking_fast(member, room.pk, at(4, 10), at(4, 12), practice_id=practice.pk)
        services.create_booking(room, at(5, 10), at(5, 12), by=member, practice=practice)
        assert len(_task_rows()) == 3
        raise RuntimeError("rolled back")
    assert len(_task_rows()) == 1
    assert Booking.objects.count() == 1
    if connection.vendor == "postgresql":
        assert _advisory_locks_held() == 0


def test_the_short_path_writes_its_task_without_a_query_of_its_own(
    api, room, member, practice, at, tasks_in_database, django_assert_num_queries
):
    """On PostgreSQL the email task costs no round trip (it is in the booking's statement); elsewhere one."""
    from django.db import connection

    client = api(member)
    client.post("/api/v1/bookings", body(room, practice, at(3, 8), at(3, 9)), format="json")  # token's last use
    expected = 6 if connection.vendor == "postgresql" else 8
    with django_assert_num_queries(expected):
        response = client.post("/api/v1/bookings", body(room, practice, at(3, 10), at(3, 12)), format="json")
    assert response.status_code == 201
    assert [r["args_kwargs"]["args"][1] for r in _task_rows()][-1] == [response.json()["id"]]
