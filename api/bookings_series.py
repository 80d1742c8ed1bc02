"""/api/v1/bookings/{id}/cancel-following, approve-series and refuse-series: a recurring booking as a whole
(bookings.series). The one-date actions stay in api/bookings.py."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import series

from .bookings import BookingSerializer, ReasonSerializer, booking_and_reason, run

SeriesResult = inline_serializer(
    "BookingSeriesResult",
    {"count": serializers.IntegerField(), "bookings": BookingSerializer(many=True)},
)

SeriesEndResult = inline_serializer(
    "BookingSeriesEnd",
    {
        "id": serializers.IntegerField(),
        "recurrence": serializers.CharField(),
        "last_start": serializers.DateTimeField(allow_null=True),
        "cancelled": serializers.BooleanField(),
    },
    allow_null=True,
)
CancelFollowingResult = inline_serializer(
    "BookingCancelFollowingResult",
    {"count": serializers.IntegerField(), "bookings": BookingSerializer(many=True), "series": SeriesEndResult},
)


class SeriesAction(APIView):
    """POST /bookings/{id}/<verb>: one bookings.series service per subclass; answers the bookings it changed."""

    def act(self, request, booking, reason: str) -> list:
        raise NotImplementedError

    def answer(self, request, pk: int) -> Response:
        booking, reason = booking_and_reason(request, pk)
        changed = self.act(request, booking, reason)
        body = BookingSerializer(changed, many=True, context={"request": request}).data
        return Response({"count": len(changed), "bookings": body, **self.more(booking)})

    def more(self, booking) -> dict:
        return {}


class CancelFollowing(SeriesAction):
    @extend_schema(
        request=ReasonSerializer,
        responses=CancelFollowingResult,
        description=(
            "Cancel this booking and the following holding dates of its series (only this one when it has no "
            "series), in one transaction: all or nothing. The series' `recurrence` then ends with the last date "
            "kept (COUNT shortened or UNTIL moved back, as RFC 5545 clients do); `series.cancelled` when this was "
            "its first date; `series` is null for a booking without a series. 403 with the reason when one date "
            "may not be cancelled (past the deadline); 409 when the booking is no longer holding. Each person gets "
            "one email for all their dates."
        ),
    )
    def post(self, request, pk: int):
        return self.answer(request, pk)

    def act(self, request, booking, reason: str) -> list:
        return run(series.cancel_following, booking, by=request.user, reason=reason)

    def more(self, booking) -> dict:
        """The series as it reads now: its shortened rule, or cancelled as a whole."""
        end = series.series_end(booking)
        if end is None:
            return {"series": None}
        last = serializers.DateTimeField().to_representation(end.last) if end.last else None
        return {"series": {"id": end.series.pk, "recurrence": end.rule, "last_start": last, "cancelled": end.cancelled}}


class ApproveSeries(SeriesAction):
    @extend_schema(
        request=None,
        responses=SeriesResult,
        description=(
            "Approve every pending date of this booking's series (only this one when it has no series); "
            "approvers and coordinators only (403). 409 when the booking no longer waits for approval. "
            "Each person gets one email for all their dates."
        ),
    )
    def post(self, request, pk: int):
        return self.answer(request, pk)

    def act(self, request, booking, reason: str) -> list:
        return run(series.approve_series, booking, by=request.user)


class RefuseSeries(SeriesAction):
    @extend_schema(
        request=ReasonSerializer,
        responses=SeriesResult,
        description=(
            "Refuse every pending date of this booking's series with one `reason`; the freed slots go to "
            "their waitlists. Approvers and coordinators only (403); 409 when the booking no longer waits."
        ),
    )
    def post(self, request, pk: int):
        return self.answer(request, pk)

    def act(self, request, booking, reason: str) -> list:
        return run(series.refuse_series, booking, by=request.user, reason=reason)


urlpatterns = [
    path("bookings/<int:pk>/cancel-following", CancelFollowing.as_view(), name="booking-cancel-following"),
    path("bookings/<int:pk>/approve-series", ApproveSeries.as_view(), name="booking-approve-series"),
    path("bookings/<int:pk>/refuse-series", RefuseSeries.as_view(), name="booking-refuse-series"),
]
