"""Public machine documents: the installation's description, its signed feed and its signed status list."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from . import documents

JWT = "application/jwt"


@require_GET
@cache_control(public=True, max_age=300)
def well_known(request):
    response = JsonResponse(documents.well_known())
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@cache_control(public=True, max_age=300)
def feed(request):
    return HttpResponse(documents.feed_document(), content_type=JWT)


@require_GET
@cache_control(public=True, max_age=60)
def status(request):
    try:
        token = documents.status_list(request.GET.get("aud", ""))
    except ValidationError:
        return JsonResponse(
            {"code": "invalid", "message": "Give ?aud= the base URL of the host installation."}, status=400
        )
    return HttpResponse(token, content_type=JWT)
