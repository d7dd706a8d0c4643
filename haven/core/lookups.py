"""Query helpers Django lacks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Lookup


class AnyOf(Lookup):  # type: ignore[type-arg]
    """``id = ANY(array)``: the ids as one parameter, however many, e.g.
    ``Person.objects.filter(AnyOf(F("pk"), ids))``. A manager's lists name thousands of
    children; an ``IN`` list that long is slow to build, send and plan. The array goes as its
    text (``{1,2,3}``): the driver quotes a list of numbers one element at a time."""

    lookup_name = "any_of"
    prepare_rhs = False

    def __init__(self, lhs: Any, rhs: Iterable[int]) -> None:
        super().__init__(lhs, "{" + ",".join(str(int(i)) for i in rhs) + "}")

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*params, self.rhs]
