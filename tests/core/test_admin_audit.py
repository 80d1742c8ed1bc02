"""Changes made in Django's admin are written to the audit log too."""

import pytest

from core.models import AuditEntry
from tests.factories import MemberFactory, PracticeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = MemberFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    client.admin = admin
    return client


def test_admin_change_is_audited_without_password(admin_client):
    practice = PracticeFactory(name="Before")
    url = f"/admin/community/practice/{practice.pk}/change/"
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(k): management[k].value() for k in management.fields})
    data["name"] = "After"
    response = admin_client.post(url, data)
    practice.refresh_from_db()
    if practice.name != "After":  # show the form errors if the admin refused the data
        pytest.fail(str(response.context["adminform"].form.errors))
    entry = AuditEntry.objects.get(action="admin.changed", object_type="community.practice")
    assert entry.actor == admin_client.admin
    assert entry.before["name"] == "Before" and entry.after["name"] == "After"


def test_admin_delete_is_audited_without_password(admin_client):
    member = MemberFactory()
    admin_client.post(f"/admin/community/member/{member.pk}/delete/", {"post": "yes"})
    entry = AuditEntry.objects.get(action="admin.deleted", object_type="community.member")
    assert "password" not in entry.before
    assert entry.before["email"] == member.email
