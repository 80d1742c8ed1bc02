from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    name = "allocation"
    verbose_name = _("Allocation rounds")

    def ready(self):
        from core import navigation

        from . import rules

        navigation.space_section(
            "allocation", _("Allocation rounds"), "allocation:rounds", order=35, visible=rules.can_read
        )
