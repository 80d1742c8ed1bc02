"""/api/v1/ networks, spaces, resources, opening hours, closures, practices, memberships and roles.

Reads follow spaces.rules (public data for everyone, member-only data for members); every write goes through
spaces.services (permission, validation, audit).
"""

from __future__ import annotations

import re

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from community.models import Member, Practice
from spaces import queries, rules, services
from spaces.models import Closure, Network, OpeningHours, Resource, RoleAssignment, Space, SpaceMembership

from . import access
from .pagination import Pagination

TEXT_LANGS = ("en", "fr", "nl")


def _coordinator_space(request, space_id) -> Space:
    return access.space_for_role(request, space_id, *rules.MANAGING_ROLES)


def _public_space(space_id) -> Space:
    return get_object_or_404(Space, pk=space_id)


# --- serializers -------------------------------------------------------------------------------------------------


class NetworkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Network
        fields = ["id", "name", "slug", "website", "description_en", "description_fr", "description_nl"]


class LanguageCodeField(serializers.CharField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data).strip().lower()
        if not re.fullmatch(r"[a-z]{2,3}", value):
            raise serializers.ValidationError(_("Use a two- or three-letter language code, for example “nl”."))
        return value


MEMBER_ONLY_SPACE_FIELDS = [f"member_info_{c}" for c in TEXT_LANGS]


