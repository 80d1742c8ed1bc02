"""Periodic jobs (reminders, expiries), registered by apps in ``AppConfig.ready()`` and run by
``manage.py run_periodic`` from cron or a systemd timer (every 5 minutes; see README)."""

from __future__ import annotations

from collections.abc import Callable

JOBS: dict[str, Callable[[], object]] = {}


def register(name: str, func: Callable[[], object]) -> None:
    JOBS[name] = func
