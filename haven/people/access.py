"""Need-to-know: which people's records a user may open.

A practitioner sees children allocated to them or their teams; a manager their teams'
children; an auditor every record not restricted; analysts and administrators no case
records. A restricted record is seen only by its named users. An adult is seen by whoever may
see a child in their family. Later parts of the service add rules (front-door staff see the
children of their contacts) with ``register_rule``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from haven.accounts.models import Role
from haven.core.lookups import AnyOf
from haven.people.models import (
    Allocation,
    BreakGlassGrant,
    Person,
    PersonKind,
    Relationship,
    RestrictedAccess,
)

# A rule returns a filter on Person for records the user may open (restriction applied after).
# Rules should use Exists(... OuterRef("pk")) so checking one record reads one index entry.
AccessRule = Callable[[Any], Q]
_extra_rules: list[AccessRule] = []

ALLOCATION_ROLES = frozenset(
    {Role.PRACTITIONER, Role.TEAM_MANAGER, Role.MASH_PRACTITIONER, Role.REVIEWING_OFFICER}
)


def register_rule(rule: AccessRule) -> None:
    if rule not in _extra_rules:
        _extra_rules.append(rule)


def user_team_ids(user: Any) -> list[int]:
    """The user's teams, read once per request."""
    cached = getattr(user, "_haven_team_ids", None)
    if cached is None:
        cached = list(user.memberships.values_list("team_id", flat=True))
        user._haven_team_ids = cached
    return cached


def _allocated(user: Any) -> Q:
    open_allocations = Allocation.objects.filter(person=OuterRef("pk"), end_date__isnull=True)
    return Q(Exists(open_allocations.filter(Q(worker=user) | Q(team_id__in=user_team_ids(user)))))


def restriction_q(user: Any, path: str = "", *, by_id: bool = False) -> Q:
    """Records that are not restricted, or restricted with ``user`` named (``path`` leads from
    the model filtered to the person, e.g. ``"person__"``). Part of ``visible_q``; on its own
    only where another rule already grants the rest (a team's own contacts and allocations).

    ``by_id``: the same rows, told from the person's id alone (none of the few restricted
    records the user is not named on), so a long list that needs nothing else from the person
    is not joined to each row's person (a team's allocations, read from their index)."""
    named = RestrictedAccess.objects.filter(user=user).values("person_id")
    if by_id:
        hidden = Person.objects.filter(is_restricted=True).exclude(pk__in=named)
        return ~Q(**{f"{path}pk__in": hidden.values("pk")})
    return Q(**{f"{path}is_restricted": False}) | Q(**{f"{path}pk__in": named})


def _child_q(user: Any, *, break_glass: bool, now: datetime.datetime | None = None) -> Q:
    """Children (and any record) the user may open, before adults are added."""
    if user.role == Role.AUDITOR:
        entitled = Q(is_restricted=False)
    elif user.role in ALLOCATION_ROLES:
        entitled = _allocated(user)
        for rule in _extra_rules:
            entitled |= rule(user)
        entitled &= Q(is_restricted=False)
    else:
        entitled = Q(pk__in=[])
    if break_glass:
        grants = BreakGlassGrant.objects.filter(user=user, expires_at__gt=now or timezone.now())
        entitled |= Q(pk__in=grants.values("person_id"), is_restricted=False)
    entitled |= Q(pk__in=RestrictedAccess.objects.filter(user=user).values("person_id"))
    return entitled