class SpaceSerializer(serializers.ModelSerializer):
    network = serializers.PrimaryKeyRelatedField(queryset=Network.objects.all(), allow_null=True, required=False)
    languages = serializers.ListField(child=LanguageCodeField(max_length=3), required=False)
    slug = serializers.SlugField(max_length=100, required=False)

    class Meta:
        model = Space
        fields = [
            "id",
            "network",
            "name",
            "slug",
            "address",
            "postal_code",
            "city",
            "country",
            "time_zone",
            "latitude",
            "longitude",
            "languages",
            "model",
            "access_policy",
            *[f"{base}_{code}" for base in Space.TRANSLATED_BASES for code in TEXT_LANGS],
            *Space.ACCESSIBILITY_FIELDS,
            "public_transport",
            "email",
            "phone",
            "website",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def validate_country(self, value):
        value = (value or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", value):
            raise serializers.ValidationError(_("Use the country's two-letter ISO code, for example “BE”."))
        return value

    def validate_slug(self, value):
        others = Space.objects.filter(slug=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(_("Another space already uses this slug."))
        return value

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not rules.is_member(request.user, instance):
            for name in MEMBER_ONLY_SPACE_FIELDS:
                data.pop(name, None)
        return data


class ResourceSerializer(serializers.ModelSerializer):
    features = serializers.ListField(child=serializers.CharField(max_length=100), required=False)

    class Meta:
        model = Resource
        fields = [
            "id",
            "space",
            "name",
            "kind",
            "capacity",
            "area_m2",
            "floor",
            "features",
            "description_en",
            "description_fr",
            "description_nl",
            "step_free",
            "wheelchair_accessible",
            "hearing_loop",
            "bookable",
            "visibility",
            "is_active",
        ]
        read_only_fields = ["space"]

    def validate_name(self, value):
        value = value.strip()
        space = self.context["space"]
        others = Resource.objects.filter(space=space, name__iexact=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(_("This space already has a resource with this name."))
        return value


class OpeningHoursSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpeningHours
        fields = ["id", "weekday", "opens", "closes"]

    def validate(self, attrs):
        if attrs["closes"] <= attrs["opens"]:
            raise serializers.ValidationError({"closes": [_("The closing time must be after the opening time.")]})
        return attrs


class OpeningWeekSerializer(serializers.Serializer):
    periods = OpeningHoursSerializer(many=True)


class ClosureSerializer(serializers.ModelSerializer):
    resource = serializers.PrimaryKeyRelatedField(queryset=Resource.objects.none(), allow_null=True, required=False)

    class Meta:
        model = Closure
        fields = ["id", "resource", "start", "end", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        space = self.context.get("space")
        if space is not None:
            self.fields["resource"].queryset = space.resources.all()

    def validate(self, attrs):
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": [_("The end must be after the start.")]})
        if attrs["end"] < timezone.now():
            raise serializers.ValidationError({"end": [_("This period is already over.")]})
        return attrs


class PracticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Practice
        fields = ["id", "name", "slug", "kind", "description", "website", "email", "language", "public_profile"]
        read_only_fields = ["slug"]

    def validate_name(self, value):
        value = value.strip()
        if not value:
            raise serializers.ValidationError(_("Give the practice a name."))
        return value

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        user = request.user if request is not None else None
        for field in queries.PUBLIC_PROFILE_FIELDS:
            if field in data and not queries.practice_shows(user, instance, field):
                data[field] = ""
        return data


class PracticeCreateSerializer(PracticeSerializer):
    """A new practice; with ``space``, it also becomes a member of that space."""

    space = serializers.IntegerField(required=False, write_only=True, help_text="Add the practice to this space.")
    membership_kind = serializers.ChoiceField(
        choices=SpaceMembership.Kind.choices, required=False, write_only=True, default=SpaceMembership.Kind.RESIDENT
    )
    start_date = serializers.DateField(required=False, write_only=True)
    end_date = serializers.DateField(required=False, write_only=True, allow_null=True)
    area_m2 = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, required=False, write_only=True, default=0
    )

    class Meta(PracticeSerializer.Meta):
        fields = [*PracticeSerializer.Meta.fields, "space", "membership_kind", "start_date", "end_date", "area_m2"]

    def validate(self, attrs):
        start, end = attrs.get("start_date"), attrs.get("end_date")
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": [_("The end date cannot be before the start date.")]})
        return attrs


class MembershipSerializer(serializers.ModelSerializer):
    practice = serializers.PrimaryKeyRelatedField(queryset=Practice.objects.none())
    practice_name = serializers.CharField(source="practice.name", read_only=True)
    is_active = serializers.SerializerMethodField()

    class Meta:
        model = SpaceMembership
        fields = ["id", "practice", "practice_name", "kind", "start_date", "end_date", "area_m2", "notes", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["practice"].queryset = queries.practices_visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list | tuple) and hasattr(self.instance, "pk"):
            self.fields["practice"].read_only = True

    def get_is_active(self, obj) -> bool:
        return obj.is_active()

    def validate(self, attrs):
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": [_("The end date cannot be before the start date.")]})
        return attrs


class RoleSerializer(serializers.ModelSerializer):
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.filter(is_active=True), required=False)
    member_name = serializers.SerializerMethodField()
    email = serializers.EmailField(write_only=True, required=False, help_text="Or: the email of an existing account.")

    class Meta:
        model = RoleAssignment
        fields = ["id", "member", "member_name", "email", "role", *[f"responsibility_{c}" for c in TEXT_LANGS]]

    def get_member_name(self, obj) -> str:
        return obj.member.name

    def validate(self, attrs):
        member, email = attrs.get("member"), (attrs.pop("email", "") or "").strip().lower()
        if member and email:
            raise serializers.ValidationError({"email": [_("Give a member or an email address, not both.")]})
        if email:
            member = Member.objects.filter(email__iexact=email, is_active=True).first()
            if member is None:
                raise serializers.ValidationError(
                    {"email": [_("No account uses this address; invite the person to a practice first.")]}
                )
            attrs["member"] = member
        if not attrs.get("member"):
            raise serializers.ValidationError({"member": [_("Give a member id or the email address of an account.")]})
        return attrs


# --- views -------------------------------------------------------------------------------------------------------


class NetworkList(generics.ListAPIView):
    """All networks. POST (superusers) creates one."""

    serializer_class = NetworkSerializer
    pagination_class = Pagination
    queryset = Network.objects.order_by("name")

    @extend_schema(request=NetworkSerializer, responses={201: NetworkSerializer})
    def post(self, request):
        access.require_authenticated(request)
        if not request.user.is_superuser:
            raise exceptions.PermissionDenied(_("Only administrators may create networks."))
        serializer = NetworkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        network = services.create_network(by=request.user, **serializer.validated_data)
        return Response(NetworkSerializer(network).data, status=status.HTTP_201_CREATED)


class SpaceList(generics.ListAPIView):
    """All spaces (public identity). Filters: ``network`` (id or slug), ``country``, ``city``.

    POST creates a space: superusers, and coordinators of a space of the same network. The creator becomes its
    coordinator.
    """

    serializer_class = SpaceSerializer
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter("network", str, description="Network id or slug."),
            OpenApiParameter("country", str, description="Two-letter country code."),
            OpenApiParameter("city", str),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = {k: self.request.query_params.get(k) for k in ("network", "country", "city")}
        return queries.filter_spaces(Space.objects.order_by("name"), params)

    @extend_schema(request=SpaceSerializer, responses={201: SpaceSerializer})
    def post(self, request):
        access.require_authenticated(request)
        serializer = SpaceSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        network = serializer.validated_data.get("network")
        if not rules.can_create_space(request.user, network.pk if network else None):
            raise exceptions.PermissionDenied(
                _("Only administrators, and coordinators of a space of the same network, may add spaces to it.")
            )
        space = services.create_space(by=request.user, **serializer.validated_data)
        return Response(SpaceSerializer(space, context={"request": request}).data, status=status.HTTP_201_CREATED)


class SpaceDetail(APIView):
    """A space's identity. PATCH: the space's coordinators."""

    serializer_class = SpaceSerializer

    def get(self, request, space_id):
        return Response(SpaceSerializer(_public_space(space_id), context={"request": request}).data)

    @extend_schema(request=SpaceSerializer, responses={200: SpaceSerializer})
    def patch(self, request, space_id):
        space = _coordinator_space(request, space_id)
        serializer = SpaceSerializer(space, data=request.data, partial=True, context={"request": request})
        serializer.is_valid(raise_exception=True)
        space = services.update_space(space, by=request.user, **serializer.validated_data)
        return Response(SpaceSerializer(space, context={"request": request}).data)


class ResourceList(generics.ListAPIView):
    """The space's resources that the requester may see. POST: coordinators."""

    serializer_class = ResourceSerializer
    pagination_class = Pagination

    def get_queryset(self):
        space = _public_space(self.kwargs["space_id"])
        return queries.visible_resources(self.request.user, space).order_by("name")

    @extend_schema(request=ResourceSerializer, responses={201: ResourceSerializer})
    def post(self, request, space_id):
        space = _coordinator_space(request, space_id)
        serializer = ResourceSerializer(data=request.data, context={"request": request, "space": space})
        serializer.is_valid(raise_exception=True)
        resource = services.create_resource(space, by=request.user, **serializer.validated_data)
        return Response(ResourceSerializer(resource).data, status=status.HTTP_201_CREATED)


class ResourceDetail(APIView):
    """One resource (404 when the requester may not see it). PATCH: coordinators; ``is_active=false`` takes it out
    of use."""

    serializer_class = ResourceSerializer

    def get(self, request, space_id, resource_id):
        space = _public_space(space_id)
        resource = get_object_or_404(queries.visible_resources(request.user, space), pk=resource_id)
        return Response(ResourceSerializer(resource).data)

    @extend_schema(request=ResourceSerializer, responses={200: ResourceSerializer})
    def patch(self, request, space_id, resource_id):
        space = _coordinator_space(request, space_id)
        resource = get_object_or_404(Resource, space=space, pk=resource_id)
        serializer = ResourceSerializer(
            resource, data=request.data, partial=True, context={"request": request, "space": space}
        )
        serializer.is_valid(raise_exception=True)
        resource = services.update_resource(resource, by=request.user, **serializer.validated_data)
        return Response(ResourceSerializer(resource).data)


class OpeningHoursList(generics.ListAPIView):
    """The space's weekly opening hours, in its local time. PUT ``{"periods": [...]}`` replaces the week."""

    serializer_class = OpeningHoursSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return _public_space(self.kwargs["space_id"]).opening_hours.order_by("weekday", "opens")

    @extend_schema(request=OpeningWeekSerializer, responses={200: OpeningHoursSerializer(many=True)})
    def put(self, request, space_id):
        space = _coordinator_space(request, space_id)
        serializer = OpeningWeekSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        periods = [(p["weekday"], p["opens"], p["closes"]) for p in serializer.validated_data["periods"]]
        rows = services.set_opening_hours(space, periods, by=request.user)
        return Response(OpeningHoursSerializer(rows, many=True).data)


class ClosureList(generics.ListAPIView):
    """Upcoming closures of the space (of the resources the requester may see). POST: coordinators."""

    serializer_class = ClosureSerializer
    pagination_class = Pagination

    def get_queryset(self):
        space = _public_space(self.kwargs["space_id"])
        return queries.upcoming_closures(space, self.request.user)

    @extend_schema(request=ClosureSerializer, responses={201: ClosureSerializer})
    def post(self, request, space_id):
        space = _coordinator_space(request, space_id)
        serializer = ClosureSerializer(data=request.data, context={"request": request, "space": space})
        serializer.is_valid(raise_exception=True)
        closure = services.add_closure(space, by=request.user, **serializer.validated_data)
        return Response(ClosureSerializer(closure).data, status=status.HTTP_201_CREATED)


class ClosureDetail(APIView):
    """DELETE removes a closure (coordinators)."""

    serializer_class = ClosureSerializer

    @extend_schema(responses={204: None})
    def delete(self, request, space_id, closure_id):
        space = _coordinator_space(request, space_id)
        closure = get_object_or_404(Closure, space=space, pk=closure_id)
        services.remove_closure(closure, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PracticeList(generics.ListAPIView):
    """The practices the requester may see. POST (coordinators, superusers) creates one, optionally adding it to
    a ``space`` the requester coordinates."""

    serializer_class = PracticeSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return queries.practices_visible_to(self.request.user).order_by("name")

    @extend_schema(request=PracticeCreateSerializer, responses={201: PracticeSerializer})
    def post(self, request):
        access.require_authenticated(request)
        if not (request.user.is_superuser or rules.coordinated_space_ids(request.user)):
            raise exceptions.PermissionDenied(_("Only coordinators and administrators may create practices."))
        serializer = PracticeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        space_id = data.pop("space", None)
        membership = {
            "kind": data.pop("membership_kind"),
            "area_m2": data.pop("area_m2"),
            **{k: data.pop(k) for k in ("start_date", "end_date") if k in data},
        }
        with transaction.atomic():
            if space_id is not None:
                space = _coordinator_space(request, space_id)
                name, kind = data.pop("name"), data.pop("kind", Practice.Kind.COLLECTIVE)
                practice = services.create_practice(by=request.user, name=name, kind=kind, **data)
                services.add_membership(space, practice, by=request.user, **membership)
            else:
                name, kind = data.pop("name"), data.pop("kind", Practice.Kind.COLLECTIVE)
                practice = services.create_practice(by=request.user, name=name, kind=kind, **data)
        return Response(PracticeSerializer(practice, context={"request": request}).data, status=status.HTTP_201_CREATED)


class PracticeDetail(APIView):
    """One practice, if the requester may see it."""

    serializer_class = PracticeSerializer

    def get(self, request, practice_id):
        practice = get_object_or_404(queries.practices_visible_to(request.user), pk=practice_id)
        return Response(PracticeSerializer(practice, context={"request": request}).data)


class MembershipList(generics.ListAPIView):
    """The space's practice memberships (members of the space). POST: coordinators."""

    serializer_class = MembershipSerializer
    pagination_class = Pagination

    def get_queryset(self):
        space = access.space_for_member(self.request, self.kwargs["space_id"])
        return space.memberships.select_related("practice").order_by("practice__name", "start_date")

    @extend_schema(request=MembershipSerializer, responses={201: MembershipSerializer})
    def post(self, request, space_id):
        space = _coordinator_space(request, space_id)
        serializer = MembershipSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        practice = data.pop("practice")
        membership = services.add_membership(space, practice, by=request.user, **data)
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class MembershipDetail(APIView):
    """One membership (members of the space). PATCH: coordinators (set ``end_date`` to end it)."""

    serializer_class = MembershipSerializer

    def get(self, request, space_id, membership_id):
        space = access.space_for_member(request, space_id)
        membership = get_object_or_404(space.memberships.select_related("practice"), pk=membership_id)
        return Response(MembershipSerializer(membership).data)

    @extend_schema(request=MembershipSerializer, responses={200: MembershipSerializer})
    def patch(self, request, space_id, membership_id):
        space = _coordinator_space(request, space_id)
        membership = get_object_or_404(space.memberships.select_related("practice"), pk=membership_id)
        serializer = MembershipSerializer(membership, data=request.data, partial=True, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k != "practice"}
        membership = services.update_membership(membership, by=request.user, **data)
        return Response(MembershipSerializer(membership).data)


class RoleList(generics.ListAPIView):
    """Who is who in the space: roles with names and responsibilities (public). POST: coordinators."""

    serializer_class = RoleSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return queries.roles_of(_public_space(self.kwargs["space_id"]))

    @extend_schema(request=RoleSerializer, responses={201: RoleSerializer})
    def post(self, request, space_id):
        space = _coordinator_space(request, space_id)
        serializer = RoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        role = services.assign_role(space, data.pop("member"), data.pop("role"), by=request.user, **data)
        return Response(RoleSerializer(role).data, status=status.HTTP_201_CREATED)


class RoleDetail(APIView):
    """DELETE takes a role away (coordinators); 409 when it would leave the space without a coordinator."""

    serializer_class = RoleSerializer

    @extend_schema(responses={204: None})
    def delete(self, request, space_id, role_id):
        from .exceptions import Conflict

        space = _coordinator_space(request, space_id)
        role = get_object_or_404(space.roles.select_related("member"), pk=role_id)
        try:
            services.remove_role(role, by=request.user)
        except services.LastCoordinator as error:
            raise Conflict(error.messages[0]) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("networks", NetworkList.as_view(), name="networks"),
    path("spaces", SpaceList.as_view(), name="spaces"),
    path("spaces/<int:space_id>", SpaceDetail.as_view(), name="space"),
    path("spaces/<int:space_id>/resources", ResourceList.as_view(), name="space-resources"),
    path("spaces/<int:space_id>/resources/<int:resource_id>", ResourceDetail.as_view(), name="space-resource"),
    path("spaces/<int:space_id>/opening-hours", OpeningHoursList.as_view(), name="space-opening-hours"),
    path("spaces/<int:space_id>/closures", ClosureList.as_view(), name="space-closures"),
    path("spaces/<int:space_id>/closures/<int:closure_id>", ClosureDetail.as_view(), name="space-closure"),
    path("spaces/<int:space_id>/memberships", MembershipList.as_view(), name="space-memberships"),
    path("spaces/<int:space_id>/memberships/<int:membership_id>", MembershipDetail.as_view(), name="space-membership"),
    path("spaces/<int:space_id>/roles", RoleList.as_view(), name="space-roles"),
    path("spaces/<int:space_id>/roles/<int:role_id>", RoleDetail.as_view(), name="space-role"),
    path("practices", PracticeList.as_view(), name="practices"),
    path("practices/<int:practice_id>", PracticeDetail.as_view(), name="practice"),
]
