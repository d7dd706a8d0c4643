"""Forms for placement requests and the sufficiency date."""

from __future__ import annotations

from typing import Any

from django import forms

from haven.care.placement_requests import KINDS, Search, siblings_for
from haven.people.models import Person
from haven.ui.forms import GovukDateField, GovukForm


class SiblingChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        born = f", born {obj.date_of_birth:%-d %B %Y}" if obj.date_of_birth else ""
        return f"{obj.full_name}{born}"


class RequestForm(GovukForm):
    needed_by = GovukDateField(label="Needed by")
    placement_kind = forms.ChoiceField(
        label="Kind of placement",
        choices=list(KINDS.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the kind of placement",
            "invalid_choice": "Choose the kind of placement",
        },
    )
    needs = forms.CharField(
        label="What the child needs from a placement",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Their needs, routines, school, contact with family, and any risks",
        error_messages={"required": "Say what the child needs from a placement"},
    )
    siblings = SiblingChoice(
        label="Brothers and sisters to keep together with them",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the child's brothers and sisters listed"},
    )
    near_postcode = forms.CharField(
        label="Near postcode",
        max_length=10,
        required=False,
        help_text="Where the placement should be near; the home the child came from if empty",
    )

    def __init__(self, *args: Any, person: Person, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["siblings"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = siblings_for(person=person, user=user)


EXTERNAL = "external"


class MatchForm(GovukForm):
    """One of the search's offers (``household-12``, ``home-5``) or an external provider."""

    match = forms.ChoiceField(
        label="Who will take the child",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who will take the child",
            "invalid_choice": "Choose one of the carers or homes listed",
        },
    )
    external = forms.CharField(
        label="External provider",
        max_length=160,
        required=False,
        help_text="An agency's foster carers, or a provider not on the register",
    )
    required_in_some_cases = ("external",)

    def __init__(self, *args: Any, found: Search | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.found = found
        self.offers: dict[str, Any] = {}
        if found is not None:
            for offer in found.households:
                self.offers[f"household-{offer.record.pk}"] = offer.record
            for offer in found.own_homes + found.external_homes:
                self.offers[f"home-{offer.record.pk}"] = offer.record
        field = self.fields["match"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            *((key, str(record)) for key, record in self.offers.items()),
            (EXTERNAL, "An external provider"),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("match")
        data["household"] = data["home"] = None
        if choice == EXTERNAL:
            if not (data.get("external") or "").strip():
                self.add_error("external", "Enter the external provider's name")
        elif choice:
            record = self.offers[choice]
            data["household" if choice.startswith("household-") else "home"] = record
            data["external"] = ""
        return data


class WithdrawForm(GovukForm):
    pass


class OnDateForm(GovukForm):
    on = GovukDateField(label="Figures on", required=False)
