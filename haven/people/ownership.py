"""Which records belong to a person, so that merging two records moves every one of them.

Each package registers the models that point at a person in its app's ``ready()``:

    register_person_owned(Referral, on_clash=refuse_if_both_open("an open child in need episode",
                                                                  end_field="closure_date",
                                                                  start_field="referral_date"))

naming the field(s) that hold the person and what to do when the kept record already has
something the duplicate's row would collide with (one open plan per child, ...). A model that
points at a person but must stay with the merged record (the merge pointer itself) is
registered with ``register_stays_with_merged``. ``tests/test_person_ownership.py`` walks every
model and fails for a foreign key to a person that is in neither list, so a new package cannot
forget to register.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction

from haven.core.dates import long_date

# (keep, duplicate) -> why the two cannot be merged as they stand, one message per clash.
ClashCheck = Callable[[Any, Any], list[str]]
# (keep, duplicate) -> None: move the model's rows from the duplicate to the kept record.
Mover = Callable[[Any, Any], None]


@dataclass(frozen=True)
class PersonOwned:
    model: type[models.Model]
    fields: tuple[str, ...]
    on_clash: ClashCheck | None = None
    move: Mover | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label

    def clashes(self, keep: Any, duplicate: Any) -> list[str]:
        return self.on_clash(keep, duplicate) if self.on_clash else []

    def move_rows(self, keep: Any, duplicate: Any) -> None:
        if self.move is not None:
            self.move(keep, duplicate)
            return
        manager = self.model._default_manager
        for name in self.fields:
            manager.filter(**{name: duplicate}).update(**{name: keep})


_owned: dict[str, PersonOwned] = {}
# label -> (fields, why they stay with the merged record)
_stays: dict[str, tuple[tuple[str, ...], str]] = {}


def person_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The model's foreign keys (and one-to-ones) to people.Person."""
    return tuple(
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, models.ForeignKey)
        and f.related_model is not None
        and f.related_model._meta.label == "people.Person"
    )


def _check_fields(model: type[models.Model], fields: tuple[str, ...]) -> None:
    pointing = person_fields(model)
    wrong = [f for f in fields if f not in pointing]
    if not fields or wrong:
        raise ValueError(
            f"{model._meta.label}: {', '.join(wrong) or 'no field'} is not a foreign key to a person"
        )


def register_person_owned(
    model: type[models.Model],
    *,
    fields: tuple[str, ...] = ("person",),
    on_clash: ClashCheck | None = None,
    move: Mover | None = None,
) -> None:
    """``model``'s rows belong to the person in ``fields``: a merge moves them to the kept
    record. ``on_clash`` says why the merge must be refused (checked before anything moves);
    ``move`` replaces the plain update where rows must be combined rather than moved."""
    _check_fields(model, fields)
    _owned[model._meta.label] = PersonOwned(model, fields, on_clash, move)


def register_stays_with_merged(
    model: type[models.Model], *, fields: tuple[str, ...], reason: str
) -> None:
    """``model``'s ``fields`` point at a person but stay on the merged record (``reason``)."""
    _check_fields(model, fields)
    _stays[model._meta.label] = (fields, reason)


def owned_models() -> list[PersonOwned]:
    return list(_owned.values())


def stays_with_merged() -> dict[str, tuple[tuple[str, ...], str]]:
    return dict(_stays)


class MergeClash(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def move_everything(*, keep: Any, duplicate: Any) -> None:
    """Move every registered model's rows from ``duplicate`` to ``keep``, or nothing.

    The registered clash checks run first, so the user is told every clash at once. A clash no
    check foresaw (a database constraint) still refuses the merge, naming the model, rather
    than failing half-way: each model moves in a savepoint and the caller's transaction is
    rolled back by the ``MergeClash`` raised here."""
    entries = owned_models()
    messages = [m for entry in entries for m in entry.clashes(keep, duplicate)]
    if messages:
        raise MergeClash(messages)
    for entry in entries:
        try:
            with transaction.atomic():
                entry.move_rows(keep, duplicate)
        except IntegrityError:
            messages.append(
                f"Both records have {entry.model._meta.verbose_name_plural} that cannot be "
                "combined: correct one of the records first"
            )
    if messages:
        raise MergeClash(messages)


# -- clash checks most models need ----------------------------------------------------------


def refuse_if_both_open(
    model: type[models.Model],
    what: str,
    *,
    end_field: str = "end_date",
    start_field: str = "start_date",
    field: str = "person",
) -> ClashCheck:
    """Refuse when both records have an open ``model`` row (one open plan per child, ...):
    which one continues is a practitioner's decision, not the merge's."""

    def check(keep: Any, duplicate: Any) -> list[str]:
        starts = []
        for who in (keep, duplicate):
            row = (
                model._default_manager.filter(**{field: who, f"{end_field}__isnull": True})
                .order_by(start_field)
                .values(start_field)
                .first()
            )
            if row is None:
                return []
            starts.append(f"record {who.pk} from {long_date(row[start_field])}")
        return [f"Both records have {what} ({' and '.join(starts)}): end one before merging"]

    return check
