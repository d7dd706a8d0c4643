"""The work store: the manager's view reads most of its teams' work from a table.

A manager's teams hold thousands of cases, and each has its next review, visit, health check,
plan and oversight due: making all of them on every request took most of the page's time. The
providers registered with ``of_cases`` (``items.register_provider``) make their items for any
children; the store keeps each child's items in ``StoredItem`` and the manager's view counts,
orders and pages them in SQL. The items are the same as the providers' own, which
``haven/work/tests/test_wanted.py`` checks, list for list, on a generated county.

How it stays current, with nothing for a service to remember:

- **A record changes.** A trigger on every table that names a person (directly, or through the
  record it belongs to: a review through its period) writes the person's id to
  ``ChangedPerson`` in the same transaction. The next read of the store makes those children's
  items again (``refresh``), before it answers. A change committed while a read makes items is
  left for the next read.
- **The day changes.** Due dates do not move, but some items depend on the day (a legal status
  now, a visit's rule). The first read of a day makes the whole store again; ``haven work
  refresh`` does it ahead (from cron, just after midnight).
- **A setting, the calendar or a worker's name changes.** The store remembers the settings
  and calendar it was made with (``fingerprint``); a closure day or a worker's name changing
  clears that, so the next read makes it whole.

Which children a manager sees is worked out at read time (the open allocations of their teams,
and need-to-know), so moving a case between teams moves its items with no remaking.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import CharField, Count, F, Q, QuerySet, Value
from django.db.models.functions import Collate
from django.utils import timezone

from haven.accounts.models import User
from haven.core.calendar import LONDON
from haven.core.lookups import AnyOf
from haven.work.items import WorkItem, cases_held, end_of_day, need_to_know, stored_providers
from haven.work.models import StoredItem, StoreState

# The apps whose tables never change a work item (the store's own, the audit trail and access
# log, jobs): no trigger. Accounts: only a worker's name matters (``_WHOLE``).
_UNWATCHED_APPS = frozenset({"core", "work", "jobs", "accounts", "otp_totp"})
# Tables a change to which remakes the whole store: (table, the columns whose update counts).
_WHOLE = (("accounts_user", ("first_name", "last_name")), ("core_closureday", ()))
# A transaction-level advisory lock: one request makes the store at a time.
_LOCK = 0x4861_7665_6E57  # "HavenW"
_CHUNK = 4000  # children made at once when making the whole store


# -- the triggers (made after every migrate: ``core.db_roles.register_prepare_step``) -----------

_FUNCTION = """
CREATE OR REPLACE FUNCTION haven_work_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    i integer := 0;
    ids bigint[];
BEGIN
    IF TG_ARGV[0] = '*' THEN
        UPDATE work_storestate SET fingerprint = '';
        RETURN NULL;
    END IF;
    -- Arguments in threes: a column, and (for a column naming another record) that record's
    -- table and its person column; '' for a column that names the person itself.
    WHILE i < TG_NARGS LOOP
        ids := ARRAY[(to_jsonb(NEW) ->> TG_ARGV[i])::bigint, (to_jsonb(OLD) ->> TG_ARGV[i])::bigint];
        IF TG_ARGV[i + 1] <> '' THEN
            EXECUTE format('SELECT array_agg(%I) FROM %I WHERE id = ANY($1)',
                           TG_ARGV[i + 2], TG_ARGV[i + 1])
               INTO ids USING ids;
        END IF;
        INSERT INTO work_changedperson (person_id)
            SELECT DISTINCT p FROM unnest(ids) p WHERE p IS NOT NULL;
        i := i + 3;
    END LOOP;
    RETURN NULL;
END
$$;
"""


def watched_tables() -> dict[str, list[str]]:
    """Each table whose rows name a person, with the trigger's arguments (see ``_FUNCTION``)."""
    from haven.core.db_roles import haven_models
    from haven.people.models import Person

    def person_columns(model: type[models.Model]) -> list[str]:
        if model is Person:
            return ["id"]
        return [
            f.column
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model is Person
        ]

    watched: dict[str, list[str]] = {}
    for model in haven_models():
        if model._meta.app_label in _UNWATCHED_APPS:
            continue
        args: list[str] = []
        for column in person_columns(model):
            args += [column, "", ""]
        if not args:
            # Through the record it belongs to (a review through its period).
            for f in model._meta.concrete_fields:
                if not isinstance(f, models.ForeignKey):
                    continue
                target = f.related_model
                for column in person_columns(target):  # type: ignore[arg-type]
                    args += [f.column, target._meta.db_table, column]  # type: ignore[union-attr]
        if args:
            watched[model._meta.db_table] = args
    return watched


