"""The forms of the Missing tab. A moment (went missing, returned, interview offered) is asked
for as the GOV.UK date input and a time box beside it ("14:30" or "2:30pm"), combined into one
London time when the form is cleaned: the 72-hour clock counts hours."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from haven.accounts.models import Role, User
from haven.core.calendar import LONDON
from haven.core.dates import long_date
from haven.missing import codes
from haven.ui.forms import GovukDateField, GovukForm

_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")
_WORDS = {"midday": datetime.time(12), "noon": datetime.time(12), "midnight": datetime.time(0)}
TIME_HINT = "For example, 14:30 or 2:30pm"
MAX_TIME_LENGTH = 20


def parse_time(raw: str, label: str) -> datetime.time:
    """A time of day as people type it: 14:30, 14.30, 2:30pm, 2pm, midday, midnight."""
    text = " ".join(raw.lower().split())
    if text in _WORDS:
        return _WORDS[text]
    match = _TIME.match(text.replace(" ", "") if len(text) <= 12 else "")
    if match is None:
        raise ValidationError(f"{label} must be a time such as 14:30 or 2:30pm", code="invalid")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    half = (match.group(3) or "").replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            raise ValidationError(f"{label} must be a real time", code="invalid")
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match.group(2) is None:
        raise ValidationError(f"{label} must be a time such as 14:30 or 2:30pm", code="invalid")
    if hour > 23 or minute > 59:
        raise ValidationError(f"{label} must be a real time", code="invalid")
    return datetime.time(hour, minute)


def london_time(day: datetime.date, time: datetime.time, label: str) -> datetime.datetime:
    """``day`` at ``time`` in London. An hour the clocks skip is refused; in the hour they
    repeat, the first (summer time) is taken."""
    at = datetime.datetime.combine(day, time, tzinfo=LONDON)
    if at.astimezone(datetime.UTC).astimezone(LONDON).replace(tzinfo=None) != at.replace(
        tzinfo=None
    ):
        raise ValidationError(
            f"{label}: there was no {long_date(at).split(' at ')[1]} on {long_date(day)} "
            "(the clocks went forward)"
        )
    return at


def time_text(value: datetime.datetime | None) -> str:
    return "" if value is None else f"{timezone.localtime(value):%H:%M}"


class TimeField(forms.Field):
    """A time of day typed in one box, cleaned to ``datetime.time``."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", TIME_HINT)
        super().__init__(**kwargs)
        label = str(self.label or "Time")
        self.error_messages["required"] = f"Enter the {label[0].lower()}{label[1:]}"

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {
            **super().widget_attrs(widget),
            "autocomplete": "off",
            "class": "govuk-input--width-5",
        }

    def to_python(self, value: Any) -> datetime.time | None:
        if isinstance(value, datetime.time):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > MAX_TIME_LENGTH:
            raise ValidationError(
                f"{self.label} must be a time such as 14:30 or 2:30pm", code="invalid"
            )
        return parse_time(text, str(self.label))


class MomentsForm(GovukForm):
    """A form whose moments are a date field and a ``<name>_time`` field, cleaned together into
    ``<name>`` (an aware datetime, or None when both are empty)."""

    moments: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in self.moments:
            time_name = f"{name}_time"
            day = cleaned.get(name)
            time = cleaned.pop(time_name, None)
            if name in self.errors or time_name in self.errors:
                continue
            time_label = str(self.fields[time_name].label)
            if day is not None and time is None:
                self.add_error(time_name, f"Enter the {time_label[0].lower()}{time_label[1:]}")
            elif day is None and time is not None:
                self.add_error(name, f"Enter the {str(self.fields[name].label).lower()}")
            elif day is not None and time is not None:
                try:
                    cleaned[name] = london_time(day, time, time_label)
                except ValidationError as exc:
                    self.add_error(time_name, exc)
        return cleaned


def moment_initial(name: str, value: datetime.datetime | None) -> dict[str, Any]:
    return {name: value, f"{name}_time": time_text(value)}


def _choice(label: str, choices: Any, *, required: bool, message: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", "None" if not required else f"Choose {label.lower()}"), *choices],
        required=required,
        error_messages={"required": message or f"Choose {label.lower()}"},
    )


