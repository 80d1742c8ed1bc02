"""Forms of the directory and the coordinator's pages: validation only; views hand the data to spaces.services."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Member, Practice

from . import queries, rules
from .models import TIME_ZONE_CHOICES, Closure, OpeningHours, Resource, RoleAssignment, Space, SpaceMembership

LANGUAGE_CODE_RE = re.compile(r"^[a-z]{2,3}$")
LANGS = (("en", "English"), ("fr", "Français"), ("nl", "Nederlands"))


class DirectoryFilterForm(forms.Form):
    """The directory's GET form; every field optional."""

    city = forms.ChoiceField(label=_("City"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    model = forms.ChoiceField(
        label=_("Kind of place"), required=False, choices=[("", _("Any"))] + list(Space.Model.choices)
    )
    access = forms.ChoiceField(
        label=_("Who may come"), required=False, choices=[("", _("Anyone"))] + list(Space.Access.choices)
    )
    network = forms.ChoiceField(label=_("Network"), required=False)

    def __init__(self, *args, networks=(), cities=(), countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", _("All cities"))] + [(c, c) for c in cities]
        self.fields["country"].choices = [("", _("All countries"))] + [(c, queries.country_name(c)) for c in countries]
        self.fields["network"].choices = [("", _("All networks"))] + [(n.slug, n.name) for n in networks]
        for name in Space.ACCESSIBILITY_FIELDS:
            self.fields[name] = forms.BooleanField(label=Space._meta.get_field(name).verbose_name, required=False)

    def accessibility_fields(self):
        return [self[name] for name in Space.ACCESSIBILITY_FIELDS]

    def filters(self) -> dict:
        """The valid filters (a value that is not one of the choices is ignored and shown as an error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v}


class LanguagesField(forms.CharField):
    """A list of language codes typed as ``nl, fr, en``."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        codes = [part.strip().lower() for part in re.split(r"[,\s]+", text) if part.strip()]
        bad = [c for c in codes if not LANGUAGE_CODE_RE.match(c)]
        if bad:
            raise forms.ValidationError(
                _("Use two- or three-letter language codes separated by commas, for example “nl, fr, en”.")
            )
        return list(dict.fromkeys(codes))


class SpaceIdentityForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    languages = LanguagesField(
        label=_("Languages spoken"), required=False, help_text=_("Language codes, for example “nl, fr, en”.")
    )

    class Meta:
        model = Space
        fields = [
            "name",
            "model",
            "access_policy",
            "address",
            "postal_code",
            "city",
            "country",
            "time_zone",
            "latitude",
            "longitude",
            "languages",
            *[f"{base}_{code}" for code, _n in LANGS for base in Space.TRANSLATED_BASES],
            *Space.ACCESSIBILITY_FIELDS,
            "public_transport",
            "email",
            "phone",
            "website",
        ]
        widgets = {"time_zone": forms.Select(choices=TIME_ZONE_CHOICES)}

    def clean_country(self):
        country = (self.cleaned_data.get("country") or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise forms.ValidationError(_("Use the country's two-letter code, for example BE."))
        return country

    def translated_fieldsets(self):
        return [
            {"code": code, "name": name, "fields": [self[f"{base}_{code}"] for base in Space.TRANSLATED_BASES]}
            for code, name in LANGS
        ]

    def accessibility_fields(self):
        return [self[name] for name in Space.ACCESSIBILITY_FIELDS]


class FeaturesField(forms.CharField):
    """Equipment and features, one per line (or separated by commas)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        items = [part.strip() for part in re.split(r"[\n,]+", text) if part.strip()]
        too_long = [i for i in items if len(i) > 100]
        if too_long:
            raise forms.ValidationError(_("Keep each feature under 100 characters."))
        return list(dict.fromkeys(items))


class ResourceForm(forms.ModelForm):
    features = FeaturesField(
        label=_("Equipment and features"), required=False, help_text=_("One per line, for example “projector”.")
    )

    class Meta:
        model = Resource
        fields = [
            "name",
            "kind",
            "capacity",
            "area_m2",
            "floor",
            "features",
            "description_en",
            "description_fr",
            "description_nl",
            "step_free",
            "wheelchair_accessible",
            "hearing_loop",
            "bookable",
            "visibility",
        ]

    def __init__(self, *args, space: Space, **kwargs):
        super().__init__(*args, **kwargs)
        self.space = space
        self.instance.space = space

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Resource.objects.filter(space=self.space, name__iexact=name).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("This space already has a resource with this name."))
        return name


class OpeningHoursForm(forms.ModelForm):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]
        widgets = {
            "opens": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens"), data.get("closes")
        if opens and closes and closes <= opens:
            self.add_error("closes", _("The closing time must be after the opening time."))
        return data


class BaseOpeningHoursFormSet(forms.BaseModelFormSet):
    def periods(self) -> list[tuple[int, datetime.time, datetime.time]]:
        out = []
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            data = form.cleaned_data
            if data.get("weekday") is not None and data.get("opens") and data.get("closes"):
                out.append((int(data["weekday"]), data["opens"], data["closes"]))
        return out

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        from . import services

        try:
            services._check_week(self.periods())
        except forms.ValidationError as error:
            raise forms.ValidationError([m for messages in error.message_dict.values() for m in messages]) from None


OpeningHoursFormSet = forms.modelformset_factory(
    OpeningHours, form=OpeningHoursForm, formset=BaseOpeningHoursFormSet, extra=3, can_delete=True
)


class LocalDateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"])
        super().__init__(*args, **kwargs)


class ClosureForm(forms.ModelForm):
    """Times are typed in the space's time zone (the view activates it)."""

    start = LocalDateTimeField(label=_("From"))
    end = LocalDateTimeField(label=_("Until"))

    class Meta:
        model = Closure
        fields = ["resource", "start", "end", "reason"]

    def __init__(self, *args, space: Space, **kwargs):
        super().__init__(*args, **kwargs)
        self.space = space
        self.instance.space = space
        self.fields["resource"].queryset = space.resources.filter(is_active=True).order_by("name")
        self.fields["resource"].empty_label = _("The whole space")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end must be after the start."))
        if end and end < timezone.now():
            self.add_error("end", _("This period is already over."))
        return data

    def _post_clean(self):  # the service validates the model; here only the form's own checks
        pass


def _clean_area(form):
    area = form.cleaned_data.get("area_m2")
    if area is not None and area < 0:
        raise forms.ValidationError(_("The area cannot be negative."))
    return area


class MembershipForm(forms.ModelForm):
    """Add a practice to the space: an existing one, or a new one by name and kind."""

    practice = forms.ModelChoiceField(
        label=_("Existing practice"), queryset=Practice.objects.none(), required=False, empty_label=_("— none —")
    )
    new_practice_name = forms.CharField(label=_("Or the name of a new practice"), max_length=200, required=False)
    new_practice_kind = forms.ChoiceField(
        label=_("Kind of new practice"), choices=Practice.Kind.choices, initial=Practice.Kind.COLLECTIVE
    )

    class Meta:
        model = SpaceMembership
        fields = ["kind", "start_date", "end_date", "area_m2", "notes"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    field_order = ["practice", "new_practice_name", "new_practice_kind", "kind", "start_date", "end_date", "area_m2"]

    def __init__(self, *args, space: Space, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.space = space
        self.instance.space = space
        current = space.memberships.active().values("practice_id")
        self.fields["practice"].queryset = (
            (
                queries.practices_visible_to(user).exclude(id__in=current).order_by("name")
                | Practice.objects.filter(space_memberships__space_id__in=rules.coordinated_space_ids(user)).exclude(
                    id__in=current
                )
            )
            .distinct()
            .order_by("name")
        )

    def clean(self):
        data = super().clean()
        practice, name = data.get("practice"), (data.get("new_practice_name") or "").strip()
        if practice and name:
            self.add_error("new_practice_name", _("Choose an existing practice or type a new name, not both."))
        elif not practice and not name:
            self.add_error("practice", _("Choose an existing practice or type the name of a new one."))
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return data

    clean_area_m2 = _clean_area

    def _post_clean(self):
        pass

    def membership_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("kind", "start_date", "end_date", "area_m2", "notes")}


class MembershipEditForm(forms.ModelForm):
    class Meta:
        model = SpaceMembership
        fields = ["kind", "start_date", "end_date", "area_m2", "notes"]
        widgets = MembershipForm.Meta.widgets

    clean_area_m2 = _clean_area

    def _post_clean(self):
        data = self.cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))


class RoleForm(forms.Form):
    """Assign a role to a person of the space, or to an existing account found by email."""

    person = forms.ModelChoiceField(
        label=_("Person of this space"), queryset=Member.objects.none(), required=False, empty_label=_("— none —")
    )
    email = forms.EmailField(label=_("Or the email address of an existing account"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=RoleAssignment.Role.choices)
    responsibility_en = forms.CharField(
        label=_("Responsibility (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsibility_fr = forms.CharField(
        label=_("Responsibility (French)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsibility_nl = forms.CharField(
        label=_("Responsibility (Dutch)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, space: Space, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import people_of

        self.space = space
        self.fields["person"].queryset = people_of(space)
        self.fields["person"].label_from_instance = lambda m: f"{m.name} <{m.email}>" if m.name else m.email

    def clean(self):
        data = super().clean()
        person, email = data.get("person"), (data.get("email") or "").strip().lower()
        if person and email:
            self.add_error("email", _("Choose a person or type an email address, not both."))
        elif email:
            found = Member.objects.filter(email__iexact=email, is_active=True).first()
            if found is None:
                self.add_error(
                    "email",
                    _("No account uses this address. Invite the person to a practice first, then give them a role."),
                )
            data["member"] = found
        elif person:
            data["member"] = person
        elif "person" not in self.errors:
            self.add_error("person", _("Choose a person or type the email address of an existing account."))
        member, role = data.get("member"), data.get("role")
        if member and role and RoleAssignment.objects.filter(space=self.space, member=member, role=role).exists():
            self.add_error("role", _("This person already has this role here."))
        if not any(data.get(f"responsibility_{c}") for c, _n in LANGS) and role != RoleAssignment.Role.MEMBER:
            self.add_error(
                "responsibility_en", _("Write what this person is responsible for, in at least one language.")
            )
        return data
