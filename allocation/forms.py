"""Forms of allocation rounds: validation of input only; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from spaces.models import OpeningHours, Resource

from .models import AllocationRound, GrantedSlot

WINDOWS = 3
DAY_CHOICES = [("", "—"), *OpeningHours.Weekday.choices]
PRIORITY_CHOICES = [
    (5, _("5: essential")),
    (4, _("4: very important")),
    (3, _("3: important")),
    (2, _("2: useful")),
    (1, _("1: nice to have")),
]


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    resources = forms.ModelMultipleChoiceField(
        label=_("Resources"), queryset=Resource.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    season_start = forms.DateField(label=_("Season starts"), widget=forms.DateInput(attrs={"type": "date"}))
    season_end = forms.DateField(label=_("Season ends"), widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateTimeField(
        label=_("Deadline for requests"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the space's time zone."),
    )
    entitlement_rule = forms.ChoiceField(
        label=_("Entitlements"), choices=AllocationRound.EntitlementRule.choices, initial="equal"
    )
    slot_minutes = forms.TypedChoiceField(
        label=_("Length of a time slot (minutes)"), choices=[(60, "60"), (30, "30")], coerce=int, initial=60
    )

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resources"].queryset = Resource.objects.filter(space=space, is_active=True).order_by("name")


class RequestForm(forms.Form):
    practice = forms.ModelChoiceField(label=_("Practice"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("What for"), max_length=200, required=False)
    resources = forms.ModelMultipleChoiceField(
        label=_("Resources"),
        queryset=Resource.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Choose resources, or leave empty and describe what you need below."),
    )
    kind = forms.ChoiceField(label=_("Kind of resource"), choices=[("", "—"), *Resource.Kind.choices], required=False)
    capacity = forms.IntegerField(label=_("People"), min_value=1, initial=1)
    equipment = forms.CharField(
        label=_("Equipment needed"), required=False, help_text=_("Separated by commas, for example: projector, sink.")
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=15, max_value=720, initial=120)
    flexibility_minutes = forms.IntegerField(
        label=_("Flexibility (minutes earlier or later)"), min_value=0, max_value=180, initial=0
    )
    priority = forms.TypedChoiceField(label=_("Importance"), choices=PRIORITY_CHOICES, coerce=int, initial=3)

    def __init__(self, *args, round_, practices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practice"].queryset = practices
        self.fields["resources"].queryset = round_.resources.order_by("name")
        for i in range(1, WINDOWS + 1):
            required = i == 1
            self.fields[f"day_{i}"] = forms.TypedChoiceField(
                label=_("Choice %(n)s: day") % {"n": i},
                choices=DAY_CHOICES,
                coerce=int,
                required=required,
                empty_value=None,
            )
            self.fields[f"start_{i}"] = forms.TimeField(
                label=_("Choice %(n)s: from") % {"n": i},
                required=required,
                widget=forms.TimeInput(attrs={"type": "time"}),
            )
            self.fields[f"end_{i}"] = forms.TimeField(
                label=_("Choice %(n)s: until") % {"n": i},
                required=required,
                widget=forms.TimeInput(attrs={"type": "time"}),
            )

    def window_rows(self):
        return [[self[f"day_{i}"], self[f"start_{i}"], self[f"end_{i}"]] for i in range(1, WINDOWS + 1)]

    def main_fields(self):
        return [self[name] for name in ("practice", "title", "resources", "kind", "capacity", "equipment")]

    def time_fields(self):
        return [self[name] for name in ("duration_minutes", "flexibility_minutes", "priority")]

    def clean(self):
        data = super().clean()
        windows = []
        for i in range(1, WINDOWS + 1):
            day, start, end = data.get(f"day_{i}"), data.get(f"start_{i}"), data.get(f"end_{i}")
            if day is None and not start and not end:
                continue
            if day is None or not start or not end:
                self.add_error(f"day_{i}", _("Give the day, the start and the end."))
                continue
            windows.append({"weekday": day, "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")})
        data["windows"] = windows
        data["equipment"] = [e.strip() for e in (data.get("equipment") or "").split(",") if e.strip()]
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        keys = ("title", "resources", "kind", "capacity", "equipment", "duration_minutes", "flexibility_minutes")
        return {**{k: data[k] for k in keys}, "priority": data["priority"], "windows": data["windows"]}

    @staticmethod
    def initial_for(request) -> dict:
        initial = {
            "practice": request.practice_id,
            "title": request.title,
            "resources": list(request.resources.all()),
            "kind": request.kind,
            "capacity": request.capacity,
            "equipment": ", ".join(request.equipment or []),
            "duration_minutes": request.duration_minutes,
            "flexibility_minutes": request.flexibility_minutes,
            "priority": request.priority,
        }
        for i, w in enumerate(request.windows[:WINDOWS], start=1):
            initial.update({f"day_{i}": w["weekday"], f"start_{i}": w["start"], f"end_{i}": w["end"]})
        return initial


class EntitlementsForm(forms.Form):
    def __init__(self, *args, entitlements, **kwargs):
        super().__init__(*args, **kwargs)
        self.entitlements = list(entitlements)
        for e in self.entitlements:
            self.fields[f"weight_{e.practice_id}"] = forms.DecimalField(
                label=e.practice.name, min_value=0.01, max_digits=6, decimal_places=2, initial=e.weight
            )


class PlaceForm(forms.Form):
    resource = forms.ModelChoiceField(label=_("Resource"), queryset=None, empty_label=None)
    weekday = forms.TypedChoiceField(label=_("Day"), choices=OpeningHours.Weekday.choices, coerce=int)
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = round_.resources.order_by("name")


class SwapForm(forms.Form):
    wanted = forms.ModelChoiceField(label=_("The slot you would like instead"), queryset=None, empty_label=None)

    def __init__(self, *args, offered: GrantedSlot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wanted"].queryset = (
            GrantedSlot.objects.filter(round_id=offered.round_id, released_at__isnull=True)
            .exclude(request__practice_id=offered.request.practice_id)
            .select_related("resource", "request__practice")
            .order_by("weekday", "start", "resource__name")
        )
        # Say whose slot it is: the other practice has to agree.
        self.fields["wanted"].label_from_instance = lambda slot: f"{slot} — {slot.request.practice.name}"
