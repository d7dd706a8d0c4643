from typing import Any

from django import forms

from haven.accounts.models import User
from haven.assessments.models import AssessmentFactor, AssessmentOutcome
from haven.frontdoor.models import PrimaryNeed
from haven.ui.forms import GovukDateField, GovukForm


class AssessmentForm(GovukForm):
    required_in_some_cases = ("child_seen_on",)  # to submit
    child_seen_on = GovukDateField(
        label="Date the child was seen", required=False, must_be_past=True
    )
    seen_alone = forms.TypedChoiceField(
        label="Was the child seen alone?",
        required=False,
        widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        empty_value=None,
    )
    factors = forms.MultipleChoiceField(
        label="Factors identified",
        choices=AssessmentFactor.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    internal_review_date = GovukDateField(label="Internal review date", required=False)
    analysis = forms.CharField(
        label="Analysis",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text="What life is like for the child, the risks and strengths, and why you recommend the outcome",
    )
    outcome = forms.ChoiceField(
        label="Recommended outcome",
        required=False,
        widget=forms.RadioSelect,
        choices=AssessmentOutcome.choices,
    )
    primary_need = forms.ChoiceField(
        label="Primary need",
        required=False,
        choices=[("", "Choose the primary need"), *PrimaryNeed.choices],
        help_text=(
            "The child's main need found by the assessment, reported in the children in need "
            "census. It is recorded on the referral when the assessment is authorised."
        ),
    )
    overdue_reason = forms.CharField(
        label="Why the assessment is late",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when it passes 45 working days",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    @staticmethod
    def initial_for(assessment: Any) -> dict[str, Any]:
        initial = {
            f: getattr(assessment, f)
            for f in (
                "child_seen_on",
                "factors",
                "internal_review_date",
                "analysis",
                "outcome",
                "primary_need",
                "overdue_reason",
                "version",
            )
        }
        initial["seen_alone"] = {True: "yes", False: "no"}.get(assessment.seen_alone)
        return initial


class AuthoriseForm(GovukForm):
    authorised_on = GovukDateField(
        label="Authorisation date",
        required=False,
        must_be_past=True,
        help_text="Leave blank for today",
    )
    manager_comments = forms.CharField(
        label="Manager's comments", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AllocateForm(GovukForm):
    worker = forms.ModelChoiceField(
        label="Worker", queryset=User.objects.none(), error_messages={"required": "Choose a worker"}
    )

    def __init__(self, *args: Any, team: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from haven.people.selectors import case_holders

        self.fields["worker"].queryset = case_holders(team=team)  # type: ignore[attr-defined]
