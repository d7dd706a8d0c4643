from django import forms

from haven.uasc.models import AgeAssessmentOutcome, TransferDirection, TransferStatus
from haven.ui.forms import GovukDateField, GovukForm


class StatusForm(GovukForm):
    """Record the child as a UASC, or correct the arrival and reference (with ``version``)."""

    arrived_on = GovukDateField(label="Date of arrival in the UK", historic=True)
    home_office_reference = forms.CharField(
        label="Home Office reference",
        required=False,
        max_length=30,
        help_text="For example, the UASC's Home Office or port reference",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


class AgeAssessmentForm(GovukForm):
    age_assessed_on = GovukDateField(label="Age assessment date")
    age_assessment_outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("", "Choose the outcome"), *AgeAssessmentOutcome.choices],
        error_messages={"required": "Choose the age assessment's outcome"},
    )
    end_care = forms.BooleanField(
        label="End the period of care on this date (found to be 18 or over, reason E15)",
        required=False,
        help_text="Only when the assessment found the young person to be 18 or over",
    )


class CeaseForm(GovukForm):
    ceased_on = GovukDateField(
        label="Date UASC status ceased",
        help_text="The 18th birthday, or the date leave to remain was granted",
    )


class ReferralForm(GovukForm):
    direction = forms.ChoiceField(
        label="Direction",
        choices=TransferDirection.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the child is transferred to us or from us"},
    )
    other_council = forms.CharField(
        label="Other council",
        max_length=120,
        error_messages={"required": "Enter the other council"},
    )
    referred_on = GovukDateField(label="Date of the referral")


class DecisionForm(GovukForm):
    status = forms.ChoiceField(
        label="Outcome",
        choices=[
            (TransferStatus.TRANSFERRED, "The child transferred"),
            (TransferStatus.DECLINED, "The transfer did not go ahead"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the child transferred"},
    )
    transferred_on = GovukDateField(label="Date of the transfer", required=False)
    required_in_some_cases = ("transferred_on",)
