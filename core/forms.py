"""Form helpers shared by every app's views."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator


def errors_to_form(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field when the form has it, else form-wide."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


# Dates plek accepts from people: years like 1 or 9999 are typing errors, and a time zone cannot even express
# their first or last midnight (Python's datetime overflows).
FIRST_YEAR, LAST_YEAR = 1900, 2999


def plausible_date(day: datetime.date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


PLAUSIBLE_DATE_VALIDATORS = [
    MinValueValidator(datetime.date(FIRST_YEAR, 1, 1)),
    MaxValueValidator(datetime.date(LAST_YEAR, 12, 31)),
]
