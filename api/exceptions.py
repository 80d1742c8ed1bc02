"""Every API error is JSON ``{"code": …, "message": …, "fields": {…}}``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The request conflicts with the current state.")
    default_code = "conflict"

    def __init__(self, detail=None, code=None, extra: dict | None = None):
        super().__init__(detail, code)
        self.extra = extra or {}


CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "throttled",
}


def _flatten(detail) -> dict:
    if isinstance(detail, dict):
        return {k: _messages(v) for k, v in detail.items()}
    return {}


def _messages(value):
    if isinstance(value, list):
        out = []
        for v in value:
            out.extend(_messages(v) if isinstance(v, list) else [_messages(v) if isinstance(v, dict) else str(v)])
        return out
    if isinstance(value, dict):
        return {k: _messages(v) for k, v in value.items()}
    return [str(value)]


def error_response(status_code: int, message: str, *, code: str | None = None, fields=None, **extra) -> Response:
    body = {"code": code or CODES.get(status_code, "error"), "message": message, "fields": fields or {}}
    body.update(extra)
    return Response(body, status=status_code)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    elif isinstance(exc, IntegrityError):
        exc = Conflict(_("The change conflicts with existing data."))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, OverflowError):
        # An id beyond 64 bits (SQLite cannot even compare it) or a date near year 1 or 9999 that a time zone
        # pushes out of range: the request's fault, not the server's.
        exc = exceptions.ValidationError(
            {"non_field_errors": [_("A number or a date in the request is out of range.")]}
        )

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    detail = getattr(exc, "detail", None)
    fields = {}
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(detail) if isinstance(detail, dict) else {"non_field_errors": _messages(detail)}
        non_field = fields.get("non_field_errors")
        message = non_field[0] if non_field else _("The request is not valid; see fields.")
        code = "invalid"
    else:
        message = str(detail) if detail is not None else str(exc)
        code = getattr(detail, "code", None) or CODES.get(response.status_code, "error")
        if response.status_code == 401:
            code = "not_authenticated"
        elif response.status_code == 404:
            code = "not_found"
    body = {"code": code, "message": message, "fields": fields}
    body.update(getattr(exc, "extra", {}) or {})
    response.data = body
    return response
