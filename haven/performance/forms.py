from __future__ import annotations

import datetime
from typing import Any

from django import forms

from haven.core.calendar import add_calendar_months
from haven.performance.annex_a import lists
from haven.performance.periods import today
from haven.ui.forms import GovukDateField, GovukForm

# Annex A covers the months before an inspection; a longer span is a mistake, and the file is
# streamed, so it must be refused before the download starts, not fail half way.
MAX_SPAN_MONTHS = 36


def annex_a_range_problem(first: datetime.date, last: datetime.date) -> tuple[str, str] | None:
    """(field, message) for a range Annex A cannot be made for, or None."""
    if first > last:
        return "date_to", "The date to must be the same as or after the date from"
    if last > add_calendar_months(first, MAX_SPAN_MONTHS):
        return "date_to", (
            f"The date to must be within {MAX_SPAN_MONTHS // 12} years of the date from"
        )
    return None


class AnnexAForm(GovukForm):
    list = forms.ChoiceField(
        label="Which list",
        widget=forms.RadioSelect,
        error_messages={"required": "Select which list to download"},
    )
    date_from = GovukDateField(label="From", help_text="For example, 1 4 2024")
    date_to = GovukDateField(label="To", help_text="For example, 30 9 2024")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Ofsted's default window: the six months before the inspection.
        now = today()
        kwargs.setdefault("initial", {"date_from": add_calendar_months(now, -6), "date_to": now})
        super().__init__(*args, **kwargs)
        # The lists registered by the parts of the service (when the apps are ready).
        made = lists()
        numbers = [str(n) for n in made]
        field = self.fields["list"]
        field.choices = [(str(n), item.title) for n, item in made.items()]  # type: ignore[attr-defined]
        field.error_messages["invalid_choice"] = (
            f"Select list {', '.join(numbers[:-1])} or {numbers[-1]}"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("date_from"), data.get("date_to")
        problem = annex_a_range_problem(first, last) if first and last else None
        if problem:
            self.add_error(*problem)
        return data
