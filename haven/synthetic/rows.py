"""Rows for bulk loading, named by field and written with PostgreSQL ``COPY``.

A ``Table`` is one model's rows. Its ``COPY`` columns come from the model's ``_meta`` (every
concrete field but generated ones, and the primary key only where the loader chooses ids), so a
new column on a model needs no edit here: a row that does not name a required field is refused
when it is added, not when PostgreSQL complains about the ``COPY``.

Rows are given by field name (``person_id=...``, the field's ``attname``) and kept as tuples in
column order, so the ``COPY`` itself is the same loop over tuples as before. A field may be left
out only if the model gives it a plain default (or it is nullable): that default is written, as
the ORM would write it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from typing import Any

from django.db import models


def copy_fields(model: type[models.Model], *, with_id: bool = True) -> list[Any]:
    """The model's fields a ``COPY`` writes, in column order: the concrete fields but generated
    ones, and the primary key only ``with_id``."""
    return [
        f
        for f in model._meta.concrete_fields
        if not getattr(f, "generated", False) and (with_id or not f.primary_key)
    ]


def copy_columns(model: type[models.Model], *, with_id: bool = True) -> tuple[str, ...]:
    """The column list of a ``COPY`` into the model's table."""
    return tuple(f.column for f in copy_fields(model, with_id=with_id))


class Table:
    """One model's rows, by field name, in ``COPY`` column order."""

    def __init__(self, model: type[models.Model], *, with_id: bool = True) -> None:
        self.model = model
        self.name: str = model._meta.db_table
        fields = copy_fields(model, with_id=with_id)
        self.columns: tuple[str, ...] = tuple(f.column for f in fields)
        self.fields: frozenset[str] = frozenset(f.attname for f in fields)
        self.defaults: dict[str, Any] = {}
        for f in fields:
            if f.primary_key:
                continue
            if f.has_default() and not callable(f.default):
                self.defaults[f.attname] = f.default
            elif f.has_db_default():
                self.defaults[f.attname] = getattr(f.db_default, "value", f.db_default)
            elif f.null:
                self.defaults[f.attname] = None
        self.required: frozenset[str] = self.fields - self.defaults.keys()
        names = [f.attname for f in fields]
        # itemgetter of one name returns the value, not a 1-tuple.
        getter = operator.itemgetter(*names)
        self._get: Callable[[dict[str, Any]], tuple[Any, ...]] = (
            getter if len(names) > 1 else (lambda values: (getter(values),))
        )
        self.rows: list[tuple[Any, ...]] = []

    def row(self, **values: Any) -> tuple[Any, ...]:
        """One row as a tuple in column order; refuses an unknown or missing field."""
        if not (values.keys() <= self.fields and self.required <= values.keys()):
            unknown = sorted(values.keys() - self.fields)
            missing = sorted(self.required - values.keys())
            raise TypeError(f"{self.name}: unknown fields {unknown}, missing fields {missing}")
        return self._get({**self.defaults, **values})

    def add(self, **values: Any) -> None:
        self.rows.append(self.row(**values))

    def __len__(self) -> int:
        return len(self.rows)

    def copy_statement(self) -> str:
        # Quoted: a column may be a reserved word (a health record's "on").
        columns = ", ".join(f'"{c}"' for c in self.columns)
        return f'COPY "{self.name}" ({columns}) FROM STDIN'


def copy_rows(cursor: Any, table: Table, rows: Iterable[tuple[Any, ...]] | None = None) -> int:
    """Write ``rows`` (default: the table's own) with one ``COPY``; returns how many."""
    n = 0
    with cursor.copy(table.copy_statement()) as copy:
        for row in table.rows if rows is None else rows:
            copy.write_row(row)
            n += 1
    return n
