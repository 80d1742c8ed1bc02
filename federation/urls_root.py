"""Machine routes of the federation outside the language prefix (/.well-known/plek.json, signed feeds, status list)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
