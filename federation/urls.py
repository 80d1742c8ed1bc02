from django.urls import path

from . import views

app_name = "federation"

urlpatterns = [
    path("spaces/<slug:slug>/manage/partners/", views.partners, name="partners"),
    path("spaces/<slug:slug>/manage/partners/<int:pk>/remove/", views.partner_remove, name="partner-remove"),
    path("spaces/<slug:slug>/manage/partners/revocations/", views.revocations, name="revocations"),
    path("network/passes/", views.passes, name="passes"),
    path("network/passes/consent/<int:pk>/", views.consent, name="consent"),
    path("network/pass/", views.arrive, name="arrive"),
    path("network/partners/", views.partner_network, name="partner-network"),
]
