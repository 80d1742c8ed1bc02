"""Background jobs of allocation rounds (django-tasks; the worker is ``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def solve_round(run_id: int) -> None:
    """Compute a round's timetable; progress and the answer are stored on the SolveRun."""
    from . import services

    services.run_solve(run_id)
