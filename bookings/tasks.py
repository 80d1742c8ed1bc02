"""Background jobs of bookings (django-tasks; the worker is ``manage.py db_worker``)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django_tasks import task

# The notifications the services enqueue here (the others are sent after the commit, in the request).
SENT_BY_TASK = ("booking_confirmed", "booking_pending")


@task()
def send_notification(name: str, booking_ids: list[int]) -> int:
    """Send bookings.notifications.<name> about these bookings (enqueued after the commit that made them).

    Returns the number of emails sent (0 when the bookings are gone).
    """
    from . import notifications
    from .models import Booking

    if name not in SENT_BY_TASK:
        raise ValueError(f"not a booking notification sent by this task: {name}")

    bookings = list(
        Booking.objects.filter(pk__in=booking_ids)
        .select_related("resource__space", "booked_by", "practice")
        .order_by("start", "id")
    )
    if not bookings:
        return 0
    return getattr(notifications, name)(bookings)


def written_with_bookings() -> bool:
    """Whether send_notification's rows go to the bookings' own database (django-tasks-db, the default backend
    in production): then a booking's email task is written in the booking's transaction, an outbox — the task is
    there exactly when the booking is (a crash after the commit loses no email; a rollback sends none)."""
    from django.db import router
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from .models import Booking

    backend = send_notification.get_backend()
    return isinstance(backend, DatabaseBackend) and router.db_for_write(DBTaskResult) == router.db_for_write(Booking)


@dataclass
class QueuedRow:
    """The row ``send_notification.enqueue(name, [<booking id>])`` writes (django-tasks-db), for a statement that
    inserts it itself: ``columns`` and ``values`` as the ORM would write them (defaults, pre_save, the database's
    types), the booking ids left empty in ``values[args_index]`` for that statement to fill in."""

    name: str
    columns: list[str]
    values: list
    args_index: int
    fields: dict  # the row's field values by attname, for the TaskResult the signal carries

    @property
    def shape(self) -> tuple[str | None, ...]:
        """The columns, None for those whose value is NULL (the statement writes NULL there, no parameter)."""
        return tuple(c if v is not None else None for c, v in zip(self.columns, self.values, strict=True))

    @property
    def params(self) -> list:
        """The values but the NULLs, in the order of ``shape``'s columns."""
        return [v for v in self.values if v is not None]

    def enqueued(self, booking_ids: list[int]) -> None:
        """What ``enqueue`` does once the row is written: the ``task_enqueued`` signal (after the commit)."""
        from django.db import transaction
        from django_tasks_db.compat import task_enqueued
        from django_tasks_db.models import DBTaskResult

        fields = {**self.fields, "args_kwargs": {"args": [self.name, list(booking_ids)], "kwargs": {}}}
        result = DBTaskResult(**fields)
        backend = send_notification.get_backend()
        transaction.on_commit(lambda: task_enqueued.send(type(backend), task_result=result.task_result))


def queued_row(name: str, connection) -> QueuedRow:
    """The task row of ``send_notification(name, [<booking id>])``, built as django-tasks-db's
    ``DatabaseBackend.enqueue`` builds it (tests/bookings_api/test_fast_path.py compares the two rows): the row
    of ``_queued_template``, with a new id and the time of enqueueing."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    backend = send_notification.get_backend()
    template = _queued_template(name, backend, connection.vendor)
    fields = {**template.fields, "id": backend._get_id(), "enqueued_at": timezone.now()}
    values = list(template.values)
    for attname in _PER_TASK:
        field = DBTaskResult._meta.get_field(attname)
        values[template.columns.index(field.column)] = field.get_db_prep_save(fields[attname], connection)
    return QueuedRow(name, template.columns, values, template.args_index, fields)


# The fields that differ from one task to the next: the others are the same for every task of one notification
# and backend.
_PER_TASK = ("id", "enqueued_at")


@functools.lru_cache(maxsize=16)
def _queued_template(name: str, backend, vendor: str) -> QueuedRow:
    """The task row, as ``DatabaseBackend._task_to_db_task`` makes it: the model's defaults, the ``pre_save``
    signal (``run_after``), each field's ``pre_save`` (``enqueued_at``) and its value for the database."""
    from django.db import connection
    from django.db.models.signals import pre_save
    from django_tasks_db.compat import normalize_json
    from django_tasks_db.models import DBTaskResult

    if name not in SENT_BY_TASK:
        raise ValueError(f"not a booking notification sent by this task: {name}")
    task = send_notification
    backend.validate_task(task)
    result = DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": [name, []], "kwargs": {}}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after,
        backend_name=backend.alias,
    )
    pre_save.send(sender=DBTaskResult, instance=result, raw=False, using=connection.alias, update_fields=None)
    fields = DBTaskResult._meta.local_concrete_fields
    values = [f.get_db_prep_save(f.pre_save(result, True), connection) for f in fields]
    attnames = [f.attname for f in fields]
    by_name = {f.attname: getattr(result, f.attname) for f in fields}
    return QueuedRow(name, [f.column for f in fields], values, attnames.index("args_kwargs"), by_name)
