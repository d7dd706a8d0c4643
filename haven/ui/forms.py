"""Form pieces that follow the GOV.UK Design System patterns.

``GovukForm`` is the base for Haven's forms; ``GovukDateField`` asks for a date as three boxes
(day, month, year) and answers with the GOV.UK error messages for dates.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.forms.utils import pretty_name
from django.utils import timezone

from haven.core import drafts
from haven.ui import parsing

DATE_PARTS = ("day", "month", "year")

_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_UK_DATE = re.compile(r"^\s*(\d{1,2})[/ .-](\d{1,2})[/ .-](\d{4})\s*$")


class GovukDateWidget(forms.MultiWidget):
    """Three text boxes posted as ``<name>_day``, ``<name>_month`` and ``<name>_year``.

    ``{% govuk_field %}`` draws the GOV.UK date input itself; this widget reads what was posted
    and splits an initial date into its three parts.
    """

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in DATE_PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[str | None]:
        return date_parts(value)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        # A single ISO date posted under the field's own name is accepted too, so that tests
        # and scripts can post "2015-03-12" without splitting it up.
        if name in data and not any(f"{name}_{part}" in data for part in DATE_PARTS):
            return data.get(name)
        return [data.get(f"{name}_{part}", "") for part in DATE_PARTS]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and all(f"{name}_{part}" not in data for part in DATE_PARTS)


def date_parts(value: Any) -> list[str | None]:
    """The day, month and year to show in the three boxes, for a date, a posted list or text."""
    if value is None or value == "":
        return [None, None, None]
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return [str(value.day), str(value.month), str(value.year)]
    if isinstance(value, list | tuple):
        parts = [None if p is None else str(p) for p in value]
        return [*parts, None, None, None][:3]
    if isinstance(value, str):
        if match := _ISO_DATE.match(value):
            year, month, day = match.groups()
            return [day, month, year]
        if match := _UK_DATE.match(value):
            return list(match.groups())
        return [value, None, None]
    return [None, None, None]


class GovukDateField(forms.Field):
    """A date asked for as day, month and year, cleaned to a ``datetime.date``.

    Error messages follow the GOV.UK date input pattern and use the field's label:
    "Enter the date of birth", "Date of birth must include a month", "Date of birth must be a
    real date". Each error carries ``params={"parts": [...]}`` naming the boxes at fault, so the
    error summary links to the right box and only those boxes are marked.
    """

    widget = GovukDateWidget
    hidden_widget = forms.HiddenInput

    def __init__(
        self,
        *,
        must_be_past: bool = False,
        must_be_future: bool = False,
        historic: bool = False,
        **kwargs: Any,
    ) -> None:
        """``historic`` dates (a parent's date of birth, an old address) may go back to 1900;
        the others drive deadlines, so stay within the working-day calendar's years."""
        self.must_be_past = must_be_past
        self.must_be_future = must_be_future
        self.earliest = parsing.HISTORIC_FIRST if historic else parsing.DEADLINE_FIRST
        self.latest = parsing.LAST
        super().__init__(**kwargs)

    # Messages --------------------------------------------------------------------------------

    def _label(self) -> str:
        return str(self.label) if self.label else "Date"

    def _message(self, code: str, **extra: str) -> str:
        if code in self.error_messages and code != "required":
            return str(self.error_messages[code])
        label = self._label()
        if code == "required":
            custom = self.error_messages.get("required")
            if custom and str(custom) != str(forms.Field.default_error_messages["required"]):
                return str(custom)
            lowered = label[0].lower() + label[1:]
            first_word = lowered.split(" ", 1)[0]
            if first_word in {"the", "their", "your", "his", "her", "its", "a", "an"}:
                return f"Enter {lowered}"
            return f"Enter the {label.lower()}"
        messages = {
            "incomplete": f"{label} must include a {extra.get('missing', '')}",
            "invalid": f"{label} must be a real date",
            "year": f"{label} must include a year with 4 numbers",
            "past": f"{label} must be today or in the past",
            "future": f"{label} must be today or in the future",
            "range": (
                f"{label} must be between {parsing.long_date(self.earliest)} "
                f"and {parsing.long_date(self.latest)}"
            ),
        }
        return messages[code]

    def _error(self, code: str, parts: list[str], **extra: str) -> ValidationError:
        return ValidationError(self._message(code, **extra), code=code, params={"parts": parts})

    # Cleaning --------------------------------------------------------------------------------

    def to_python(self, value: Any) -> datetime.date | None:
        if value is None:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            if not value.strip():
                return None
            match = _ISO_DATE.match(value) or None
            if match:
                year, month, day = match.groups()
            elif match := _UK_DATE.match(value):
                day, month, year = match.groups()
            else:
                raise self._error("invalid", list(DATE_PARTS))
            return self._from_parts(day, month, year)
        if isinstance(value, list | tuple):
            day, month, year = ([str(p or "").strip() for p in value] + ["", "", ""])[:3]
            if not (day or month or year):
                return None
            missing = [
                part for part, text in zip(DATE_PARTS, (day, month, year), strict=True) if not text
            ]
            if missing:
                raise self._error("incomplete", missing, missing=" and ".join(missing))
            return self._from_parts(day, month, year)
        raise self._error("invalid", list(DATE_PARTS))

    def _from_parts(self, day: str, month: str, year: str) -> datetime.date:
        # Only the digits 0-9 count: "²" passes str.isdigit() but not int(), and a day of
        # 99999999999999999999 would overflow the date.
        bad: list[str] = []
        if not (parsing.is_ascii_number(day) and len(day) <= 2):
            bad.append("day")
        if parsing.is_ascii_number(month):
            month_number: int | None = int(month) if len(month) <= 2 else None
        else:
            month_number = _MONTH_NAMES.get(month.lower())
        if month_number is None or not 1 <= month_number <= 12:
            bad.append("month")
        year_is_number = parsing.is_ascii_number(year)
        if year_is_number and len(year) != 4:
            if bad:
                raise self._error("invalid", bad)
            raise self._error("year", ["year"])
        if not year_is_number:
            bad.append("year")
        if bad:
            raise self._error("invalid", bad)
        assert month_number is not None
        try:
            value = datetime.date(int(year), month_number, int(day))
        except ValueError:
            # A day that the month does not have, such as 31 February.
            raise self._error("invalid", ["day"]) from None
        if not self.earliest <= value <= self.latest:
            raise self._error("range", ["year"])
        return value

    def validate(self, value: Any) -> None:
        if value in self.empty_values and self.required:
            raise self._error("required", list(DATE_PARTS))
        if value is None:
            return
        today = timezone.localdate()
        if self.must_be_past and value > today:
            raise self._error("past", list(DATE_PARTS))
        if self.must_be_future and value < today:
            raise self._error("future", list(DATE_PARTS))

    def prepare_value(self, value: Any) -> Any:
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True


class GovukFormMixin:
    """GOV.UK habits for any Django form: no colon after labels, and no ``required``
    attribute, since GOV.UK services validate on the server and show the error summary."""

    label_suffix = ""
    use_required_attribute = False
    # Fields not required on their own but needed in some cases (one of two dates; a category
    # for a plan): never labelled "(optional)", since leaving them empty may be refused.
    required_in_some_cases: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # Date fields use their label in their error messages, so make sure they have one.
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if isinstance(field, GovukDateField) and not field.label:
                field.label = pretty_name(name)
            guard_field(field, name)
            readable_empty_choice(field, name)
            if name in self.required_in_some_cases:
                field.required_in_some_cases = True  # type: ignore[attr-defined]


DJANGO_BLANK = "---------"


def _choose(label: str) -> str:
    words = label[:1].lower() + label[1:]
    if words.split(" ", 1)[0] in {"the", "a", "an", "their", "your"}:
        return f"Choose {words}"
    return f"Choose {'an' if words[:1] in 'aeiou' else 'a'} {words}"


def readable_empty_choice(field: forms.Field, name: str) -> None:
    """No Django "---------" in a menu: a required one asks "Choose a team", an optional one
    offers "None". Every Haven form gets this through ``GovukFormMixin``."""
    label = str(field.label or pretty_name(name))
    empty = _choose(label) if field.required else "None"
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_BLANK:
            field.empty_label = empty
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)  # type: ignore[arg-type]
        if any(text == DJANGO_BLANK for _, text in choices):
            field.choices = [(v, empty if t == DJANGO_BLANK else t) for v, t in choices]


