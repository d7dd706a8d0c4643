from django import forms

from haven.frontdoor.models import ReasonForClosure
from haven.ui.forms import GovukDateField, GovukForm


class ClosureProposeForm(GovukForm):
    closure_date = GovukDateField(label="Closure date", must_be_past=True)
    reason = forms.ChoiceField(
        label="Reason for closure",
        choices=[("", "Choose a reason"), *ReasonForClosure.choices],
        error_messages={"required": "Choose the reason for closure"},
        help_text="The reason reported in the children in need census",
    )
    summary = forms.CharField(
        label="Closure summary",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        error_messages={"required": "Write the closure summary"},
        help_text="What was done, what changed for the child, and why the case can close",
    )


class ClosureDecisionForm(GovukForm):
    manager_comments = forms.CharField(
        label="Manager's comments",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when returning the closure to the worker",
    )
