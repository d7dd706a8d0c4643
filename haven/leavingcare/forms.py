"""The forms of the "Leaving care" tab."""

from __future__ import annotations

from typing import Any

from django import forms

from haven.accounts.models import Role, TeamKind, User
from haven.leavingcare import codes
from haven.leavingcare.models import HealthDetailKind
from haven.ui.forms import GovukDateField, GovukForm


def _text(label: str, required_message: str, rows: int = 3, **kw: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required_message},
        **kw,
    )


def _yes_no(label: str, message: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        error_messages={"required": message},
    )


def advisers() -> Any:
    """Practitioners and managers in a leaving care team."""
    return (
        User.objects.filter(
            is_active=True,
            role__in=[Role.PRACTITIONER, Role.TEAM_MANAGER],
            memberships__team__kind=TeamKind.LEAVING_CARE,
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


class AdviserForm(GovukForm):
    adviser = forms.ModelChoiceField(
        label="Personal adviser",
        queryset=User.objects.none(),
        error_messages={
            "required": "Choose the personal adviser",
            "invalid_choice": "Choose the personal adviser",
        },
        help_text="Workers in a leaving care team",
    )
    start_date = GovukDateField(label="Allocated from")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adviser"].queryset = advisers()  # type: ignore[attr-defined]


class ContactForm(GovukForm):
    visited_on = GovukDateField(label="Date of contact")
    child_seen = _yes_no("Was the young person seen?", "Say whether the young person was seen")
    seen_alone = forms.BooleanField(label="Seen alone", required=False)
    notes = _text(
        "Notes",
        "",
        required=False,
        max_length=20000,
        help_text="Saved as the contact's case note on the young person's record",
    )
    child_said = _text("What the young person said", "", rows=2, required=False, max_length=5000)


class NeedsAssessmentForm(GovukForm):
    completed_on = GovukDateField(label="Completed on")
    summary = _text("What the young person needs", "Enter what the young person needs")


class PathwayPlanForm(GovukForm):
    agreed_on = GovukDateField(label="Plan agreed on")
    accommodation = _text("Where you live", "Enter the plan for where they live")
    education_employment = _text(
        "Education, employment and training",
        "Enter the plan for education, employment and training",
    )
    health = _text("Health and wellbeing", "Enter the plan for health and wellbeing")
    money = _text("Money", "Enter the plan for money")
    relationships = _text("Family and relationships", "Enter the plan for family and relationships")
    identity = _text("Identity", "Enter the plan for identity")
    practical_skills = _text(
        "Practical and life skills", "Enter the plan for practical and life skills"
    )


class ActionForm(GovukForm):
    area = forms.ChoiceField(
        label="Part of the plan",
        choices=[("", "Choose a part of the plan"), *codes.PlanArea.choices],
        error_messages={"required": "Choose the part of the plan"},
    )
    text = _text("What will be done", "Enter what will be done", rows=2, max_length=2000)
    owner = forms.CharField(
        label="Who will do it",
        max_length=120,
        error_messages={"required": "Enter who will do it"},
    )
    due_date = GovukDateField(label="By when")


class ActionDoneForm(GovukForm):
    done_on = GovukDateField(label="Done on")


class ReviewForm(GovukForm):
    held_on = GovukDateField(label="Reviewed on")
    summary = _text("What the review found", "Enter what the review found")


class AccommodationForm(GovukForm):
    start_date = GovukDateField(label="From")
    accommodation = forms.ChoiceField(
        label="Type of accommodation",
        choices=[("", "Choose a type"), *codes.AccommodationType.choices],
        error_messages={"required": "Choose the type of accommodation"},
    )
    suitable = _yes_no("Is it suitable?", "Say whether the accommodation is suitable")


class ActivityForm(GovukForm):
    start_date = GovukDateField(label="From")
    activity = forms.ChoiceField(
        label="What they are doing",
        choices=[("", "Choose an activity"), *codes.Activity.choices],
        error_messages={"required": "Choose what the young person is doing"},
    )


class StayingPutForm(GovukForm):
    start_date = GovukDateField(label="From")
    carer_name = forms.CharField(
        label="Former foster carers",
        max_length=160,
        error_messages={"required": "Enter the former foster carers' names"},
    )


class InTouchForm(GovukForm):
    on = GovukDateField(label="On")
    code = forms.ChoiceField(
        label="In touch",
        choices=[("", "Choose one"), *codes.InTouch.choices],
        error_messages={"required": "Choose whether the council is in touch"},
    )


class SupportTo25Form(GovukForm):
    requested_on = GovukDateField(label="Date they asked")


class HealthDetailForm(GovukForm):
    kind = forms.ChoiceField(
        label="What it is",
        choices=[("", "Choose one"), *HealthDetailKind.choices],
        error_messages={"required": "Choose what it is"},
    )
    description = forms.CharField(
        label="Details", max_length=300, error_messages={"required": "Enter the details"}
    )
    since = GovukDateField(label="Since", required=False)
