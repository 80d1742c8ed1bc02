"""Machine routes of the federation outside the language prefix (/.well-known/plek.json, signed feeds, status list)."""

from django.urls import path

from . import views_root

urlpatterns = [
    path(".well-known/plek.json", views_root.well_known, name="federation-wellknown"),
    path("federation/feed", views_root.feed, name="federation-feed"),
    path("federation/status", views_root.status, name="federation-status"),
]
