"""The kinds of background job. Each part of the service registers its own in its app's
``ready()`` (as access rules and work providers do), so the job page and the worker need no
list edited by hand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from haven.jobs.models import Job
    from haven.jobs.services import Progress


@dataclass(frozen=True)
class JobKind:
    key: str
    # Does the work; returns the result, a JSON-serialisable dict kept with the task.
    run: Callable[[Job, Progress], dict[str, Any]]
    # Renders the result on the job page, with ``result_context``'s dict added to the context.
    result_template: str
    # Given (job, result, viewing user): what the template needs. Anything naming children is
    # filtered here, when the page is shown, so it follows the access rules as they are then.
    result_context: Callable[[Job, dict[str, Any], Any], dict[str, Any]] | None = None
    # Exceptions whose message is for the user (a bad file, the validator missing); any other
    # failure is reported without its detail.
    expected_errors: tuple[type[Exception], ...] = ()


_kinds: dict[str, JobKind] = {}


def register_kind(kind: JobKind) -> None:
    _kinds[kind.key] = kind


def kind_get(key: str) -> JobKind:
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(f"no job kind {key!r} is registered") from None


def kinds() -> dict[str, JobKind]:
    return dict(_kinds)
