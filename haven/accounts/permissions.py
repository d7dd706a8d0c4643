"""Who may do what: every role check in Haven is a named capability from this module.

A capability says what a role may *do*; which children's records a user may *see* is the
need-to-know rule set in ``haven.people.access``. A view needs both: ``@requires`` for the
capability, and a selector for the record. Templates read the same capabilities through the
``can`` context variable (``{% if can.write_records %}``), so a button is shown exactly when the
action behind it would be allowed.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from haven.accounts.models import Role


class Capability(StrEnum):
    # Children's records, within need-to-know.
    VIEW_RECORDS = "view_records"  # open the records need-to-know allows
    SEARCH_PEOPLE = "search_people"  # find people by name or ID to match or link them
    WRITE_RECORDS = "write_records"  # change the records they may see
    CREATE_PEOPLE = "create_people"
    EMERGENCY_ACCESS = "emergency_access"  # open a record outside need-to-know, with a reason
    # Management.
    SEE_TEAM_WORK = "see_team_work"  # the manager's view of their teams' work and caseloads
    ALLOCATE = "allocate"  # allocate or reallocate children and their work
    HOLD_CASES = "hold_cases"  # be the named worker of a child's case (chairs stay independent)
    AUTHORISE = "authorise"  # authorise or return decisions and assessments
    # Conferences: chair them and record their decisions (a review may end a CP plan).
    CHAIR_CONFERENCES = "chair_conferences"
    RECORD_OVERSIGHT = "record_oversight"  # management oversight on cases; supervise workers
    MERGE_RECORDS = "merge_records"
    RESTRICT_RECORDS = "restrict_records"
    # Governance.
    SEE_ACCESS_LOG = "see_access_log"  # who has seen a record, and every change
    # The front door (with membership of a front-door team).
    RECORD_CONTACTS = "record_contacts"
    # Figures and returns: counted from every record; children shown by ID unless the user
    # may see them (see haven.people.access.visible_ids).
    VIEW_FIGURES = "view_figures"
    PRODUCE_RETURNS = "produce_returns"
    IMPORT_RETURNS = "import_returns"
    # Administration: users, their roles, teams and sign-in (haven.administration).
    MANAGE_USERS = "manage_users"
    # The wording of letters Haven produces (haven.documents).
    MANAGE_TEMPLATES = "manage_templates"
    # The council's fostering households and children's homes (haven.carers): the register is
    # read by those who place children, review placements or count them; it is kept, and the
    # open placement requests are worked, by team managers (the placements team's managers) and
    # administrators. Children named on those pages still go through need-to-know.
    SEE_CARERS = "see_carers"
    MANAGE_PLACEMENTS = "manage_placements"


C = Capability

_CASEWORK = {C.VIEW_RECORDS, C.SEARCH_PEOPLE, C.WRITE_RECORDS, C.EMERGENCY_ACCESS}

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.PRACTITIONER: frozenset(
        _CASEWORK | {C.CREATE_PEOPLE, C.RECORD_CONTACTS, C.HOLD_CASES, C.SEE_CARERS}
    ),
    Role.MASH_PRACTITIONER: frozenset(
        _CASEWORK | {C.CREATE_PEOPLE, C.RECORD_CONTACTS, C.HOLD_CASES}
    ),
    Role.TEAM_MANAGER: frozenset(
        _CASEWORK
        | {
            C.CREATE_PEOPLE,
            C.RECORD_CONTACTS,
            C.HOLD_CASES,
            C.SEE_TEAM_WORK,
            C.ALLOCATE,
            C.AUTHORISE,
            C.RECORD_OVERSIGHT,
            C.MERGE_RECORDS,
            C.RESTRICT_RECORDS,
            C.SEE_ACCESS_LOG,
            C.VIEW_FIGURES,
            C.PRODUCE_RETURNS,
            C.SEE_CARERS,
            C.MANAGE_PLACEMENTS,
        }
    ),
    Role.REVIEWING_OFFICER: frozenset(_CASEWORK | {C.CHAIR_CONFERENCES, C.SEE_CARERS}),
    Role.AUDITOR: frozenset(
        {
            C.VIEW_RECORDS,
            C.SEARCH_PEOPLE,
            C.SEE_ACCESS_LOG,
            C.VIEW_FIGURES,
            C.PRODUCE_RETURNS,
            C.SEE_CARERS,
        }
    ),
    Role.PERFORMANCE_ANALYST: frozenset(
        {C.VIEW_FIGURES, C.PRODUCE_RETURNS, C.IMPORT_RETURNS, C.SEE_CARERS}
    ),
    Role.ADMINISTRATOR: frozenset(
        {
            C.IMPORT_RETURNS,
            C.MANAGE_USERS,
            C.MANAGE_TEMPLATES,
            C.SEE_CARERS,
            C.MANAGE_PLACEMENTS,
        }
    ),
}


def user_can(user: Any, capability: Capability) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if capability in ROLE_CAPABILITIES.get(user.role, frozenset()):
        return True
    return capability in IMPORT_GRANTS and _importing.get() == user.pk


# Importing history (the SSDA903 import) writes records through the case-work services, as
# the person importing: inside ``importing_history`` a user whose role may import returns may
# also do what those services ask, and nothing else, and only there.
IMPORT_GRANTS = frozenset({C.WRITE_RECORDS, C.CREATE_PEOPLE})
_importing: contextvars.ContextVar[int | None] = contextvars.ContextVar("importing", default=None)


@contextlib.contextmanager
def importing_history(user: Any) -> Iterator[None]:
    """Run the services for an import by ``user`` (who must be allowed to import returns)."""
    if not user_can(user, C.IMPORT_RETURNS):
        raise PermissionDenied(CAPABILITY_REFUSALS[C.IMPORT_RETURNS])
    token = _importing.set(user.pk)
    try:
        yield
    finally:
        _importing.reset(token)


def is_importing_history(user: Any) -> bool:
    """Whether ``user``'s services run for an import of history (``importing_history``): the
    records it links are those of the children it is importing, not ones to be looked up."""
    return user is not None and _importing.get() == user.pk


class Capabilities:
    """``can.<capability>`` in templates."""

    def __init__(self, user: Any) -> None:
        self._user = user

    def __getattr__(self, name: str) -> bool:
        try:
            return user_can(self._user, Capability(name))
        except ValueError:
            raise AttributeError(name) from None


def capabilities(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``can``."""
    return {"can": Capabilities(getattr(request, "user", None))}


