"""Forms: validation only; the views pass the cleaned data to programme.services."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time

from dateutil.rrule import rrulestr
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import PLAUSIBLE_DATE_VALIDATORS
from spaces.models import Resource

from .models import LANGUAGE_CHOICES, Event, Project, Service
from .services import DESCRIPTIVE_FIELDS


class LocalDateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class EventForm(forms.ModelForm):
    """Creating an event: the room and dates go to the booking, the rest describes the event."""

    REPEAT_CHOICES = [
        ("", _("does not repeat")),
        ("FREQ=DAILY", _("every day")),
        ("FREQ=WEEKLY", _("every week")),
        ("FREQ=WEEKLY;INTERVAL=2", _("every two weeks")),
        ("FREQ=MONTHLY", _("every month")),
    ]

    resource = forms.ModelChoiceField(queryset=Resource.objects.none(), label=_("Room"))
    practice = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Organised by"), empty_label=_("the space itself")
    )
    start = LocalDateTimeField(label=_("Starts"), help_text=_("In the space's local time."))
    end = LocalDateTimeField(
        label=_("Ends"), help_text=_("An exhibition may run over several days: give its last day's closing time.")
    )
    repeat = forms.ChoiceField(choices=REPEAT_CHOICES, required=False, label=_("Repeats"))
    repeat_count = forms.IntegerField(
        min_value=2, max_value=52, required=False, label=_("Number of dates"), help_text=_("When it repeats.")
    )
    languages = forms.MultipleChoiceField(
        choices=LANGUAGE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple, label=_("Languages spoken")
    )

    class Meta:
        model = Event
        fields = [*DESCRIPTIVE_FIELDS, "capacity"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, space, practices, with_dates=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.space = space
        self.fields["resource"].queryset = Resource.objects.filter(space=space, is_active=True, bookable=True)
        self.fields["practice"].queryset = practices
        if not with_dates:
            for name in ("resource", "practice", "start", "end", "repeat", "repeat_count", "capacity"):
                del self.fields[name]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "size") and image.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The image is too large (at most 5 MB)."))
        return image

    def _aware(self, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=zoneinfo.ZoneInfo(self.space.time_zone))

    def clean(self):
        data = super().clean()
        if "start" in self.fields:
            data["start"] = self._aware(data.get("start"))
            data["end"] = self._aware(data.get("end"))
            if data.get("start") and data.get("end") and data["end"] <= data["start"]:
                self.add_error("end", _("The end must be after the start."))
            repeat = data.get("repeat")
            data["recurrence"] = ""
            if repeat:
                count = data.get("repeat_count") or 4
                data["recurrence"] = f"{repeat};COUNT={count}"
                try:
                    rrulestr(data["recurrence"])
                except ValueError:
                    self.add_error("repeat", _("This repetition is not valid."))
        if data.get("price_kind") == Event.Price.FIXED and data.get("price") is None:
            self.add_error("price", _("Give the amount of the fixed price."))
        return data


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(
        label=_("Places"),
        required=False,
        min_value=1,
        max_value=100000,
        help_text=_(
            "For every date to come. Leave empty when no registration is needed. With more places, people on the "
            "waitlist move up at once."
        ),
    )


class MoveDateForm(forms.Form):
    """Another time (in the space's local time) and optionally another room for one date."""

    start = LocalDateTimeField(label=_("Starts"), help_text=_("In the space's local time."))
    end = LocalDateTimeField(label=_("Ends"))
    resource = forms.ModelChoiceField(
        queryset=Resource.objects.none(), label=_("Room"), required=False, empty_label=_("the same room")
    )

    def __init__(self, *args, space, current_room=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.space = space
        rooms = Q(is_active=True, bookable=True)
        if current_room is not None:
            rooms |= Q(pk=current_room.pk)
        self.fields["resource"].queryset = Resource.objects.filter(rooms, space=space).order_by("name")

    def clean(self):
        data = super().clean()
        zone = zoneinfo.ZoneInfo(self.space.time_zone)
        for name in ("start", "end"):
            if data.get(name):
                data[name] = data[name].replace(tzinfo=zone)
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The end must be after the start."))
        return data


class CancelDateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the registrants)"), required=False, max_length=300, widget=forms.TextInput
    )


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("Only the organisers see it. We send you a link to cancel or to remove your data."),
    )


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))


class AgendaFilterForm(forms.Form):
    date = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=PLAUSIBLE_DATE_VALIDATORS,
    )
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    country = forms.CharField(label=_("Country (two letters)"), required=False, max_length=2)
    category = forms.ChoiceField(label=_("Category"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    free = forms.BooleanField(label=_("Free only"), required=False)
    accessible = forms.BooleanField(label=_("Wheelchair accessible"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("all"))] + list(Event.Category.choices)
        self.fields["language"].choices = [("", _("all"))] + LANGUAGE_CHOICES

    def filters(self, tz) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        out = {
            "city": data["city"].strip(),
            "country": data["country"].strip().upper(),
            "category": data["category"],
            "language": data["language"],
            "free": data["free"],
            "accessible": data["accessible"],
        }
        if data["date"]:
            out["start"] = datetime.combine(data["date"], time.min, tzinfo=tz)
        return out


class ProjectForm(forms.ModelForm):
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separate them with commas."))
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: an address, optionally followed by a space and a label."),
    )
    image = forms.ImageField(label=_("Add an image"), required=False)
    image_alt = forms.CharField(label=_("Image description"), required=False, max_length=300)

    class Meta:
        model = Project
        fields = ["title", "text", "start_date", "end_date", "is_published"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "text": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = ", ".join(self.instance.tags)
            self.initial["links"] = "\n".join(
                f"{link['url']} {link.get('label', '')}".strip() for link in self.instance.links
            )

    def clean_tags(self):
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]

    def clean_links(self):
        links = []
        validate = forms.URLField(assume_scheme="https")
        for line in self.cleaned_data["links"].splitlines():
            if not line.strip():
                continue
            url, _sep, label = line.strip().partition(" ")
            links.append({"url": validate.clean(url), "label": label.strip()})
        return links

    def service_data(self) -> dict:
        data = {k: self.cleaned_data[k] for k in ("title", "text", "start_date", "end_date", "is_published")}
        data["tags"] = self.cleaned_data["tags"]
        data["links"] = self.cleaned_data["links"]
        image = self.cleaned_data.get("image")
        data["images"] = [(image, self.cleaned_data.get("image_alt", ""))] if image else []
        return data


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = ["kind", "title", "description", "provider", "contact", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class SlotsForm(forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), label=_("Service"))
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(label=_("Minutes per appointment"), min_value=5, max_value=480, initial=30)

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        self.space = space
        self.fields["service"].queryset = Service.objects.filter(space=space)

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("start") and data.get("end"):
            tz = self.space.tz
            data["start_at"] = datetime.combine(data["day"], data["start"], tzinfo=tz)
            data["end_at"] = datetime.combine(data["day"], data["end"], tzinfo=tz)
            if data["end_at"] <= data["start_at"]:
                self.add_error("end", _("The end must be after the start."))
        return data
