"""CPU time of a benchmark's own process and of its PostgreSQL backend (when the server runs on this machine):
on a shared, loaded machine the wall-clock times move with other people's work, the CPU spent per call much less."""

from __future__ import annotations

import os
import time


class CpuMeter:
    """``with CpuMeter(connection) as cpu: ...`` then ``cpu.python`` and ``cpu.postgres`` in seconds
    (``postgres`` is None when the backend's /proc entry cannot be read: another machine, or not PostgreSQL)."""

    def __init__(self, connection):
        self.connection = connection
        self.python = 0.0
        self.postgres: float | None = None

    def _backend(self) -> float | None:
        if self.connection.vendor != "postgresql":
            return None
        self.connection.ensure_connection()
        pid = self.connection.connection.info.backend_pid
        try:
            with open(f"/proc/{pid}/stat") as stat:
                name, fields = stat.read().rsplit(")", 1)
        except OSError:
            return None
        if "postgres" not in name:  # a server elsewhere: that pid is not its backend
            return None
        fields = fields.split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __enter__(self):
        self._backend_start = self._backend()
        self._start = time.process_time()
        return self

    def __exit__(self, *exc):
        self.python = time.process_time() - self._start
        end = self._backend()
        if end is not None and self._backend_start is not None:
            self.postgres = end - self._backend_start
        return False

    def per_call(self, calls: int) -> str:
        text = f"Python {self.python / calls * 1000:.2f} ms"
        if self.postgres is not None:
            text += f", PostgreSQL {self.postgres / calls * 1000:.2f} ms"
        return text
