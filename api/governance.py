"""/api/v1/ co-governance: proposals, votes, comments, the decision log, agreements, care tasks and incidents.

Members read, propose, vote, comment and report incidents; coordinators manage agreements and care tasks; the
caretaker or the owner's representative update the incidents routed to them. Every write goes through
governance.services.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from community.models import Practice
from governance import changes, queries
from governance import rules as governance_rules
from governance.models import (
    Agreement,
    Attachment,
    CareTask,
    Category,
    Comment,
    Decision,
    Incident,
    Meeting,
    Party,
    Proposal,
    ProposalType,
    Vote,
)
from governance.services import agreements, incidents, proposals, rota
from spaces import rules
from spaces.models import Resource

from . import access
from .exceptions import Conflict
from .pagination import Pagination


def _coordinator_space(request, space_id):
    return access.space_for_role(request, space_id, *rules.MANAGING_ROLES)


# --- serializers -------------------------------------------------------------------------------------------------


class ProposalSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()
    vote_count = serializers.IntegerField(read_only=True)
    comment_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "space",
            "type",
            "title",
            "text",
            "author",
            "deadline",
            "method",
            "vote_unit",
            "quorum_percent",
            "meeting",
            "change_kind",
            "change_data",
            "status",
            "created_at",
            "closed_at",
            "vote_count",
            "comment_count",
        ]
        read_only_fields = fields


class ProposalCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    text = serializers.CharField()
    deadline = serializers.DateTimeField()
    type = serializers.ChoiceField(choices=ProposalType.choices, default=ProposalType.GENERAL)
    meeting = serializers.IntegerField(required=False, allow_null=True)
    change_kind = serializers.CharField(required=False, allow_blank=True, default="")
    change_data = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)

    def validate_change_kind(self, value):
        if value and changes.get(value) is None:
            raise serializers.ValidationError(
                _("Unknown change; one of: %(kinds)s.") % {"kinds": ", ".join(changes.REGISTRY)}
            )
        return value


class TallySerializer(serializers.Serializer):
    yes = serializers.IntegerField()
    no = serializers.IntegerField()
    abstain = serializers.IntegerField()
    object = serializers.IntegerField()
    cast = serializers.IntegerField()
    eligible = serializers.IntegerField()
    quorum = serializers.IntegerField()
    passed = serializers.BooleanField()


class VoteSerializer(serializers.ModelSerializer):
    voter = serializers.CharField(source="voter_name", read_only=True)

    class Meta:
        model = Vote
        fields = ["id", "proposal", "voter", "member", "practice", "choice", "reason", "created_at"]
        read_only_fields = fields


class ProposalDetailSerializer(ProposalSerializer):
    votes = VoteSerializer(many=True, read_only=True)
    tally = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "votes", "tally", "decision"]
        read_only_fields = fields

    @extend_schema_field(TallySerializer)
    def get_tally(self, obj) -> dict:
        return proposals.tally(obj, list(obj.votes.all()))

    def get_decision(self, obj) -> int | None:
        decision = Decision.objects.filter(proposal=obj).only("number").first()
        return decision.number if decision else None


class VoteCreateSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=Vote.Choice.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    practice = serializers.IntegerField(required=False, allow_null=True)


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()

    class Meta:
        model = Comment
        fields = ["id", "proposal", "author", "text", "created_at"]
        read_only_fields = ["id", "proposal", "author", "created_at"]


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "proposal", "name", "url", "created_at"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        """The permission-checked download (members of the space, signed in)."""
        return reverse("governance:attachment", kwargs={"slug": obj.proposal.space.slug, "pk": obj.pk})


class AttachmentCreateSerializer(serializers.Serializer):
    file = serializers.FileField()
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.ModelSerializer):
    change_url = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "space",
            "number",
            "proposal",
            "meeting",
            "title",
            "outcome",
            "method",
            "counts",
            "reasons",
            "summary",
            "change_kind",
            "change_label",
            "change_url",
            "recorded_by_name",
            "decided_at",
        ]
        read_only_fields = fields

    def get_change_url(self, obj) -> str | None:
        return obj.change_url()


class MaintenanceField(serializers.DictField):
    child = serializers.ChoiceField(choices=Party.choices)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        unknown = set(value) - set(Category.values)
        if unknown:
            raise serializers.ValidationError(
                _("Unknown categories: %(categories)s.") % {"categories": ", ".join(sorted(unknown))}
            )
        return value


class AgreementSerializer(serializers.ModelSerializer):
    maintenance = MaintenanceField(required=False, default=dict)
    notice_deadline = serializers.DateField(read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "space",
            "kind",
            "title",
            "owner_party",
            "user_party",
            "start",
            "end",
            "notice_days",
            "notice_deadline",
            "rent",
            "rent_period",
            "indexation",
            "maintenance",
            "remind_days_before",
            "notes",
            "created_at",
        ]
        read_only_fields = ["id", "space", "notice_deadline", "created_at"]

    def validate(self, attrs):
        if attrs.get("end") and attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": [_("The end must be after the start.")]})
        return attrs


class CareTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareTask
        fields = [
            "id",
            "space",
            "title",
            "kind",
            "description",
            "rrule",
            "starts_on",
            "time",
            "effort_minutes",
            "is_active",
        ]
        read_only_fields = ["id", "space", "is_active"]


class IncidentSerializer(serializers.ModelSerializer):
    reported_by = serializers.StringRelatedField()
    has_photo = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "id",
            "space",
            "resource",
            "category",
            "severity",
            "title",
            "description",
            "reported_by",
            "responsible",
            "status",
            "note",
            "closure",
            "created_at",
            "acknowledged_at",
            "solved_at",
            "has_photo",
        ]
        read_only_fields = fields

    def get_has_photo(self, obj) -> bool:
        return bool(obj.photo)


class IncidentCreateSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Category.choices)
    severity = serializers.ChoiceField(choices=Incident.Severity.choices, default=Incident.Severity.MEDIUM)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    resource = serializers.IntegerField(required=False, allow_null=True)


class IncidentUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Incident.Status.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    responsible = serializers.ChoiceField(choices=Party.choices, required=False)


# --- views -------------------------------------------------------------------------------------------------------


def _bad_request(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"non_field_errors": exc.messages})


class SpaceProposals(generics.GenericAPIView):
    pagination_class = Pagination
    serializer_class = ProposalSerializer

    @extend_schema(responses=ProposalSerializer(many=True))
    def get(self, request, space_id: int):
        space = access.space_for_member(request, space_id)
        page = self.paginate_queryset(queries.proposals(space).order_by("-created_at", "-id"))
        return self.get_paginated_response(ProposalSerializer(page, many=True).data)

    @extend_schema(request=ProposalCreateSerializer, responses={201: ProposalSerializer})
    def post(self, request, space_id: int):
        space = access.space_for_member(request, space_id)
        data = ProposalCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        meeting_id = values.pop("meeting", None)
        meeting = None
        if meeting_id is not None:
            meeting = Meeting.objects.filter(space=space, pk=meeting_id).first()
            if meeting is None:
                raise exceptions.ValidationError({"meeting": [_("No such meeting in this space.")]})
        try:
            proposal = proposals.create_proposal(space, by=request.user, meeting=meeting, **values)
        except DjangoValidationError as exc:
            raise _bad_request(exc) from None
        proposal = queries.proposals(space).get(pk=proposal.pk)
        return Response(ProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)


def _proposal_for_member(request, pk) -> Proposal:
    access.require_authenticated(request)
    proposal = get_object_or_404(Proposal.objects.select_related("space"), pk=pk)
    if not rules.is_member(request.user, proposal.space):
        raise exceptions.NotFound()
    return proposal


class ProposalDetail(APIView):
    @extend_schema(responses=ProposalDetailSerializer)
    def get(self, request, pk: int):
        proposal = _proposal_for_member(request, pk)
        proposal = queries.proposals(proposal.space).prefetch_related("votes__practice", "votes__member").get(pk=pk)
        return Response(ProposalDetailSerializer(proposal).data)


class ProposalVotes(APIView):
    @extend_schema(request=VoteCreateSerializer, responses={201: VoteSerializer})
    def post(self, request, pk: int):
        proposal = _proposal_for_member(request, pk)
        data = VoteCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        practice = None
        if data.validated_data.get("practice"):
            practice = Practice.objects.filter(pk=data.validated_data["practice"]).first()
            if practice is None:
                raise exceptions.ValidationError({"practice": [_("No such practice.")]})
        try:
            vote = proposals.cast_vote(
                proposal,
                by=request.user,
                choice=data.validated_data["choice"],
                reason=data.validated_data["reason"],
                practice=practice,
            )
        except proposals.AlreadyVoted as exc:
            raise Conflict(exc.messages[0], code="already_voted") from None
        except DjangoValidationError as exc:
            raise _bad_request(exc) from None
        return Response(VoteSerializer(vote).data, status=status.HTTP_201_CREATED)


class ProposalComments(generics.GenericAPIView):
    pagination_class = Pagination
    serializer_class = CommentSerializer

    @extend_schema(responses=CommentSerializer(many=True))
    def get(self, request, pk: int):
        proposal = _proposal_for_member(request, pk)
        page = self.paginate_queryset(proposal.comments.select_related("author"))
        return self.get_paginated_response(CommentSerializer(page, many=True).data)

    @extend_schema(request=CommentSerializer, responses={201: CommentSerializer})
    def post(self, request, pk: int):
        proposal = _proposal_for_member(request, pk)
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            comment = proposals.add_comment(proposal, data.validated_data["text"], by=request.user)
        except DjangoValidationError as exc:
            raise _bad_request(exc) from None
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class ProposalAttachments(generics.GenericAPIView):
    pagination_class = Pagination
    serializer_class = AttachmentSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(responses=AttachmentSerializer(many=True))
    def get(self, request, pk: int):
        proposal = _proposal_for_member(request, pk)
        page = self.paginate_queryset(proposal.attachments.select_related("proposal__space"))
        return self.get_paginated_response(AttachmentSerializer(page, many=True).data)

    @extend_schema(request={"multipart/form-data": AttachmentCreateSerializer}, responses={201: AttachmentSerializer})
    def post(self, request, pk: int):
        proposal = _proposal_for_member(request, pk)
        data = AttachmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            attachment = proposals.add_attachment(
                proposal, data.validated_data["file"], by=request.user, name=data.validated_data["name"]
            )
        except DjangoValidationError as exc:
            raise _bad_request(exc) from None
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class SpaceDecisions(generics.GenericAPIView):
    pagination_class = Pagination
    serializer_class = DecisionSerializer

    @extend_schema(responses=DecisionSerializer(many=True))
    def get(self, request, space_id: int):
        space = access.space_for_member(request, space_id)
        page = self.paginate_queryset(Decision.objects.filter(space=space).order_by("-number"))
        return self.get_paginated_response(DecisionSerializer(page, many=True).data)


class SpaceAgreements(generics.GenericAPIView):
    pagination_class = Pagination
    serializer_class = AgreementSerializer

    @extend_schema(responses=AgreementSerializer(many=True))
    def get(self, request, space_id: int):
        space = access.space_for_member(request, space_id)
        page = self.paginate_queryset(Agreement.objects.filter(space=space).order_by("-start", "-id"))
        return self.get_paginated_response(AgreementSerializer(page, many=True).data)

    @extend_schema(request=AgreementSerializer, responses={201: AgreementSerializer})
    def post(self, request, space_id: int):
        space = _coordinator_space(request, space_id)
        data = AgreementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            agreement = agreements.create_agreement(space, by=request.user, **data.validated_data)
        except DjangoValidationError as exc:
            raise _bad_request(exc) from None
        return Response(AgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)


class SpaceTasks(generics.GenericAPIView):
    pagination_class = Pagination
    serializer_class = CareTaskSerializer

    @extend_schema(responses=CareTaskSerializer(many=True))
    def get(self, request, space_id: int):
        space = access.space_for_member(request, space_id)
        page = self.paginate_queryset(CareTask.objects.filter(space=space).order_by("title", "id"))
        return self.get_paginated_response(CareTaskSerializer(page, many=True).data)

    @extend_schema(request=CareTaskSerializer, responses={201: CareTaskSerializer})
    def post(self, request, space_id: int):
        space = _coordinator_space(request, space_id)
        data = CareTaskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            task = rota.create_task(space, by=request.user, **data.validated_data)
        except DjangoValidationError as exc:
            raise _bad_request(exc) from None
        return Response(CareTaskSerializer(task).data, status=status.HTTP_201_CREATED)


class SpaceIncidents(generics.GenericAPIView):
    pagination_class = Pagination
    serializer_class = IncidentSerializer

    @extend_schema(responses=IncidentSerializer(many=True))
    def get(self, request, space_id: int):
        space = access.space_for_member(request, space_id)
        page = self.paginate_queryset(queries.incidents(space).order_by("-created_at", "-id"))
        return self.get_paginated_response(IncidentSerializer(page, many=True).data)

    @extend_schema(request=IncidentCreateSerializer, responses={201: IncidentSerializer})
    def post(self, request, space_id: int):
        space = access.space_for_member(request, space_id)
        data = IncidentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        resource_id = values.pop("resource", None)
        resource = None
        if resource_id is not None:
            resource = Resource.objects.filter(space=space, pk=resource_id).first()
            if resource is None:
                raise exceptions.ValidationError({"resource": [_("No such resource in this space.")]})
        try:
            incident = incidents.report_incident(space, by=request.user, resource=resource, **values)
        except DjangoValidationError as exc:
            raise _bad_request(exc) from None
        return Response(IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)


class IncidentDetail(APIView):
    @extend_schema(responses=IncidentSerializer)
    def get(self, request, pk: int):
        incident = self._incident(request, pk)
        return Response(IncidentSerializer(incident).data)

    @extend_schema(request=IncidentUpdateSerializer, responses=IncidentSerializer)
    def patch(self, request, pk: int):
        incident = self._incident(request, pk)
        if not governance_rules.can_update_incident(request.user, incident):
            raise exceptions.PermissionDenied(
                _("Only the caretaker or the owner's representative it is routed to, or a coordinator, may update it.")
            )
        data = IncidentUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            incident = incidents.update_incident(incident, by=request.user, **data.validated_data)
        except DjangoValidationError as exc:
            raise _bad_request(exc) from None
        return Response(IncidentSerializer(incident).data)

    def _incident(self, request, pk) -> Incident:
        access.require_authenticated(request)
        incident = get_object_or_404(Incident.objects.select_related("space", "reported_by"), pk=pk)
        if not rules.is_member(request.user, incident.space):
            raise exceptions.NotFound()
        return incident


urlpatterns = [
    path("spaces/<int:space_id>/proposals", SpaceProposals.as_view(), name="space-proposals"),
    path("proposals/<int:pk>", ProposalDetail.as_view(), name="proposal"),
    path("proposals/<int:pk>/votes", ProposalVotes.as_view(), name="proposal-votes"),
    path("proposals/<int:pk>/comments", ProposalComments.as_view(), name="proposal-comments"),
    path("proposals/<int:pk>/attachments", ProposalAttachments.as_view(), name="proposal-attachments"),
    path("spaces/<int:space_id>/decisions", SpaceDecisions.as_view(), name="space-decisions"),
    path("spaces/<int:space_id>/agreements", SpaceAgreements.as_view(), name="space-agreements"),
    path("spaces/<int:space_id>/tasks", SpaceTasks.as_view(), name="space-tasks"),
    path("spaces/<int:space_id>/incidents", SpaceIncidents.as_view(), name="space-incidents"),
    path("incidents/<int:pk>", IncidentDetail.as_view(), name="incident"),
]
