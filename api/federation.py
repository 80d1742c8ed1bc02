"""/api/v1/network/passes, /api/v1/network/partners: federation between plek installations (issue 7).

- ``GET /network/partners`` (signed in): the partner installations and which spaces recognise them;
  ``POST /network/partners`` ``{url, fingerprint[, space]}`` (a coordinator of the space; ``space`` may be left out
  by the coordinator of one space): the key is fetched from the partner's ``/.well-known/plek.json`` and must have
  the fingerprint (400 otherwise); pinned thereafter.
- ``POST /network/passes`` ``{host}`` (a signed-in member, home side): a short-lived signed pass for the host.
- ``POST /network/passes/verify`` ``{token[, resource, start, end, title]}`` (host side, the pass is the credential):
  verifies the pass with the issuer's pinned key and uses it up; with a resource and times, also books it as a
  network guest under this installation's rules (all or nothing: a refused booking leaves the pass unused).
  Refusals: ``{"code", "message"}`` with 400 (malformed, bad_algorithm, forbidden_header, wrong_type,
  unknown_issuer, unknown_key, bad_signature, invalid_claims, wrong_audience, expired, not_yet_valid), 403
  (revoked, not_recognised, refused), 409 (replayed, conflict).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.services import BookingConflict, BookingRefused
from federation import services
from federation.models import Partner
from spaces import rules
from spaces.models import Resource, Space

from . import access
from .exceptions import error_response
from .pagination import Pagination


class PartnerSerializer(serializers.ModelSerializer):
    spaces = serializers.SerializerMethodField()

    class Meta:
        model = Partner
        fields = ["id", "url", "name", "fingerprint", "spaces", "status_fetched_at", "feed_fetched_at", "created_at"]
        read_only_fields = fields

    def get_spaces(self, obj) -> list[int]:
        """The spaces of this installation that recognise the partner."""
        return sorted(r.space_id for r in obj.recognitions.all())


class PartnerCreateSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=300)
    fingerprint = serializers.CharField(max_length=120)
    space = serializers.IntegerField(
        required=False, min_value=1, help_text="Your space; optional if you coordinate one."
    )


class PassRequestSerializer(serializers.Serializer):
    host = serializers.URLField(max_length=300, help_text="The base URL of the host partner installation.")


class PassSerializer(serializers.Serializer):
    token = serializers.CharField()
    link = serializers.URLField()
    host = serializers.URLField()
    host_name = serializers.CharField()
    jti = serializers.CharField()
    tier = serializers.CharField()
    shared = serializers.ListField(child=serializers.CharField())
    issued_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


class VerifyRequestSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=4096, trim_whitespace=True)
    resource = serializers.IntegerField(required=False, min_value=1)
    start = serializers.DateTimeField(required=False)
    end = serializers.DateTimeField(required=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")

    def validate(self, attrs):
        booking = [name for name in ("resource", "start", "end") if name in attrs]
        if booking and len(booking) != 3:
            raise serializers.ValidationError(_("To book, give resource, start and end together."))
        return attrs


class VisitSerializer(serializers.Serializer):
    date = serializers.DateField()
    free = serializers.BooleanField()
    charge = serializers.DecimalField(max_digits=8, decimal_places=2)


class GuestBookingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    resource = serializers.IntegerField(source="resource_id")
    space = serializers.IntegerField(source="resource.space_id")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    status = serializers.CharField()


class VerifiedSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    issuer = serializers.URLField()
    issuer_name = serializers.CharField()
    sub = serializers.CharField()
    tier = serializers.CharField()
    name = serializers.CharField(required=False)
    email = serializers.EmailField(required=False)
    expires_at = serializers.IntegerField()
    spaces = serializers.ListField(child=serializers.IntegerField())
    booking = GuestBookingSerializer(allow_null=True)
    visits = VisitSerializer(many=True)


class Partners(generics.GenericAPIView):
    pagination_class = Pagination
    serializer_class = PartnerSerializer

    @extend_schema(
        parameters=[OpenApiParameter("space", int, description="Only partners this space recognises.")],
        responses=PartnerSerializer(many=True),
    )
    def get(self, request):
        access.require_authenticated(request)
        partners = Partner.objects.filter(recognitions__isnull=False).distinct().prefetch_related("recognitions")
        space_id = request.query_params.get("space")
        if space_id:
            if not space_id.isdigit():
                raise exceptions.ValidationError({"space": [_("Give a space id.")]})
            partners = partners.filter(recognitions__space_id=int(space_id))
        page = self.paginate_queryset(partners.order_by("name", "url"))
        return self.get_paginated_response(PartnerSerializer(page, many=True).data)

    @extend_schema(request=PartnerCreateSerializer, responses={200: PartnerSerializer, 201: PartnerSerializer})
    def post(self, request):
        access.require_authenticated(request)
        data = PartnerCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values.get("space"):
            space = access.space_for_role(request, values["space"], *rules.MANAGING_ROLES)
        else:
            coordinated = rules.coordinated_space_ids(request.user)
            if not coordinated:
                raise exceptions.PermissionDenied(_("Only the coordinators of a space add partner installations."))
            if len(coordinated) > 1:
                raise exceptions.ValidationError({"space": [_("You coordinate several spaces: say which.")]})
            space = get_object_or_404(Space, pk=next(iter(coordinated)))
        try:
            added = services.add_partner(space, values["url"], values["fingerprint"], by=request.user)
        except DjangoValidationError as error:
            raise exceptions.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from None
        partner = Partner.objects.prefetch_related("recognitions").get(pk=added.partner.pk)
        return Response(
            PartnerSerializer(partner).data, status=status.HTTP_201_CREATED if added.created else status.HTTP_200_OK
        )


class Passes(APIView):
    @extend_schema(request=PassRequestSerializer, responses={201: PassSerializer})
    def post(self, request):
        access.require_authenticated(request)
        data = PassRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        host = data.validated_data["host"].rstrip("/")
        partner = services.hosts_for(request.user).filter(url=host).first()
        if partner is None:
            raise exceptions.PermissionDenied(_("None of your spaces recognises this partner installation."))
        try:
            issued = services.issue_pass(request.user, partner, by=request.user)
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied(str(error) or None) from None
        record = issued.record
        body = {
            "token": issued.token,
            "link": issued.link,
            "host": partner.url,
            "host_name": partner.name,
            "jti": record.jti,
            "tier": record.tier,
            "shared": record.shared,
            "issued_at": record.issued_at,
            "expires_at": record.expires_at,
        }
        return Response(PassSerializer(body).data, status=status.HTTP_201_CREATED)


class PassVerify(APIView):
    authentication_classes: list = []  # the pass is the credential

    @extend_schema(request=VerifyRequestSerializer, responses={200: VerifiedSerializer}, auth=[])
    def post(self, request):
        data = VerifyRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        booking, admissions = None, []
        try:
            if "resource" in values:
                resource = Resource.objects.select_related("space").filter(pk=values["resource"]).first()
                if resource is None:
                    raise exceptions.ValidationError({"resource": [_("No such resource.")]})
                verified, bookings, admissions = services.book_as_guest(
                    values["token"], resource, values["start"], values["end"], title=values["title"]
                )
                booking = bookings[0]
            else:
                verified = services.verify_pass(values["token"])
        except services.PassRefused as error:
            return error_response(error.status, error.message, code=error.code)
        except BookingRefused as error:
            return error_response(403, error.reason, code="refused")
        except BookingConflict as error:
            return error_response(409, error.message, code="conflict")
        except DjangoValidationError as error:
            raise exceptions.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from None
        claims = verified.claims
        body = {
            "valid": True,
            "issuer": verified.partner.url,
            "issuer_name": verified.partner.name,
            "sub": claims["sub"],
            "tier": claims["tier"],
            "expires_at": claims["exp"],
            "spaces": list(services.guest_spaces(verified.partner).values_list("id", flat=True)),
            "booking": booking,
            "visits": [
                {"date": a.visit.date, "free": a.free, "charge": a.charge} for a in admissions if a.visit is not None
            ],
        }
        for name in ("name", "email"):
            if name in claims:
                body[name] = claims[name]
        return Response(VerifiedSerializer(body).data)


urlpatterns = [
    path("network/partners", Partners.as_view(), name="network-partners"),
    path("network/passes", Passes.as_view(), name="network-passes"),
    path("network/passes/verify", PassVerify.as_view(), name="network-pass-verify"),
]
