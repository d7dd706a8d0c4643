"""Query helpers Django lacks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Lookup


class AnyOf(Lookup):  # type: ignore[type-arg]
    """``id = ANY(array)``: the ids as one parameter, however many, e.g.
    ``Person.objects.filter(AnyOf(F("pk"), ids))``. A manager's lists name thousands of
    children; an ``IN`` list that long is slow to build, send and plan. The array goes as its
    text (``{1,2,3}``): the driver quotes a list of numbers one element at a time.

    ``estimated=False`` hides the ids from the planner (a one-row sub-select), which then
    guesses how many rows match instead of estimating each id against the column's
    statistics. For a query naming the same long list several times (a ``UNION ALL`` of
    record kinds for a team's children), that estimating costs more than running the query;
    for a query whose plan depends on how many rows match, keep the estimate."""

    lookup_name = "any_of"
    prepare_rhs = False

    def __init__(self, lhs: Any, rhs: Iterable[int], *, estimated: bool = True) -> None:
        super().__init__(lhs, "{" + ",".join(str(int(i)) for i in rhs) + "}")
        self.estimated = estimated

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        lhs, params = self.process_lhs(compiler, connection)
        if self.estimated:
            return f"{lhs} = ANY(%s::bigint[])", [*params, self.rhs]
        return f"{lhs} = ANY((SELECT %s::bigint[])::bigint[])", [*params, self.rhs]
