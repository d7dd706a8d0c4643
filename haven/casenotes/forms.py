from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from haven.casenotes.models import SUMMARY_MAX, NoteType
from haven.casenotes.services import ChildPart
from haven.people.models import Person
from haven.ui.forms import GovukDateField, GovukForm

TEXT_MAX = 50_000


class NoteForm(GovukForm):
    """The note, and for each child offered: included, seen, seen alone, their words."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note_type = forms.ChoiceField(
        label="Type",
        choices=[("", "Choose the type"), *NoteType.choices],
        error_messages={"required": "Choose the type of note"},
    )
    occurred_on = GovukDateField(label="When it happened", must_be_past=True)
    present = forms.CharField(
        label="Who was present",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    summary = forms.CharField(
        label="Summary",
        required=False,
        max_length=SUMMARY_MAX,
        help_text="One line: shown in lists, and in the chronology if significant",
    )
    narrative = forms.CharField(
        label="What happened",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 10, "data-readability": "narrative"}),
    )
    significant = forms.BooleanField(
        label="Significant event (appears in the chronology)", required=False
    )
    written_to_child = forms.BooleanField(
        label="Written to the child (check the reading age and jargon)", required=False
    )
    required_in_some_cases = ("summary", "narrative")

    def __init__(self, *args: Any, offered: Sequence[Person] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered = offered
        first = offered[0].pk if offered else None
        for child in offered:
            name = child.full_name
            self.fields[f"child_{child.pk}"] = forms.BooleanField(
                label=f"This note is about {name}", required=False, initial=child.pk == first
            )
            self.fields[f"seen_{child.pk}"] = forms.BooleanField(
                label=f"{name} was seen", required=False
            )
            self.fields[f"alone_{child.pk}"] = forms.BooleanField(
                label=f"{name} was seen alone", required=False
            )
            self.fields[f"said_{child.pk}"] = forms.CharField(
                label=f"What {name} said",
                required=False,
                max_length=TEXT_MAX,
                help_text="In the child's own words",
                widget=forms.Textarea(attrs={"rows": 3, "data-readability": "said"}),
            )
            self.fields[f"own_{child.pk}"] = forms.CharField(
                label=f"About {name} only",
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        from haven.ui.forms import guard_field, readable_empty_choice

        for field_name, field in self.fields.items():
            guard_field(field, field_name)
            readable_empty_choice(field, field_name)

    def child_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "person": child,
                "include": self[f"child_{child.pk}"],
                "seen": self[f"seen_{child.pk}"],
                "alone": self[f"alone_{child.pk}"],
                "said": self[f"said_{child.pk}"],
                "own": self[f"own_{child.pk}"],
            }
            for child in self.offered
        ]

    def parts(self) -> list[ChildPart]:
        data = self.cleaned_data
        return [
            ChildPart(
                person_id=child.pk,
                seen=data[f"seen_{child.pk}"],
                seen_alone=data[f"alone_{child.pk}"],
                child_said=data[f"said_{child.pk}"],
                own_text=data[f"own_{child.pk}"],
            )
            for child in self.offered
            if data.get(f"child_{child.pk}")
        ]

    def note_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            key: data[key]
            for key in (
                "note_type",
                "occurred_on",
                "present",
                "summary",
                "narrative",
                "significant",
                "written_to_child",
            )
        }


class AddendumForm(GovukForm):
    text = forms.CharField(
        label="Addendum",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write the addendum"},
        help_text="Added below the note with your name and the time; the note itself never changes",
    )


class CountersignRequestForm(GovukForm):
    manager = forms.TypedChoiceField(
        label="Manager",
        coerce=int,
        choices=[],
        error_messages={"required": "Choose a manager", "invalid_choice": "Choose a manager"},
    )

    def __init__(self, *args: Any, managers: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a manager"),
            *[(m.pk, m.display_name) for m in managers],
        ]
