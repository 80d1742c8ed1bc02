"""Forms validate input only; the services in community/services.py make the changes."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.db import models
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from .models import Member, Practice
from .services import PRACTICE_FIELDS

LANGUAGE_CHOICES = [(code, settings.LANGUAGE_NAMES_NATIVE[code]) for code, _name in settings.LANGUAGES]


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    name = forms.CharField(label=_("Name"), max_length=150, required=False, help_text=_("Optional."))


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email: str = "", **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                validate_password(p1, Member(email=self.email, name=data.get("name", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    language = forms.ChoiceField(
        label=_("Language"), choices=LANGUAGE_CHOICES, help_text=_("The pages and emails you get are in this language.")
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=40, required=False, widget=forms.TextInput(attrs={"autocomplete": "tel"})
    )
    bio = forms.CharField(label=_("About me"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, member: Member, **kwargs):
        self.member = member
        kwargs.setdefault(
            "initial",
            {f: getattr(member, f) for f in ("name", "email", "language", "phone", "bio")},
        )
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if Member.objects.filter(email__iexact=email).exclude(pk=self.member.pk).exists():
            raise forms.ValidationError(_("Another account uses this email address."))
        return email


def _formfield(model_field, **kwargs):
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class PracticeForm(forms.Form):
    def __init__(self, *args, practice: Practice, **kwargs):
        kwargs.setdefault("initial", {f: getattr(practice, f) for f in PRACTICE_FIELDS})
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Practice, fields=PRACTICE_FIELDS, formfield_callback=_formfield))
        self.fields["description"].widget.attrs["rows"] = 5

    PUBLIC = ("public_profile", "show_description", "show_website", "show_email", "show_members")

    def profile_fields(self):
        return [self[name] for name in self.fields if name not in self.PUBLIC]

    def public_fields(self):
        return [self[name] for name in self.PUBLIC]


class TokenForm(forms.Form):
    label = forms.CharField(
        label=_("What is the token for?"), max_length=100, help_text=_("For example: the booking screen at the door.")
    )
