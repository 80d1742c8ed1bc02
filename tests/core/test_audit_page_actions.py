"""The audit page says what happened in plain, translated words (core.audit.ACTION_LABELS); the stored action keeps
its raw, machine-readable name, and an action without a label is shown by that name."""

from __future__ import annotations

import ast
from pathlib import Path

from django.utils import translation

from core import audit
from core.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "tests", "migrations", "bench", "node_modules", "staticfiles", "locale"}
# Actions built at run time, and every value they take.
DYNAMIC = {
    "allocation/services/timetable.py": {"allocation.swap_accepted", "allocation.swap_declined"},
    "bookings/services.py": {"bookings.approved", "bookings.refused"},
    "core/admin.py": {"admin.changed", "admin.created"},
    "governance/services/agreements.py": {
        "governance.agreement_notice_reminder_sent",
        "governance.agreement_end_reminder_sent",
    },
}


def written_actions() -> tuple[set[str], set[str]]:
    """The actions the code passes to ``audit.record`` as a literal, and the files that build one at run time."""
    literal, dynamic = set(), set()
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED & set(relative.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and len(node.args) >= 2):
                continue
            func = node.func
            if not (isinstance(func, ast.Attribute) and func.attr == "record" and getattr(func.value, "id", None)):
                continue
            if func.value.id != "audit":
                continue
            action = node.args[1]
            if isinstance(action, ast.Constant) and isinstance(action.value, str):
                literal.add(action.value)
            else:
                dynamic.add(relative.as_posix())
    return literal, dynamic


def test_every_action_the_code_writes_has_plain_words():
    literal, dynamic = written_actions()

    assert dynamic <= set(DYNAMIC), f"actions built at run time: list their values in DYNAMIC: {dynamic - set(DYNAMIC)}"
    actions = literal | set().union(*(DYNAMIC[f] for f in dynamic))
    missing = sorted(actions - set(audit.ACTION_LABELS))
    assert len(actions) > 100
    assert missing == [], f"add plain words for these actions to core.audit.ACTION_LABELS: {missing}"


def test_action_label_in_plain_words_and_raw_name_for_unknown_actions():
    with translation.override("en"):
        assert audit.action_label("bookings.created") == "booking made"
        assert audit.action_label("costs.period_closed") == "cost period closed"
        assert audit.action_label("something.new") == "something.new"
        assert audit.action_label("") == ""


def test_audit_page_shows_plain_words(client_for, space, coordinator):
    audit.record(space, "spaces.space_updated", by=coordinator, before={"a": 1}, after={"a": 2})
    audit.record(space, "plugin.did_something", by=coordinator)

    html = client_for(coordinator).get(f"/en/spaces/{space.slug}/manage/audit/").content.decode()

    assert '<span title="spaces.space_updated">space changed</span>: Werkplaats' in html
    assert '<span title="plugin.did_something">plugin.did_something</span>: Werkplaats' in html


def test_audit_page_in_french(client_for, space, coordinator):
    audit.record(space, "spaces.space_updated", by=coordinator)

    html = client_for(coordinator).get(f"/fr/spaces/{space.slug}/manage/audit/").content.decode()

    assert '<span title="spaces.space_updated">espace modifié</span>' in html


def test_the_stored_action_keeps_its_raw_name(space, coordinator):
    audit.record(space, "spaces.space_updated", by=coordinator)

    with translation.override("fr"):
        assert AuditEntry.objects.get().action == "spaces.space_updated"
