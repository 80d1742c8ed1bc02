from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Programme")

    def ready(self):
        from core import navigation, periodic

        from . import rules, services, signals  # noqa: F401 - connects the receivers

        navigation.main_link("programme-agenda", _("Agenda"), "programme:agenda", order=20)
        navigation.main_link("programme-projects", _("Projects"), "programme:projects", order=30)
        navigation.space_section("programme", _("Programme"), "programme:space", order=40)
        navigation.space_section(
            "services", _("Services"), "programme:services", order=45, visible=rules.can_see_space_services
        )
        navigation.member_link("programme-mine", _("My events and projects"), "programme:mine", order=60)
        periodic.register("programme.reminders", services.send_reminders)
