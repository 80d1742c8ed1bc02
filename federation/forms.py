"""Forms of the federation pages (validation only; the services decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import Member


class PartnerForm(forms.Form):
    url = forms.URLField(
        label=_("Address of the partner installation"),
        max_length=300,
        assume_scheme="https",
        help_text=_("For example https://plek.example.org"),
    )
    fingerprint = forms.CharField(
        label=_("Key fingerprint"),
        max_length=120,
        help_text=_("64 hexadecimal characters, given to you by the partner's coordinators (not by email alone)."),
    )


class PassRequestForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Host installation"), queryset=None, empty_label=None)

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners


class ConsentForm(forms.Form):
    share_name = forms.BooleanField(label=_("Share my name with this installation"), required=False)
    share_email = forms.BooleanField(label=_("Share my email address with this installation"), required=False)


class RevokeForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class ArriveForm(forms.Form):
    token = forms.CharField(label=_("Network pass"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4096)
    resource = forms.ModelChoiceField(label=_("Resource"), queryset=None, empty_label=None)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resources

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The end must be after the start."))
        return data
