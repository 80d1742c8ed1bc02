"""Every change of the federation: partners, passes, consent, revocation, verification, guest bookings, pulls.

Home side: ``issue_pass`` gives a member a short-lived pass for a host partner (pseudonymous; name and email only
with the member's consent for that host); ``revoke_member`` puts the member's pseudonyms on the status list that
``status_list`` signs for each host.

Host side: ``verify_pass`` checks a pass with the issuer's pinned key only and uses it once; ``book_as_guest``
verifies, applies this installation's rules and quotas (``network.services.admit``) and books. The counts live in
this database, so they hold when the home server is offline. HTTP to partners: ``federation.remote``; what this
installation publishes: ``federation.documents``.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from spaces import rules as space_rules
from spaces.models import Resource, Space, SpaceMembership

from . import conf, keys, remote
from .models import Consent, FederatedGuest, IssuedPass, Partner, PartnerRecognition, Revocation, UsedPass

logger = logging.getLogger(__name__)

PASS_CLAIMS = {"iss", "aud", "sub", "tier", "iat", "nbf", "exp", "jti"}
OPTIONAL_CLAIMS = {"name", "email"}
TIERS = ("resident", "flexible", "community", "member")


class PassRefused(Exception):
    """A pass is refused. ``code``: a distinct word per reason; ``message``: translated; ``status``: HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400):
        self.code = code
        self.message = str(message)
        self.status = status
        super().__init__(self.message)


def _messages() -> dict[str, str]:
    return {
        "malformed": _("This is not a network pass."),
        "bad_algorithm": _("The pass is not signed the way plek signs passes."),
        "forbidden_header": _("The pass carries parameters that are not accepted."),
        "wrong_type": _("This is not a network pass."),
        "unknown_issuer": _("The pass comes from an installation that is not a partner."),
        "unknown_key": _("The pass is signed with a key that is not the partner's pinned key."),
        "bad_signature": _("The pass was changed after it was signed."),
        "invalid_claims": _("The pass does not say what a network pass says."),
        "wrong_audience": _("The pass was issued for another installation."),
        "expired": _("The pass has expired: ask your home space for a new one."),
        "not_yet_valid": _("The pass is not valid yet."),
        "revoked": _("Your home space has withdrawn your network passes."),
        "replayed": _("This pass was already used: ask your home space for a new one."),
        "not_recognised": _("No space here recognises the members of this partner."),
    }


def refuse(code: str, status: int = 400) -> PassRefused:
    return PassRefused(code, _messages()[code], status)


# --- partners -------------------------------------------------------------------------------------------------------


def partners_for_space(space: Space):
    return Partner.objects.filter(recognitions__space=space).order_by("name", "url")


@dataclass
class Added:
    partner: Partner
    recognition: PartnerRecognition
    created: bool


