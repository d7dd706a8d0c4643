from typing import Any

from django import forms

from haven.accounts.models import Role, User
from haven.childinneed.models import CINReviewDecision
from haven.frontdoor.models import Agency
from haven.protection.models import (
    CategoryOfAbuse,
    ConferenceDecision,
    PlanEndReason,
    S47Outcome,
    StrategyDecision,
)
from haven.ui.forms import GovukDateField, GovukForm


def _agencies(label: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=Agency.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class StrategyDiscussionForm(GovukForm):
    held_on = GovukDateField(label="Date of the strategy discussion", must_be_past=True)
    agencies = _agencies("Agencies taking part")
    attendees = forms.CharField(
        label="Who took part",
        help_text="Names and roles, for example: DS Khan, police; Jo Bell, school nurse",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
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

    same_day_confirmed = forms.BooleanField(
        label="Yes, this review was held on the same day as the initial conference",
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        initial_conference: bool = True,
        chair: User | None = None,
        may_end: bool = True,
        **kwargs: Any,
    ) -> None:
        """``may_end``: whether the user may record that a review ends the plan (a chair or a
        manager); for anyone else the choice is not offered. Ending is chosen with its reason,
        one answer: "End the plan: became looked after"."""
        super().__init__(*args, **kwargs)
        D = ConferenceDecision
        endings = [
            (f"{D.END}:{code}", f"End the plan: {label[0].lower()}{label[1:]}")
            for code, label in PlanEndReason.choices
        ]
        choices = (
            [(D.PLAN, D.PLAN.label), (D.NO_PLAN, D.NO_PLAN.label)]
            if initial_conference
            else [(D.CONTINUE, D.CONTINUE.label), *(endings if may_end else [])]
        )
        self.fields["decision"].choices = choices  # type: ignore[attr-defined]
        if initial_conference:
            del self.fields["same_day_confirmed"]
        else:
            del self.fields["lead_practitioner"]
        if chair is not None:
            # A chair recording their own conference is its chair unless they say otherwise.
            self.fields["chair"].initial = chair.pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision, _, reason = str(data.get("decision") or "").partition(":")
        if reason:
            data["decision"], data["end_reason"] = decision, reason
        return data


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
    notes = forms.CharField(
        label="Notes",
        help_text="Saved as the visit's case note on the child's record",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    child_said = forms.CharField(
        label="What the child said",
        help_text="In the child's own words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


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


class OutcomeForm(GovukForm):
    text = forms.CharField(
        label="Outcome",
        help_text="What should be different for the child, in words the family would use",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the outcome"},
    )


class ActionForm(GovukForm):
    what = forms.CharField(
        label="What will be done",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter what will be done"},
    )
    who = forms.CharField(
        label="Who will do it",
        max_length=200,
        error_messages={"required": "Enter who will do it"},
    )
    due_date = GovukDateField(label="By when")
    outcome = forms.TypedChoiceField(
        label="Towards which outcome", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, outcomes: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [  # type: ignore[attr-defined]
            ("", "Not linked to an outcome"),
            *((o.pk, o.text[:80]) for o in outcomes),
        ]


class ActionDoneForm(GovukForm):
    done_on = GovukDateField(label="Date it was done", must_be_past=True)


class MemberForm(GovukForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the member's name"}
    )
    role = forms.CharField(
        label="Role",
        max_length=200,
        help_text="For example: mother, class teacher, health visitor",
        error_messages={"required": "Enter the member's role"},
    )
    agency = forms.ChoiceField(
        label="Agency",
        required=False,
        choices=[("", "Family or friend (no agency)"), *Agency.choices],
    )


class ContingencyForm(GovukForm):
    contingency = forms.CharField(
        label="Contingency plan",
        help_text="What will happen if the plan is not working or the child is at risk",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class WrittenToChildForm(GovukForm):
    written_to_child = forms.BooleanField(
        label="Written to the child",
        help_text="The outcomes, actions and contingency are written for the child to read one "
        "day: the forms show a reading-age estimate and words a child may not know",
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CINReviewForm(GovukForm):
    held_on = GovukDateField(label="Date of the review", must_be_past=True)
    attendees = forms.CharField(
        label="Who attended",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter who attended the review"},
    )
    progress = forms.CharField(
        label="Progress against the plan",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the progress made against the plan"},
    )
    decision = forms.ChoiceField(
        label="Decision",
        choices=CINReviewDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the plan continues or ends"},
    )
