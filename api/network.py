"""/api/v1 network within one installation: a space's network access rules, its network visits, the visits ledger.

Thin endpoints over network.services. The rules are read by members of the space and of its network and written
(PUT: the whole set) by its coordinators; the visits are read by its coordinators and hosts; the ledger by the
coordinators and treasurers of the spaces concerned. (/api/v1/network/passes and /partners are the federation's.)
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from network import ledger, queries, rules, services
from network.models import NetworkAccess, NetworkVisit, Privilege
from spaces import rules as space_rules
from spaces.models import Network, Resource, Space

from .access import require_authenticated, space_for_role
from .pagination import Pagination


def _space_for_network(request, pk) -> Space:
    """The space if the requester is a member of it or of its network; 401 anonymous, 404 otherwise."""
    require_authenticated(request)
    space = get_object_or_404(Space, pk=pk)
    if not space_rules.is_network_member(request.user, space):
        raise exceptions.NotFound()
    return space


# Serializers ---------------------------------------------------------------------------------------------------


class NetworkAccessSerializer(serializers.Serializer):
    privilege = serializers.ChoiceField(choices=Privilege.choices)
    local = serializers.BooleanField(help_text="Members of the space's network may.")
    federated = serializers.BooleanField(help_text="Members of partner installations may.")
    free_days_per_month = serializers.IntegerField(
        min_value=0, allow_null=True, help_text="Free days per visitor per calendar month; null: no limit."
    )
    day_price = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, allow_null=True, help_text="Price of a day after the free ones."
    )
    resource_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Resource.Kind.choices),
        required=False,
        default=list,
        help_text="desk and room: the kinds of resources covered; empty: desks, or every other kind.",
    )
    kinds = serializers.ListField(child=serializers.CharField(), read_only=True)
    configured = serializers.BooleanField(read_only=True, help_text="False: no rule saved (the defaults apply).")


class NetworkAccessSetSerializer(serializers.Serializer):
    space = serializers.IntegerField(read_only=True)
    rules = NetworkAccessSerializer(many=True)

    def validate_rules(self, value):
        privileges = [r["privilege"] for r in value]
        if len(set(privileges)) != len(privileges):
            raise serializers.ValidationError(_("Give each privilege once."))
        return value


def _rules_data(space: Space) -> dict:
    saved = {r.privilege: r for r in NetworkAccess.objects.filter(space=space)}
    out = []
    for privilege in Privilege:
        rule = saved.get(privilege.value) or NetworkAccess(space=space, privilege=privilege.value)
        out.append(
            {
                "privilege": privilege.value,
                "local": rule.local,
                "federated": rule.federated,
                "free_days_per_month": rule.free_days_per_month,
                "day_price": rule.day_price,
                "resource_kinds": list(rule.resource_kinds or []),
                "kinds": rule.kinds,
                "configured": rule.pk is not None,
            }
        )
    return NetworkAccessSetSerializer({"space": space.pk, "rules": out}).data


class NetworkVisitSerializer(serializers.ModelSerializer):
    visitor = serializers.CharField(source="visitor_label", read_only=True)
    home = serializers.CharField(read_only=True)
    counted = serializers.SerializerMethodField()

    class Meta:
        model = NetworkVisit
        fields = [
            "id",
            "space",
            "date",
            "privilege",
            "visitor",
            "member",
            "visitor_ref",
            "home",
            "home_space",
            "home_installation",
            "booking",
            "charge",
            "counted",
            "created_at",
        ]
        read_only_fields = fields

    def get_counted(self, visit) -> bool:
        return visit.booking is None or visit.booking.is_holding


class LedgerRowSerializer(serializers.Serializer):
    host_space = serializers.IntegerField(source="host.pk")
    host_name = serializers.CharField(source="host.name")
    home = serializers.CharField()
    home_space = serializers.IntegerField(source="home_space.pk", allow_null=True, default=None)
    home_installation = serializers.CharField()
    visits = serializers.IntegerField()
    charged = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()


class LedgerSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    results = LedgerRowSerializer(many=True)


class LedgerQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    space = serializers.IntegerField(required=False)
    network = serializers.IntegerField(required=False)


class MonthQuerySerializer(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-\d{2}$", required=False)

    def validate_month(self, value):
        try:
            return dt.date.fromisoformat(value + "-01")
        except ValueError:
            raise serializers.ValidationError(_("Give the month as YYYY-MM.")) from None


# Views ---------------------------------------------------------------------------------------------------------


class SpaceNetworkAccess(APIView):
    """What members of the network and of partner installations may do at a space, and with what limits."""

    @extend_schema(responses=NetworkAccessSetSerializer)
    def get(self, request, pk):
        return Response(_rules_data(_space_for_network(request, pk)))

    @extend_schema(request=NetworkAccessSetSerializer, responses=NetworkAccessSetSerializer)
    def put(self, request, pk):
        """Replace the rules: each privilege given is saved, the others go back to the defaults (no rule)."""
        space = _space_for_network(request, pk)
        if not space_rules.can_manage(request.user, space):
            raise exceptions.PermissionDenied(_("You need the role of coordinator in this space."))
        data = NetworkAccessSetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        given = {r["privilege"]: r for r in data.validated_data["rules"]}
        with transaction.atomic():
            for rule in NetworkAccess.objects.filter(space=space).exclude(privilege__in=list(given)):
                services.delete_access(rule, by=request.user)
            for privilege, values in given.items():
                values = {k: v for k, v in values.items() if k in services.RULE_FIELDS}
                services.save_access(space, privilege, by=request.user, **values)
        return Response(_rules_data(space))


@extend_schema(parameters=[OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM (default: this month).")])
class SpaceNetworkVisits(generics.ListAPIView):
    """The space's network visits of one month, newest first (its coordinators and hosts)."""

    serializer_class = NetworkVisitSerializer
    pagination_class = Pagination

    def get_queryset(self):
        space = space_for_role(self.request, self.kwargs["pk"], *rules.VISITOR_ROLES)
        query = MonthQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data.get("month") or timezone.localdate(timezone=space.tz)
        first, last = services.month_bounds(day)
        return queries.visits_at(space, first, last)