def add_partner(space: Space, url: str, fingerprint: str, *, by) -> Added:
    """Recognise the partner installation at ``url`` for ``space``, pinning its key by ``fingerprint``.

    A partner already known keeps its pinned key: the fingerprint must match it. A new one is asked for its
    ``/.well-known/plek.json`` (over HTTP, with a short timeout); its key must have ``fingerprint``.
    Raises ValidationError (bad input, fingerprint mismatch, no answer) or PermissionDenied.
    Side effects: a Partner (new) and a PartnerRecognition; audit "federation.partner_added".
    """
    if not space_rules.can_manage(by, space):
        raise PermissionDenied(_("Only the coordinators of a space add partner installations."))
    url = remote.normalise_url(url)
    expected = keys.normalise_fingerprint(fingerprint)
    if not keys.is_fingerprint(expected):
        raise ValidationError({"fingerprint": _("A fingerprint is 64 hexadecimal characters.")})
    if url == conf.base_url():
        raise ValidationError({"url": _("This is the address of this installation.")})
    partner = Partner.objects.filter(url=url).first()
    if partner is not None:
        if partner.fingerprint != expected:
            raise ValidationError({"fingerprint": _("This is not the fingerprint of the partner's pinned key.")})
        document = None
    else:
        try:
            document = remote.discover(url)
        except remote.FederationUnavailable as error:
            logger.info("federation: %s", error)
            raise ValidationError({"url": _("The partner installation did not answer as plek does.")}) from None
        actual = keys.fingerprint(document["_raw_key"])
        if actual != expected or keys.normalise_fingerprint(str(document.get("fingerprint", ""))) != expected:
            raise ValidationError({"fingerprint": _("The partner's key does not have this fingerprint.")})
    with transaction.atomic():
        created = False
        if document is not None:
            partner, created = Partner.objects.get_or_create(
                url=url,
                defaults={
                    "name": str(document.get("name") or urlsplit(url).hostname)[:200],
                    "fingerprint": expected,
                    "public_key": keys.b64url(document["_raw_key"]),
                    "feed_url": _same_origin(url, document.get("feed")),
                    "status_url": _same_origin(url, document.get("status_list")),
                    "added_by": by,
                },
            )
            if not created and partner.fingerprint != expected:
                raise ValidationError({"fingerprint": _("This is not the fingerprint of the partner's pinned key.")})
        recognition, new = PartnerRecognition.objects.get_or_create(
            space=space, partner=partner, defaults={"added_by": by}
        )
        if new:
            audit.record(
                recognition,
                "federation.partner_added",
                by=by,
                space=space,
                after={"url": partner.url, "fingerprint": partner.fingerprint, "name": partner.name},
            )
    return Added(partner, recognition, new)


def _same_origin(base: str, url) -> str:
    """A partner's published address, kept only when it is on the partner's own origin."""
    if not isinstance(url, str):
        return ""
    b, u = urlsplit(base), urlsplit(url)
    if (u.scheme, u.netloc) != (b.scheme, b.netloc) or u.query or u.fragment:
        return ""
    return url[:400]


@transaction.atomic
def remove_partner(recognition: PartnerRecognition, *, by) -> None:
    """The space no longer recognises the partner. Side effects: audit "federation.partner_removed"."""
    if not space_rules.can_manage(by, recognition.space):
        raise PermissionDenied
    audit.record(
        recognition,
        "federation.partner_removed",
        by=by,
        space=recognition.space,
        before={"url": recognition.partner.url},
    )
    recognition.delete()


# --- home side: passes, consent, revocation --------------------------------------------------------------------------


def member_tier(member) -> str:
    """The member's membership tier at home: the strongest kind of their practices' active memberships."""
    kinds = set(
        SpaceMembership.objects.active()
        .filter(practice_id__in=space_rules.practice_ids(member))
        .values_list("kind", flat=True)
    )
    return next((tier for tier in TIERS if tier in kinds), "member")


def hosts_for(member):
    """Partner installations the member may get a pass for: those recognised by one of their spaces."""
    return (
        Partner.objects.filter(recognitions__space_id__in=space_rules.member_space_ids(member))
        .distinct()
        .order_by("name")
    )


def consent_for(member, partner: Partner) -> Consent | None:
    return Consent.objects.filter(member=member, partner=partner).first()


@transaction.atomic
def set_consent(member, partner: Partner, *, share_name: bool, share_email: bool, by) -> Consent:
    """Record what the member agrees to share with ``partner``. Side effects: audit "federation.consent_changed"."""
    if by != member:
        raise PermissionDenied
    consent, _created = Consent.objects.select_for_update().get_or_create(member=member, partner=partner)
    before = audit.snapshot(consent, ["share_name", "share_email"])
    consent.share_name, consent.share_email = bool(share_name), bool(share_email)
    consent.save()
    audit.record(
        consent,
        "federation.consent_changed",
        by=by,
        space=None,
        before=before,
        after=audit.snapshot(consent, ["share_name", "share_email"]),
    )
    return consent


def is_revoked(member) -> bool:
    return Revocation.objects.filter(member=member).exists()


@dataclass
class Issued:
    token: str
    record: IssuedPass
    claims: dict

    @property
    def link(self) -> str:
        return self.record.partner.url + reverse("federation:arrive") + "?token=" + quote(self.token)


