"""Forms for a looked-after child's health and education records."""

from __future__ import annotations

from typing import Any

from django import forms

from haven.care.codes import SDQReason
from haven.ui.forms import GovukDateField, GovukForm

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(label: str, *, required: bool, message: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        required=required,
        widget=forms.RadioSelect,
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        empty_value=None,
        error_messages={"required": message} if message else {},
    )


def _notes() -> forms.CharField:
    return forms.CharField(
        label="Notes", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class _HealthForm(GovukForm):
    on = GovukDateField(label="Date", must_be_past=True)
    notes = _notes()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The notes come last, after what each kind of record adds.
        self.order_fields([name for name in self.fields if name != "notes"] + ["notes"])


class HealthAssessmentForm(_HealthForm):
    on = GovukDateField(label="Date of the health assessment", must_be_past=True)


class DentalCheckForm(_HealthForm):
    on = GovukDateField(label="Date of the dental check", must_be_past=True)


class ImmunisationsForm(_HealthForm):
    on = GovukDateField(label="Date the immunisations were checked", must_be_past=True)
    up_to_date = _yes_no(
        "Are the immunisations up to date?",
        required=True,
        message="Choose whether the immunisations are up to date",
    )


class SDQForm(_HealthForm):
    required_in_some_cases = ("sdq_score", "sdq_reason")  # one or the other
    on = GovukDateField(label="Date of the questionnaire", must_be_past=True)
    sdq_score = forms.IntegerField(
        label="SDQ score",
        required=False,
        help_text="The total difficulties score, from 0 to 40",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": "The SDQ score must be a whole number from 0 to 40"},
    )
    sdq_reason = forms.ChoiceField(
        label="Why there is no score",
        required=False,
        choices=[("", "Choose a reason"), *SDQReason.choices],
        help_text="Only if there is no score",
    )


class SubstanceMisuseForm(_HealthForm):
    on = GovukDateField(label="Date substance misuse was identified", must_be_past=True)
    intervention_offered = _yes_no("Was an intervention offered?", required=False)
    intervention_received = _yes_no("Was an intervention received?", required=False)


class ConvictionForm(_HealthForm):
    on = GovukDateField(label="Date of the conviction", must_be_past=True)


class SchoolForm(GovukForm):
    school_name = forms.CharField(
        label="School or college",
        max_length=160,
        error_messages={"required": "Enter the name of the school or college"},
    )
    urn = forms.CharField(
        label="School URN",
        required=False,
        max_length=8,
        help_text="The school's unique reference number: 6 digits",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-10"}),
    )
    start_date = GovukDateField(label="Date the child started", must_be_past=True)
    virtual_school_contact = forms.CharField(
        label="Virtual school contact", required=False, max_length=160
    )


class PEPForm(GovukForm):
    held_on = GovukDateField(label="Date of the PEP meeting", must_be_past=True)
    summary = forms.CharField(
        label="What was agreed",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
