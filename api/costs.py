"""/api/v1 shared costs: periods, items, shares, closing, statements and payments.

Thin endpoints over costs.services. Members of a space read its periods, items and shares; only its treasurers
and coordinators write. A practice's statements are read by its members and the space's treasurers/coordinators.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from community.models import Practice
from costs import queries, rules, services, shares
from costs.explain import explain
from costs.models import RENTAL_INCOME_KEY_CHOICES, CostItem, CostPeriod, Payment, Statement
from spaces import rules as space_rules

from .access import require_authenticated, space_for_member
from .pagination import Pagination

ROLE_MESSAGE = gettext_lazy("You need the role of treasurer or coordinator in this space.")


def _period_for(request, pk, *, write=False) -> CostPeriod:
    require_authenticated(request)
    period = get_object_or_404(CostPeriod.objects.select_related("space"), pk=pk)
    if not space_rules.is_member(request.user, period.space):
        raise exceptions.NotFound()
    if write and not rules.can_manage(request.user, period.space):
        raise exceptions.PermissionDenied(ROLE_MESSAGE)
    return period


def _statement_for(request, pk, *, write=False) -> Statement:
    require_authenticated(request)
    statement = get_object_or_404(
        queries.with_paid(Statement.objects.select_related("practice", "space", "period")), pk=pk
    )
    can_read = rules.can_read_statement(request.user, statement)
    if not can_read:
        if space_rules.is_member(request.user, statement.space):
            raise exceptions.PermissionDenied(
                _("Only the practice's members and the treasurer may see this statement.")
            )
        raise exceptions.NotFound()
    if write and not rules.can_manage(request.user, statement.space):
        raise exceptions.PermissionDenied(ROLE_MESSAGE)
    return statement


# Serializers ---------------------------------------------------------------------------------------------------


class CostPeriodSerializer(serializers.ModelSerializer):
    days = serializers.IntegerField(read_only=True)

    class Meta:
        model = CostPeriod
        fields = ["id", "space", "kind", "start", "end", "days", "status", "closed_at", "created_at"]
        read_only_fields = fields


class CostPeriodCreateSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(required=False, help_text="Last day (included). Not needed for a month/quarter/year.")
    kind = serializers.ChoiceField(choices=CostPeriod.Kind.choices, default=CostPeriod.Kind.CUSTOM)

    def validate(self, attrs):
        if attrs.get("kind", CostPeriod.Kind.CUSTOM) == CostPeriod.Kind.CUSTOM and not attrs.get("end"):
            raise serializers.ValidationError({"end": _("Give the last day of a custom period.")})
        return attrs


class CostItemSerializer(serializers.ModelSerializer):
    has_document = serializers.SerializerMethodField()

    class Meta:
        model = CostItem
        fields = [
            "id",
            "period",
            "kind",
            "label",
            "category",
            "amount",
            "vat_rate",
            "vat_amount",
            "key",
            "key_params",
            "corrects",
            "source",
            "has_document",
            "created_at",
        ]
        read_only_fields = fields

    def get_has_document(self, item) -> bool:
        return bool(item.document)


class CostItemCreateSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=CostItem.Category.choices, default=CostItem.Category.OTHER)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    key = serializers.ChoiceField(choices=CostItem.Key.choices, required=False)
    key_params = serializers.JSONField(
        required=False,
        help_text='hours: {"weights": {"<resource id>": "1.5"}}; fixed: {"percentages": {"<practice id>": "25"}}.',
    )
    kind = serializers.ChoiceField(choices=CostItem.Kind.choices, default=CostItem.Kind.COST)
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True, min_value=0)
    vat_amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0)
    corrects = serializers.IntegerField(
        required=False, allow_null=True, help_text="For a correction: the statement id."
    )

    def validate(self, attrs):
        kind = attrs.get("kind", CostItem.Kind.COST)
        if kind != CostItem.Kind.CORRECTION and not attrs.get("key"):
            raise serializers.ValidationError({"key": _("This field is required.")})
        if kind != CostItem.Kind.CORRECTION and attrs["amount"] < 0:
            raise serializers.ValidationError({"amount": _("Only a correction may be negative.")})
        return attrs


class PracticeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class LineSerializer(serializers.Serializer):
    item = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()
    kind = serializers.CharField()
    category = serializers.CharField()
    key = serializers.CharField()
    item_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    weight = serializers.CharField()
    total_weight = serializers.CharField()
    explanation = serializers.CharField()


class ShareSerializer(serializers.Serializer):
    practice = serializers.IntegerField(source="practice_id")
    practice_name = serializers.CharField(source="name")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    costs = serializers.DecimalField(max_digits=14, decimal_places=2, source="base")
    coefficient = serializers.DecimalField(max_digits=6, decimal_places=3)
    solidarity = serializers.DecimalField(max_digits=14, decimal_places=2, source="transfer")
    income = serializers.DecimalField(max_digits=14, decimal_places=2)
    corrections = serializers.DecimalField(max_digits=14, decimal_places=2)
    breakdown = serializers.SerializerMethodField()

    def get_breakdown(self, share) -> LineSerializer(many=True):
        currency = self.context.get("currency", "EUR")
        out = []
        for line in share.lines:
            data = line.as_dict()
            data.pop("detail")
            data["explanation"] = explain(line.as_dict(), currency)
            out.append(data)
        return out


class StatementSerializer(serializers.ModelSerializer):
    practice = PracticeRefSerializer(read_only=True)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    outstanding = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    period_start = serializers.DateField(source="period.start", read_only=True)
    period_end = serializers.DateField(source="period.end", read_only=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "number",
            "space",
            "period",
            "period_start",
            "period_end",
            "practice",
            "amount",
            "currency",
            "reference",
            "language",
            "issued_at",
            "due_date",
            "paid",
            "outstanding",
            "lines",
        ]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "statement", "date", "amount", "reference", "counterparty", "source", "created_at"]
        read_only_fields = fields


class PaymentCreateSerializer(serializers.Serializer):
    date = serializers.DateField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    reference = serializers.CharField(max_length=140, required=False, allow_blank=True, default="")
    counterparty = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CloseResultSerializer(serializers.Serializer):
    period = CostPeriodSerializer()
    statements = StatementSerializer(many=True)


# Views ---------------------------------------------------------------------------------------------------------


class SpaceCostPeriods(generics.ListAPIView):
    """The cost periods of a space (members); open one (treasurer or coordinator)."""

    serializer_class = CostPeriodSerializer
    pagination_class = Pagination

    def get_queryset(self):
        space = space_for_member(self.request, self.kwargs["pk"])
        return CostPeriod.objects.filter(space=space).order_by("-start")

    @extend_schema(request=CostPeriodCreateSerializer, responses={201: CostPeriodSerializer})
    def post(self, request, pk):
        space = space_for_member(request, pk)
        if not rules.can_manage(request.user, space):
            raise exceptions.PermissionDenied(ROLE_MESSAGE)
        data = CostPeriodCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        period = services.open_period(space, by=request.user, **data.validated_data)
        return Response(CostPeriodSerializer(period).data, status=status.HTTP_201_CREATED)


class CostPeriodDetail(APIView):
    @extend_schema(responses=CostPeriodSerializer)
    def get(self, request, pk):
        return Response(CostPeriodSerializer(_period_for(request, pk)).data)


class CostPeriodItems(generics.ListAPIView):
    """A period's items (members); add one (treasurer or coordinator)."""

    serializer_class = CostItemSerializer
    pagination_class = Pagination

    def get_queryset(self):
        period = _period_for(self.request, self.kwargs["pk"])
        return period.items.order_by("kind", "id")

    @extend_schema(request=CostItemCreateSerializer, responses={201: CostItemSerializer})
    def post(self, request, pk):
        period = _period_for(request, pk, write=True)
        data = CostItemCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        corrects = values.pop("corrects", None)
        if corrects is not None:
            values["corrects"] = Statement.objects.filter(pk=corrects, space_id=period.space_id).first()
            if values["corrects"] is None:
                raise exceptions.ValidationError({"corrects": _("No such statement in this space.")})
        item = services.add_item(period, by=request.user, **values)
        return Response(CostItemSerializer(item).data, status=status.HTTP_201_CREATED)


