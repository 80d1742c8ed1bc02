"""/api/v1/bookings and /api/v1/availability: book, list, cancel, approve, refuse; find free resources.

Thin endpoints over bookings.services. Members see their spaces' bookings; everyone sees public bookings;
another space's private booking is a 404.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from decimal import Decimal

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import availability, services
from bookings import rules as booking_rules
from bookings.models import Booking
from bookings.queries import my_bookings, visible_bookings
from community.models import Practice
from spaces import rules as space_rules
from spaces.models import Network, Resource, Space

from .access import require_authenticated
from .authentication import member_for_bearer
from .exceptions import Conflict
from .pagination import Pagination


class OffsetDateTimeField(serializers.DateTimeField):
    """ISO 8601 with a UTC offset; a time without one is refused (we would have to guess the zone)."""

    default_error_messages = {
        "naive": _("Give the time with its UTC offset, e.g. 2026-05-04T19:00:00+02:00."),
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            parsed = parse_datetime(value.strip())
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        result = super().to_internal_value(value)
        return result.astimezone(dt.UTC)


# Formats a datetime like a serializer's DateTimeField (ISO 8601, in the current time zone).
_DATETIME = serializers.DateTimeField()


# The fields describe a booking (and the OpenAPI schema); ``to_representation`` builds the same JSON by hand,
# because DRF would rebuild this ModelSerializer's fields for every instance (≈1 ms a booking, in every POST
# response and in pages of 50). tests/bookings_api/test_api.py checks that both give the same JSON.
class BookingSerializer(serializers.ModelSerializer):
    space = serializers.IntegerField(source="resource.space_id", read_only=True)
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    practice_name = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    price = serializers.SerializerMethodField(help_text="What a guest pays (null when free); members only.")

    class Meta:
        model = Booking
        fields = [
            "id",
            "resource",
            "resource_name",
            "space",
            "practice",
            "practice_name",
            "title",
            "start",
            "end",
            "status",
            "kind",
            "series",
            "is_public",
            "price",
            "created_at",
        ]
        read_only_fields = fields

    def get_price(self, booking) -> Decimal | None:
        if booking.price is None or not self._details_visible(booking):
            return None
        return booking.price

    def _details_visible(self, booking) -> bool:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return booking.is_public or space_rules.is_member(user, booking.resource.space_id)

    def get_practice_name(self, booking) -> str | None:
        if booking.practice_id is None or not self._details_visible(booking):
            return None
        return booking.practice.name

    def get_title(self, booking) -> str:
        return booking.title if self._details_visible(booking) else ""

    def to_representation(self, booking):
        visible = self._details_visible(booking)
        when = _DATETIME.to_representation
        return {
            "id": booking.pk,
            "resource": booking.resource_id,
            "resource_name": booking.resource.name,
            "space": booking.resource.space_id,
            "practice": booking.practice_id if visible else None,
            "practice_name": booking.practice.name if visible and booking.practice_id is not None else None,
            "title": booking.title if visible else "",
            "start": when(booking.start),
            "end": when(booking.end),
            "status": booking.status,
            "kind": booking.kind,
            "series": booking.series_id,
            "is_public": booking.is_public,
            "price": booking.price if visible else None,
            "created_at": when(booking.created_at),
        }


class BookingCreateSerializer(serializers.Serializer):
    resource = serializers.PrimaryKeyRelatedField(queryset=Resource.objects.select_related("space"))
    practice = serializers.PrimaryKeyRelatedField(queryset=Practice.objects.all(), required=False, allow_null=True)
    start = OffsetDateTimeField()
    end = OffsetDateTimeField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    recurrence = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    exdates = serializers.ListField(child=OffsetDateTimeField(), required=False, default=list, max_length=200)
    is_public = serializers.BooleanField(required=False, default=False)
    on_conflict = serializers.ChoiceField(choices=["fail", "skip"], required=False, default="fail")

    def validate_resource(self, resource):
        if not space_rules.resource_is_visible(self.context["request"].user, resource):
            raise serializers.ValidationError(_("Unknown resource."))
        return resource

    def validate(self, data):
        if data["end"] <= data["start"]:
            raise serializers.ValidationError({"end": [_("The end must be after the start.")]})
        return data


class BookingCreatedSerializer(BookingSerializer):
    occurrences = serializers.SerializerMethodField()

    class Meta(BookingSerializer.Meta):
        fields = [*BookingSerializer.Meta.fields, "occurrences"]
        read_only_fields = fields

    def get_occurrences(self, booking) -> list[dict]:
        return [BookingSerializer.to_representation(self, b) for b in self.context.get("all", [booking])]

    def to_representation(self, booking):
        data = super().to_representation(booking)
        data["occurrences"] = self.get_occurrences(booking)
        return data


class ConflictSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    reason = serializers.CharField()


def conflict_error(error: services.BookingConflict) -> Conflict:
    return Conflict(
        error.message, code="conflict", extra={"conflicts": ConflictSerializer(error.conflicts, many=True).data}
    )


# Ids beyond a 64-bit integer are refused with a 400 (the database cannot even compare them).
MAX_ID = 2**63 - 1


class BookingFilterSerializer(serializers.Serializer):
    resource = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    space = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    start = OffsetDateTimeField(required=False)
    end = OffsetDateTimeField(required=False)
    mine = serializers.BooleanField(required=False, default=False)
    status = serializers.ChoiceField(choices=Booking.Status.choices, required=False)


def visible_booking(request, pk) -> Booking:
    """The booking if the requester may see it: 401 anonymous (for a private one), 404 another space's."""
    booking = get_object_or_404(Booking.objects.select_related("resource__space", "practice"), pk=pk)
    if booking_rules.can_see(request.user, booking):
        return booking
    require_authenticated(request)
    raise exceptions.NotFound()


