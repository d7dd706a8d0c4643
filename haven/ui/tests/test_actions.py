"""The page idiom: one action table, service errors handled once."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from haven.core.errors import ConflictError
from haven.core.versioning import ConcurrentEditError
from haven.ui.actions import CONFLICT_MESSAGE, Action, Bound, action_form, run_action
from haven.ui.forms import GovukForm


class NoteForm(GovukForm):
    text = forms.CharField()
    version = forms.IntegerField(required=False)


def _post(data: dict[str, Any]) -> Any:
    request = RequestFactory().post("/", data)
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    request.user = SimpleNamespace(is_authenticated=True, is_active=True, role="practitioner")  # type: ignore[assignment]
    return request


def _run(request: Any, do: Any, target: Any = None) -> tuple[Any, Bound | None]:
    seen: list[Bound | None] = []
    actions = {
        "note": Action(
            form=NoteForm,
            prefix=lambda t: f"n{t.pk}" if t else "",
            do=do,
            success=lambda t: "Note saved",
        )
    }

    def page(bound: Bound | None) -> Any:
        seen.append(bound)
        return "page"

    response = run_action(request, actions, "note", target, done="/done/", page=page)
    return response, (seen[0] if seen else None)


def test_a_done_action_says_so_and_goes_back():
    request = _post({"text": "Seen at school"})
    response, _ = _run(request, lambda t, d: None)
    assert response.status_code == 302 and response["Location"] == "/done/"
    assert [str(m) for m in get_messages(request)] == ["Note saved"]


def test_someone_acting_first_is_shown_on_the_form_beside_its_field():
    def do(target: Any, data: dict[str, Any]) -> None:
        raise ConflictError({"text": "This note has already been recorded"})

    response, bound = _run(_post({"text": "Seen at school"}), do)
    assert response == "page" and bound is not None
    assert bound.form.errors == {"text": ["This note has already been recorded"]}
    assert bound.form.data["text"] == "Seen at school"


def test_an_error_naming_no_field_goes_in_the_summary():
    def do(target: Any, data: dict[str, Any]) -> None:
        raise ValidationError("Your role cannot change records")

    _, bound = _run(_post({"text": "x"}), do)
    assert bound is not None
    assert bound.form.non_field_errors() == ["Your role cannot change records"]


def test_a_concurrent_edit_keeps_the_input_and_moves_the_version_on():
    current = SimpleNamespace(pk=7, version=5, _meta=SimpleNamespace(verbose_name="note"))

    def do(target: Any, data: dict[str, Any]) -> None:
        raise ConcurrentEditError(current)

    target = SimpleNamespace(pk=7)
    _, bound = _run(_post({"n7-text": "Mine", "n7-version": "4"}), do, target)
    assert bound is not None and bound.conflict is current
    assert bound.form.non_field_errors() == [CONFLICT_MESSAGE]
    assert (bound.form.data["n7-text"], bound.form.data["n7-version"]) == ("Mine", "5")


def test_the_failed_form_is_drawn_only_in_place_of_its_own_target():
    request = _post({"n1-text": ""})
    _, bound = _run(request, lambda t, d: None, SimpleNamespace(pk=1))
    assert bound is not None and bound.form.errors
    actions = {
        "note": Action(form=NoteForm, prefix=lambda t: f"n{t.pk}", do=lambda t, d: None, success="")
    }
    assert action_form(actions, "note", SimpleNamespace(pk=1), bound=bound) is bound.form
    other = action_form(actions, "note", SimpleNamespace(pk=2), bound=bound)
    assert other is not bound.form and not other.is_bound and other.prefix == "n2"


def test_an_unknown_action_is_not_found():
    from django.http import Http404, HttpResponse

    with pytest.raises(Http404):
        run_action(_post({}), {}, "nonsense", done="/", page=lambda b: HttpResponse())
