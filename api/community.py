"""/api/v1/practices/{id}/members and /api/v1/me."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from community import rules, services
from community.models import Invitation, Member, Practice, PracticeMember
from spaces import rules as space_rules
from spaces.models import Space, SpaceMembership

from .access import require_authenticated


class PracticeMemberSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="member.id", read_only=True)
    name = serializers.CharField(source="member.name", read_only=True)
    email = serializers.SerializerMethodField()

    class Meta:
        model = PracticeMember
        fields = ["id", "name", "email", "is_contact", "joined_at"]

    def get_email(self, link) -> str | None:
        return link.member.email if self.context.get("show_emails") else None


class InvitationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invitation
        fields = ["id", "email", "name", "language", "created_at", "expires_at"]


class InviteSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class InviteResultSerializer(serializers.Serializer):
    status = serializers.CharField(help_text='"added" (an existing account joined) or "invited" (an email was sent).')
    member = PracticeMemberSerializer(allow_null=True)
    invitation = InvitationSerializer(allow_null=True)


def _practice(request, practice_id) -> Practice:
    """401 for anonymous, 404 for a practice the requester may not see."""
    practice = get_object_or_404(Practice, pk=practice_id)
    if not rules.practice_is_visible(request.user, practice):
        require_authenticated(request)
        raise exceptions.NotFound()
    return practice


def _managed_practice(request, practice_id) -> Practice:
    require_authenticated(request)
    practice = _practice(request, practice_id)
    if not rules.can_manage_practice(request.user, practice):
        raise exceptions.PermissionDenied(_("You may not manage the members of this practice."))
    return practice


def _validation(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(error.message_dict)
    return exceptions.ValidationError({"non_field_errors": error.messages})


class PracticeMembersView(GenericAPIView):
    """The people acting for a practice. POST ``{email, name}`` adds an existing account at once
    (``"status": "added"``) or invites a new person by email (``"status": "invited"``)."""

    serializer_class = PracticeMemberSerializer

    def get_queryset(self):
        return PracticeMember.objects.none()

    @extend_schema(responses=PracticeMemberSerializer(many=True))
    def get(self, request, practice_id: int):
        practice = get_object_or_404(Practice, pk=practice_id)
        if not rules.can_see_members(request.user, practice):
            _practice(request, practice_id)  # 401 or 404 first
            raise exceptions.PermissionDenied(_("You may not see the members of this practice."))
        links = (
            PracticeMember.objects.filter(practice=practice)
            .select_related("member")
            .order_by("member__name", "member__id")
        )
        page = self.paginate_queryset(links)
        context = {"show_emails": rules.can_see_emails(request.user, practice)}
        return self.get_paginated_response(PracticeMemberSerializer(page, many=True, context=context).data)

    @extend_schema(request=InviteSerializer, responses={201: InviteResultSerializer})
    def post(self, request, practice_id: int):
        practice = _managed_practice(request, practice_id)
        data = InviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            outcome, obj = services.invite_to_practice(
                practice, data.validated_data["email"], name=data.validated_data["name"], by=request.user
            )
        except DjangoValidationError as error:
            raise _validation(error) from None
        body = {
            "status": outcome,
            "member": PracticeMemberSerializer(obj, context={"show_emails": True}).data if outcome == "added" else None,
            "invitation": InvitationSerializer(obj).data if outcome == "invited" else None,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class PracticeMemberView(APIView):
    """Remove a person from a practice (managers of the practice; anyone may remove themselves)."""

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, practice_id: int, member_id: int):
        require_authenticated(request)
        practice = _practice(request, practice_id)
        link = get_object_or_404(
            PracticeMember.objects.select_related("member"), practice=practice, member_id=member_id
        )
        if not rules.can_remove_member(request.user, link):
            raise exceptions.PermissionDenied(_("You may not remove members of this practice."))
        services.remove_practice_member(link, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyPracticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Practice
        fields = ["id", "name", "slug", "kind"]


class MyMembershipSerializer(serializers.ModelSerializer):
    practice = serializers.IntegerField(source="practice_id")

    class Meta:
        model = SpaceMembership
        fields = ["practice", "kind", "start_date", "end_date", "area_m2"]


class MySpaceSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = Space
        fields = ["id", "name", "slug", "city", "country", "roles", "memberships"]

    @extend_schema_field(
        serializers.ListField(child=serializers.CharField(help_text="coordinator, host, treasurer, …"))
    )
    def get_roles(self, space) -> list[str]:
        return sorted(self.context["roles"].get(space.pk, ()))

    @extend_schema_field(MyMembershipSerializer(many=True))
    def get_memberships(self, space) -> list[dict]:
        return MyMembershipSerializer(self.context["memberships"].get(space.pk, []), many=True).data


class MeSerializer(serializers.ModelSerializer):
    practices = serializers.SerializerMethodField()
    spaces = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = ["id", "email", "name", "language", "phone", "bio", "is_superuser", "practices", "spaces"]

    @extend_schema_field(MyPracticeSerializer(many=True))
    def get_practices(self, member) -> list[dict]:
        return MyPracticeSerializer(self.context["practices"], many=True).data

    @extend_schema_field(MySpaceSerializer(many=True))
    def get_spaces(self, member) -> list[dict]:
        return MySpaceSerializer(self.context["spaces"], many=True, context=self.context).data


class MeView(APIView):
    """The current member, the practices they act for, their spaces and their roles there."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        require_authenticated(request)
        user = request.user
        space_ids = space_rules.member_space_ids(user)
        practice_ids = space_rules.practice_ids(user)
        memberships: dict[int, list] = {}
        for membership in SpaceMembership.objects.active().filter(space_id__in=space_ids, practice_id__in=practice_ids):
            memberships.setdefault(membership.space_id, []).append(membership)
        context = {
            "roles": space_rules.roles_by_space(user),
            "memberships": memberships,
            "practices": Practice.objects.filter(id__in=practice_ids).order_by("name"),
            "spaces": Space.objects.filter(id__in=space_ids).order_by("name"),
        }
        return Response(MeSerializer(user, context=context).data)


urlpatterns = [
    path("me", MeView.as_view(), name="me"),
    path("practices/<int:practice_id>/members", PracticeMembersView.as_view(), name="practice-members"),
    path("practices/<int:practice_id>/members/<int:member_id>", PracticeMemberView.as_view(), name="practice-member"),
]
