"""Saving a record people edit, with its version: the one way to notice that someone else
saved first (two tabs, two workers). Every ``version`` bump goes through ``update_with_version``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone


class ConcurrentEditError(Exception):
    """Someone else saved the record since this edit began; ``current`` is the record now."""

    def __init__(self, current: Any) -> None:
        super().__init__(f"The {current._meta.verbose_name} was changed by someone else")
        self.current = current


def update_with_version(
    model: type[models.Model], pk: Any, expected_version: int | None, **values: Any
) -> None:
    """Write ``values`` to the row ``pk`` and add one to its version, in one UPDATE.

    With ``expected_version``, only if the row is still at that version: otherwise nothing is
    written and ``ConcurrentEditError`` carries the record as it is now. ``None`` means the
    caller already holds the row (a lock, or a state check) and only the version moves on.
    ``updated_at`` is set too, since ``update()`` skips ``auto_now``.
    """
    rows = model._default_manager.filter(pk=pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if "updated_at" not in values and any(f.name == "updated_at" for f in model._meta.fields):
        values["updated_at"] = timezone.now()
    if not rows.update(**values, version=models.F("version") + 1):
        current = model._default_manager.get(pk=pk)  # DoesNotExist if it was never there
        raise ConcurrentEditError(current)