def require(user: Any, capability: Capability) -> None:
    if not user_can(user, capability):
        raise PermissionDenied(CAPABILITY_REFUSALS.get(capability, "Your role cannot do this"))


def service_require(user: Any, capability: Capability, *, field: str | None = None) -> None:
    """For services: the same refusal as a form error, so a view shows it beside the field."""
    if not user_can(user, capability):
        message = CAPABILITY_REFUSALS.get(capability, "Your role cannot do this")
        raise ValidationError({field: message} if field else message)


CAPABILITY_REFUSALS = {
    C.VIEW_RECORDS: "Your role does not include children's records",
    C.SEARCH_PEOPLE: "Your role does not include searching for people",
    C.WRITE_RECORDS: "Your role cannot change records",
    C.CREATE_PEOPLE: "Your role cannot create records",
    C.EMERGENCY_ACCESS: "Your role does not include emergency access to records",
    C.SEE_TEAM_WORK: "The team's work is for its managers",
    C.ALLOCATE: "Only a team manager can allocate or reallocate work",
    C.HOLD_CASES: "Their role cannot hold cases",
    C.AUTHORISE: "Only a team manager can authorise or return work",
    C.CHAIR_CONFERENCES: "Only a conference chair can record this",
    C.RECORD_OVERSIGHT: "Management oversight and supervision are recorded by team managers",
    C.MERGE_RECORDS: "Only a manager can merge records",
    C.RESTRICT_RECORDS: "Only a manager can restrict a record",
    C.SEE_ACCESS_LOG: "Your role does not include the access log",
    C.RECORD_CONTACTS: "Recording contacts is for front-door teams",
    C.VIEW_FIGURES: "Your role does not include performance figures",
    C.PRODUCE_RETURNS: "Your role does not include statutory returns",
    C.IMPORT_RETURNS: "Your role does not include importing returns",
    C.MANAGE_USERS: "User administration is for administrators",
    C.MANAGE_TEMPLATES: "Letter templates are edited by administrators",
    C.SEE_CARERS: "Your role does not include the register of carers and homes",
    C.MANAGE_PLACEMENTS: "Carers, homes and placement requests are kept by the placements team",
}


def roles_with(capability: Capability) -> list[str]:
    """The roles that have ``capability`` (to filter users by what they may do)."""
    return [role for role, caps in ROLE_CAPABILITIES.items() if capability in caps]


V = TypeVar("V", bound=Callable[..., Any])


def requires(*needed: Capability, on_post: Capability | None = None) -> Callable[[V], V]:
    """A view needing ``needed`` (and ``on_post`` too for a POST, e.g. WRITE_RECORDS)."""

    def decorate(view: V) -> V:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            for capability in needed:
                require(request.user, capability)
            if on_post is not None and request.method == "POST":
                require(request.user, on_post)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
