"""Routes outside the language prefix: the root redirects to the visitor's language; machine endpoints."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.root_redirect, name="root"),
    path("healthz", views.healthz, name="healthz"),
]
