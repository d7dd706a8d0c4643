"""Section 7 of issue 10, kept from regressing: every form Haven has and every page the
generated tests walk. No Django "---------" in a menu; "(optional)" exactly on the fields that
are; "Error: " in the title of every page showing an error summary; a 404 that says what was
not found."""

from __future__ import annotations

import contextlib
import importlib
import inspect
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.template import Context, Template

from haven.ui.forms import DJANGO_BLANK, GovukFormMixin
from haven.ui.middleware import error_title
from haven.ui.views import not_found_heading

pytestmark = pytest.mark.django_db


def _every_form_class() -> list[type]:
    """Every GOV.UK form of every Haven package, from its ``forms.py`` and any ``*_forms.py``."""
    for config in apps.get_app_configs():
        if config.name.startswith("haven."):
            with contextlib.suppress(ModuleNotFoundError):
                importlib.import_module(f"{config.name}.forms")
            for path in sorted(Path(config.path).glob("*_forms.py")):
                importlib.import_module(f"{config.name}.{path.stem}")
    found: list[type] = []
    todo = list(GovukFormMixin.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if (
            cls.__module__.startswith("haven.")
            and cls not in found
            and cls.__name__ != "GovukModelForm"
        ):
            found.append(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


FORMS = _every_form_class()


def _build(form_class: type, *, worker: Any, make_child: Any, **kwargs: Any) -> Any:
    """The form as a page builds it: forms about a child or for a user are given one."""
    wanted = inspect.signature(form_class).parameters
    if "person" in wanted:
        kwargs["person"] = make_child()
    if "user" in wanted:
        kwargs["user"] = worker
    return form_class(**kwargs)
_FIELD = Template("{% govuk_field field %}")


def _label(html: str) -> str:
    """The text of the field's label or legend."""
    import lxml.html

    doc = lxml.html.fromstring(f"<div>{html}</div>")
    found = doc.xpath("//label[1] | //legend[1]")
    return found[0].text_content().strip() if found else ""


def test_every_form_is_found():
    names = {c.__name__ for c in FORMS}
    assert {"PersonCreateForm", "DecisionForm", "ConferenceForm", "AllocateForm"} <= names


@pytest.mark.parametrize("form_class", FORMS, ids=[c.__qualname__ for c in FORMS])
def test_menus_have_no_dashes_and_only_optional_fields_say_optional(
    form_class, teams, worker, make_child
):
    form: Any = _build(form_class, worker=worker, make_child=make_child)
    for name, field in form.fields.items():
        html = _FIELD.render(Context({"field": form[name]}))
        assert DJANGO_BLANK not in html, f"{form_class.__name__}.{name} offers {DJANGO_BLANK}"
        label = _label(html)
        if not label or html.count('type="checkbox"') == 1:
            continue  # hidden, or a single checkbox (never marked)
        if field.required or getattr(field, "required_in_some_cases", False):
            assert "(optional)" not in label, f"{form_class.__name__}.{name}: {label!r}"
        elif "checkbox" not in html:
            assert label.endswith("(optional)"), f"{form_class.__name__}.{name}: {label!r}"


@pytest.mark.parametrize("form_class", FORMS, ids=[c.__qualname__ for c in FORMS])
def test_a_field_marked_optional_is_not_refused_when_left_empty(
    form_class, teams, worker, make_child
):
    """A form posted empty: a field marked "(optional)" must not be the one asked for."""
    form: Any = _build(form_class, worker=worker, make_child=make_child, data={})
    form.is_valid()
    for name, field in form.fields.items():
        if getattr(field, "required_in_some_cases", False):
            continue
        if not field.required and name in form.errors:
            messages = " ".join(form.errors[name])
            assert not messages.startswith(("Enter", "Choose", "Select")), (
                f"{form_class.__name__}.{name} is marked optional but asks: {messages}"
            )


def test_the_readable_empty_choice():
    from django import forms

    from haven.accounts.models import Team
    from haven.ui.forms import GovukForm

    class Example(GovukForm):
        team = forms.ModelChoiceField(queryset=Team.objects.all())
        worker = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)
        kind = forms.TypedChoiceField(choices=[("", DJANGO_BLANK), ("a", "A")], required=False)

    form: Any = Example()
    assert form.fields["team"].empty_label == "Choose a team"
    assert form.fields["worker"].empty_label == "None"
    assert next(iter(form.fields["kind"].choices)) == ("", "None")


def test_a_page_with_an_error_summary_has_an_error_title():
    page = b'<html><head><title>Add a user \xe2\x80\x93 Haven</title></head><div class="govuk-error-summary">'
    assert error_title(page).startswith(b"<html><head><title>Error: Add a user")
    assert error_title(error_title(page)) == error_title(page)
    assert error_title(b"<title>Add a user</title>") == b"<title>Add a user</title>"


def test_every_failed_form_post_gets_the_error_title(as_worker):
    page = as_worker.post("/people/new/", {"given_names": ""}).content.decode()
    assert 'class="govuk-error-summary"' in page
    assert "<title>Error: " in page


@pytest.mark.parametrize(
    ("message", "heading"),
    [
        ("No such job", "Job not found"),
        ("No Assessment matches the given query.", "Assessment not found"),
        ("No ContactChild matches the given query.", "Child on this contact not found"),
        ("No record you are entitled to see", "Record not found"),
        ("This job has no file", "Page not found"),
        ("", "Page not found"),
    ],
)
def test_the_404_heading_says_what_was_not_found(message, heading):
    assert not_found_heading(message)[0] == heading


def test_the_404_page_names_the_path_and_the_thing(as_worker, settings):
    settings.DEBUG = False
    page = as_worker.get("/no/such/page/")
    assert page.status_code == 404
    html = page.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert "/no/such/page/" in html
    job = as_worker.get("/jobs/00000000-0000-4000-8000-000000000000/")
    assert job.status_code == 404
    assert "Job not found" in job.content.decode()


def test_the_403_page_says_why(as_worker):
    page = as_worker.get("/administration/")
    assert page.status_code == 403
    assert "User administration is for administrators." in page.content.decode()