@transaction.atomic
def issue_pass(member, partner: Partner, *, by) -> Issued:
    """A network pass for ``member`` at ``partner``: signed, valid ``conf.pass_lifetime()``.

    Claims: iss, aud, sub (the member's pseudonym at that host), tier, iat, nbf, exp, jti; name and email only when
    the member consented for that host. Raises PermissionDenied (not the member, not signed in, revoked, the host
    not recognised by one of the member's spaces). Side effects: an IssuedPass (the member's log of what was
    shared); audit "federation.pass_issued".
    """
    if not getattr(by, "is_authenticated", False) or by != member or not member.is_active:
        raise PermissionDenied(_("Members ask for their own network passes."))
    if is_revoked(member):
        raise PermissionDenied(_("Your network passes are withdrawn; ask a coordinator of your space."))
    if not hosts_for(member).filter(pk=partner.pk).exists():
        raise PermissionDenied(_("None of your spaces recognises this partner installation."))
    now = timezone.now()
    iat = int(now.timestamp())
    exp = iat + int(conf.pass_lifetime().total_seconds())
    claims = {
        "iss": conf.base_url(),
        "aud": partner.url,
        "sub": keys.pseudonym(member.pk, partner.url),
        "tier": member_tier(member),
        "iat": iat,
        "nbf": iat,
        "exp": exp,
        "jti": secrets.token_urlsafe(24),
    }
    consent = consent_for(member, partner)
    shared = []
    if consent and consent.share_name and member.name:
        claims["name"] = member.name
        shared.append("name")
    if consent and consent.share_email:
        claims["email"] = member.email
        shared.append("email")
    token = keys.sign(claims, conf.PASS_TYPE)
    record = IssuedPass.objects.create(
        member=member,
        partner=partner,
        jti=claims["jti"],
        sub=claims["sub"],
        tier=claims["tier"],
        shared=shared,
        issued_at=dt.datetime.fromtimestamp(iat, dt.UTC),
        expires_at=dt.datetime.fromtimestamp(exp, dt.UTC),
    )
    audit.record(record, "federation.pass_issued", by=by, space=None, after={"host": partner.url, "shared": shared})
    return Issued(token, record, claims)


def _check_can_revoke(member, by) -> None:
    shared = space_rules.member_space_ids(member) & space_rules.coordinated_space_ids(by)
    if not (getattr(by, "is_superuser", False) or shared):
        raise PermissionDenied(_("Only a coordinator of one of the member's spaces may do this."))


@transaction.atomic
def revoke_member(member, *, by, reason: str = "") -> Revocation:
    """Withdraw the member's network passes: no new ones, and hosts refuse theirs once they fetch the status list
    (within 15 minutes). Side effects: a Revocation; audit "federation.member_revoked"."""
    _check_can_revoke(member, by)
    revocation, created = Revocation.objects.get_or_create(member=member, defaults={"by": by, "reason": reason})
    if created:
        audit.record(
            revocation, "federation.member_revoked", by=by, space=None, after={"member": member.pk}, note=reason
        )
    return revocation


@transaction.atomic
def reinstate_member(member, *, by) -> None:
    """Give the member their network passes back. Side effects: audit "federation.member_reinstated"."""
    _check_can_revoke(member, by)
    revocation = Revocation.objects.filter(member=member).first()
    if revocation is not None:
        audit.record(revocation, "federation.member_reinstated", by=by, space=None, before={"member": member.pk})
        revocation.delete()


# --- host side: verifying passes and booking ------------------------------------------------------------------------


@dataclass
class Verified:
    partner: Partner
    guest: FederatedGuest | None
    claims: dict

    @property
    def sub(self) -> str:
        return self.claims["sub"]


def _check_claims(claims: dict) -> None:
    keys_ = set(claims)
    if not keys_ >= PASS_CLAIMS or keys_ - PASS_CLAIMS - OPTIONAL_CLAIMS:
        raise refuse("invalid_claims")
    for name in ("iat", "nbf", "exp"):
        if not isinstance(claims[name], int) or isinstance(claims[name], bool):
            raise refuse("invalid_claims")
    for name in ("iss", "aud", "sub", "tier", "jti"):
        if not isinstance(claims[name], str) or not claims[name]:
            raise refuse("invalid_claims")
        if name != "iss" and len(claims[name]) > 100:
            raise refuse("invalid_claims")
    for name in OPTIONAL_CLAIMS & keys_:
        if not isinstance(claims[name], str) or len(claims[name]) > 150:
            raise refuse("invalid_claims")
    if not claims["nbf"] <= claims["exp"] or claims["exp"] - claims["iat"] > conf.MAX_PASS_LIFETIME.total_seconds():
        raise refuse("invalid_claims")


