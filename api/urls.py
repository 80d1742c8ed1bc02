"""/api/v1/: the REST API. Each domain keeps its endpoints in its own module of this package."""

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView

from . import allocation, auth, bookings, community, costs, federation, governance, network, programme, spaces

app_name = "api"

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs", SpectacularRedocView.as_view(url_name="api:schema"), name="docs"),
    *auth.urlpatterns,
    *spaces.urlpatterns,
    *community.urlpatterns,
    *bookings.urlpatterns,
    *costs.urlpatterns,
    *programme.urlpatterns,
    *governance.urlpatterns,
    *network.urlpatterns,
    *federation.urlpatterns,
    *allocation.urlpatterns,
]
