from django.db import connection
from django.db.models import Count
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation

from spaces.models import Network, Space


def root_redirect(request):
    """Send ``/`` to the home page in the visitor's language (cookie, then the browser's preference)."""
    language = translation.get_language_from_request(request, check_path=False)
    with translation.override(language):
        return HttpResponseRedirect(reverse("core:home"))


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def home(request):
    """The front page: the networks (with how many spaces each) and the most recently added spaces."""
    networks = Network.objects.annotate(space_count=Count("spaces")).order_by("name")
    spaces = Space.objects.select_related("network").order_by("-created_at", "-id")[:6]
    return render(request, "core/home.html", {"networks": networks, "spaces": spaces})
