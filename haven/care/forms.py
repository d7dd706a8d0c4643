from typing import Any

from django import forms

from haven.accounts.models import Role, User
from haven.care.codes import Participation, PermanencePlan
from haven.ui.forms import GovukDateField, GovukForm

# -- The statutory work of a period: care and placement plans, visits, reviews ------------------


class CarePlanForm(GovukForm):
    agreed_on = GovukDateField(label="Date the care plan was agreed", must_be_past=True)
    permanence_plan = forms.ChoiceField(
        label="Permanence plan",
        choices=PermanencePlan.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the permanence plan"},
    )
    summary = forms.CharField(
        label="The plan",
        help_text="How the child's needs will be met, and the plan for their permanence",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what the plan is"},
    )


class PlacementPlanForm(GovukForm):
    agreed_on = GovukDateField(label="Date the placement plan was agreed", must_be_past=True)


class CareVisitForm(GovukForm):
    visited_on = GovukDateField(label="Date of the visit", must_be_past=True)
    child_seen = forms.TypedChoiceField(
        label="Was the child seen?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        error_messages={"required": "Say whether the child was seen"},
    )
    seen_alone = forms.BooleanField(label="Seen alone", required=False)
    notes = forms.CharField(
        label="Notes",
        help_text="Saved as the visit's case note on the child's record",
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    child_said = forms.CharField(
        label="What the child said",
        help_text="In the child's own words",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CareReviewForm(GovukForm):
    held_on = GovukDateField(label="Date of the review", must_be_past=True)
    participation = forms.ChoiceField(
        label="How the child took part",
        choices=Participation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the child took part"},
    )
    summary = forms.CharField(
        label="What the review found",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _owners() -> Any:
    """People a recommendation can be for: those who hold cases (workers and managers)."""
    return User.objects.filter(
        is_active=True, role__in=[Role.PRACTITIONER, Role.TEAM_MANAGER]
    ).order_by("first_name", "last_name")


class _OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name


class RecommendationForm(GovukForm):
    text = forms.CharField(
        label="Recommendation",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the recommendation"},
    )
    owner = _OwnerField(
        label="Who will do it",
        queryset=_owners(),
        empty_label="Choose who will do it",
        error_messages={"required": "Choose who will do it"},
    )
    due_date = GovukDateField(label="By when")


class RecommendationDoneForm(GovukForm):
    done_on = GovukDateField(label="Date it was done", must_be_past=True)
