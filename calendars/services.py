"""State changes of calendar feed links."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from core import audit

from .models import FeedToken, new_token


@transaction.atomic
def feed_token_for(member) -> FeedToken:
    """The member's feed link, created on first use.

    Side effects: creates the FeedToken (and an audit entry ``calendars.created``) the first time.
    """
    token, created = FeedToken.objects.get_or_create(member=member)
    if created:
        audit.record(token, "calendars.created", by=member)
    return token


@transaction.atomic
def reset_feed_token(member, *, by) -> FeedToken:
    """Give the member a new secret link; the old one stops working at once.

    Only the member themself may reset their link. Side effects: audit entry ``calendars.reset``.
    """
    if by is None or by.pk != member.pk:
        raise PermissionDenied
    token = FeedToken.objects.select_for_update().filter(member=member).first()
    if token is None:
        token = FeedToken(member=member)
    before = {"token": token.token[:6] + "…"} if token.pk else {}
    token.token = new_token()
    token.reset_at = timezone.now()
    token.save()
    audit.record(token, "calendars.reset", by=by, before=before, after={"token": token.token[:6] + "…"})
    return token
