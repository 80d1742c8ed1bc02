"""Federation between plek installations.

This installation's side:
- ``Installation``: its identity (the Ed25519 signing key, unless kept in a file, and the secret that derives
  members' pseudonyms), one row, created on first use.

Partners (both sides):
- ``Partner``: another installation, known by its base URL, with its public key pinned when a coordinator added it
  by fingerprint, and cached copies of its status list (revoked pseudonyms) and feed (public spaces and events).
- ``PartnerRecognition``: a space of this installation recognises a partner's members (each space decides).

Home side (our members visiting elsewhere):
- ``IssuedPass``: a pass given to a member for a host: the log of what was shared with whom.
- ``Consent``: a member's consent to share their name and/or email with one host.
- ``Revocation``: a member whose passes hosts must refuse (published in the status list).

Host side (members of partners visiting us):
- ``FederatedGuest``: the local identity of a partner's member, known by (partner, pseudonym) only.
- ``UsedPass``: each accepted pass's ``jti``, unique per partner: a pass is used once, across worker processes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from spaces.models import Space


class Installation(models.Model):
    """This installation's identity. One row (pk 1)."""

    private_key = models.CharField(max_length=100, blank=True, help_text="base64url raw Ed25519 private key")
    pseudonym_secret = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("installation identity")
        verbose_name_plural = _("installation identities")

    def __str__(self) -> str:
        return f"installation key ({self.created_at:%Y-%m-%d})" if self.created_at else "installation key"


class Partner(models.Model):
    """A partner installation, with its pinned key."""

    url = models.URLField(_("address"), max_length=300, unique=True)
    name = models.CharField(_("name"), max_length=200)
    fingerprint = models.CharField(_("key fingerprint"), max_length=64)
    public_key = models.CharField(max_length=100, help_text="base64url raw Ed25519 public key")
    feed_url = models.URLField(max_length=400, blank=True)
    status_url = models.URLField(max_length=400, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The partner's status list for us: pseudonyms it revoked, and when we last fetched it.
    revoked_subs = models.JSONField(default=list, blank=True)
    status_fetched_at = models.DateTimeField(null=True, blank=True)
    # The partner's public feed: spaces and upcoming events.
    feed = models.JSONField(default=dict, blank=True)
    feed_fetched_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("partner installation")
        verbose_name_plural = _("partner installations")
        ordering = ["name", "url"]

    def __str__(self) -> str:
        return self.name or self.url

    @property
    def fingerprint_display(self) -> str:
        return " ".join(self.fingerprint[i : i + 4] for i in range(0, len(self.fingerprint), 4))


class PartnerRecognition(models.Model):
    """A space recognises the members of a partner installation (as guests) and lets its members go there."""

    space = models.ForeignKey(
        Space,
        verbose_name=pgettext_lazy("shared building", "space"),
        on_delete=models.CASCADE,
        related_name="partner_recognitions",
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="recognitions")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recognised partner")
        verbose_name_plural = _("recognised partners")
        ordering = ["space", "partner__name"]
        constraints = [models.UniqueConstraint(fields=["space", "partner"], name="uniq_partner_recognition")]

    def __str__(self) -> str:
        return f"{self.space} ↔ {self.partner}"


class Consent(models.Model):
    """What a member agrees to share with one host installation, besides the pseudonymous pass."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="federation_consents")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="consents")
    share_name = models.BooleanField(_("share my name"), default=False)
    share_email = models.BooleanField(_("share my email address"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [models.UniqueConstraint(fields=["member", "partner"], name="uniq_federation_consent")]

    def __str__(self) -> str:
        return f"{self.member} → {self.partner}"


class IssuedPass(models.Model):
    """A pass this installation issued: who, for which host, and what it said."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_passes")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="issued_passes")
    jti = models.CharField(max_length=64, unique=True)
    sub = models.CharField(max_length=100)
    tier = models.CharField(max_length=30)
    shared = models.JSONField(default=list, blank=True, help_text="claims shared beyond the pseudonym: name, email")
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("network pass")
        verbose_name_plural = _("network passes")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["member", "issued_at"])]

    def __str__(self) -> str:
        return f"{self.member} → {self.partner} ({self.issued_at:%Y-%m-%d %H:%M})"


class Revocation(models.Model):
    """A member of this installation whose network passes hosts must refuse."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="federation_revocation"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("revoked network pass")
        verbose_name_plural = _("revoked network passes")

    def __str__(self) -> str:
        return str(self.member)


class FederatedGuest(models.Model):
    """A member of a partner installation as this installation knows them: a pseudonym, and what they shared."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="guests")
    sub = models.CharField(max_length=100)
    tier = models.CharField(max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField()

    class Meta:
        verbose_name = _("network guest")
        verbose_name_plural = _("network guests")
        constraints = [models.UniqueConstraint(fields=["partner", "sub"], name="uniq_federated_guest")]

    def __str__(self) -> str:
        return self.name or f"{self.partner}: {self.sub[:10]}…"


class UsedPass(models.Model):
    """A pass this installation accepted: its ``jti`` may not be used again."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="used_passes")
    jti = models.CharField(max_length=64)
    guest = models.ForeignKey(FederatedGuest, on_delete=models.CASCADE, related_name="passes")
    used_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("used network pass")
        verbose_name_plural = _("used network passes")
        constraints = [models.UniqueConstraint(fields=["partner", "jti"], name="uniq_used_pass_jti")]

    def __str__(self) -> str:
        return self.jti