class NetworkLedger(APIView):
    """The yearly visits ledger per pair of spaces (host, home): visits and what they were charged at the host.

    With ``space``: that space's rows, as host or as home (its coordinators and treasurers). With ``network``: the
    network's hosts (coordinators and treasurers of one of its spaces). Without: the rows of the spaces where the
    requester is coordinator or treasurer.
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="Default: this year."),
            OpenApiParameter("space", OpenApiTypes.INT, description="A space's id."),
            OpenApiParameter("network", OpenApiTypes.INT, description="A network's id."),
        ],
        responses=LedgerSerializer,
    )
    def get(self, request):
        require_authenticated(request)
        query = LedgerQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or timezone.localdate().year
        user = request.user
        if "space" in query.validated_data:
            space = space_for_role(request, query.validated_data["space"], *rules.LEDGER_ROLES)
            rows = ledger.yearly(year, host_space=space) + ledger.yearly(year, home_space=space)
        elif "network" in query.validated_data:
            network = get_object_or_404(Network, pk=query.validated_data["network"])
            if not rules.in_network(user, network):
                raise exceptions.NotFound()
            if not rules.can_see_network_ledger(user, network):
                raise exceptions.PermissionDenied(_("You need the role of coordinator or treasurer in the network."))
            rows = ledger.yearly(year, network=network)
        elif user.is_superuser:
            rows = ledger.yearly(year)
        else:
            mine = {sid for sid, held in space_rules.roles_by_space(user).items() if held & set(rules.LEDGER_ROLES)}
            rows = [r for r in ledger.yearly(year) if r.host.pk in mine or (r.home_space and r.home_space.pk in mine)]
        return Response(LedgerSerializer({"year": year, "results": rows}).data)


urlpatterns = [
    path("spaces/<int:pk>/network-access", SpaceNetworkAccess.as_view(), name="space-network-access"),
    path("spaces/<int:pk>/network-visits", SpaceNetworkVisits.as_view(), name="space-network-visits"),
    path("network/ledger", NetworkLedger.as_view(), name="network-ledger"),
]
