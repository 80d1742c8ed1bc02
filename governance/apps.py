from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Co-governance")

    def ready(self):
        from core import navigation, periodic
        from spaces import rules as space_rules

        from . import changes
        from .services import agreements, documents, proposals, rota

        changes.register_builtin()
        periodic.register("governance.close_proposals", proposals.close_due_proposals)
        periodic.register("governance.agreement_reminders", agreements.send_reminders)
        periodic.register("governance.shift_reminders", rota.send_reminders)
        navigation.space_section(
            "governance", _("Governance"), "governance:overview", order=60, visible=space_rules.is_member
        )
        navigation.space_section(
            "incidents", _("Incidents"), "governance:incidents", order=61, visible=space_rules.is_member
        )
        navigation.member_link(
            "house-rules",
            _("House rules to acknowledge"),
            "governance:acknowledgements",
            order=60,
            visible=lambda user: bool(documents.pending_acknowledgements(user)),
        )
