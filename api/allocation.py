"""/api/v1 allocation rounds (issue 8): rounds, requests, solving (a background task), the result, publishing.

Thin endpoints over allocation.services, with the UI's rules: members of the space read rounds and results;
members of a practice submit its requests before the deadline; coordinators create, solve and publish.
State conflicts (already solving, published, a booking in the way when publishing) are 409.
"""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from allocation import rules, services
from allocation.models import AllocationRequest, AllocationRound, SolveRun
from community.models import Practice
from spaces import rules as space_rules
from spaces.models import Resource

from .access import require_authenticated, space_for_member
from .exceptions import Conflict
from .pagination import Pagination

ROLE_MESSAGE = gettext_lazy("You need the role of coordinator in this space.")


def _round_for(request, pk, *, manage=False) -> AllocationRound:
    require_authenticated(request)
    round_ = get_object_or_404(AllocationRound.objects.select_related("space"), pk=pk)
    if not space_rules.is_member(request.user, round_.space):
        raise exceptions.NotFound()
    if manage and not rules.can_manage(request.user, round_.space):
        raise exceptions.PermissionDenied(ROLE_MESSAGE)
    return round_


def _call(func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except services.BeforeDeadline as error:
        deadline = error.deadline.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
        raise Conflict(" ".join(error.messages), code="before_deadline", extra={"deadline": deadline}) from None
    except services.StateError as error:
        raise Conflict(" ".join(error.messages)) from None


# Serializers ---------------------------------------------------------------------------------------------------


class RoundSerializer(serializers.ModelSerializer):
    resources = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = AllocationRound
        fields = [
            "id",
            "space",
            "name",
            "resources",
            "season_start",
            "season_end",
            "deadline",
            "status",
            "seed",
            "entitlement_rule",
            "slot_minutes",
            "published_at",
            "created_at",
        ]
        read_only_fields = fields


class RoundCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    resources = serializers.ListField(child=serializers.IntegerField(), min_length=1)
    season_start = serializers.DateField()
    season_end = serializers.DateField()
    deadline = serializers.DateTimeField()
    entitlement_rule = serializers.ChoiceField(
        choices=AllocationRound.EntitlementRule.choices, default=AllocationRound.EntitlementRule.EQUAL
    )
    slot_minutes = serializers.ChoiceField(choices=[30, 60], default=60)


class WindowSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 = Monday … 6 = Sunday")
    start = serializers.RegexField(r"^([01]\d|2[0-3]):[0-5]\d$", help_text="HH:MM, the space's local time")
    end = serializers.RegexField(r"^([01]\d|2[0-3]):[0-5]\d$", help_text="HH:MM, the space's local time")


class RequestSerializer(serializers.ModelSerializer):
    resources = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    windows = WindowSerializer(many=True, read_only=True)

    class Meta:
        model = AllocationRequest
        fields = [
            "id",
            "round",
            "practice",
            "title",
            "resources",
            "kind",
            "capacity",
            "equipment",
            "duration_minutes",
            "windows",
            "flexibility_minutes",
            "priority",
            "created_at",
        ]
        read_only_fields = fields


class RequestCreateSerializer(serializers.Serializer):
    practice = serializers.IntegerField()
    resources = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    kind = serializers.ChoiceField(choices=Resource.Kind.choices, required=False, allow_blank=True, default="")
    capacity = serializers.IntegerField(min_value=1, default=1)
    equipment = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)
    duration_minutes = serializers.IntegerField(min_value=15, max_value=720)
    windows = WindowSerializer(many=True)
    flexibility_minutes = serializers.IntegerField(min_value=0, max_value=180, default=0)
    priority = serializers.IntegerField(min_value=1, max_value=5, default=3)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if not attrs.get("resources") and not attrs.get("kind"):
            raise serializers.ValidationError({"resources": _("Give resources or a kind of resource.")})
        return attrs


