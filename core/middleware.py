from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation

from .access import LoginRequired, login_redirect


class MemberLanguageMiddleware:
    """Turns LoginRequired into a login redirect, and keeps a signed-in member's language in the cookie.

    When a view (or the sign-in signal, community.apps) sets ``request.plek_language`` — on sign-in and on saving
    the profile — the cookie is set to it and a redirect is translated into that language, so the member lands
    in their language. Otherwise the cookie is only set when missing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        chosen = getattr(request, "plek_language", None)
        if chosen in dict(settings.LANGUAGES):
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, samesite="Lax")
            if isinstance(response, HttpResponseRedirect) and not request.path.startswith("/api/"):
                response["Location"] = translate_url(response["Location"], chosen)
            return response
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith("/api/")
            and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) is None
        ):
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, LoginRequired):
            return login_redirect(request)
        return None


def activate_for(member):
    """Context manager: the member's language, for emails."""
    return translation.override(getattr(member, "language", None) or settings.LANGUAGE_CODE)