def booking_and_reason(request, pk: int):
    """For the actions of the booking's people (cancel, cancel the following dates): the booking, 404 unless the
    requester is a member of its space or booked it, and the reason given in the body (400 when invalid)."""
    require_authenticated(request)
    booking = visible_booking(request, pk)
    if not space_rules.is_member(request.user, booking.resource.space_id) and not booking_rules.is_own(
        request.user, booking
    ):
        raise exceptions.NotFound()
    incoming = ReasonSerializer(data=request.data)
    incoming.is_valid(raise_exception=True)
    return booking, incoming.validated_data["reason"]


def run(action, *args, **kwargs):
    """Call a service and turn its exceptions into API errors."""
    try:
        return action(*args, **kwargs)
    except services.BookingConflict as error:
        raise conflict_error(error) from None
    except services.BookingRefused as error:
        raise exceptions.PermissionDenied(error.reason) from None
    except services.BookingStateError as error:
        raise Conflict(error.message) from None
    except DjangoPermissionDenied as error:
        raise exceptions.PermissionDenied(str(error) or None) from None


class BookingList(generics.ListAPIView):
    """Bookings the requester may see: their spaces' bookings and public ones."""

    serializer_class = BookingSerializer
    pagination_class = Pagination

    @extend_schema(parameters=[BookingFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = BookingFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        if f["mine"]:
            require_authenticated(self.request)
            qs = my_bookings(self.request.user)
        else:
            qs = visible_bookings(self.request.user)
        if "resource" in f:
            qs = qs.filter(resource_id=f["resource"])
        if "space" in f:
            qs = qs.filter(resource__space_id=f["space"])
        if "start" in f:
            qs = qs.filter(end__gt=f["start"])
        if "end" in f:
            qs = qs.filter(start__lt=f["end"])
        if "status" in f:
            qs = qs.filter(status=f["status"])
        return qs.select_related("resource", "practice").order_by("start", "id")

    @extend_schema(
        request=BookingCreateSerializer,
        responses={201: BookingCreatedSerializer},
        description=(
            "Book a resource, once or recurring (`recurrence`: an RFC 5545 RRULE in the space's local time). "
            "201: the first booking with every occurrence; 409 `conflict` with `conflicts` "
            "[{start, end, reason}]; 403 with the reason in `message` when the space's rules forbid it."
        ),
    )
    def post(self, request):
        require_authenticated(request)
        incoming = BookingCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        d = incoming.validated_data
        made = run(
            services.create_booking,
            d["resource"],
            d["start"],
            d["end"],
            by=request.user,
            practice=d.get("practice"),
            title=d["title"],
            recurrence=d["recurrence"] or None,
            exdates=d["exdates"],
            public=d["is_public"],
            on_conflict=d["on_conflict"],
        )
        body = BookingCreatedSerializer(made[0], context={"request": request, "all": made}).data
        return Response(body, status=status.HTTP_201_CREATED)


class BookingDetail(APIView):
    @extend_schema(responses=BookingSerializer)
    def get(self, request, pk: int):
        booking = visible_booking(request, pk)
        return Response(BookingSerializer(booking, context={"request": request}).data)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BookingAction(APIView):
    """POST /bookings/{id}/<verb>: one service per verb."""

    verb = ""

    @extend_schema(request=ReasonSerializer, responses=BookingSerializer)
    def post(self, request, pk: int):
        booking, reason = booking_and_reason(request, pk)
        if self.verb == "cancel":
            booking = run(services.cancel_booking, booking, by=request.user, reason=reason)
        elif self.verb == "approve":
            booking = run(services.approve_booking, booking, by=request.user)
        else:
            booking = run(services.refuse_booking, booking, by=request.user, reason=reason)
        return Response(BookingSerializer(booking, context={"request": request}).data)


class AvailabilityQuerySerializer(serializers.Serializer):
    start = OffsetDateTimeField()
    end = OffsetDateTimeField()
    duration = serializers.IntegerField(required=False, min_value=1, help_text="Minutes; default the whole window.")
    capacity = serializers.IntegerField(required=False, min_value=1)
    kind = serializers.ChoiceField(choices=Resource.Kind.choices, required=False)
    space = serializers.IntegerField(required=False, min_value=1)
    network = serializers.IntegerField(required=False, min_value=1)
    features = serializers.CharField(required=False, help_text="Comma-separated features, all required.")
    accessible = serializers.BooleanField(required=False, default=False)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)

    def validate(self, data):
        if data["end"] <= data["start"]:
            raise serializers.ValidationError({"end": [_("The end must be after the start.")]})
        if data["end"] - data["start"] > dt.timedelta(days=31):
            raise serializers.ValidationError({"end": [_("Search at most 31 days at a time.")]})
        if "space" in data and "network" in data:
            raise serializers.ValidationError({"network": [_("Give a space or a network, not both.")]})
        if data.get("duration") and dt.timedelta(minutes=data["duration"]) > data["end"] - data["start"]:
            raise serializers.ValidationError({"duration": [_("The duration is longer than the window.")]})
        return data


class SlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class FreeResourceSerializer(serializers.Serializer):
    resource = serializers.IntegerField(source="resource.pk")
    name = serializers.CharField(source="resource.name")
    kind = serializers.CharField(source="resource.kind")
    capacity = serializers.IntegerField(source="resource.capacity")
    space = serializers.IntegerField(source="resource.space_id")
    space_name = serializers.CharField(source="resource.space.name")
    city = serializers.CharField(source="resource.space.city")
    slots = serializers.SerializerMethodField()

    def get_slots(self, free) -> list[dict]:
        return [{"start": s, "end": e} for s, e in free.slots]


class Availability(APIView):
    """Resources free in a window, with their free slots (in one space, one network, or everywhere visible)."""

    @extend_schema(
        parameters=[AvailabilityQuerySerializer],
        responses=inline_serializer("AvailabilityResponse", {"results": FreeResourceSerializer(many=True)}),
    )
    def get(self, request):
        incoming = AvailabilityQuerySerializer(data=request.query_params)
        incoming.is_valid(raise_exception=True)
        d = incoming.validated_data
        space = network = None
        if "space" in d:
            space = get_object_or_404(Space, pk=d["space"])
        if "network" in d:
            network = get_object_or_404(Network, pk=d["network"])
        features = [x.strip() for x in d.get("features", "").split(",") if x.strip()]
        found = availability.find_free(
            request.user,
            d["start"],
            d["end"],
            duration=dt.timedelta(minutes=d["duration"]) if d.get("duration") else None,
            capacity=d.get("capacity"),
            kind=d.get("kind"),
            space=space,
            network=network,
            features=features,
            accessible=d["accessible"],
            limit=d["limit"],
        )
        return Response({"results": FreeResourceSerializer(found, many=True).data})


# --- POST /bookings, the short way --------------------------------------------------------------------------
#
# The everyday request, a member booking one slot with a Bearer token, skips DRF's request wrapping, the
# serializers and the ORM (bookings.services.create_single_booking_fast): ≈4 times less CPU. It only takes
# requests whose every field is plainly valid; anything else (another content type or Accept, a query string,
# session authentication, an unknown or bad token, a recurrence, a field DRF would convert or refuse, a
# visitor or a guest) goes to BookingList, which answers as it always has (400, 401, 403, 409 or 201).
# tests/bookings_api/test_fast_path.py checks that both answer the same.

_BOOKING_FIELDS = {"resource", "practice", "start", "end", "title", "recurrence", "exdates", "is_public", "on_conflict"}
_ACCEPTS_JSON = {"*/*", "application/json", "application/*"}
_RENDER = JSONRenderer().render


def _refuse_constant(name):
    raise ValueError(name)  # NaN, Infinity: DRF's strict JSON refuses them


def _plain_datetime(value):
    """OffsetDateTimeField's value for a plain ISO 8601 string with an offset, else None."""
    if type(value) is not str:
        return None
    parsed = parse_datetime(value)
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed.astimezone(timezone.get_current_timezone()).astimezone(dt.UTC)


def _plain_booking(body: bytes) -> dict | None:
    """The fields of a one-off booking request that BookingCreateSerializer would take as they are, else None."""
    try:
        data = json.loads(body.decode(), parse_constant=_refuse_constant)
        if type(data) is not dict:
            return None
        resource, practice = data.get("resource"), data.get("practice")
        if type(resource) is not int or not 0 < resource <= MAX_ID:
            return None
        if practice is not None and (type(practice) is not int or not 0 < practice <= MAX_ID):
            return None
        start, end = _plain_datetime(data.get("start")), _plain_datetime(data.get("end"))
        title = data.get("title", "")
        public = data.get("is_public", False)
        if (
            start is None
            or end is None
            or end <= start
            or type(title) is not str
            or not (title == "" or title.isprintable())
            or type(public) is not bool
            or data.get("recurrence", "") != ""
            or data.get("exdates", []) != []
            or data.get("on_conflict", "fail") not in ("fail", "skip")
        ):
            return None
        title = title.strip()  # CharField trims, then checks the length
        if len(title) > 200:
            return None
    except (ValueError, OverflowError, UnicodeDecodeError):
        return None
    return {"resource": resource, "practice": practice, "start": start, "end": end, "title": title, "public": public}


def _json_response(body, status_code: int) -> HttpResponse:
    response = HttpResponse(_RENDER(body), status=status_code, content_type="application/json")
    response["Allow"] = "GET, POST, HEAD, OPTIONS"  # as DRF's finalize_response says it (a test checks)
    return response


def _made_json(made: services.MadeBooking) -> dict:
    """BookingCreatedSerializer's JSON for a booking the requester's space holds (details visible)."""
    when = _DATETIME.to_representation
    data = {
        "id": made.id,
        "resource": made.resource_id,
        "resource_name": made.resource_name,
        "space": made.space_id,
        "practice": made.practice_id,
        "practice_name": made.practice_name,
        "title": made.title,
        "start": when(made.start),
        "end": when(made.end),
        "status": made.status,
        "kind": made.kind,
        "series": made.series_id,
        "is_public": made.is_public,
        "price": made.price,
        "created_at": when(made.created_at),
    }
    return {**data, "occurrences": [data]}


def post_booking_fast(request) -> HttpResponse | None:
    """Answer POST /bookings the short way, or None when the request is not a plain one (see above)."""
    meta = request.META
    if (
        meta.get("QUERY_STRING")
        or request.content_type != "application/json"
        or request.content_params.get("charset", "utf-8").lower() not in ("utf-8", "utf8")
        or meta.get("HTTP_ACCEPT", "*/*") not in _ACCEPTS_JSON
    ):
        return None
    fields = _plain_booking(request.body)
    if fields is None:
        return None
    member = member_for_bearer(meta.get("HTTP_AUTHORIZATION", ""))
    if member is None:
        return None
    request.user = member  # as DRF sets it once authenticated (the middleware reads it on the way out)
    try:
        made = services.create_single_booking_fast(
            member,
            fields["resource"],
            fields["start"],
            fields["end"],
            practice_id=fields["practice"],
            title=fields["title"],
            public=fields["public"],
        )
    except services.BookingConflict as error:
        conflicts = ConflictSerializer(error.conflicts, many=True).data
        body = {"code": "conflict", "message": str(error.message), "fields": {}, "conflicts": conflicts}
        return _json_response(body, status.HTTP_409_CONFLICT)
    except services.BookingRefused as error:
        body = {"code": "permission_denied", "message": error.reason, "fields": {}}
        return _json_response(body, status.HTTP_403_FORBIDDEN)
    if made is None:
        return None
    return _json_response(_made_json(made), status.HTTP_201_CREATED)


def _bookings_view():
    """BookingList, with POST tried the short way first. Keeps the DRF view's attributes (the OpenAPI schema
    reads ``cls``; CSRF: exempt like every DRF view, session requests go to DRF, which checks CSRF)."""
    drf_view = BookingList.as_view()

    @functools.wraps(drf_view)
    def view(request, *args, **kwargs):
        if request.method == "POST":
            response = post_booking_fast(request)
            if response is not None:
                return response
        return drf_view(request, *args, **kwargs)

    return view


urlpatterns = [
    path("bookings", _bookings_view(), name="bookings"),
    path("bookings/<int:pk>", BookingDetail.as_view(), name="booking-detail"),
    path("bookings/<int:pk>/cancel", BookingAction.as_view(verb="cancel"), name="booking-cancel"),
    path("bookings/<int:pk>/approve", BookingAction.as_view(verb="approve"), name="booking-approve"),
    path("bookings/<int:pk>/refuse", BookingAction.as_view(verb="refuse"), name="booking-refuse"),
    path("availability", Availability.as_view(), name="availability"),
]
