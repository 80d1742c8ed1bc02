"""/api/v1/: the REST API. Each domain keeps its endpoints in its own module of this package."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView

from . import (
    allocation,
    auth,
    bookings,
    bookings_series,
    community,
    costs,
    federation,
    governance,
    network,
    not_found,
    programme,
    spaces,
)

app_name = "api"

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs", SpectacularRedocView.as_view(url_name="api:schema"), name="docs"),
    *auth.urlpatterns,
    *spaces.urlpatterns,
    *community.urlpatterns,
    *bookings.urlpatterns,
    *bookings_series.urlpatterns,
    *costs.urlpatterns,
    *programme.urlpatterns,
    *governance.urlpatterns,
    *network.urlpatterns,
    *federation.urlpatterns,
    *allocation.urlpatterns,
    # Last: any other path under /api/v1/ is a JSON 404, not Django's HTML page.
    re_path(r"^.*$", not_found.NotFound.as_view(), name="not-found"),
]