class RentalIncomeSerializer(serializers.Serializer):
    key = serializers.ChoiceField(
        choices=RENTAL_INCOME_KEY_CHOICES,
        default=CostItem.Key.EQUAL,
        help_text="How the income lowers the practices' shares.",
    )


class CostPeriodRentalIncome(APIView):
    """Count the period's priced guest bookings as one income item (created, or brought up to date when run again;
    treasurer or coordinator). 400 with code "invalid" when the period has no such booking."""

    @extend_schema(request=RentalIncomeSerializer, responses={200: CostItemSerializer, 201: CostItemSerializer})
    def post(self, request, pk):
        period = _period_for(request, pk, write=True)
        data = RentalIncomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        existed = period.items.filter(source="bookings").exists()
        item = services.count_rental_income(period, by=request.user, key=data.validated_data["key"])
        return Response(
            CostItemSerializer(item).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )


class CostPeriodShares(generics.ListAPIView):
    """Each practice's share of the period, with its breakdown line by line (members of the space)."""

    serializer_class = ShareSerializer
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return []
        period = _period_for(self.request, self.kwargs["pk"])
        self._currency = services.settings_for(period.space).currency
        return shares.compute(period).shares

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "currency": getattr(self, "_currency", "EUR")}


class CostPeriodClose(APIView):
    """Close the period: freeze it and issue the numbered statements (treasurer or coordinator)."""

    @extend_schema(request=None, responses=CloseResultSerializer)
    def post(self, request, pk):
        period = _period_for(request, pk, write=True)
        services.close_period(period, by=request.user)
        period.refresh_from_db()
        statements = queries.with_paid(
            Statement.objects.filter(period=period).select_related("practice", "period")
        ).order_by("number")
        return Response(
            {"period": CostPeriodSerializer(period).data, "statements": StatementSerializer(statements, many=True).data}
        )


