"""Oversight and supervision forms. Actions and case discussions are a few numbered slots
(no script needed): a slot left empty is ignored, a slot half filled says what is missing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from haven.accounts.models import User
from haven.core.dates import long_date
from haven.oversight import schedule
from haven.people.models import Person
from haven.ui.forms import GovukDateField, GovukForm

ACTION_SLOTS = 3
CASE_SLOTS = 3
SUPERVISION_ACTION_SLOTS = 2
TEXT_LIMIT = 20_000


def _what(label: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


def _due(label: str) -> GovukDateField:
    return GovukDateField(label=label, required=False, must_be_future=True)


def _choice(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=[("", "None")])


class _Slots(GovukForm):
    """Numbered slots: ``slot_fields(n)`` names a slot's fields; all or none must be filled."""

    def slot_values(self, prefix: str, n: int, parts: dict[str, str]) -> dict[str, Any] | None:
        """The slot's cleaned values, or None if it was left empty (errors added if half)."""
        values = {part: self.cleaned_data.get(f"{prefix}_{n}_{part}") for part in parts}
        filled = {part for part, value in values.items() if value not in (None, "")}
        names = {part: f"{prefix}_{n}_{part}" for part in parts}
        if not filled:
            # Nothing usable, but perhaps a box the date field could not read: its error stands.
            return None
        for part, message in parts.items():
            if part not in filled and not self.errors.get(names[part]):
                self.add_error(names[part], message)
        return values if filled == set(parts) else None


class OversightForm(_Slots):
    direction = forms.CharField(
        label="Decision and direction",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write the decision and direction"},
        help_text="What you have decided about the child's case, and why",
    )
    next_review_date = GovukDateField(
        label="Next oversight review", required=False, must_be_future=True
    )
    for _n in range(1, ACTION_SLOTS + 1):
        locals()[f"action_{_n}_what"] = _what(f"Action {_n}: what needs doing")
        locals()[f"action_{_n}_owner"] = _choice(f"Action {_n}: who will do it")
        locals()[f"action_{_n}_due"] = _due(f"Action {_n}: due by")
    del _n

    def __init__(self, *args: Any, owners: list[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {str(u.pk): u for u in owners or []}
        choices = [
            ("", "Choose who will do it"),
            *((k, u.display_name) for k, u in self.owners.items()),
        ]
        for n in range(1, ACTION_SLOTS + 1):
            self.fields[f"action_{n}_owner"].choices = choices  # type: ignore[attr-defined]
        default = schedule.oversight_rule().due_date(timezone.localdate())
        self.fields["next_review_date"].help_text = (
            f"Leave it blank for {schedule.oversight_interval_days()} days from today "
            f"({long_date(default)})"
        )

    def slots(self) -> list[dict[str, Any]]:
        return [
            {
                "n": n,
                "what": self[f"action_{n}_what"],
                "owner": self[f"action_{n}_owner"],
                "due": self[f"action_{n}_due"],
            }
            for n in range(1, ACTION_SLOTS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        actions = []
        for n in range(1, ACTION_SLOTS + 1):
            values = self.slot_values(
                "action",
                n,
                {
                    "what": f"Say what action {n} is",
                    "owner": f"Choose who will do action {n}",
                    "due": f"Enter the date action {n} is due by",
                },
            )
            if values is not None:
                actions.append((n, self.owners[values["owner"]], values["what"], values["due"]))
        cleaned["actions"] = actions
        return cleaned


class SupervisionForm(_Slots):
    held_on = GovukDateField(label="Date of supervision", must_be_past=True)
    for _n in range(1, CASE_SLOTS + 1):
        locals()[f"case_{_n}_child"] = _choice(f"Case discussion {_n}: child")
        locals()[f"case_{_n}_direction"] = forms.CharField(
            label=f"Case discussion {_n}: decision and direction",
            required=False,
            max_length=TEXT_LIMIT,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text="Shown on the child's record as management oversight",
        )
        locals()[f"case_{_n}_what"] = _what(f"Case discussion {_n}: action for the worker")
        locals()[f"case_{_n}_due"] = _due(f"Case discussion {_n}: action due by")
    for _n in range(1, SUPERVISION_ACTION_SLOTS + 1):
        locals()[f"action_{_n}_what"] = _what(f"Action {_n} for the worker")
        locals()[f"action_{_n}_due"] = _due(f"Action {_n}: due by")
    del _n
    reflection = forms.CharField(
        label="Reflective discussion",
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            "Wellbeing, learning and reflection: seen only by the worker and you, never on a "
            "child's record"
        ),
    )

    def __init__(self, *args: Any, children: list[Person] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.children = {str(p.pk): p for p in children or []}
        choices = [("", "Choose a child"), *((k, p.full_name) for k, p in self.children.items())]
        for n in range(1, CASE_SLOTS + 1):
            self.fields[f"case_{n}_child"].choices = choices  # type: ignore[attr-defined]

    def case_slots(self) -> list[dict[str, Any]]:
        return [
            {
                "n": n,
                "child": self[f"case_{n}_child"],
                "direction": self[f"case_{n}_direction"],
                "what": self[f"case_{n}_what"],
                "due": self[f"case_{n}_due"],
            }
            for n in range(1, CASE_SLOTS + 1)
        ]

    def action_slots(self) -> list[dict[str, Any]]:
        return [
            {"n": n, "what": self[f"action_{n}_what"], "due": self[f"action_{n}_due"]}
            for n in range(1, SUPERVISION_ACTION_SLOTS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cases = []
        for n in range(1, CASE_SLOTS + 1):
            values = self.slot_values(
                "case",
                n,
                {
                    "child": f"Choose the child of case discussion {n}",
                    "direction": f"Write the decision and direction of case discussion {n}",
                },
            )
            action = self.slot_values(
                "case",
                n,
                {
                    "what": f"Say what the action of case discussion {n} is",
                    "due": f"Enter the date the action of case discussion {n} is due by",
                },
            )
            if action is not None and values is None and not self.errors.get(f"case_{n}_child"):
                self.add_error(f"case_{n}_child", f"Choose the child of case discussion {n}")
            if values is not None:
                cases.append((n, self.children[values["child"]], values["direction"], action))
        cleaned["cases"] = cases
        actions = []
        for n in range(1, SUPERVISION_ACTION_SLOTS + 1):
            values = self.slot_values(
                "action",
                n,
                {
                    "what": f"Say what action {n} is",
                    "due": f"Enter the date action {n} is due by",
                },
            )
            if values is not None:
                actions.append((n, values["what"], values["due"]))
        cleaned["actions"] = actions
        return cleaned


class SupervisionProfileForm(GovukForm):
    asye = forms.BooleanField(
        label="Newly qualified (assessed and supported year in employment)",
        required=False,
        help_text="Supervised weekly for the first 6 weeks, then fortnightly to 6 months",
    )
    employment_start = GovukDateField(
        label="Employment start date", required=False, must_be_past=True
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    required_in_some_cases = ("employment_start",)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("asye")
            and cleaned.get("employment_start") is None
            and not self.errors.get("employment_start")
        ):
            self.add_error(
                "employment_start", "Enter the employment start date of a newly qualified worker"
            )
        return cleaned


class CompleteForm(GovukForm):
    """Marking an action done: the action is named by ``object_id`` in the post."""
