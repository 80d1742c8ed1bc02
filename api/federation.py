"""/api/v1/network/passes, /api/v1/network/partners: federation between plek installations (issue 7)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