class EpisodeFields(MomentsForm):
    moments = ("started_at", "ended_at", "reported_to_police_at")
    # A time is needed with its date.
    required_in_some_cases = ("ended_at_time", "reported_to_police_at_time")

    kind = forms.ChoiceField(
        label="Missing or away",
        choices=codes.MissingKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the child was missing or away without authorisation"
        },
        help_text="Away: the child's whereabouts were known, but they were not where they should "
        "have been",
    )
    started_at = GovukDateField(label="Date they went missing", must_be_past=True)
    started_at_time = TimeField(label="Time they went missing")
    last_seen = forms.CharField(label="Where last seen", max_length=200, required=False)
    reported_to_police_at = GovukDateField(
        label="Date reported to the police", must_be_past=True, required=False
    )
    reported_to_police_at_time = TimeField(label="Time reported to the police", required=False)
    police_reference = forms.CharField(label="Police reference", max_length=40, required=False)
    risk = _choice("Police risk grading", codes.PoliceRisk.choices, required=False)
    ended_at = GovukDateField(
        label="Date they returned or were found",
        must_be_past=True,
        required=False,
        help_text="Leave empty if the child is still missing",
    )
    ended_at_time = TimeField(label="Time they returned or were found", required=False)
    where_found = forms.CharField(label="Where found", max_length=200, required=False)
    found_by = _choice("Who found them", codes.FoundBy.choices, required=False)
    placing_council = forms.CharField(
        label="Placing council",
        max_length=120,
        required=False,
        help_text="Only for a child placed here by another council, which must be told",
    )


class EpisodeForm(EpisodeFields):
    """Record an episode: still open, or already over."""


class CorrectForm(EpisodeFields):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReturnForm(MomentsForm):
    moments = ("ended_at",)

    ended_at = GovukDateField(label="Date they returned or were found", must_be_past=True)
    ended_at_time = TimeField(label="Time they returned or were found")
    where_found = forms.CharField(label="Where found", max_length=200, required=False)
    found_by = _choice("Who found them", codes.FoundBy.choices, required=False)


class RemoveForm(GovukForm):
    reason = forms.CharField(
        label="Why is this episode being removed?",
        max_length=200,
        help_text="For example, recorded for the wrong child, or recorded twice",
        error_messages={"required": "Say why the episode is removed"},
    )


class NotifyForm(MomentsForm):
    moments = ("notified_at",)

    notified_at = GovukDateField(label="Date the placing council was told", must_be_past=True)
    notified_at_time = TimeField(label="Time the placing council was told")
    placing_council = forms.CharField(
        label="Placing council",
        max_length=120,
        required=False,
        help_text="Leave empty to keep the council recorded on the episode",
    )
    required_in_some_cases = ("placing_council",)


def interviewers() -> Any:
    return User.objects.filter(
        is_active=True, role__in=(Role.PRACTITIONER, Role.TEAM_MANAGER)
    ).order_by("last_name", "first_name")


class OfferForm(MomentsForm):
    moments = ("offered_at",)
    required_in_some_cases = ("interviewer", "interviewer_name")

    offered_at = GovukDateField(label="Date the interview was offered", must_be_past=True)
    offered_at_time = TimeField(label="Time the interview was offered")
    interviewer = forms.ModelChoiceField(
        label="Interviewer",
        queryset=User.objects.none(),
        required=False,
        help_text="Someone independent of the case: not the child's allocated worker",
    )
    interviewer_name = forms.CharField(
        label="Or an interviewer outside the council",
        max_length=120,
        required=False,
        help_text="For example, the commissioned return home interview service",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["interviewer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = interviewers()
        field.empty_label = "Choose a colleague"
        field.label_from_instance = lambda user: user.get_full_name()  # type: ignore[method-assign,assignment]


class DeclineForm(GovukForm):
    declined_reason = forms.CharField(label="Why declined", max_length=300, required=False)


class HeldForm(MomentsForm):
    moments = ("completed_at",)

    completed_at = GovukDateField(label="Date the interview was held", must_be_past=True)
    completed_at_time = TimeField(label="Time the interview was held")
    push_factors = forms.CharField(
        label="Push factors (what made them leave)", widget=forms.Textarea, required=False
    )
    pull_factors = forms.CharField(
        label="Pull factors (what drew them away)", widget=forms.Textarea, required=False
    )
    where_they_were = forms.CharField(
        label="Where they were", widget=forms.Textarea, required=False
    )
    who_with = forms.CharField(label="Who they were with", widget=forms.Textarea, required=False)
    indicators = forms.MultipleChoiceField(
        label="Signs of exploitation",
        choices=codes.ExploitationIndicator.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that the interview found",
    )
    findings = forms.CharField(
        label="What the interview found", widget=forms.Textarea, required=False
    )


class DiscussionForm(GovukForm):
    held_on = GovukDateField(label="Date of the strategy discussion", must_be_past=True)
    agencies = forms.CharField(
        label="Agencies taking part",
        max_length=1000,
        help_text="For example, police, the school, health, the placement",
        error_messages={"required": "Enter the agencies that took part"},
    )
    participants = forms.CharField(label="Who took part", widget=forms.Textarea, required=False)
    decision = forms.CharField(
        label="Decision and actions",
        widget=forms.Textarea,
        error_messages={"required": "Enter what was decided, and the actions"},
    )
