"""A child's access log and change trail, for people to read.

The access log (``AccessLog``: who opened, printed, listed or was refused the record) and the
audit trail (``AuditChange``: every row a database trigger saw change) are stored for machines:
action codes, table names, column names and ISO values. This module words them the way an
auditor or a manager reads them:

    Sam Okafor (practitioner) viewed the record                      3 May 2026 at 2:02pm
    Sam Okafor (practitioner) changed the date of birth from 12 March 2015 to 13 March 2015
    Ali Morgan (team manager) was shown the record in a list (search results for "smith")

Field names come from the models' verbose names, values from their choices; a user or a team
is named, any other record is given by its id (naming another person here would show a
relative to someone who may not see them). Times are London time, GOV.UK style.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import QuerySet, Value
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from haven.accounts.models import Role, Team, User
from haven.core.dates import long_date
from haven.core.models import AccessAction, AccessLog, AuditChange
from haven.people.access import visible_ids

# Columns that say nothing a reader needs: bookkeeping, and what triggers fill in.
_QUIET_COLUMNS = frozenset(
    {"id", "created_at", "updated_at", "version", "search_name", "given_code", "family_code"}
)
# Tables whose rows repeat what another row already says (the primary name row is kept in step
# with the person by a trigger; a chronology entry is born from the change it describes).
_QUIET_TABLES = frozenset({"chronology_chronologyevent"})
# The primary name row is a copy of the person's name, kept in step by a trigger: its insert
# and its updates repeat the person's own row. Another name (known as, previous) is added, and
# reads as such; no page changes one afterwards.
_NAMES_TABLE = "people_personname"

ACTION_WORDS = {
    AccessAction.VIEW: "viewed the record",
    AccessAction.SEARCH: "searched",
    AccessAction.PRINT: "printed the record",
    AccessAction.EXPORT: "exported the record",
    AccessAction.REFUSED: "was refused access to the record",
    AccessAction.BREAK_GLASS: "was given emergency access to the record",
    AccessAction.LISTED: "was shown the record in a list",
    AccessAction.LINKED: "linked the record from outside their cases",
}


@dataclass
class Entry:
    """One line of the log: who, what, when, and anything more to say."""

    at: datetime.datetime
    who: str
    role: str
    what: str
    details: list[str] = field(default_factory=list)
    ip_address: str = ""
    emergency_reason: str = ""
    kind: str = "access"  # or "change"

    @property
    def when(self) -> str:
        return long_date(self.at)

    @property
    def who_with_role(self) -> str:
        return f"{self.who} ({self.role})" if self.role else self.who

    @property
    def sentence(self) -> str:
        """ "Sam Okafor (practitioner) viewed the record, 3 May 2026 at 2:02pm" """
        return f"{self.who_with_role} {self.what}, {self.when}"


def role_words(code: str) -> str:
    """ "practitioner", "team manager", "MASH practitioner" (as in a sentence)."""
    if not code:
        return ""
    try:
        label = str(Role(code).label)
    except ValueError:
        return code
    return _lower_first(label.split(" (")[0])


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym (NHS, UPN, MASH)."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


# -- the access log ---------------------------------------------------------------------------


@cache
def _tab_names() -> dict[str, str]:
    from haven.ui.pages import registered_tabs

    return {tab.url_name: tab.label for tab in registered_tabs()}


def _page_name(path: str) -> str:
    """The tab a path is, "chronology", or "" for the summary and any other page."""
    try:
        match = resolve(path.split("?", 1)[0])
    except Resolver404:
        return ""
    label = _tab_names().get(match.view_name, "")
    return "" if label in ("", "Summary") else _lower_first(label)


def describe_access(row: AccessLog) -> str:
    """What the row says the user did, after their name."""
    action = row.action
    detail = row.detail
    if action == AccessAction.VIEW:
        page = _page_name(row.path) or detail
        return f"viewed the record ({page})" if page else "viewed the record"
    if action == AccessAction.PRINT:
        return f"printed the {detail}" if detail else "printed the record"
    if action == AccessAction.LISTED:
        if detail.startswith("search: "):
            return f"was shown the record in a list (search results for \u201c{detail[8:]}\u201d)"
        return (
            f"was shown the record in a list ({detail})"
            if detail
            else "was shown the record in a list"
        )
    if action == AccessAction.SEARCH:
        return f"searched for \u201c{detail}\u201d"
    if action in (AccessAction.EXPORT, AccessAction.LINKED, AccessAction.REFUSED) and detail:
        return f"{ACTION_WORDS[AccessAction(action)]} ({detail})"
    try:
        return ACTION_WORDS[AccessAction(action)]
    except ValueError:
        return action


def access_entry(row: AccessLog, users: dict[int, User]) -> Entry:
    user = users.get(row.user_id) if row.user_id else None
    return Entry(
        at=row.at,
        who=user.display_name if user else row.username,
        role=role_words(row.role),
        what=describe_access(row),
        ip_address=str(row.ip_address or ""),
        emergency_reason=row.break_glass_reason,
    )


# -- the change trail -------------------------------------------------------------------------


@cache
def _models_by_table() -> dict[str, type[models.Model]]:
    return {m._meta.db_table: m for m in apps.get_models()}


def _fields_by_column(model: type[models.Model]) -> dict[str, models.Field[Any, Any]]:
    return {str(f.column): f for f in model._meta.concrete_fields}


def _noun(model: type[models.Model] | None, table: str) -> str:
    if model is None:
        return table.split("_", 1)[-1].replace("_", " ")
    return _lower_first(str(model._meta.verbose_name))


@dataclass
class _Names:
    """Users and teams named in a batch of changes, and which of the people the changes point
    to the reader may open, read once for the batch."""

    users: dict[int, User]
    teams: dict[int, Team]
    people: set[int] = field(default_factory=set)


def _related_model(f: models.Field[Any, Any]) -> Any:
    return f.related_model if f.is_relation else None


def _value_words(f: models.Field[Any, Any] | None, value: Any, names: _Names) -> str:
    if value is None or value == "":
        return "blank"
    if value == "(redacted)":
        return "(hidden)"
    if f is None:
        return value if isinstance(value, str) else json.dumps(value)
    related = _related_model(f)
    if related is not None:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            return str(value)
        if related is User:
            user = names.users.get(pk)
            return user.display_name if user else f"user {pk}"
        if related is Team:
            team = names.teams.get(pk)
            return team.name if team else f"team {pk}"
        if related._meta.label == "people.Person":
            # Another record is named only to someone who may open it (a relative may be
            # restricted, or held by another team).
            return f"Haven ID {pk}" if pk in names.people else "a record you cannot open"
        return f"{_lower_first(str(related._meta.verbose_name))} {pk}"
    if f.choices:
        labels = {str(k): str(v) for k, v in f.flatchoices}
        return labels.get(str(value), str(value))
    if isinstance(f, models.BooleanField):
        return "yes" if value else "no"
    if isinstance(f, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, datetime.UTC)
            return long_date(moment)
    if isinstance(f, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        if day is not None:
            return long_date(day)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "blank"
    return value if isinstance(value, str) else json.dumps(value)


def _changed_columns(change: AuditChange) -> list[str]:
    values = change.new_values or change.old_values or {}
    columns = change.changed_fields if change.operation == "UPDATE" else list(values)
    return [c for c in (columns or []) if c not in _QUIET_COLUMNS]


def _names_for(changes: Sequence[AuditChange], reader: Any) -> _Names:
    user_ids: set[int] = set()
    team_ids: set[int] = set()
    person_ids: set[int] = set()
    for change in changes:
        if change.actor_id:
            user_ids.add(change.actor_id)
        model = _models_by_table().get(change.table_name)
        if model is None:
            continue
        fields = _fields_by_column(model)
        for values in (change.old_values or {}, change.new_values or {}):
            for column, value in values.items():
                f = fields.get(column)
                related = _related_model(f) if f is not None else None
                if value in (None, "") or related is None:
                    continue
                try:
                    pk = int(value)
                except (TypeError, ValueError):
                    continue
                if related is User:
                    user_ids.add(pk)
                elif related is Team:
                    team_ids.add(pk)
                elif related._meta.label == "people.Person":
                    person_ids.add(pk)
    return _Names(
        users=User.objects.in_bulk(user_ids),
        teams=Team.objects.in_bulk(team_ids),
        people=visible_ids(reader, person_ids),
    )


def describe_change(change: AuditChange, names: _Names) -> tuple[str, list[str]]:
    """(what was done, one line per field): "changed the date of birth", ["from ... to ..."]."""
    model = _models_by_table().get(change.table_name)
    fields = _fields_by_column(model) if model is not None else {}
    is_person = model is not None and model._meta.label == "people.Person"
    noun = _noun(model, change.table_name)
    columns = _changed_columns(change)

    def label(column: str) -> str:
        f = fields.get(column)
        return _lower_first(str(f.verbose_name)) if f is not None else column.replace("_", " ")

    def words(column: str, values: dict[str, Any] | None) -> str:
        return _value_words(fields.get(column), (values or {}).get(column), names)

    def about_this_record(column: str, values: dict[str, Any] | None) -> bool:
        """The column that says whose record the row is on: this one, so not worth a line."""
        f = fields.get(column)
        value = (values or {}).get(column)
        related = _related_model(f) if f is not None else None
        return (
            related is not None
            and related._meta.label == "people.Person"
            and str(value) == str(change.person_id)
        )

    if change.operation == "INSERT":
        what = "created the record" if is_person else f"added {_article(noun)} {noun}"
        details = [
            f"{label(c)}: {words(c, change.new_values)}"
            for c in columns
            if (change.new_values or {}).get(c) not in (None, "", False, [])
            and not about_this_record(c, change.new_values)
        ]
        return what, details
    if change.operation == "DELETE":
        return f"removed {_article(noun)} {noun}", [
            f"{label(c)}: {words(c, change.old_values)}"
            for c in columns
            if (change.old_values or {}).get(c) not in (None, "", False, [])
            and not about_this_record(c, change.old_values)
        ]
    subject = "" if is_person else f" of the {noun}"

    def change_words(c: str) -> str:
        before, after = words(c, change.old_values), words(c, change.new_values)
        if before == "blank":
            return f"set the {label(c)}{subject} to {after}"
        if after == "blank":
            return f"cleared the {label(c)}{subject} (it was {before})"
        return f"changed the {label(c)}{subject} from {before} to {after}"

    if len(columns) == 1:
        return change_words(columns[0]), []
    what = "changed the record's details" if is_person else f"changed {_article(noun)} {noun}"
    return what, [change_words(c) for c in columns]


def is_worth_reading(change: AuditChange) -> bool:
    if change.table_name in _QUIET_TABLES:
        return False
    return bool(_changed_columns(change))


def change_entries(changes: Sequence[AuditChange], *, reader: Any) -> list[Entry]:
    """The changes in words for ``reader`` (who may not open every record they point to)."""
    names = _names_for(changes, reader)
    out = []
    for change in changes:
        actor = names.users.get(change.actor_id) if change.actor_id else None
        what, details = describe_change(change, names)
        out.append(
            Entry(
                at=change.at,
                who=actor.display_name if actor else (change.actor_label or "Haven"),
                role=role_words(actor.role) if actor else "",
                what=what,
                details=details,
                ip_address=str(change.client_addr or "") if actor is None else "",
                kind="change",
            )
        )
    return out


# -- one timeline, filtered and in pages ------------------------------------------------------


@dataclass(frozen=True)
class LogFilter:
    user_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _filtered(qs: QuerySet[Any], user_column: str, chosen: LogFilter) -> QuerySet[Any]:
    if chosen.user_id is not None:
        qs = qs.filter(**{user_column: chosen.user_id})
    if chosen.date_from is not None:
        qs = qs.filter(at__gte=_day_start(chosen.date_from))
    if chosen.date_to is not None:
        qs = qs.filter(at__lt=_day_start(chosen.date_to + datetime.timedelta(days=1)))
    return qs


def timeline_keys(person_ids: Sequence[int], chosen: LogFilter) -> QuerySet[Any]:
    """(kind, id, at) of every access and change, newest first, as one query to page through:
    kind "a" is an access-log row, "c" a change."""
    accesses = _filtered(AccessLog.objects.filter(person_id__in=person_ids), "user_id", chosen)
    changes = _filtered(
        AuditChange.objects.filter(person_id__in=person_ids)
        .exclude(table_name__in=_QUIET_TABLES)
        .exclude(table_name=_NAMES_TABLE, operation="INSERT", new_values__name_type="primary")
        .exclude(table_name=_NAMES_TABLE, operation="UPDATE")
        .exclude(operation="UPDATE", changed_fields__contained_by=sorted(_QUIET_COLUMNS)),
        "actor_id",
        chosen,
    )
    return (
        accesses.annotate(kind=Value("a"))
        .values_list("kind", "id", "at")
        .union(changes.annotate(kind=Value("c")).values_list("kind", "id", "at"), all=True)
        .order_by("-at", "-id")
    )


def timeline_entries(
    keys: Iterable[tuple[str, int, datetime.datetime]], *, reader: Any
) -> list[Entry]:
    """The entries for a page of ``timeline_keys``, in the same order (a few queries)."""
    keys = list(keys)
    access_rows = AccessLog.objects.in_bulk([pk for kind, pk, _ in keys if kind == "a"])
    change_rows = AuditChange.objects.in_bulk([pk for kind, pk, _ in keys if kind == "c"])
    users = User.objects.in_bulk({r.user_id for r in access_rows.values() if r.user_id})
    changes = [change_rows[pk] for kind, pk, _ in keys if kind == "c"]
    worded = dict(zip([c.pk for c in changes], change_entries(changes, reader=reader), strict=True))
    out = []
    for kind, pk, _ in keys:
        if kind == "a":
            out.append(access_entry(access_rows[pk], users))
        elif is_worth_reading(change_rows[pk]):
            out.append(worded[pk])
    return out


def people_in_log(person_ids: Sequence[int]) -> list[tuple[int, str]]:
    """(user id, "Name (role)") of everyone who opened or changed the record, for the filter."""
    ids: set[Any] = set(
        AccessLog.objects.filter(person_id__in=person_ids, user__isnull=False).values_list(
            "user_id", flat=True
        )
    ) | set(
        AuditChange.objects.filter(person_id__in=person_ids, actor_id__isnull=False).values_list(
            "actor_id", flat=True
        )
    )
    users = sorted(User.objects.filter(pk__in=ids), key=lambda u: u.display_name.lower())
    return [(u.pk, f"{u.display_name} ({role_words(u.role)})") for u in users]


CSV_HEADER = [
    "When (London time)",
    "Who",
    "Role",
    "What",
    "Details",
    "IP address",
    "Emergency access reason",
]


def csv_rows(
    person_ids: Sequence[int], chosen: LogFilter, *, reader: Any, chunk: int = 500
) -> Iterator[list[str]]:
    """Every entry for information governance, a chunk of rows at a time."""
    yield CSV_HEADER
    keys = timeline_keys(person_ids, chosen)
    start = 0
    while True:
        batch = list(keys[start : start + chunk])
        if not batch:
            return
        for entry in timeline_entries(batch, reader=reader):
            yield [
                timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
                entry.who,
                entry.role,
                entry.what,
                "; ".join(entry.details),
                entry.ip_address,
                entry.emergency_reason,
            ]
        start += chunk
