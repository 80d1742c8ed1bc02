"""The guarantee "a space keeps at least one coordinator" holds when two removals run at the same time."""

import threading

import pytest
from django.db import connection

from spaces import services
from spaces.models import RoleAssignment
from tests import factories as f

Role = RoleAssignment.Role
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the race test needs PostgreSQL's concurrency"),
]


def test_two_coordinators_stepping_down_at_once_leave_one():
    space = f.SpaceFactory()
    first, second = f.MemberFactory(), f.MemberFactory()
    role_of_first = f.RoleAssignmentFactory(space=space, member=first, role=Role.COORDINATOR)
    role_of_second = f.RoleAssignmentFactory(space=space, member=second, role=Role.COORDINATOR)
    barrier = threading.Barrier(2)
    outcomes = []

    def remove(role, by):
        try:
            barrier.wait()
            services.remove_role(RoleAssignment.objects.select_related("space").get(pk=role.pk), by=by)
            outcomes.append("removed")
        except services.LastCoordinator:
            outcomes.append("refused")
        except Exception as error:  # shown in the assertion below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=remove, args=(role_of_first, first)),
        threading.Thread(target=remove, args=(role_of_second, second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "removed"]
    assert RoleAssignment.objects.filter(space=space, role=Role.COORDINATOR).count() == 1
