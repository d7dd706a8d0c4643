from typing import Any

from django import forms

from haven.accounts.models import Role, User
from haven.frontdoor.models import Agency
from haven.protection.models import CategoryOfAbuse, PlanEndReason, S47Outcome, StrategyDecision
from haven.ui.forms import GovukDateField, GovukForm


def _agencies(label: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=Agency.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class StrategyDiscussionForm(GovukForm):
    held_on = GovukDateField(label="Date of the strategy discussion", must_be_past=True)
    agencies = _agencies("Agencies taking part")
    decision = forms.ChoiceField(
        label="Decision",
        choices=StrategyDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class S47CompleteForm(GovukForm):
    end_date = GovukDateField(label="Date the enquiry ended", must_be_past=True)
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=S47Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome of the enquiry"},
    )


class ConferenceForm(GovukForm):
    required_in_some_cases = ("category",)  # for a plan
    held_on = GovukDateField(label="Date of the conference", must_be_past=True)
    chair = forms.ModelChoiceField(
        label="Chair",
        queryset=User.objects.filter(role=Role.REVIEWING_OFFICER, is_active=True),
        error_messages={"required": "Choose the chair"},
    )
    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    category = forms.ChoiceField(
        label="Category of abuse",
        required=False,
        choices=[("", "Choose a category"), *CategoryOfAbuse.choices],
    )
    agencies_invited = _agencies("Agencies invited")
    agencies_attended = _agencies("Agencies that attended")
    child_views = forms.CharField(
        label="The child's views", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    family_views = forms.CharField(
        label="The family's views", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    lead_practitioner = forms.ModelChoiceField(
        label="Lead practitioner",
        required=False,
        queryset=User.objects.filter(is_active=True, role=Role.PRACTITIONER),
    )

    def __init__(self, *args: Any, initial_conference: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from haven.protection.models import ConferenceDecision as D

        choices = (
            [(D.PLAN, D.PLAN.label), (D.NO_PLAN, D.NO_PLAN.label)]
            if initial_conference
            else [(D.CONTINUE, D.CONTINUE.label), (D.END, D.END.label)]
        )
        self.fields["decision"].choices = choices  # type: ignore[attr-defined]


class CoreGroupForm(GovukForm):
    held_on = GovukDateField(label="Date of the core group", must_be_past=True)
    agencies_attended = _agencies("Agencies that attended")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VisitForm(GovukForm):
    visited_on = GovukDateField(label="Date of the visit", must_be_past=True)
    child_seen = forms.TypedChoiceField(
        label="Was the child seen?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        error_messages={"required": "Say whether the child was seen"},
    )
    seen_alone = forms.BooleanField(label="Seen alone", required=False)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StartForm(GovukForm):
    start_date = GovukDateField(label="Start date", must_be_past=True)


class PlanEndForm(GovukForm):
    end_date = GovukDateField(label="End date", must_be_past=True)
    reason = forms.ChoiceField(
        label="Reason",
        choices=PlanEndReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the plan ended"},
    )


class EndForm(GovukForm):
    end_date = GovukDateField(label="End date", must_be_past=True)