def check_pass(token: str, *, now: dt.datetime | None = None, refresh: bool = True) -> Verified:
    """Check ``token`` without using it up: signature by the issuer's pinned key, claims, audience, time (with
    ``conf.clock_skew()`` seconds of tolerance), revocation. Raises PassRefused."""
    try:
        header, unverified = keys.unverified_parts(token)
        keys.check_header(header, conf.PASS_TYPE)
    except keys.SignatureError as error:
        raise refuse(error.code) from None
    issuer = unverified.get("iss")
    partner = Partner.objects.filter(url=issuer).first() if isinstance(issuer, str) and issuer else None
    if partner is None:
        raise refuse("unknown_issuer")
    try:
        claims = keys.verify(
            token, public_key=partner.public_key, key_fingerprint=partner.fingerprint, typ=conf.PASS_TYPE
        )
    except keys.SignatureError as error:
        raise refuse(error.code) from None
    _check_claims(claims)
    if claims["iss"] != partner.url:
        raise refuse("unknown_issuer")
    if claims["aud"] != conf.base_url():
        raise refuse("wrong_audience")
    moment = (now or timezone.now()).timestamp()
    skew = conf.clock_skew()
    if moment + skew < claims["nbf"] or moment + skew < claims["iat"]:
        raise refuse("not_yet_valid")
    if moment - skew >= claims["exp"]:
        raise refuse("expired")
    if not partner.recognitions.exists():
        raise refuse("not_recognised", 403)
    stale = partner.status_fetched_at is None or partner.status_fetched_at < timezone.now() - conf.status_max_age()
    # When the home server is offline the last copy stands; ask again at most once a minute, not on every pass.
    if refresh and stale and cache.add(f"federation:status-attempt:{partner.pk}", 1, 60):
        remote.refresh_status(partner)
    if claims["sub"] in set(partner.revoked_subs or []):
        raise refuse("revoked", 403)
    guest = FederatedGuest.objects.filter(partner=partner, sub=claims["sub"]).first()
    return Verified(partner, guest, claims)


def _use(verified: Verified) -> FederatedGuest:
    """Mark the pass used (once, across processes: a unique row) and create or update the local guest."""
    claims, partner = verified.claims, verified.partner
    now = timezone.now()
    guest, _created = FederatedGuest.objects.get_or_create(
        partner=partner, sub=claims["sub"], defaults={"last_seen": now, "tier": claims["tier"]}
    )
    guest.tier = claims["tier"]
    guest.name = claims.get("name", "")
    guest.email = claims.get("email", "")
    guest.last_seen = now
    guest.save(update_fields=["tier", "name", "email", "last_seen"])
    try:
        with transaction.atomic():
            UsedPass.objects.create(
                partner=partner,
                jti=claims["jti"],
                guest=guest,
                expires_at=dt.datetime.fromtimestamp(claims["exp"], dt.UTC),
            )
    except IntegrityError:
        raise refuse("replayed", 409) from None
    verified.guest = guest
    return guest


def verify_pass(token: str, *, now: dt.datetime | None = None) -> Verified:
    """Check ``token`` (see ``check_pass``) and use it up. Raises PassRefused.

    Side effects: a UsedPass (its jti), the FederatedGuest created or updated (name and email only as shared);
    audit "federation.pass_verified".
    """
    verified = check_pass(token, now=now)
    with transaction.atomic():
        guest = _use(verified)
        audit.record(
            guest,
            "federation.pass_verified",
            by=None,
            space=None,
            after={"issuer": verified.partner.url, "jti": verified.claims["jti"]},
        )
    return verified


def _aware(value, name: str) -> dt.datetime:
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise ValidationError({name: _("Give the time with its UTC offset.")})
    return value.astimezone(dt.UTC)


