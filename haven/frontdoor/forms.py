from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.forms.utils import ErrorDict
from django.utils import timezone

from haven.accounts.models import Team, TeamKind, User
from haven.frontdoor.models import (
    Agency,
    Channel,
    Concern,
    Consent,
    ConsentBasis,
    ContactChild,
    ContactOutcome,
    FeedbackMethod,
    LevelOfNeed,
    Rag,
    ReferralSource,
    Urgency,
)
from haven.people.models import Sex
from haven.ui.forms import GovukDateField, GovukForm

NEW_CHILD_SLOTS = 3


class ContactForm(GovukForm):
    received_date = GovukDateField(label="Date received", must_be_past=True)
    received_time = forms.TimeField(
        label="Time received",
        help_text="For example, 14:30",
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        error_messages={
            "required": "Enter the time received",
            "invalid": "Enter the time like 14:30",
        },
    )
    channel = forms.ChoiceField(
        label="How it came in",
        choices=Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the contact came in"},
    )
    source = forms.ChoiceField(
        label="Source",
        choices=[("", "Choose the source"), *ReferralSource.choices],
        error_messages={"required": "Choose the source of the contact"},
    )
    referrer_name = forms.CharField(label="Referrer's name", max_length=120, required=False)
    referrer_agency = forms.CharField(
        label="Agency or organisation", max_length=160, required=False
    )
    referrer_role = forms.CharField(label="Referrer's role", max_length=120, required=False)
    referrer_phone = forms.CharField(label="Referrer's phone", max_length=40, required=False)
    referrer_email = forms.EmailField(
        label="Referrer's email",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.org"},
    )
    concerns = forms.MultipleChoiceField(
        label="Presenting concerns",
        choices=Concern.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    summary = forms.CharField(
        label="What the referrer told us",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what the referrer told us"},
    )
    urgency = forms.ChoiceField(
        label="Urgency", choices=Urgency.choices, widget=forms.RadioSelect, initial=Urgency.ROUTINE
    )
    consent = forms.ChoiceField(
        label="Consent to share information",
        choices=Consent.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether consent to share was given"},
    )
    consent_basis = forms.ChoiceField(
        label="Basis for sharing",
        choices=ConsentBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the basis for sharing"},
    )
    child_ids = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, NEW_CHILD_SLOTS + 1):
            self.fields[f"new_{n}_given_names"] = forms.CharField(
                label="Given names", max_length=100, required=False
            )
            self.fields[f"new_{n}_family_name"] = forms.CharField(
                label="Family name", max_length=100, required=False
            )
            self.fields[f"new_{n}_date_of_birth"] = GovukDateField(
                label="Date of birth", required=False, must_be_past=True
            )
            self.fields[f"new_{n}_sex"] = forms.ChoiceField(
                label="Sex",
                choices=Sex.choices,
                initial=Sex.UNKNOWN,
                widget=forms.RadioSelect,
                required=False,
            )

    def keep_unchecked(self) -> None:
        """Draw what was typed without checking it (finding a child is not saving)."""
        self._errors = ErrorDict(renderer=self.renderer)
        self.cleaned_data = {}

    def new_child_slots(self) -> list[list[Any]]:
        return [
            [self[f"new_{n}_{f}"] for f in ("given_names", "family_name", "date_of_birth", "sex")]
            for n in range(1, NEW_CHILD_SLOTS + 1)
        ]

    def has_new_children(self) -> bool:
        return any(
            self.data.get(f"new_{n}_given_names") or self.data.get(f"new_{n}_family_name")
            for n in range(1, NEW_CHILD_SLOTS + 1)
        )

    def received_at(self) -> datetime.datetime:
        day, time = self.cleaned_data["received_date"], self.cleaned_data["received_time"]
        return timezone.make_aware(datetime.datetime.combine(day, time))

    def linked_ids(self) -> list[int]:
        raw = self.data.getlist("child") if hasattr(self.data, "getlist") else []
        return [int(x) for x in raw if str(x).isdigit()]

    def new_children(self) -> list[dict[str, Any]]:
        children = []
        for n in range(1, NEW_CHILD_SLOTS + 1):
            given = self.cleaned_data.get(f"new_{n}_given_names", "")
            family = self.cleaned_data.get(f"new_{n}_family_name", "")
            if not (given or family):
                continue
            if not given:
                self.add_error(f"new_{n}_given_names", "Enter the child's given names")
            if not family:
                self.add_error(f"new_{n}_family_name", "Enter the child's family name")
            children.append(
                {
                    "given_names": given,
                    "family_name": family,
                    "date_of_birth": self.cleaned_data.get(f"new_{n}_date_of_birth"),
                    "sex": self.cleaned_data.get(f"new_{n}_sex") or Sex.UNKNOWN,
                }
            )
        return children


