"""The last route of /api/v1/: any path that no endpoint matches answers a JSON 404 (api.exceptions' format)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.views import APIView


@extend_schema(exclude=True)
class NotFound(APIView):
    """Every method of an unknown path: 404 ``{"code": "not_found", "message": …, "fields": {}}``."""

    # Whoever asks, and with whatever credentials, an unknown path is a 404 (never a 401 or 403).
    authentication_classes: list = []
    permission_classes: list = []

    def _not_found(self, request, *args, **kwargs):
        raise exceptions.NotFound(_("There is no such address in the API."))

    get = post = put = patch = delete = head = options = _not_found