def visible_q(user: Any, *, break_glass: bool = True, now: datetime.datetime | None = None) -> Q:
    """A filter on Person for the records ``user`` may open (``break_glass=False``: without
    counting emergency access; ``now``: the time it is counted at, if not the time now)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    child_q = _child_q(user, break_glass=break_glass, now=now)
    children = Person.objects.filter(child_q)
    family = Relationship.objects.filter(person=OuterRef("pk"), relative_of__in=children)
    family_reverse = Relationship.objects.filter(relative_of=OuterRef("pk"), person__in=children)
    adults = Q(kind=PersonKind.ADULT, is_restricted=False) & (
        Q(Exists(family)) | Q(Exists(family_reverse))
    )
    return child_q | adults


def visible_ids(user: Any, ids: Iterable[int]) -> set[int]:
    """Which of ``ids`` the user may see: for lists built from other records (work items,
    contact children, family, the rows behind a figure). One query, however long the list."""
    return set(visible_names(user, ids))


def visible_names(user: Any, ids: Iterable[int]) -> dict[int, str]:
    """``visible_ids`` with each one's name as lists show it (``Person.full_name``), from the
    same query: a list built from other records need not read the names itself."""
    wanted = "{" + ",".join(str(int(i)) for i in sorted({i for i in ids if i is not None})) + "}"
    compiled = _visible_among_sql(user) if wanted != "{}" else None
    if compiled is None:
        return {}
    sql, params = compiled
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(sql, [wanted if p is _AMONG else now if p is _NOW else p for p in params])
        return {pk: f"{given} {family}".strip() for pk, given, family in cursor.fetchall()}


# What the compiled query's parameters are replaced with when it runs: the ids (as an array's
# text; no one's id is negative) and the time emergency access is counted at.
_AMONG = object()
_NOW = object()
_AMONG_COMPILED = -1
_NOW_COMPILED = datetime.datetime(2000, 1, 1, 0, 0, 0, 424242, tzinfo=datetime.UTC)
# ``_visible_among_sql`` of each user, within one request (``compiled_once_a_request``).
_compiled: ContextVar[dict[tuple[Any, ...], tuple[str, list[Any]] | None] | None] = ContextVar(
    "haven_visible_among_sql", default=None
)


def _visible_among_sql(user: Any) -> tuple[str, list[Any]] | None:
    """The SQL of "which of these people may ``user`` see, with their names" and its
    parameters, ``_AMONG`` standing for the people's ids and ``_NOW`` for the time; ``None``
    if the user may see no one. Building and compiling ``visible_q`` costs more than running
    it (several milliseconds: every rule, adults through their family), and a page names the
    people of several lists: within a request it is compiled once for what the rules read of
    the user (their role, whether active, their teams, an import running as them)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    from haven.accounts.permissions import is_importing_history

    key = (user.pk, user.role, tuple(user_team_ids(user)), is_importing_history(user))
    cache = _compiled.get()
    if cache is not None and key in cache:
        return cache[key]
    query = Person.objects.filter(
        visible_q(user, now=_NOW_COMPILED), AnyOf(F("pk"), [_AMONG_COMPILED])
    ).values_list("pk", "given_names", "family_name")
    compiled: tuple[str, list[Any]] | None
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:
        compiled = None
    else:
        among = f"{{{_AMONG_COMPILED}}}"
        marked = [_AMONG if p == among else _NOW if p == _NOW_COMPILED else p for p in params]
        if marked.count(_AMONG) != 1:
            raise AssertionError("need-to-know's ids are not one parameter of its query")
        compiled = (sql, marked)
    if cache is not None:
        cache[key] = compiled
    return compiled


@contextmanager
def compiled_once_a_request() -> Iterator[None]:
    """Within this block (a request: ``NeedToKnowMiddleware``), ``visible_ids`` and
    ``visible_names`` compile each user's rules once."""
    token = _compiled.set({})
    try:
        yield
    finally:
        _compiled.reset(token)


def searchable_q(user: Any) -> Q:
    """Search shows everyone a caseworker might need to match, except restricted records
    they are not named on, and records merged into another."""
    return Q(merged_into__isnull=True) & restriction_q(user)


def break_glass_active(user: Any, person_id: int) -> BreakGlassGrant | None:
    return (
        BreakGlassGrant.objects.filter(
            user=user, person_id=person_id, expires_at__gt=timezone.now()
        )
        .order_by("-expires_at")
        .first()
    )
