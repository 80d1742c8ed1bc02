"""/api/v1/ events (the programme), registrations, projects and a space's services.

Reads follow programme.rules (public events for everyone; network and member events for those admitted);
every write goes through programme.services.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.validators import validate_image_file_extension
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from community.models import Practice
from programme import queries, ratelimit, rules, services
from programme.models import LANGUAGE_CODES, Event, Occurrence, Project, Service, Slot
from spaces import rules as space_rules
from spaces.models import Network, Resource, Space

from . import access
from .bookings import ConflictSerializer, OffsetDateTimeField
from .exceptions import Conflict
from .pagination import Pagination

MAX_IMAGE_BYTES = 5 * 1024 * 1024  # as the event form (programme.forms.EventForm.clean_image)


class RateLimited(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = gettext_lazy("Too many requests; try again later.")
    default_code = "rate_limited"

    def __init__(self, detail=None, *, wait: int | None = None):
        super().__init__(detail, "rate_limited")
        self.wait = wait  # DRF's handler turns it into a Retry-After header


# --- serializers ------------------------------------------------------------------------------------------------


class EventSpaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Space
        fields = ["id", "slug", "name", "city", "country", "time_zone"]


class EventPracticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Practice
        fields = ["id", "slug", "name"]


class OccurrenceSerializer(serializers.ModelSerializer):
    places_left = serializers.IntegerField(allow_null=True, read_only=True)
    is_full = serializers.BooleanField(read_only=True)

    class Meta:
        model = Occurrence
        fields = ["id", "start", "end", "capacity", "places_left", "is_full", "is_cancelled"]


class AccessibilitySerializer(serializers.Serializer):
    wheelchair_accessible = serializers.BooleanField()
    hearing_loop = serializers.BooleanField()
    sign_language = serializers.BooleanField()
    relaxed = serializers.BooleanField()
    notes = serializers.CharField(source="accessibility_notes")


class EventSerializer(serializers.ModelSerializer):
    space = EventSpaceSerializer(read_only=True)
    practice = EventPracticeSerializer(read_only=True, allow_null=True)
    accessibility = AccessibilitySerializer(source="*", read_only=True)
    occurrences = OccurrenceSerializer(many=True, read_only=True, source="shown_occurrences")
    image = serializers.SerializerMethodField()
    price = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "title",
            "description",
            "category",
            "languages",
            "audience",
            "space",
            "practice",
            "accessibility",
            "price_kind",
            "price",
            "capacity",
            "image",
            "image_alt",
            "status",
            "occurrences",
        ]

    def get_image(self, event) -> str | None:
        if not event.image:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(event.image.url) if request else event.image.url


class EventCreateSerializer(serializers.Serializer):
    space = serializers.IntegerField()
    resource = serializers.IntegerField(help_text="The room to book (a resource of the space).")
    practice = serializers.IntegerField(required=False, allow_null=True)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    recurrence = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(choices=Event.Category.choices, default=Event.Category.TALK)
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=LANGUAGE_CODES), required=False, default=list, max_length=10
    )
    audience = serializers.ChoiceField(choices=Event.Audience.choices, default=Event.Audience.PUBLIC)
    wheelchair_accessible = serializers.BooleanField(required=False, default=False)
    hearing_loop = serializers.BooleanField(required=False, default=False)
    sign_language = serializers.BooleanField(required=False, default=False)
    relaxed = serializers.BooleanField(required=False, default=False)
    accessibility_notes = serializers.CharField(required=False, allow_blank=True, default="")
    price_kind = serializers.ChoiceField(choices=Event.Price.choices, default=Event.Price.FREE)
    price = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True)
    capacity = serializers.IntegerField(min_value=1, max_value=100000, required=False, allow_null=True)

    def validate(self, data):
        if data.get("end") and data.get("start") and data["end"] <= data["start"]:
            raise serializers.ValidationError({"end": [_("The end must be after the start.")]})
        if data["price_kind"] == Event.Price.FIXED and data.get("price") is None:
            raise serializers.ValidationError({"price": [_("Give the amount of the fixed price.")]})
        return data


class EventUpdateSerializer(serializers.Serializer):
    """What an organiser may change after creation: the descriptive fields and the number of places (for every
    date to come; ``null``: no registration needed). Dates are moved one by one (/occurrences/{id}/move)."""

    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=Event.Category.choices, required=False)
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=LANGUAGE_CODES), required=False, max_length=10
    )
    audience = serializers.ChoiceField(choices=Event.Audience.choices, required=False)
    wheelchair_accessible = serializers.BooleanField(required=False)
    hearing_loop = serializers.BooleanField(required=False)
    sign_language = serializers.BooleanField(required=False)
    relaxed = serializers.BooleanField(required=False)
    accessibility_notes = serializers.CharField(required=False, allow_blank=True)
    price_kind = serializers.ChoiceField(choices=Event.Price.choices, required=False)
    price = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True)
    image_alt = serializers.CharField(max_length=300, required=False, allow_blank=True)
    capacity = serializers.IntegerField(min_value=1, max_value=100000, required=False, allow_null=True)


class EventImageSerializer(serializers.Serializer):
    image = serializers.ImageField(validators=[validate_image_file_extension])
    image_alt = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def validate_image(self, image):
        if image.size > MAX_IMAGE_BYTES:
            raise serializers.ValidationError(_("The image is too large (at most 5 MB)."))
        return image


class CancelReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EventCancelledSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    told = serializers.IntegerField(help_text="How many registrants were emailed.")


class OccurrenceMoveSerializer(serializers.Serializer):
    start = OffsetDateTimeField()
    end = OffsetDateTimeField()
    resource = serializers.IntegerField(
        required=False, allow_null=True, help_text="Another room of the same space; by default the date's room."
    )

    def validate(self, data):
        if data["end"] <= data["start"]:
            raise serializers.ValidationError({"end": [_("The end must be after the start.")]})
        return data


class OccurrenceCancelledSerializer(OccurrenceSerializer):
    told = serializers.IntegerField(help_text="How many registrants were emailed.")

    class Meta(OccurrenceSerializer.Meta):
        fields = [*OccurrenceSerializer.Meta.fields, "told"]


class RegistrationRequestSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    email = serializers.EmailField()
    occurrence = serializers.IntegerField(
        required=False, help_text="The date to register for; by default the event's next date."
    )


class RegistrationResponseSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["confirmed", "waitlisted"])
    occurrence = serializers.IntegerField()
    message = serializers.CharField()
    network_charge = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        allow_null=True,
        help_text="For a member of the network at another space's member event: the day price to pay at the space "
        '("0.00": a free day). Null for everyone else.',
    )


class ProjectImageSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    alt = serializers.CharField(source="alt_text")

    def get_url(self, image) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(image.image.url) if request else image.image.url


class ProjectSerializer(serializers.ModelSerializer):
    practice = EventPracticeSerializer(read_only=True)
    images = ProjectImageSerializer(many=True, read_only=True)
    links = serializers.ListField(child=serializers.DictField(child=serializers.CharField()), read_only=True)
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Project
        fields = ["id", "title", "text", "tags", "links", "start_date", "end_date", "practice", "images"]


class SlotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Slot
        fields = ["id", "start", "end"]


class ServiceSerializer(serializers.ModelSerializer):
    free_slots = serializers.SerializerMethodField(help_text="Upcoming free office-hour slots (members only).")

    class Meta:
        model = Service
        fields = ["id", "kind", "title", "description", "provider", "contact", "free_slots"]

    def get_free_slots(self, service) -> list[dict]:
        slots = getattr(service, "free_slot_list", [])
        return SlotSerializer(slots, many=True).data


# --- views --------------------------------------------------------------------------------------------------------


def _window(request) -> tuple:
    field = serializers.DateTimeField()
    out = []
    for name in ("start", "end"):
        raw = request.query_params.get(name)
        if raw:
            try:
                out.append(field.to_internal_value(raw))
            except serializers.ValidationError as error:
                raise serializers.ValidationError({name: error.detail}) from None
        else:
            out.append(None)
    return tuple(out)


def _dates(start, end) -> Q:
    q = Q(is_cancelled=False) & queries.SHOWN_BOOKING
    q &= Q(end__gt=start or timezone.now())
    if end is not None:
        q &= Q(start__lt=end)
    return q


def _events_with_dates(user, start=None, end=None):
    """Visible published events with a date in the window (default: to come), by their first date.
    Pages over the index on Event.first_start; the dates shown are prefetched for the page only."""
    dates = Occurrence.objects.filter(_dates(start, end))
    # last_end/first_start span the shown dates only (Event.refresh_span), so an event without a shown date to
    # come is left out without looking at its dates; a window given by the caller checks the dates themselves.
    qs = Event.objects.filter(
        rules.visible_events_filter(user), status=Event.Status.PUBLISHED, last_end__gt=start or timezone.now()
    )
    if end is not None:
        qs = qs.filter(first_start__lt=end)
    if start is not None or end is not None:
        qs = qs.filter(Exists(dates.filter(event=OuterRef("pk"))))
    return (
        qs.select_related("space", "practice")
        .prefetch_related(Prefetch("occurrences", queryset=dates.order_by("start"), to_attr="shown_occurrences"))
        .order_by("first_start", "id")
    )


EVENT_FILTERS = [
    OpenApiParameter("space", OpenApiTypes.INT, description="A space's id."),
    OpenApiParameter("network", OpenApiTypes.STR, description="A network's id or slug."),
    OpenApiParameter("start", OpenApiTypes.DATETIME, description="Dates ending after this moment (default: now)."),
    OpenApiParameter("end", OpenApiTypes.DATETIME, description="Dates starting before this moment."),
    OpenApiParameter("category", OpenApiTypes.STR, enum=Event.Category.values),
    OpenApiParameter("language", OpenApiTypes.STR, description="A language spoken, e.g. nl."),
]


class EventListView(generics.ListAPIView):
    """The programme: events the requester may see that have dates in the window (default: to come), ordered
    by their first date; each with its dates in the window."""

    serializer_class = EventSerializer
    pagination_class = Pagination

    def get_queryset(self):
        params = self.request.query_params
        start, end = _window(self.request)
        qs = _events_with_dates(self.request.user, start, end)
        errors = {}
        if params.get("space"):
            if not params["space"].isdigit():
                errors["space"] = [_("Give a space's id.")]
            else:
                qs = qs.filter(space_id=int(params["space"]))
        if params.get("network"):
            value = params["network"]
            network = Network.objects.filter(pk=int(value)) if value.isdigit() else Network.objects.filter(slug=value)
            qs = qs.filter(space__network__in=network)
        if params.get("category"):
            if params["category"] not in Event.Category.values:
                errors["category"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Event.Category.values)}]
            qs = qs.filter(category=params["category"])
        if params.get("language"):
            language = params["language"].lower()
            if language not in LANGUAGE_CODES:
                errors["language"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(LANGUAGE_CODES)}]
            elif queries._json_contains_ok():
                qs = qs.filter(languages__contains=[language])
            else:
                qs = qs.filter(languages__icontains=f'"{language}"')
        if errors:
            raise serializers.ValidationError(errors)
        return qs

    @extend_schema(parameters=EVENT_FILTERS, responses=EventSerializer(many=True), auth=[])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=EventCreateSerializer, responses={201: EventSerializer})
    def post(self, request):
        """Create an event and book its room (members of the space's practices, for their practice, and
        coordinators). 409 with ``conflicts`` when the room is taken; 400 when the booking rules refuse."""
        access.require_authenticated(request)
        space_id = request.data.get("space") if hasattr(request.data, "get") else None
        if not isinstance(space_id, int) and not (isinstance(space_id, str) and space_id.isdigit()):
            raise serializers.ValidationError({"space": [_("Give the id of the space.")]})
        space = access.space_for_member(request, int(space_id))
        serializer = EventCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("space")
        resource = Resource.objects.filter(pk=data.pop("resource"), space=space).first()
        if resource is None:
            raise serializers.ValidationError({"resource": [_("Not a room of this space.")]})
        practice = None
        practice_id = data.pop("practice", None)
        if practice_id is not None:
            practice = Practice.objects.filter(pk=practice_id).first()
            if practice is None:
                raise serializers.ValidationError({"practice": [_("Unknown practice.")]})
        if not rules.can_create_event(request.user, space, practice):
            raise exceptions.PermissionDenied(
                _("Members create events for a practice of the space they act for; coordinators for any.")
            )
        try:
            event = services.create_event(
                space,
                by=request.user,
                resource=resource,
                start=data.pop("start"),
                end=data.pop("end"),
                practice=practice,
                recurrence=data.pop("recurrence", ""),
                **data,
            )
        except services.EventNotCreated as error:
            if error.is_conflict:
                conflicts = [
                    {"start": c["start"].isoformat(), "end": c["end"].isoformat(), "reason": str(c.get("reason", ""))}
                    for c in error.conflicts
                ]
                raise Conflict(error.message, code="booking_conflict", extra={"conflicts": conflicts}) from None
            raise serializers.ValidationError({"non_field_errors": [error.message]}) from None
        event = (
            Event.objects.select_related("space", "practice")
            .prefetch_related(
                Prefetch("occurrences", queryset=Occurrence.objects.order_by("start"), to_attr="shown_occurrences")
            )
            .get(pk=event.pk)
        )
        return Response(EventSerializer(event, context={"request": request}).data, status=status.HTTP_201_CREATED)


def _visible_event(request, pk) -> Event:
    event = get_object_or_404(Event.objects.select_related("space", "practice"), pk=pk)
    if not rules.can_see_event(request.user, event):
        access.require_authenticated(request)
        raise exceptions.NotFound()
    return event


def _organised_event(request, pk) -> Event:
    """The event for its organisers; 404 when the requester may not even see it, 403 when not an organiser."""
    access.require_authenticated(request)
    event = _visible_event(request, pk)
    if not rules.is_organiser(request.user, event):
        raise exceptions.PermissionDenied(_("Only the event's organisers may change it."))
    return event


def _organised_occurrence(request, pk) -> Occurrence:
    access.require_authenticated(request)
    occurrence = get_object_or_404(Occurrence.objects.select_related("event__space", "space"), pk=pk)
    occurrence.event = _organised_event(request, occurrence.event_id)
    return occurrence


def _event_response(request, pk: int) -> Response:
    event = (
        Event.objects.select_related("space", "practice")
        .prefetch_related(
            Prefetch(
                "occurrences",
                queryset=Occurrence.objects.filter(_dates(None, None)).order_by("start"),
                to_attr="shown_occurrences",
            )
        )
        .get(pk=pk)
    )
    return Response(EventSerializer(event, context={"request": request}).data)


class EventDetailView(APIView):
    @extend_schema(responses=EventSerializer, auth=[])
    def get(self, request, pk: int):
        """One event with its dates to come."""
        _visible_event(request, pk)
        return _event_response(request, pk)

    @extend_schema(request=EventUpdateSerializer, responses=EventSerializer)
    def patch(self, request, pk: int):
        """Change an event (its organisers): descriptive fields and ``capacity``. Lowering the capacity below
        the people registered on a date to come is refused (400, on ``capacity``); raising it moves people up
        from the waitlist at once."""
        event = _organised_event(request, pk)
        serializer = EventUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event.pk)
            capacity_given = "capacity" in data
            capacity = data.pop("capacity", None)
            if data:
                services.update_event(event, by=request.user, **data)
            if capacity_given and capacity != event.capacity:
                services.change_capacity(event, by=request.user, capacity=capacity)
        return _event_response(request, pk)


class EventCancelView(APIView):
    @extend_schema(request=CancelReasonSerializer, responses=EventCancelledSerializer)
    def post(self, request, pk: int):
        """Cancel an event (its organisers): its dates to come and their room bookings are cancelled and every
        registrant is emailed (with ``reason``). 409 when it is already cancelled."""
        event = _organised_event(request, pk)
        serializer = CancelReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if event.status == Event.Status.CANCELLED:
            raise Conflict(_("This event is already cancelled."), code="already_cancelled")
        told = services.cancel_event(event, by=request.user, reason=serializer.validated_data["reason"])
        return Response({"id": event.pk, "status": Event.Status.CANCELLED, "told": told})


class EventImageView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": EventImageSerializer}, responses=EventSerializer)
    def put(self, request, pk: int):
        """Replace the event's image (its organisers): multipart ``image`` (JPEG, PNG, GIF or WebP, at most
        5 MB) and ``image_alt``, a description for people who cannot see it."""
        event = _organised_event(request, pk)
        serializer = EventImageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        fields = {"image": data["image"]}
        if "image_alt" in data:
            fields["image_alt"] = data["image_alt"]
        services.update_event(event, by=request.user, **fields)
        return _event_response(request, pk)


class OccurrenceMoveView(APIView):
    @extend_schema(request=OccurrenceMoveSerializer, responses=OccurrenceSerializer)
    def post(self, request, pk: int):
        """Move one date (the event's organisers), a date to come that is not cancelled, to another time and
        optionally another room of the space. The room is booked again under the bookings' rules; 409 with
        ``conflicts`` when it is taken, 400 when the rules refuse; then nothing changes. Registrants are
        emailed the new time."""
        occurrence = _organised_occurrence(request, pk)
        serializer = OccurrenceMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        resource = None
        if data.get("resource") is not None:
            resource = Resource.objects.filter(pk=data["resource"], space_id=occurrence.space_id).first()
            if resource is None:
                raise serializers.ValidationError({"resource": [_("Not a room of this space.")]})
        try:
            moved = services.move_occurrence(
                occurrence, by=request.user, start=data["start"], end=data["end"], resource=resource
            )
        except services.DateNotMoved as error:
            if error.is_conflict:
                conflicts = ConflictSerializer(error.conflicts, many=True).data
                raise Conflict(error.message, code="conflict", extra={"conflicts": conflicts}) from None
            raise serializers.ValidationError({"non_field_errors": [error.message]}) from None
        moved.refresh_from_db()
        return Response(OccurrenceSerializer(moved).data)


class OccurrenceCancelView(APIView):
    @extend_schema(request=CancelReasonSerializer, responses=OccurrenceCancelledSerializer)
    def post(self, request, pk: int):
        """Cancel one date of an event (its organisers); the other dates stay. Its room booking and its
        registrations are cancelled and the registrants emailed (with ``reason``)."""
        occurrence = _organised_occurrence(request, pk)
        serializer = CancelReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        told = services.cancel_occurrence(occurrence, by=request.user, reason=serializer.validated_data["reason"])
        occurrence.refresh_from_db()
        return Response({**OccurrenceSerializer(occurrence).data, "told": told})


class EventRegistrationView(APIView):
    @extend_schema(
        request=RegistrationRequestSerializer,
        responses={
            201: RegistrationResponseSerializer,
            200: RegistrationResponseSerializer,
            403: OpenApiResponse(
                description="A member of the network whom the space's network rules refuse (member events not open "
                'to the network, free days used up and no day price): {"code": "network_refused", "message": …}.'
            ),
            429: OpenApiResponse(
                description="Too many registrations from this client or for this email address: "
                '{"code": "rate_limited", "message": …}; retry after the Retry-After header\'s seconds.'
            ),
        },
        auth=[],
    )
    def post(self, request, pk: int):
        """Register for an event (no account needed): 201 with status "confirmed", or 200 with status
        "waitlisted" when it is full. The link to cancel or remove one's data is sent by email only."""
        event = _visible_event(request, pk)
        serializer = RegistrationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            ratelimit.check_registration(request, data["email"])
        except ratelimit.RateLimited as error:
            raise RateLimited(error.message, wait=error.retry_after) from None
        dates = event.occurrences.filter(_dates(None, None)).order_by("start")
        if data.get("occurrence"):
            occurrence = dates.filter(pk=data["occurrence"]).first()
            if occurrence is None:
                raise serializers.ValidationError({"occurrence": [_("Not a date to come of this event.")]})
        else:
            occurrence = dates.first()
            if occurrence is None:
                raise serializers.ValidationError({"non_field_errors": [_("This event has no dates to come.")]})
        try:
            registration = services.register(occurrence, name=data["name"], email=data["email"], by=request.user)
        except DjangoPermissionDenied as error:  # the space's network rules refuse this member of the network
            raise exceptions.PermissionDenied(str(error), code="network_refused") from None
        confirmed = registration.status == "confirmed"
        admission = registration.admission
        body = {
            "status": registration.status,
            "occurrence": occurrence.pk,
            "message": _("You are registered; we sent you an email.")
            if confirmed
            else _("The event is full: you are on the waitlist and move up automatically when someone cancels."),
            "network_charge": f"{admission.charge:.2f}" if admission is not None else None,
        }
        return Response(body, status=status.HTTP_201_CREATED if confirmed else status.HTTP_200_OK)


class ProjectListView(generics.ListAPIView):
    """Published projects of the practices, newest first."""

    serializer_class = ProjectSerializer
    pagination_class = Pagination

    def get_queryset(self):
        params = self.request.query_params
        errors = {}
        space = practice = None
        if params.get("space"):
            space = Space.objects.filter(pk=params["space"]).first() if params["space"].isdigit() else None
            if space is None:
                errors["space"] = [_("Give a space's id.")]
        if params.get("practice"):
            practice = Practice.objects.filter(pk=params["practice"]).first() if params["practice"].isdigit() else None
            if practice is None:
                errors["practice"] = [_("Give a practice's id.")]
        if errors:
            raise serializers.ValidationError(errors)
        return queries.projects(space=space, practice=practice, tag=params.get("tag", "")[:50])

    @extend_schema(
        parameters=[
            OpenApiParameter("space", OpenApiTypes.INT),
            OpenApiParameter("practice", OpenApiTypes.INT),
            OpenApiParameter("tag", OpenApiTypes.STR),
        ],
        auth=[],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SpaceServicesView(generics.ListAPIView):
    """The services a space offers; its members also see the free office-hour slots to come."""

    serializer_class = ServiceSerializer
    pagination_class = Pagination

    def get_queryset(self):
        space = get_object_or_404(Space, pk=self.kwargs["pk"])
        if not rules.can_see_space_services(self.request.user, space):
            access.require_authenticated(self.request)
            raise exceptions.NotFound()
        qs = Service.objects.filter(space=space, is_active=True).order_by("title", "id")
        if space_rules.is_member(self.request.user, space):
            free = Slot.objects.filter(taken_by__isnull=True, start__gt=timezone.now()).order_by("start")
            qs = qs.prefetch_related(Prefetch("slots", queryset=free, to_attr="free_slot_list"))
        return qs


urlpatterns = [
    path("events", EventListView.as_view(), name="events"),
    path("events/<int:pk>", EventDetailView.as_view(), name="event"),
    path("events/<int:pk>/cancel", EventCancelView.as_view(), name="event-cancel"),
    path("events/<int:pk>/image", EventImageView.as_view(), name="event-image"),
    path("events/<int:pk>/registrations", EventRegistrationView.as_view(), name="event-registrations"),
    path("occurrences/<int:pk>/move", OccurrenceMoveView.as_view(), name="occurrence-move"),
    path("occurrences/<int:pk>/cancel", OccurrenceCancelView.as_view(), name="occurrence-cancel"),
    path("projects", ProjectListView.as_view(), name="projects"),
    path("spaces/<int:pk>/services", SpaceServicesView.as_view(), name="space-services"),
]