class CheckRequestForm(GovukForm):
    agency = forms.ChoiceField(
        label="Agency",
        choices=[("", "Choose an agency"), *Agency.choices],
        error_messages={"required": "Choose the agency"},
    )
    rag = forms.ChoiceField(
        label="RAG rating",
        choices=Rag.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a RAG rating"},
    )
    justification = forms.CharField(
        label="Why sharing is justified",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why sharing this information is justified"},
    )


class CheckResponseForm(GovukForm):
    response = forms.CharField(
        label="What the agency told us",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what the agency told us"},
    )


class DecisionForm(GovukForm):
    level_of_need = forms.TypedChoiceField(
        label="Level of need",
        choices=LevelOfNeed.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the level of need"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=ContactOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the rationale for the decision"},
    )
    referral_team = forms.ModelChoiceField(
        label="Team for a referral",
        required=False,
        empty_label="Choose a team",
        queryset=Team.objects.filter(kind=TeamKind.ASSESSMENT, is_active=True),
        help_text="Only for a referral or strategy discussion",
    )


class GroupDecisionForm(DecisionForm):
    """One decision for several children on the contact; the children left unticked are the
    exceptions, decided on their own."""

    children = forms.MultipleChoiceField(
        label="Which children this decision is for",
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick a child to decide for them separately",
        error_messages={"required": "Choose the children this decision is for"},
    )

    field_order = ["children", "level_of_need", "outcome", "rationale", "referral_team"]

    def __init__(
        self, *args: Any, undecided: list[ContactChild] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.undecided = list(undecided or [])
        field = cast(forms.MultipleChoiceField, self.fields["children"])
        field.choices = [(str(c.pk), c.person.full_name) for c in self.undecided]
        field.initial = [str(c.pk) for c in self.undecided]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        wanted = set(cleaned.get("children") or [])
        cleaned["chosen"] = [c for c in self.undecided if str(c.pk) in wanted]
        return cleaned


class ReturnDecisionForm(GovukForm):
    comment = forms.CharField(
        label="Why you are returning the decision",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The MASH worker sees this and decides again",
        error_messages={"required": "Enter why the decision is returned"},
    )


class AmendDecisionForm(DecisionForm):
    reason = forms.CharField(
        label="Why you are changing the decision",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are changing the decision"},
    )


class FeedbackSentForm(GovukForm):
    method = forms.ChoiceField(
        label="How the feedback was sent",
        choices=FeedbackMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the feedback was sent"},
    )
    sent_to = forms.CharField(
        label="Sent to",
        max_length=200,
        required=False,
        help_text="The email address, phone number or postal address it went to",
    )


class AddChildForm(GovukForm):
    given_names = forms.CharField(
        label="Given names",
        max_length=100,
        error_messages={"required": "Enter the child's given names"},
    )
    family_name = forms.CharField(
        label="Family name",
        max_length=100,
        error_messages={"required": "Enter the child's family name"},
    )
    date_of_birth = GovukDateField(label="Date of birth", required=False, must_be_past=True)
    sex = forms.ChoiceField(
        label="Sex", choices=Sex.choices, initial=Sex.UNKNOWN, widget=forms.RadioSelect
    )
    same_address = forms.BooleanField(
        label="Lives at the same address as the children on this contact",
        required=False,
        initial=True,
    )
    link_family = forms.BooleanField(
        label="Link as their sibling, and as the child of their parents",
        required=False,
        initial=True,
    )


class AuthoriseDecisionForm(GovukForm):
    referral_team = forms.ModelChoiceField(
        label="Team for the referral",
        required=False,
        empty_label="Choose a team",
        queryset=Team.objects.filter(kind=TeamKind.ASSESSMENT, is_active=True),
    )


class AssignForm(GovukForm):
    worker = forms.ModelChoiceField(
        label="Worker",
        queryset=User.objects.none(),
        empty_label="Choose a worker",
        error_messages={"required": "Choose the worker"},
    )

    def __init__(self, *args: Any, team: Team | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = (
            User.objects.filter(is_active=True, memberships__team=team)
            if team
            else User.objects.none()
        )
        cast(forms.ModelChoiceField, self.fields["worker"]).queryset = members
