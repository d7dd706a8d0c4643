from __future__ import annotations

from typing import Any

from django import forms

from haven.documents.models import DocumentCategory, TemplateKind
from haven.ui.forms import GovukDateField, GovukForm


class UploadForm(GovukForm):
    file = forms.FileField(
        label="File",
        error_messages={
            "required": "Choose a file to upload",
            "empty": "The file is empty",
            "invalid": "Choose a file to upload",
        },
    )
    category = forms.ChoiceField(
        choices=[("", "Choose a category"), *DocumentCategory.choices],
        error_messages={"required": "Choose a category"},
    )
    document_date = GovukDateField(label="Date of the document", must_be_past=True, historic=True)
    description = forms.CharField(
        max_length=500,
        error_messages={"required": "Enter a description of the document"},
        help_text="What it is and who wrote it, for example: school report from Hill Primary",
    )
    siblings = forms.MultipleChoiceField(
        label="Also add it to",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The same file is added to each brother or sister you choose",
    )

    def __init__(self, *args: Any, siblings: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sibling_records = {str(p.pk): p for p in siblings or []}
        field = self.fields["siblings"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(pk, p.full_name) for pk, p in self.sibling_records.items()]

    def chosen_siblings(self) -> list[Any]:
        return [self.sibling_records[pk] for pk in self.cleaned_data.get("siblings", [])]


class GenerateForm(GovukForm):
    kind = forms.ChoiceField(
        label="Letter or document",
        choices=TemplateKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a letter to produce"},
    )


class TemplateForm(GovukForm):
    body = forms.CharField(
        label="Wording",
        widget=forms.Textarea(attrs={"rows": 20}),
        max_length=50_000,
        error_messages={"required": "Enter the template's wording"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
