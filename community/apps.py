from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(remember_language, dispatch_uid="community.remember_language")


def remember_language(sender, request, user, **kwargs):
    """On sign-in the member lands in their language (core.middleware sets the cookie and translates the redirect)."""
    if request is not None and getattr(user, "language", None):
        request.plek_language = user.language
