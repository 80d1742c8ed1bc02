"""Changes made in Django's admin are written to the audit log too."""

import pytest

from community.models import PracticeMember
from core.models import AuditEntry
from tests.factories import MemberFactory, PracticeFactory, PracticeMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = MemberFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    client.admin = admin
    return client


def _change_form_data(page) -> dict:
    """What the admin's change page would post back unchanged: the form and every inline form."""
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): management[k].value() for k in management.fields})
        for inline_form in formset.initial_forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value not in (None, False):
                    data[inline_form.add_prefix(name)] = value
    return data


def test_admin_change_is_audited_without_password(admin_client):
    practice = PracticeFactory(name="Before")
    url = f"/admin/community/practice/{practice.pk}/change/"
    data = _change_form_data(admin_client.get(url))
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


def test_an_inline_deleted_in_the_admin_is_audited_with_its_id(admin_client):
    practice = PracticeFactory(name="Atelier")
    link = PracticeMemberFactory(practice=practice)
    url = f"/admin/community/practice/{practice.pk}/change/"
    page = admin_client.get(url)
    data = _change_form_data(page)
    formset = page.context["inline_admin_formsets"][0].formset
    data[formset.initial_forms[0].add_prefix("DELETE")] = "on"
    admin_client.post(url, data)
    assert not PracticeMember.objects.filter(pk=link.pk).exists()
    entry = AuditEntry.objects.get(action="admin.deleted", object_type="community.practicemember")
    assert entry.object_id == str(link.pk)
