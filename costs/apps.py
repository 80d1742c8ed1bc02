from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CostsConfig(AppConfig):
    name = "costs"
    verbose_name = _("Shared costs")

    def ready(self):
        from core import navigation, periodic

        from . import rules, services

        navigation.space_section("costs", _("Shared costs"), "costs:periods", order=40, visible=rules.can_read)
        periodic.register("costs.reminders", services.send_reminders)