class RunSerializer(serializers.ModelSerializer):
    class Meta:
        model = SolveRun
        fields = [
            "id",
            "status",
            "progress",
            "phase",
            "method",
            "proven_optimal",
            "gap",
            "figures",
            "timings",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class SlotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    request = serializers.IntegerField(source="request_id")
    resource = serializers.IntegerField(source="resource_id")
    weekday = serializers.IntegerField()
    start = serializers.TimeField(format="%H:%M")
    end = serializers.TimeField(format="%H:%M")
    source = serializers.CharField()


class BlockerSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["booking", "closure", "opening_hours", "capacity_equipment", "other_practices", "own_requests"]
    )
    label = serializers.CharField(help_text="The booking's title, the closure's reason, or the other practice.")
    date = serializers.DateField(allow_null=True, help_text="Of the booking or closure; null when it is not dated.")
    slot = serializers.CharField(help_text="A weekly slot it blocks, e.g. “Monday 18:00–19:00 Studio A”.")
    practice = serializers.CharField(help_text="The practice holding it (bookings, other practices' slots).")


class UnmetSerializer(serializers.Serializer):
    request = serializers.IntegerField(source="request.pk")
    reason = serializers.CharField(allow_null=True, help_text="null until a computation has finished.")
    why = serializers.CharField(help_text="A sentence naming what blocked it; empty until a computation has finished.")
    blockers = BlockerSerializer(many=True, default=list)


class PracticeResultSerializer(serializers.Serializer):
    practice = serializers.IntegerField(source="practice.pk")
    practice_name = serializers.CharField(source="practice.name")
    entitlement = serializers.DecimalField(max_digits=6, decimal_places=2)
    satisfaction = serializers.FloatField()
    weighted_satisfaction = serializers.FloatField()
    granted = serializers.SerializerMethodField()
    unmet = UnmetSerializer(many=True)

    def get_granted(self, entry) -> SlotSerializer(many=True):
        return [
            {
                **SlotSerializer(g["slot"]).data,
                "rank": g["rank"],
                "weeks": g["weeks"],
                "skipped_weeks": [day.isoformat() for day in g["skipped"]],
            }
            for g in entry["granted"]
        ]


class ResultSerializer(serializers.Serializer):
    round = serializers.IntegerField(source="round.pk")
    status = serializers.CharField(source="round.status")
    seed = serializers.IntegerField(source="round.seed")
    run = RunSerializer(allow_null=True)
    practices = PracticeResultSerializer(many=True)
    slots = SlotSerializer(many=True)
    figures = serializers.DictField(help_text="Of the current slots (after any hand changes).")
    solved_figures = serializers.DictField(help_text="As the solver left them.")
    comparison = serializers.DictField(help_text='{"fcfs": {...}, "round_robin": {...}}')


class PublishResultSerializer(serializers.Serializer):
    published = serializers.IntegerField(help_text="Number of weekly slots turned into recurring bookings.")
    round = RoundSerializer()


# Views ---------------------------------------------------------------------------------------------------------


class SpaceAllocationRounds(generics.ListAPIView):
    """The allocation rounds of a space (members); open one (coordinators)."""

    serializer_class = RoundSerializer
    pagination_class = Pagination

    def get_queryset(self):
        space = space_for_member(self.request, self.kwargs["pk"])
        return (
            AllocationRound.objects.filter(space=space).prefetch_related("resources").order_by("-season_start", "-id")
        )

    @extend_schema(request=RoundCreateSerializer, responses={201: RoundSerializer})
    def post(self, request, pk):
        space = space_for_member(request, pk)
        if not rules.can_manage(request.user, space):
            raise exceptions.PermissionDenied(ROLE_MESSAGE)
        data = RoundCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        ids = values.pop("resources")
        resources = list(Resource.objects.filter(pk__in=ids, space=space))
        if len(resources) != len(set(ids)):
            raise exceptions.ValidationError({"resources": [_("Choose resources of this space.")]})
        round_ = services.create_round(space, by=request.user, resources=resources, **values)
        return Response(RoundSerializer(round_).data, status=status.HTTP_201_CREATED)


class AllocationRoundDetail(APIView):
    @extend_schema(responses=RoundSerializer)
    def get(self, request, pk):
        return Response(RoundSerializer(_round_for(request, pk)).data)


