from collections.abc import Sequence
from typing import Any, cast

from django import forms

from haven.chronology.models import all_kinds
from haven.ui.forms import GovukDateField, GovukForm


class ChronologyFilterForm(GovukForm):
    kind = forms.MultipleChoiceField(
        label="Type of event", required=False, widget=forms.CheckboxSelectMultiple
    )
    date_from = GovukDateField(label="From", required=False, historic=True)
    date_to = GovukDateField(label="To", required=False, historic=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = all_kinds()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return data


class AccessLogFilterForm(GovukForm):
    """Who and when, on a child's access log (a GET form: the filter is in the link)."""

    user = forms.TypedChoiceField(label="Who", required=False, coerce=int, empty_value=None)
    date_from = GovukDateField(label="From", required=False, historic=True)
    date_to = GovukDateField(label="To", required=False, historic=True)

    def __init__(self, *args: Any, people: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["user"]).choices = [("", "Anyone"), *people]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return data
