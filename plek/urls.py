from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

urlpatterns = [
    path("api/v1/", include("api.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("feeds/", include("programme.feed_urls")),
    path("", include("federation.urls_root")),
    path("", include("core.urls_root")),
]

# Each app's UI routes, under a language prefix (/en/, /fr/, /nl/).
urlpatterns += i18n_patterns(
    path("", include("core.urls")),
    path("", include("spaces.urls")),
    path("", include("community.urls")),
    path("", include("bookings.urls")),
    path("", include("costs.urls")),
    path("", include("programme.urls")),
    path("", include("governance.urls")),
    path("", include("network.urls")),
    path("", include("federation.urls")),
    path("", include("allocation.urls")),
    path("", include("reports.urls")),
    path("accounts/", include("allauth.urls")),
    prefix_default_language=True,
)

# Uploaded files under media/public/ (event images, project images) are public; everything else is served by
# views that check permissions.
urlpatterns += [
    path("media/public/<path:path>", serve, {"document_root": settings.MEDIA_ROOT / "public"}, name="public-media")
]