def install_triggers(cursor: Any) -> None:
    cursor.execute(_FUNCTION)
    for table, args in watched_tables().items():
        quoted = ", ".join(f"'{arg}'" for arg in args)
        cursor.execute(
            f'CREATE OR REPLACE TRIGGER haven_work_changed AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION haven_work_changed({quoted})"
        )
    for table, columns in _WHOLE:
        of = f" OF {', '.join(columns)}" if columns else ""
        cursor.execute(
            f'CREATE OR REPLACE TRIGGER haven_work_changed AFTER INSERT OR UPDATE{of} OR DELETE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION haven_work_changed('*')"
        )


# -- keeping it current -----------------------------------------------------------------------


def fingerprint() -> str:
    """Of what the due dates are worked out with besides the records: Haven's settings and the
    stored providers (the closure days clear the stored one: ``_WHOLE``)."""
    names = sorted(name for name in dir(settings) if name.startswith("HAVEN_"))
    made_of = repr([(name, getattr(settings, name)) for name in names])
    made_of += repr(sorted(p.name for p in stored_providers()))
    return hashlib.sha256(made_of.encode()).hexdigest()


def _state(cursor: Any) -> tuple[datetime.date | None, str, bool]:
    cursor.execute(
        "SELECT (SELECT built_on FROM work_storestate WHERE id = 1),"
        " (SELECT fingerprint FROM work_storestate WHERE id = 1),"
        " EXISTS (SELECT 1 FROM work_changedperson)"
    )
    built_on, made_with, changed = cursor.fetchone()
    return built_on, made_with or "", changed


def refresh(*, whole: bool = False) -> None:
    """Bring the store up to date (``whole``: make every child's items again, whatever)."""
    today, made_of = timezone.localdate(), fingerprint()
    with connection.cursor() as cursor:
        built_on, made_with, changed = _state(cursor)
        if not whole and built_on == today and made_with == made_of and not changed:
            return
        with transaction.atomic():
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
            built_on, made_with, changed = _state(cursor)  # another request may have done it
            if whole or built_on != today or made_with != made_of:
                cursor.execute("DELETE FROM work_changedperson")
                StoredItem.objects.all().delete()
                _make(None)
                StoreState.objects.update_or_create(
                    id=1, defaults={"built_on": today, "fingerprint": made_of}
                )
            elif changed:
                cursor.execute("DELETE FROM work_changedperson RETURNING person_id")
                people = sorted({row[0] for row in cursor.fetchall()})
                StoredItem.objects.filter(person_id__in=people).delete()
                _make(people)


def _make(people: list[int] | None) -> None:
    """Make and store the items of these children (``None``: of every open case, and every
    child a provider keeps besides: ``StoredProvider.also``)."""
    which = Q() if people is None else Q(person_id__in=people)
    held = cases_held(which)
    for provider in stored_providers():
        cases = held
        if provider.also is not None:
            model, also = provider.also
            extra = model.objects.filter(also, which).values_list("person_id", flat=True)
            cases = {pid: "" for pid in extra} | held
        ids = sorted(cases)
        for start in range(0, len(ids), _CHUNK):
            chunk = {pid: cases[pid] for pid in ids[start : start + _CHUNK]}
            rows = [_row(provider.name, item) for item in provider.of_cases(chunk)]
            StoredItem.objects.bulk_create(rows, batch_size=2000)


def _row(provider: str, item: WorkItem) -> StoredItem:
    if len(item.people) != 1:
        raise ValueError(f"{provider} made an item about {len(item.people)} people, not one")
    is_date = not isinstance(item.due, datetime.datetime)
    return StoredItem(
        provider=provider,
        person_id=item.people[0][0],
        kind=item.kind,
        title=item.title,
        due=end_of_day(item.due, LONDON) if is_date else item.due,  # type: ignore[arg-type]
        due_is_date=is_date,
        url=item.url,
        owner=item.owner,
        awaiting_authorisation=item.awaiting_authorisation,
        urgent=item.urgent,
        only_overdue=item.only_overdue,
    )


# -- reading it -------------------------------------------------------------------------------


def overdue_q(now: datetime.datetime, today: datetime.date) -> Q:
    """``WorkItem.overdue_at`` in SQL."""
    return Q(due_is_date=True, due__lt=end_of_day(today, LONDON)) | Q(due_is_date=False, due__lt=now)


