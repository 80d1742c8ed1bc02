from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _is_member(user, space) -> bool:
    from spaces import rules

    return rules.is_member(user, space)


def _signed_in(user) -> bool:
    return getattr(user, "is_authenticated", False)


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Bookings")

    def ready(self):
        from core import navigation

        navigation.space_section("bookings", _("Bookings"), "bookings:space-week", order=30, visible=_is_member)
        navigation.space_section(
            "public-calendar",
            _("Public calendar"),
            "bookings:public",
            order=31,
            visible=lambda user, space: not _is_member(user, space),
        )
        navigation.member_link("my-bookings", _("My bookings"), "bookings:mine", order=20, visible=_signed_in)
        navigation.main_link("find-a-place", _("Find a place"), "bookings:find", order=20)
