"""Forms of the network pages (validation only; the services save)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from spaces.models import Resource

from .models import BOOKING_PRIVILEGES, NetworkAccess


class AccessForm(forms.ModelForm):
    """What members of the network may do for one privilege; one form per privilege, prefixed with its name."""

    resource_kinds = forms.MultipleChoiceField(
        label=_("Kinds of resources"),
        choices=Resource.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: desks for the desk rule, every other kind for the room rule."),
    )

    class Meta:
        model = NetworkAccess
        fields = ["local", "federated", "free_days_per_month", "day_price", "resource_kinds"]

    def __init__(self, *args, privilege: str, **kwargs):
        super().__init__(*args, prefix=privilege, **kwargs)
        self.privilege = privilege
        if privilege not in BOOKING_PRIVILEGES:
            del self.fields["resource_kinds"]

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.setdefault("resource_kinds", [])
        return data


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class MonthForm(forms.Form):
    month = forms.RegexField(label=_("Month"), regex=r"^(19|2\d)\d{2}-(0[1-9]|1[0-2])$", help_text=_("As YYYY-MM."))
