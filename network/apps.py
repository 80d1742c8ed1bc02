from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Network")

    def ready(self):
        from core import navigation

        from . import rules

        navigation.space_section("network", _("Network"), "network:visitors", order=70, visible=rules.can_see_visitors)
        navigation.member_link("network", _("My network"), "network:mine", order=40)
