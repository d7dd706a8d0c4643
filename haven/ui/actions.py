"""One way to build a page with several forms and actions (the child protection tab, a contact,
an assessment, a person's details).

The page lists its actions in a table, ``{name: Action(...)}``: the form, what to do with its
cleaned data, and the message on success. A POST runs one action through ``run_action``, which
validates the form, calls the service, and either says so and redirects, or draws the page again
with that form bound (``Bound``), its errors shown beside it and in the summary. Errors from the
service are handled here, once: a ``ValidationError`` or ``ConflictError`` (someone else acted
first) goes on the form; a ``ConcurrentEditError`` (someone else saved the record first) keeps
what was typed, shows the record as it is now, and moves the form's ``version`` on so that saving
again applies the user's changes over what they have now seen.

    def _actions(request, person):
        by = request.user
        return {
            "cin-plan-end": Action(
                form=forms.EndForm,
                prefix=lambda plan: f"cine{plan.pk}",
                do=lambda plan, data: services.cin_plan_end(plan=plan, by=by, **data),
                success="Child in need plan ended",
            ),
        }

    def protection_action(request, person, action):
        actions = _actions(request, person)
        target = ...  # the plan the form is about, from the URL or the POST
        return run_action(request, actions, action, target,
                          done=reverse("protection:child_protection", args=[person.pk]),
                          page=lambda bound: _page(request, person, bound))

and the page draws each form with ``action_form(actions, name, target, bound=bound)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from haven.accounts.permissions import Capability, require
from haven.core.versioning import ConcurrentEditError
from haven.ui.forms import apply_errors

CONFLICT_MESSAGE = (
    "Someone else saved changes to this record while you were editing. Your changes have not "
    "been saved: they are still below. Check the record as it is now, then save again to apply "
    "them."
)


def _no_kwargs(target: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Action:
    form: Callable[..., Any]  # a form class, called as form(data, prefix=..., **form_kwargs)
    do: Callable[[Any, dict[str, Any]], Any]  # (target, cleaned data): calls the service
    success: str | Callable[[Any], str]  # the message, or one made from the target
    prefix: str | Callable[[Any], str] = ""  # several forms on one page need their own
    form_kwargs: Callable[[Any], dict[str, Any]] = _no_kwargs
    needs: tuple[Capability, ...] = ()  # beyond what the page itself needs

    def build(self, data: Any, target: Any = None) -> Any:
        prefix = self.prefix(target) if callable(self.prefix) else self.prefix
        return self.form(data, prefix=prefix or None, **self.form_kwargs(target))

    def message(self, target: Any) -> str:
        return self.success(target) if callable(self.success) else self.success


def _key(target: Any) -> tuple[type, Any] | None:
    return None if target is None else (type(target), getattr(target, "pk", id(target)))


@dataclass
class Bound:
    """The action that was posted and not done: its form (with errors) replaces a fresh one."""

    name: str
    target: Any
    form: Any
    conflict: Any = None  # the record as it is now, after a ConcurrentEditError

    def is_for(self, name: str, target: Any = None) -> bool:
        return self.name == name and _key(self.target) == _key(target)


def action_form(
    actions: Mapping[str, Action],
    name: str,
    target: Any = None,
    *,
    bound: Bound | None = None,
    fresh: Callable[[], Any] | None = None,
) -> Any:
    """The form to draw for ``name`` on ``target``: the posted one if it failed, else a new one."""
    if bound is not None and bound.is_for(name, target):
        return bound.form
    return fresh() if fresh is not None else actions[name].build(None, target)


def error_forms(bound: Bound | None) -> list[Any]:
    """For the page's error summary."""
    return [bound.form] if bound is not None and bound.form.errors else []


def run_action(
    request: Any,
    actions: Mapping[str, Action],
    name: str,
    target: Any = None,
    *,
    done: str | Callable[[Any], str],
    page: Callable[[Bound | None], HttpResponse],
) -> HttpResponse:
    """Do action ``name`` with what was posted: on success a message and a redirect to
    ``done`` (a URL, or one made from what the service returned); else ``page(bound)``.
    A GET draws the page: ``page(None)``."""
    if request.method != "POST":
        return page(None)
    action = actions.get(name)
    if action is None:
        raise Http404("No such action")
    for capability in action.needs:
        require(request.user, capability)
    form = action.build(request.POST, target)
    bound = Bound(name=name, target=target, form=form)
    if form.is_valid():
        try:
            result = action.do(target, form.cleaned_data)
        except ConcurrentEditError as exc:
            bound.conflict = exc.current
            form.add_error(None, CONFLICT_MESSAGE)
            data = form.data.copy()
            data[form.add_prefix("version")] = str(exc.current.version)
            form.data = data
        except ValidationError as exc:  # ConflictError too
            apply_errors(form, exc)
        else:
            messages.success(request, action.message(target))
            return redirect(done(result) if callable(done) else done)
    return page(bound)
