"""URL converters. ``<id:...>`` is Django's ``<int:...>`` bounded to what a bigint column holds,
so ``/people/99999999999999999999/`` is a 404 rather than an overflow inside a query."""

from __future__ import annotations

# Every primary key is a bigint (DEFAULT_AUTO_FIELD is BigAutoField), as are the person ids in
# the audit trail and the access log, so this is the largest id any row can have.
BIGINT_MAX = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > BIGINT_MAX:
            # A ValueError makes the resolver treat the URL as not matching: a 404.
            raise ValueError(f"{value} is larger than any id")
        return number

    def to_url(self, value: int | str) -> str:
        return str(int(value))