class AllocationRoundRequests(generics.ListAPIView):
    """Requests of a round: your practices' (members), all of them (coordinators); submit one."""

    serializer_class = RequestSerializer
    pagination_class = Pagination

    def get_queryset(self):
        round_ = _round_for(self.request, self.kwargs["pk"])
        qs = round_.requests.prefetch_related("resources").order_by("-priority", "created_at", "id")
        if not rules.can_manage(self.request.user, round_.space):
            qs = qs.filter(practice__in=rules.practices_for(self.request.user, round_.space))
        return qs

    @extend_schema(request=RequestCreateSerializer, responses={201: RequestSerializer})
    def post(self, request, pk):
        round_ = _round_for(request, pk)
        data = RequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        practice = Practice.objects.filter(pk=values.pop("practice")).first()
        if practice is None or not rules.space_practices(round_.space).filter(pk=practice.pk).exists():
            raise exceptions.ValidationError({"practice": [_("Choose a practice of this space.")]})
        ids = values.pop("resources")
        resources = list(round_.resources.filter(pk__in=ids))
        if len(resources) != len(set(ids)):
            raise exceptions.ValidationError({"resources": [_("Choose among the round's resources.")]})
        values["windows"] = [dict(w) for w in values["windows"]]
        created = _call(
            services.submit_request, round_, by=request.user, practice=practice, resources=resources, **values
        )
        return Response(RequestSerializer(created).data, status=status.HTTP_201_CREATED)


class AllocationRoundSolve(APIView):
    """Start computing the timetable in the background (coordinators): 202 with the run; poll the result. Before
    the round's deadline: 409 ``{"code": "before_deadline", "deadline": …}`` (close the requests first)."""

    @extend_schema(request=None, responses={202: RunSerializer})
    def post(self, request, pk):
        round_ = _round_for(request, pk, manage=True)
        run = _call(services.compute, round_, by=request.user)
        run.refresh_from_db()
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class AllocationRoundCloseRequests(APIView):
    """Close the round for requests before its deadline (coordinators): the deadline moves to now, so the timetable
    can be computed. 409 when the deadline has passed or the round is computed already."""

    @extend_schema(request=None, responses=RoundSerializer)
    def post(self, request, pk):
        round_ = _round_for(request, pk, manage=True)
        return Response(RoundSerializer(_call(services.close_requests_now, round_, by=request.user)).data)


class AllocationRoundResult(APIView):
    """The proposed (or published) timetable: per practice its satisfaction, granted slots and why the others were
    not granted; fairness figures; the first-come-first-served and round-robin comparison (members)."""

    @extend_schema(responses=ResultSerializer)
    def get(self, request, pk):
        round_ = _round_for(request, pk)
        return Response(ResultSerializer(services.result(round_)).data)


class AllocationRoundPublish(APIView):
    """Publish: every granted slot becomes a weekly recurring booking, all or nothing (coordinators). 409 when a
    slot conflicts with a booking (nothing is published) or the round is not proposed."""

    @extend_schema(request=None, responses=PublishResultSerializer)
    def post(self, request, pk):
        round_ = _round_for(request, pk, manage=True)
        count = _call(services.publish, round_, by=request.user)
        round_.refresh_from_db()
        return Response({"published": count, "round": RoundSerializer(round_).data})


urlpatterns = [
    path("spaces/<int:pk>/allocation-rounds", SpaceAllocationRounds.as_view(), name="space-allocation-rounds"),
    path("allocation-rounds/<int:pk>", AllocationRoundDetail.as_view(), name="allocation-round"),
    path("allocation-rounds/<int:pk>/requests", AllocationRoundRequests.as_view(), name="allocation-round-requests"),
    path("allocation-rounds/<int:pk>/solve", AllocationRoundSolve.as_view(), name="allocation-round-solve"),
    path(
        "allocation-rounds/<int:pk>/close-requests",
        AllocationRoundCloseRequests.as_view(),
        name="allocation-round-close-requests",
    ),
    path("allocation-rounds/<int:pk>/result", AllocationRoundResult.as_view(), name="allocation-round-result"),
    path("allocation-rounds/<int:pk>/publish", AllocationRoundPublish.as_view(), name="allocation-round-publish"),
]