def teams_rows(user: User, now: datetime.datetime, today: datetime.date) -> QuerySet[StoredItem]:
    """The stored items of the cases the user's teams hold that the user may see, as the
    manager's view keeps them (``items.Wanted``: awaiting, unallocated or overdue). Read after
    ``refresh``."""
    from haven.people.access import (
        ALLOCATION_ROLES,
        restriction_q,
        user_team_ids,
        visible_ids,
        visible_q,
    )
    from haven.people.models import Allocation, Person

    held = Allocation.objects.filter(end_date__isnull=True, team_id__in=user_team_ids(user))
    in_held = Q(person_id__in=held.values("person_id"))
    if user.role in ALLOCATION_ROLES:
        # The teams hold the child, which is what lets the user see them, restriction apart.
        in_held &= restriction_q(user, "person__", by_id=True)
    else:
        in_held &= Q(person_id__in=Person.objects.filter(visible_q(user)).values("pk"))
    shown = [p for p in stored_providers() if p.shown_to(user)]
    seen = in_held
    for provider in shown:
        if provider.also_seen_by is not None:
            also = visible_ids(user, provider.also_seen_by(user))
            seen |= Q(provider=provider.name) & Q(AnyOf(F("person_id"), also, estimated=False))
    overdue = overdue_q(now, today)
    return StoredItem.objects.filter(
        seen,
        Q(awaiting_authorisation=True) | Q(owner="") | overdue,
        ~Q(only_overdue=True) | overdue,
        provider__in=[p.name for p in shown],
    )


def ordered(rows: QuerySet[StoredItem]) -> QuerySet[StoredItem]:
    """In the lists' order (``items.sort_key``): urgent first, by when due, then by title as
    Python compares it (code points: the "C" collation); ``StoredItem``'s ``in_list_order``
    index."""
    return rows.order_by("-urgent", "due", Collate("title", "C"), "pk")


def _item(row: StoredItem) -> WorkItem:
    return WorkItem(
        row.kind,
        row.title,
        timezone.localtime(row.due, LONDON).date() if row.due_is_date else row.due,
        row.url,
        ((row.person_id, ""),),
        row.owner,
        awaiting_authorisation=row.awaiting_authorisation,
        urgent=row.urgent,
        only_overdue=row.only_overdue,
    )


def as_items(user: User, rows: Iterable[StoredItem]) -> list[WorkItem]:
    """The rows as work items, their children named with need-to-know."""
    return need_to_know(user, [_item(row) for row in rows])


@dataclass(frozen=True)
class Counts:
    by_section: dict[str, int]
    overdue_by_owner: Counter[str]


def counts(rows: QuerySet[StoredItem], sections: dict[str, Q], overdue: str) -> Counts:
    """How many rows each section has, and each owner's in the ``overdue`` section: one query."""
    by_section: Counter[str] = Counter()
    by_owner: Counter[str] = Counter()
    grouped: Iterable[dict[str, Any]] = (
        rows.values("owner")  # type: ignore[assignment]
        .annotate(**{key: Count("pk", filter=q) for key, q in sections.items()})
        .order_by()
    )
    for row in grouped:
        for key in sections:
            by_section[key] += row[key]
        if row[overdue]:
            by_owner[row["owner"]] += row[overdue]
    return Counts({key: by_section[key] for key in sections}, by_owner)


def firsts(
    user: User, rows: QuerySet[StoredItem], sections: dict[str, Q], shown: int, among: Counts
) -> dict[str, list[WorkItem]]:
    """Each section's ``shown`` first rows, in order, as work items, in one query (read along
    the lists' order, ``ordered``'s index, and stopped at ``shown``; a section ``among`` counts
    no row of is not read), named at once."""
    parts = [
        ordered(rows.filter(q)).annotate(section=Value(key, output_field=CharField()))[:shown]
        for key, q in sections.items()
        if among.by_section[key]
    ]
    by_section: dict[str, list[WorkItem]] = {key: [] for key in sections}
    if not parts:
        return by_section
    found = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    made = [(row.section, _item(row)) for row in found]  # type: ignore[attr-defined]
    # Named in one query (the same items, named in place; none left out, since the rows are
    # already those the user may see).
    kept = {id(item) for item in need_to_know(user, [item for _, item in made])}
    for key, item in made:
        if id(item) in kept:
            by_section[key].append(item)
    return by_section
