"""Forms of the booking pages: validation only. The booking form turns its fields into a period in the space's
time zone and an RFC 5545 rule (built with dateutil), which the booking service expands."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

from dateutil import rrule as du_rrule
from django import forms
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community.models import Practice
from core.forms import PLAUSIBLE_DATE_VALIDATORS
from spaces import rules as space_rules
from spaces.models import Network, Resource, Space, SpaceMembership

from . import rules as booking_rules
from .models import BookingPolicy, ResourceGroup
from .recurrence import MAX_OCCURRENCES
from .services import POLICY_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def local_datetime(day: dt.date, at: dt.time, tz, offset: str = "") -> dt.datetime:
    """An aware UTC datetime for a local day and time in ``tz``. A time that comes twice (the clocks go back) is
    the first one, or the one whose offset from UTC is ``offset`` ("+01:00")."""
    local = dt.datetime.combine(day, at).replace(tzinfo=tz)
    if offset and is_repeated(local) and utc_offset(local.replace(fold=1)) == offset:
        local = local.replace(fold=1)
    return local.astimezone(dt.UTC)


def utc_offset(local: dt.datetime) -> str:
    """``"+01:00"``: the offset from UTC of an aware local time."""
    minutes = int(local.utcoffset().total_seconds()) // 60
    return f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def is_repeated(local: dt.datetime) -> bool:
    """Whether the local time of ``local`` comes twice that day (the clocks go back over it)."""
    # Where the clocks go back, the second time (fold=1) has the smaller offset; where they go forward (a time
    # that does not exist), the larger.
    return local.replace(fold=1).utcoffset() < local.replace(fold=0).utcoffset()


def is_skipped(local: dt.datetime) -> bool:
    """Whether the local time of ``local`` does not exist that day (the clocks go forward over it)."""
    return local.replace(fold=1).utcoffset() > local.replace(fold=0).utcoffset()


def offset_field() -> forms.CharField:
    """A hidden ``start_offset`` or ``end_offset`` ("+01:00"): which of two equal local times a link means."""
    return forms.CharField(required=False, max_length=6, widget=forms.HiddenInput)


def form_period(data: dict, tz) -> tuple[dt.datetime, dt.datetime]:
    """The period (UTC) of a form's cleaned ``date``, ``start``, ``end`` and their offsets. An end at 00:00 is the
    midnight at the end of the day (the day view's last hour links "23:00 until 00:00")."""
    day, start, end = data["date"], data["start"], data["end"]
    end_day = day + dt.timedelta(days=1) if end == dt.time(0) and start != dt.time(0) else day
    return (
        local_datetime(day, start, tz, data.get("start_offset", "")),
        local_datetime(end_day, end, tz, data.get("end_offset", "")),
    )


def skipped_times(data: dict, tz) -> list[str]:
    """Which of a form's ``start`` and ``end`` name a local time the clocks skip that day (they go forward over
    it: 02:30 on a spring day in Europe): such a time does not exist, and would silently become another hour."""
    day = data.get("date")
    if not day:
        return []
    names = []
    for name in ("start", "end"):
        at = data.get(name)
        if at is None:
            continue
        if name == "end" and at == dt.time(0) and data.get("start") != dt.time(0):
            continue  # midnight at the end of the day: always exists
        if is_skipped(dt.datetime.combine(day, at, tzinfo=tz)):
            names.append(name)
    return names


def check_clock(form: forms.Form, data: dict, tz) -> None:
    """A form's errors for times that do not exist that day, else for an end that is not after the start."""
    skipped = skipped_times(data, tz)
    for name in skipped:
        form.add_error(
            name,
            _("The clocks go forward that night: %(time)s does not exist on that day. Choose a time before or after.")
            % {"time": f"{data[name]:%H:%M}"},
        )
    if not skipped and ends_too_early(data, tz):
        form.add_error("end", _("The end must be after the start."))


def ends_too_early(data: dict, tz) -> bool:
    """Whether a form's end is not after its start: as instants when the date is known (on the day the clocks go
    back, 02:00 until 02:00 can be an hour), else as times of the day."""
    start, end = data.get("start"), data.get("end")
    if not start or not end:
        return False
    if not data.get("date"):
        return end <= start
    start, end = form_period(data, tz)
    return end <= start


def period_query(resource: Resource, start: dt.datetime, end: dt.datetime, tz) -> str:
    """``resource=…&date=…&start=…&end=…`` (local times, with ``start_offset`` and ``end_offset`` when a time
    comes twice that day): what the booking and waitlist forms read from a link."""
    s, e = timezone.localtime(start, tz), timezone.localtime(end, tz)
    query = {"resource": resource.pk, "date": s.date().isoformat(), "start": f"{s:%H:%M}", "end": f"{e:%H:%M}"}
    # A time the clocks show twice (they go back) says which one it is.
    if is_repeated(s) or is_repeated(e):
        query["start_offset"], query["end_offset"] = utc_offset(s), utc_offset(e)
    return urlencode(query)


def book_link(
    space: Space,
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    language=None,
    *,
    url_name: str = "bookings:new",
) -> str:
    """The path of the booking form (or the waitlist form), filled in for this resource and period (local
    times of the space)."""
    with translation.override(language or translation.get_language()):
        path = reverse(url_name, kwargs={"slug": space.slug})
    return path + "?" + period_query(resource, start, end, space.tz)


def bookable_resources(user, space: Space):
    return (
        Resource.objects.filter(space=space, is_active=True, bookable=True)
        .filter(space_rules.visible_resource_filter(user, space))
        .order_by("name")
    )


def booking_refusals(user, space: Space, resources) -> list[tuple[Resource, str]]:
    """The resources ``user`` may not book at all in ``space``, each with why in plain words (rules.may_book).

    Resolves each resource's rules the way rules.effective_policy does, from one query for the whole space
    instead of one per resource."""
    policies = list(
        BookingPolicy.objects.filter(space=space).prefetch_related("group__resources").order_by("group__name", "id")
    )
    own = {p.resource_id: p for p in policies if p.resource_id}
    grouped = [(p, {r.pk for r in p.group.resources.all()}) for p in policies if p.group_id]
    default = next((p for p in policies if p.resource_id is None and p.group_id is None), None)
    refused = []
    for resource in resources:
        resource.space = space
        policy = (
            own.get(resource.pk)
            or next((p for p, members in grouped if resource.pk in members), None)
            or default
            or BookingPolicy.permissive(space)
        )
        why = booking_rules.may_book(user, resource, None, policy=policy)
        if why:
            refused.append((resource, why))
    return refused


def practices_for(user, space: Space):
    """The practices ``user`` may book for in ``space``: their own; for coordinators, all of the space's."""
    own = Practice.objects.filter(id__in=space_rules.practice_ids(user))
    if space_rules.is_coordinator(user, space):
        member_ids = SpaceMembership.objects.active().filter(space=space).values("practice_id")
        return (own | Practice.objects.filter(id__in=member_ids)).distinct().order_by("name")
    return own.order_by("name")


class BookingForm(forms.Form):
    NONE, WEEKLY, BIWEEKLY, MONTHLY = "none", "weekly", "biweekly", "monthly"
    REPEAT_CHOICES = [
        (NONE, _("Does not repeat")),
        (WEEKLY, _("Every week")),
        (BIWEEKLY, _("Every other week")),
        (MONTHLY, _("Every month, on the same weekday (for example the second Tuesday)")),
    ]

    resource = forms.ModelChoiceField(queryset=Resource.objects.none(), label=_("Resource"))
    practice = forms.ModelChoiceField(
        queryset=Practice.objects.none(),
        label=_("For the practice"),
        required=False,
        empty_label=_("— myself, not for a practice —"),
    )
    title = forms.CharField(
        label=_("What for"),
        max_length=200,
        required=False,
        help_text=_("Shown in the calendar, for example “Rehearsal” or “Board meeting”."),
    )
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start = forms.TimeField(label=_("From"), widget=TIME_WIDGET)
    end = forms.TimeField(label=_("Until"), widget=TIME_WIDGET)
    start_offset = offset_field()
    end_offset = offset_field()
    is_public = forms.BooleanField(
        label=_("Show it in the space's public calendar"),
        required=False,
        help_text=_("For public activities. Private bookings are only seen by the space's members."),
    )
    repeat = forms.ChoiceField(label=_("Repeat"), choices=REPEAT_CHOICES, initial=NONE)
    until = forms.DateField(
        label=_("Repeat until"), required=False, widget=DATE_WIDGET, help_text=_("The last possible day.")
    )
    count = forms.IntegerField(
        label=_("Or a number of times"),
        required=False,
        min_value=1,
        max_value=MAX_OCCURRENCES,
        help_text=_("Give an end date or a number of times."),
    )
    exceptions = forms.CharField(
        label=_("Except on"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Dates to leave out, as YYYY-MM-DD, separated by spaces, commas or new lines."),
    )

    def __init__(self, *args, space: Space, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.space = space
        self.user = user
        self.fields["resource"].queryset = bookable_resources(user, space)
        if user.is_authenticated:
            self.fields["practice"].queryset = practices_for(user, space)
        else:
            # A guest (where the rules let the public book): no practice, no public listing; a name and an email.
            del self.fields["practice"]
            del self.fields["is_public"]
            self.fields["guest_name"] = forms.CharField(label=_("Your name"), max_length=150)
            self.fields["guest_email"] = forms.EmailField(
                label=_("Your email address"), help_text=_("We send the confirmation there.")
            )

    @property
    def is_guest(self) -> bool:
        return not self.user.is_authenticated

    def clean_exceptions(self) -> list[dt.date]:
        text = self.cleaned_data.get("exceptions") or ""
        days = []
        for token in re.split(r"[\s,;]+", text.strip()):
            if not token:
                continue
            try:
                days.append(dt.date.fromisoformat(token))
            except ValueError:
                raise forms.ValidationError(
                    _("“%(value)s” is not a date; write dates as YYYY-MM-DD."), params={"value": token}
                ) from None
        return days

    def clean(self):
        data = super().clean()
        day = data.get("date")
        check_clock(self, data, self.space.tz)
        repeat = data.get("repeat")
        if repeat and repeat != self.NONE:
            until, count = data.get("until"), data.get("count")
            if not until and not count:
                self.add_error("until", _("Give an end date or a number of times for a repeating booking."))
            elif until and count:
                self.add_error("count", _("Give an end date or a number of times, not both."))
            elif until and day and until < day:
                self.add_error("until", _("The end date of the repetition cannot be before the first date."))
        return data

    # Results, for the service.
    def period(self) -> tuple[dt.datetime, dt.datetime]:
        return form_period(self.cleaned_data, self.space.tz)

    def recurrence(self) -> str | None:
        """The RRULE (without DTSTART) for the chosen repetition, or None."""
        data = self.cleaned_data
        repeat = data["repeat"]
        if repeat == self.NONE:
            return None
        first = dt.datetime.combine(data["date"], data["start"])
        kwargs: dict = {"dtstart": first}
        if data.get("count"):
            kwargs["count"] = data["count"]
        else:
            kwargs["until"] = dt.datetime.combine(data["until"], dt.time(23, 59, 59))
        if repeat == self.WEEKLY:
            rule = du_rrule.rrule(du_rrule.WEEKLY, **kwargs)
        elif repeat == self.BIWEEKLY:
            rule = du_rrule.rrule(du_rrule.WEEKLY, interval=2, **kwargs)
        else:
            nth = (first.day - 1) // 7 + 1
            weekday = du_rrule.weekday(first.weekday())(-1 if nth == 5 else nth)
            rule = du_rrule.rrule(du_rrule.MONTHLY, byweekday=weekday, **kwargs)
        return next(line for line in str(rule).splitlines() if line.startswith("RRULE:"))[len("RRULE:") :]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the person who booked."),
    )


class RefuseForm(ReasonForm):
    reason = forms.CharField(
        label=_("Why the request is refused"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the person who asked, in plain words."),
    )


class WaitlistForm(forms.Form):
    resource = forms.ModelChoiceField(queryset=Resource.objects.none(), label=_("Resource"))
    practice = forms.ModelChoiceField(
        queryset=Practice.objects.none(), label=_("For the practice"), required=False, empty_label=_("— myself —")
    )
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start = forms.TimeField(label=_("From"), widget=TIME_WIDGET)
    end = forms.TimeField(label=_("Until"), widget=TIME_WIDGET)
    start_offset = offset_field()
    end_offset = offset_field()

    def __init__(self, *args, space: Space, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.space = space
        self.fields["resource"].queryset = bookable_resources(user, space)
        self.fields["practice"].queryset = practices_for(user, space)

    def clean(self):
        data = super().clean()
        check_clock(self, data, self.space.tz)
        return data

    def period(self) -> tuple[dt.datetime, dt.datetime]:
        return form_period(self.cleaned_data, self.space.tz)


# How the rules editor groups its fields.
POLICY_SECTIONS = [
    (_("Who may book"), ["allow_practices", "allow_network", "allow_guests", "guest_price_per_hour"]),
    (_("Approval"), ["requires_approval", "approver_role"]),
    (
        _("When and how long"),
        ["min_duration_minutes", "max_duration_minutes", "max_days_ahead", "min_notice_hours"],
    ),
    (_("Time between bookings"), ["buffer_before_minutes", "buffer_after_minutes"]),
    (_("Opening hours and closures"), ["respect_opening_hours", "respect_closures"]),
    (_("Quota per practice"), ["quota_hours", "quota_period"]),
    (_("Cancelling"), ["cancellation_deadline_hours"]),
]


class PolicyForm(forms.ModelForm):
    class Meta:
        model = BookingPolicy
        fields = POLICY_FIELDS
        help_texts = {
            "min_duration_minutes": _("Leave empty for no limit."),
            "max_duration_minutes": _("Leave empty for no limit."),
            "max_days_ahead": _("Leave empty for no limit."),
            "min_notice_hours": _("Leave empty for none."),
            "quota_hours": _("Hours each practice may book in the period; leave empty for no quota."),
            "cancellation_deadline_hours": _("Leave empty to allow cancelling until the start."),
            "respect_closures": _("Closures always block bookings; this is shown for clarity."),
            "guest_price_per_hour": _(
                "What outside renters pay, in the space's currency; leave empty when guests book for free. "
                "The income can lower the practices' shares of the costs."
            ),
        }

    def clean(self):
        data = super().clean()
        low, high = data.get("min_duration_minutes"), data.get("max_duration_minutes")
        if low is not None and high is not None and high < low:
            self.add_error("max_duration_minutes", _("The maximum duration cannot be shorter than the minimum."))
        return data

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in POLICY_SECTIONS]


class ResourceGroupForm(forms.ModelForm):
    class Meta:
        model = ResourceGroup
        fields = ["name", "resources"]
        widgets = {"resources": forms.CheckboxSelectMultiple}

    def __init__(self, *args, space: Space, **kwargs):
        super().__init__(*args, **kwargs)
        self.space = space
        self.fields["resources"].queryset = Resource.objects.filter(space=space).order_by("name")
        self.fields["resources"].required = False

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = ResourceGroup.objects.filter(space=self.space, name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("This space already has a group with this name."))
        return name


class FindForm(forms.Form):
    """Find a place: a time window, a duration and what the place must offer."""

    space = forms.ModelChoiceField(
        queryset=Space.objects.none(),
        label=pgettext_lazy("shared building", "Space"),
        required=False,
        empty_label=_("All spaces"),
    )
    network = forms.ModelChoiceField(
        queryset=Network.objects.none(),
        label=_("Network"),
        required=False,
        empty_label=_("All networks"),
        help_text=_("Search every space of one of your networks (instead of one space)."),
    )
    date = forms.DateField(
        label=_("Day"),
        widget=DATE_WIDGET,
        validators=PLAUSIBLE_DATE_VALIDATORS,
    )
    start = forms.TimeField(label=_("From"), widget=TIME_WIDGET, initial=dt.time(9, 0))
    end = forms.TimeField(label=_("Until"), widget=TIME_WIDGET, initial=dt.time(18, 0))
    duration = forms.IntegerField(label=_("For how long (minutes)"), min_value=15, max_value=24 * 60, initial=60)
    capacity = forms.IntegerField(label=_("For how many people"), min_value=1, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any kind")), *Resource.Kind.choices])
    equipment = forms.CharField(
        label=_("Equipment"), required=False, max_length=100, help_text=_("For example: projector, piano, kiln.")
    )
    accessible = forms.BooleanField(label=_("Step-free and wheelchair accessible"), required=False)
    hearing_loop = forms.BooleanField(label=_("With a hearing loop"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["space"].queryset = Space.objects.order_by("name")
        networks = space_rules.network_ids(user) if user is not None else set()
        if networks:
            self.fields["network"].queryset = Network.objects.filter(pk__in=networks).order_by("name")
        else:
            del self.fields["network"]  # the networks offered are the user's: none to offer

    def clean(self):
        data = super().clean()
        if data.get("space") and data.get("network"):
            self.add_error("network", _("Choose a space or a network, not both."))
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end must be after the start."))
        elif start and end and data.get("duration"):
            window = dt.datetime.combine(dt.date.today(), end) - dt.datetime.combine(dt.date.today(), start)
            if window < dt.timedelta(minutes=data["duration"]):
                self.add_error("duration", _("The duration does not fit in the time window."))
        return data
