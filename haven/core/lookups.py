"""Query helpers Django lacks."""

from __future__ import annotations

from typing import Any

from django.db.models import Lookup


class AnyOf(Lookup):  # type: ignore[type-arg]
    """``id = ANY(array)``: the ids as one parameter, however many, e.g.
    ``Person.objects.filter(AnyOf(F("pk"), ids))``. A manager's lists name thousands of
    children; an ``IN`` list that long is slow to build, send and plan."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*params, list(self.rhs)]