def guest_spaces(partner: Partner):
    """This installation's spaces that recognise ``partner``'s members."""
    return Space.objects.filter(partner_recognitions__partner=partner).order_by("name")


def guest_resources(partner: Partner):
    """Resources members of ``partner`` may ask for: bookable, active, not member-only, in recognising spaces."""
    return (
        Resource.objects.filter(space__partner_recognitions__partner=partner, is_active=True, bookable=True)
        .exclude(visibility=Resource.Visibility.MEMBERS)
        .select_related("space")
        .order_by("space__name", "name")
    )


def book_as_guest(token: str, resource: Resource, start: dt.datetime, end: dt.datetime, *, title: str = ""):
    """Verify ``token``, then book ``resource`` for the partner's member as a network guest, under this
    installation's rules: the space must recognise the partner, the booking policy's timing rules apply and
    ``network.services.admit`` decides on the privilege, the monthly free days and the day price.

    All or nothing: when the booking is refused, the pass is not used up. Returns (Verified, [Booking],
    [Admission]). Raises PassRefused, BookingRefused, BookingConflict or ValidationError. Side effects: those of
    ``verify_pass``, ``bookings.services.create_booking`` and ``network.services.admit`` (a NetworkVisit per day).
    """
    from bookings import rules as booking_rules
    from bookings import services as booking_services
    from bookings.models import Booking
    from network import services as network_services

    verified = check_pass(token)
    partner = verified.partner
    if not PartnerRecognition.objects.filter(space_id=resource.space_id, partner=partner).exists():
        raise PassRefused(
            "not_recognised",
            _("%(space)s does not recognise the members of %(partner)s.")
            % {"space": resource.space.name, "partner": partner.name},
            403,
        )
    if not resource.is_active or not resource.bookable or resource.visibility == Resource.Visibility.MEMBERS:
        raise booking_services.BookingRefused(_("%(resource)s cannot be booked.") % {"resource": resource.name})
    start, end = _aware(start, "start"), _aware(end, "end")
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    space = resource.space
    policy = booking_rules.effective_policy(resource)
    reason = booking_rules.check_occurrences(policy, resource, [(start, end)])
    if reason:
        raise booking_services.BookingRefused(reason)
    privilege, rule = network_services.booking_rule(resource)
    days = network_services.local_dates(start, end, space.tz)
    visit = {"home_installation": partner.url, "home_label": partner.name, "visitor_ref": verified.sub}
    for day in days:
        admission = network_services.admit(space, privilege, on_date=day, record=False, rule=rule, **visit)
        if not admission.allowed:
            raise booking_services.BookingRefused(admission.reason)
    with transaction.atomic():
        guest = _use(verified)
        label = guest.name or _("Network guest from %(partner)s") % {"partner": partner.name}
        bookings = booking_services.create_booking(
            resource,
            start,
            end,
            by=None,
            title=title or label,
            kind=Booking.Kind.BOOKING,
            check_rules=False,
            guest_name=label[:150],
            guest_email=guest.email,
        )
        admissions = []
        for day in days:
            admission = network_services.admit(space, privilege, on_date=day, booking=bookings[0], rule=rule, **visit)
            if not admission.allowed:  # taken meanwhile by a concurrent request
                raise booking_services.BookingRefused(admission.reason)
            admissions.append(admission)
        audit.record(
            guest,
            "federation.guest_booked",
            by=None,
            space=space,
            after={"issuer": partner.url, "jti": verified.claims["jti"], "bookings": [b.pk for b in bookings]},
        )
    return verified, bookings, admissions


def purge_used_passes() -> int:
    """Forget used passes long expired (their jti can no longer be replayed: the pass is refused as expired)."""
    cutoff = timezone.now() - dt.timedelta(days=2)
    deleted, _detail = UsedPass.objects.filter(expires_at__lt=cutoff).delete()
    return deleted


def passes_log(member):
    return IssuedPass.objects.filter(member=member).select_related("partner")


def recognised_by_member_spaces(member):
    return PartnerRecognition.objects.filter(Q(space_id__in=space_rules.member_space_ids(member))).select_related(
        "space", "partner"
    )
