from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "federation"
    verbose_name = _("Federation")

    def ready(self):
        from core import navigation, periodic
        from spaces import rules as space_rules

        from . import remote, services

        periodic.register("federation.refresh_partners", remote.refresh_partners)
        periodic.register("federation.purge_used_passes", services.purge_used_passes)
        navigation.space_section(
            "partners", _("Partner installations"), "federation:partners", order=85, visible=space_rules.can_manage
        )
        navigation.member_link("network-passes", _("My network passes"), "federation:passes", order=70)
        navigation.member_link("partner-network", _("Partner network"), "federation:partner-network", order=71)
