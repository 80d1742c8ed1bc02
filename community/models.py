from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


class MemberManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        member = self.model(email=self.normalize_email(email).lower(), **extra)
        member.set_password(password)
        member.save(using=self._db)
        return member

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, email: str):
        return self.get(email__iexact=email)


class Member(AbstractBaseUser, PermissionsMixin):
    """A person, acting for one or more practices. This is also the user account."""

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    bio = models.TextField(_("about me"), blank=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = MemberManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name", "email"]

    def __str__(self) -> str:
        return self.name or self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return (self.name or self.email).split(" ")[0]


class Practice(models.Model):
    """An organisation, collective or freelancer that uses one or more spaces."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("organisation")
        COLLECTIVE = "collective", _("collective")
        FREELANCER = "freelancer", _("freelancer")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COLLECTIVE)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    public_profile = models.BooleanField(
        _("public profile"), default=False, help_text=_("Show this practice on the public pages of its spaces.")
    )
    # What the public profile shows, field by field (only when public_profile is on).
    show_description = models.BooleanField(_("show the description publicly"), default=True)
    show_website = models.BooleanField(_("show the website publicly"), default=True)
    show_email = models.BooleanField(_("show the contact email publicly"), default=False)
    show_members = models.BooleanField(_("show members' names publicly"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Practice, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("community:practice", kwargs={"slug": self.slug})


def unique_slug(model, text: str, field: str = "slug", max_length: int = 50) -> str:
    base = slugify(text)[: max_length - 8] or "item"
    slug, n = base, 2
    while model.objects.filter(**{field: slug}).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


class PracticeMember(models.Model):
    """A member acting for a practice."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_links")
    is_contact = models.BooleanField(_("contact person"), default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("practice member")
        verbose_name_plural = _("practice members")
        constraints = [models.UniqueConstraint(fields=["practice", "member"], name="uniq_practice_member")]

    def __str__(self) -> str:
        return f"{self.member} @ {self.practice}"


def _token() -> str:
    return secrets.token_urlsafe(32)


def _expiry():
    return timezone.now() + timedelta(days=14)


class Invitation(models.Model):
    """An email invitation to join a practice; accepting it creates (or links) the account."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    token = models.CharField(max_length=64, unique=True, default=_token)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    sent_count = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.practice}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()

    @property
    def is_expired(self) -> bool:
        return self.accepted_at is None and self.expires_at <= timezone.now()
