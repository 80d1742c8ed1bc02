"""Validation only: the services make the changes."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Member, Practice
from spaces.models import RoleAssignment, SpaceMembership

from .models import (
    Agreement,
    CareTask,
    Category,
    Decision,
    Document,
    Incident,
    Meeting,
    Method,
    Party,
    ProposalType,
    VoteUnit,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def space_members(space):
    """The members of a space: people of its active practices and people holding a role there."""
    practices = SpaceMembership.objects.active().filter(space=space).values("practice_id")
    return (
        Member.objects.filter(Q(practice_links__practice_id__in=practices) | Q(roles__space=space))
        .distinct()
        .order_by("name", "email")
    )


class SpaceForm(forms.Form):
    def __init__(self, *args, space=None, **kwargs):
        self.space = space
        super().__init__(*args, **kwargs)


# --- Changes a proposal can carry (governance.changes) ---


class HouseRulesChangeForm(SpaceForm):
    text_en = forms.CharField(label=_("House rules (English)"), widget=forms.Textarea, required=False)
    text_fr = forms.CharField(label=_("House rules (French)"), widget=forms.Textarea, required=False)
    text_nl = forms.CharField(label=_("House rules (Dutch)"), widget=forms.Textarea, required=False)
    note = forms.CharField(label=_("What changes"), max_length=255, required=False)

    def clean(self):
        data = super().clean()
        if not any(data.get(f"text_{code}", "").strip() for code in ("en", "fr", "nl")):
            raise forms.ValidationError(_("Write the new house rules in at least one language."))
        return data


class RoleChangeForm(SpaceForm):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=RoleAssignment.Role.choices)
    responsibility = forms.CharField(label=_("Responsibility"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = space_members(self.space) if self.space else Member.objects.none()


try:  # the bookings app's quota (BookingPolicy.quota_hours)
    from bookings.models import BookingPolicy
except ImportError:  # pragma: no cover
    BookingPolicy = None

try:  # the costs app's allocation keys (CostItem.key)
    from costs.models import CostItem
except ImportError:  # pragma: no cover
    CostItem = None


if BookingPolicy is not None:

    class QuotaChangeForm(SpaceForm):
        resource = forms.ModelChoiceField(
            label=_("Resource"), queryset=None, required=False, help_text=_("Empty: the space's default rules.")
        )
        quota_hours = forms.IntegerField(
            label=_("Quota per practice (hours)"), min_value=0, help_text=_("0: no quota.")
        )
        quota_period = forms.ChoiceField(label=_("Quota period"), choices=BookingPolicy.QuotaPeriod.choices)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["resource"].queryset = self.space.resources.all() if self.space else None

else:  # pragma: no cover
    QuotaChangeForm = None


if CostItem is not None:

    class CostKeyChangeForm(SpaceForm):
        item = forms.ModelChoiceField(label=_("Cost item"), queryset=None)
        key = forms.ChoiceField(label=_("New allocation key"), choices=CostItem.Key.choices)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["item"].queryset = (
                CostItem.objects.filter(period__space=self.space, period__status="open")
                .exclude(kind=CostItem.Kind.CORRECTION)
                .select_related("period")
                if self.space
                else CostItem.objects.none()
            )

else:  # pragma: no cover
    CostKeyChangeForm = None


# --- Proposals ---


class ProposalForm(SpaceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=ProposalType.choices, initial=ProposalType.GENERAL)
    text = forms.CharField(label=_("What do you propose, and why?"), widget=forms.Textarea)
    deadline = forms.DateTimeField(
        label=_("Deadline for votes"), widget=DATETIME, help_text=_("In the space's time zone.")
    )
    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=Meeting.objects.none(), required=False)
    attachment = forms.FileField(label=_("Attachment"), required=False, help_text=_("Visible to members only."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(space=self.space)

    def clean_deadline(self):
        value = self.cleaned_data["deadline"]
        if value <= timezone.now():
            raise forms.ValidationError(_("The deadline must be in the future."))
        return value


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    practice = forms.ModelChoiceField(label=_("For practice"), queryset=Practice.objects.none(), required=False)

    def __init__(self, *args, choices=(), practices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = list(choices)
        if practices is not None and len(practices) > 1:
            self.fields["practice"].queryset = Practice.objects.filter(pk__in=[p.pk for p in practices])
            self.fields["practice"].required = True
        else:
            del self.fields["practice"]


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 4}))


class DecisionRuleForm(forms.Form):
    proposal_type = forms.ChoiceField(label=_("Type of proposal"), choices=ProposalType.choices)
    method = forms.ChoiceField(label=_("Decision method"), choices=Method.choices)
    vote_unit = forms.ChoiceField(label=_("Who votes"), choices=VoteUnit.choices)
    quorum_percent = forms.IntegerField(label=_("Quorum (%)"), min_value=0, max_value=100, initial=50)


# --- Meetings ---


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "location", "agenda"]
        widgets = {"starts_at": DATETIME}


class MinutesForm(forms.Form):
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea, required=False)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea, required=False)


class AttendanceForm(SpaceForm):
    members = forms.ModelMultipleChoiceField(
        label=_("Who attended"), queryset=Member.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = space_members(self.space)


class MeetingDecisionForm(forms.Form):
    title = forms.CharField(label=_("Decision"), max_length=200)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Decision.Outcome.choices)
    summary = forms.CharField(label=_("Summary and reasons"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


# --- Documents ---


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    text_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea, required=False)
    text_fr = forms.CharField(label=_("Text (French)"), widget=forms.Textarea, required=False)
    text_nl = forms.CharField(label=_("Text (Dutch)"), widget=forms.Textarea, required=False)


class VersionForm(forms.Form):
    text_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea, required=False)
    text_fr = forms.CharField(label=_("Text (French)"), widget=forms.Textarea, required=False)
    text_nl = forms.CharField(label=_("Text (Dutch)"), widget=forms.Textarea, required=False)
    note = forms.CharField(label=_("What changed"), max_length=255, required=False)


# --- Agreements ---


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "kind",
            "title",
            "owner_party",
            "user_party",
            "start",
            "end",
            "notice_days",
            "rent",
            "rent_period",
            "indexation",
            "remind_days_before",
            "notes",
        ]
        widgets = {"start": DATE, "end": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in Category.choices:
            self.fields[f"maintenance_{value}"] = forms.ChoiceField(
                label=label, choices=Party.choices, initial=Party.CARETAKER
            )

    def maintenance(self) -> dict:
        return {value: self.cleaned_data[f"maintenance_{value}"] for value in Category.values}

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["maintenance"] = self.maintenance()
        return data


class RenewalForm(forms.Form):
    new_end = forms.DateField(label=_("New end"), widget=DATE, required=False, help_text=_("Empty: open-ended."))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


# --- Care rota ---


class CareTaskForm(forms.ModelForm):
    class Meta:
        model = CareTask
        fields = ["title", "kind", "description", "rrule", "starts_on", "time", "effort_minutes"]
        widgets = {"starts_on": DATE, "time": TIME, "description": forms.Textarea(attrs={"rows": 3})}


class RotaForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("Until (not included)"), widget=DATE)
    basis = forms.ChoiceField(
        label=_("Share the care by"),
        choices=[("kind", _("kind of membership")), ("area", _("dedicated area"))],
    )


class SwapForm(forms.Form):
    mine = forms.IntegerField(label=_("Your shift"))


# --- Incidents ---


class IncidentForm(SpaceForm):
    title = forms.CharField(label=_("What is wrong?"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Incident.Severity.choices, initial="medium")
    resource = forms.ModelChoiceField(label=_("Where (resource)"), queryset=None, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    photo = forms.FileField(
        label=_("Photo"), required=False, help_text=_("PNG, JPEG or WebP. Visible to the space only.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = self.space.resources.all() if self.space else None


class IncidentUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Incident.Status.choices)
    responsible = forms.ChoiceField(label=_("Responsible"), choices=Party.choices)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class OutOfServiceForm(SpaceForm):
    resource = forms.ModelChoiceField(label=_("Resource"), queryset=None)
    start = forms.DateTimeField(label=_("From"), widget=DATETIME)
    end = forms.DateTimeField(label=_("Until"), widget=DATETIME)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = self.space.resources.all() if self.space else None

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The end must be after the start."))
        return data