def _text_validator(label: str) -> Any:
    def validate(value: Any) -> None:
        if isinstance(value, str):
            parsing.clean_text(value, label=label)

    return validate


def guard_field(field: forms.Field, name: str) -> None:
    """Make ``field`` refuse what could not be stored, with a message naming it: control
    characters (NUL above all) and endless text in text fields, integers the column cannot
    hold in number fields. Every Haven form gets this through ``GovukFormMixin``."""
    if getattr(field, "_haven_guarded", False):
        return
    label = str(field.label or pretty_name(name))
    if isinstance(field, forms.CharField):
        field.validators = [
            v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        field.validators.append(_text_validator(label))
    elif isinstance(field, forms.IntegerField):
        if field.max_value is None:
            field.validators.append(MaxValueValidator(parsing.INT_MAX))
        if field.min_value is None:
            field.validators.append(MinValueValidator(parsing.INT_MIN))
    field._haven_guarded = True  # type: ignore[attr-defined]


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    pass


def apply_errors(form: Any, error: ValidationError) -> None:
    """Show a service's ValidationError (or ConflictError) on ``form``: beside the field it
    names when the form has that field, else in the error summary."""
    for field, messages_ in (
        error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]
    ):
        target = field if field in form.fields else None
        for message in messages_:
            form.add_error(target, message)


def bound_form(form_class: Any, request: Any, **kwargs: Any) -> Any:
    """A form bound to what was posted, or to what was kept when the session ran out."""
    if request.method == "POST":
        return form_class(request.POST, **kwargs)
    kept = drafts.restore(request)
    if kept is not None:
        messages.warning(request, "You were signed out. We kept what you typed: check it and save.")
        return form_class(kept, **kwargs)
    return form_class(**kwargs)
