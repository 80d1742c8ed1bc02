from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    name = "spaces"
    verbose_name = _("Spaces")

    def ready(self):
        from core import navigation

        from . import rules

        navigation.space_section("about", _("About"), "spaces:detail", order=0)
        navigation.space_section(
            "manage", _("Manage"), "spaces:manage", order=900, visible=lambda user, space: rules.can_manage(user, space)
        )
