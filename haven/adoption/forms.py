from typing import Any

from django import forms

from haven.adoption import selectors
from haven.care.codes import AdoptionReversal
from haven.carers.models import AdoptersLegalStatus, AdoptersSex
from haven.ui.forms import GovukDateField, GovukForm


def step_form(field: str, label: str) -> type[GovukForm]:
    """A form asking for one step's date (the plan's field of the same name)."""
    return type(f"StepForm_{field}", (GovukForm,), {field: GovukDateField(label=label)})


StartForm = step_form(
    "decided_on", "Date of the decision that the child should be placed for adoption"
)
PlacementOrderForm = step_form("placement_order_on", "Date the placement order was granted")
FosteringForAdoptionForm = step_form(
    "fostering_for_adoption_on", "Date placed in fostering for adoption or concurrent planning"
)
PlacedForm = step_form("placed_on", "Date placed for adoption")


class MatchForm(GovukForm):
    matched_on = GovukDateField(label="Date matched")
    adopters = forms.ModelChoiceField(
        label="Adopters",
        queryset=selectors.adopters_matchable(),
        error_messages={"required": "Choose the adopters", "invalid_choice": "Choose the adopters"},
        help_text="Approved adopter households still in the process",
    )


class OrderForm(GovukForm):
    adoption_order_on = GovukDateField(label="Date the adoption order was granted")
    end_care_reason = forms.ChoiceField(
        label="End the period of care on this date",
        required=False,
        choices=[
            ("", "No, not now"),
            ("E11", "Yes: adopted, application unopposed (E11)"),
            ("E12", "Yes: adopted, consent dispensed with by the court (E12)"),
        ],
        widget=forms.RadioSelect,
    )


class ReverseForm(GovukForm):
    reversed_on = GovukDateField(
        label="Date of the decision that the child should no longer be placed for adoption"
    )
    reversal_reason = forms.ChoiceField(
        label="Why the plan was reversed",
        choices=[("", "Choose a reason"), *AdoptionReversal.choices],
        error_messages={"required": "Choose why the plan was reversed"},
    )


class AdoptersForm(GovukForm):
    reference = forms.CharField(label="Reference", max_length=20)
    name = forms.CharField(label="Adopters' names", max_length=160)
    number_of_adopters = forms.TypedChoiceField(
        label="Number of adopters",
        choices=[("1", "One"), ("2", "Two")],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the number of adopters"},
    )
    sex_of_adopters = forms.ChoiceField(
        label="Adopters' sex",
        choices=[("", "None"), *AdoptersSex.choices],
        required=False,
        help_text="Asked by the DfE (SSDA903 AD1) when a child is adopted",
    )
    legal_status_of_adopters = forms.ChoiceField(
        label="Adopters' legal status",
        choices=[("", "None"), *AdoptersLegalStatus.choices],
        required=False,
        help_text="Asked by the DfE (SSDA903 AD1) when a child is adopted",
    )
    enquiry_on = GovukDateField(label="Enquiry received")
    stage1_on = GovukDateField(label="Stage 1 started", required=False)
    stage2_on = GovukDateField(label="Stage 2 started", required=False)
    application_on = GovukDateField(label="Application received", required=False)
    approved_on = GovukDateField(label="Approved", required=False)
    left_on = GovukDateField(label="Left the process", required=False)
    left_reason = forms.CharField(label="Why they left", max_length=160, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    required_in_some_cases = ("left_reason",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference"].error_messages["required"] = "Enter the household's reference"
        self.fields["name"].error_messages["required"] = "Enter the adopters' names"