class PracticeStatements(generics.ListAPIView):
    """A practice's statements: all of them for its members; those of their spaces for treasurers/coordinators."""

    serializer_class = StatementSerializer
    pagination_class = Pagination

    def get_queryset(self):
        require_authenticated(self.request)
        practice = get_object_or_404(Practice, pk=self.kwargs["pk"])
        user = self.request.user
        qs = Statement.objects.filter(practice=practice).select_related("practice", "period")
        if not (user.is_superuser or practice.pk in space_rules.practice_ids(user)):
            managed = [
                sid for sid, roles in space_rules.roles_by_space(user).items() if set(roles) & set(rules.COST_ROLES)
            ]
            if not practice.space_memberships.filter(space_id__in=managed).exists():
                if space_rules.practice_is_visible(user, practice):
                    raise exceptions.PermissionDenied(_("Only the practice's members and the treasurer may see these."))
                raise exceptions.NotFound()
            qs = qs.filter(space_id__in=managed)
        return queries.with_paid(qs).order_by("-issued_at", "-number")


class StatementDetail(APIView):
    @extend_schema(responses=StatementSerializer)
    def get(self, request, pk):
        return Response(StatementSerializer(_statement_for(request, pk)).data)


class StatementPayments(generics.ListAPIView):
    """Payments for a statement (who may read it); record one (treasurer or coordinator)."""

    serializer_class = PaymentSerializer
    pagination_class = Pagination

    def get_queryset(self):
        statement = _statement_for(self.request, self.kwargs["pk"])
        return statement.payments.order_by("date", "id")

    @extend_schema(request=PaymentCreateSerializer, responses={201: PaymentSerializer})
    def post(self, request, pk):
        statement = _statement_for(request, pk, write=True)
        data = PaymentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = services.record_payment(statement, by=request.user, **data.validated_data)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("spaces/<int:pk>/cost-periods", SpaceCostPeriods.as_view(), name="space-cost-periods"),
    path("cost-periods/<int:pk>", CostPeriodDetail.as_view(), name="cost-period"),
    path("cost-periods/<int:pk>/items", CostPeriodItems.as_view(), name="cost-period-items"),
    path("cost-periods/<int:pk>/rental-income", CostPeriodRentalIncome.as_view(), name="cost-period-rental-income"),
    path("cost-periods/<int:pk>/shares", CostPeriodShares.as_view(), name="cost-period-shares"),
    path("cost-periods/<int:pk>/close", CostPeriodClose.as_view(), name="cost-period-close"),
    path("practices/<int:pk>/statements", PracticeStatements.as_view(), name="practice-statements"),
    path("statements/<int:pk>", StatementDetail.as_view(), name="statement"),
    path("statements/<int:pk>/payments", StatementPayments.as_view(), name="statement-payments"),
]
