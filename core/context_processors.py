from django.conf import settings
from django.urls import translate_url


def site(request):
    path = request.get_full_path()
    return {
        "SITE_NAME": settings.SITE_NAME,
        "language_links": [
            {"code": code, "name": settings.LANGUAGE_NAMES_NATIVE[code], "url": translate_url(path, code)}
            for code, _name in settings.LANGUAGES
        ],
    }
