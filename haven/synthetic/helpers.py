"""Small helpers shared by the parts of a synthetic county."""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Sequence

from haven.synthetic.scenario import Choice

DAY = datetime.timedelta(days=1)
YEAR_DAYS = 365.25
MONTH_INDEX = {m: (m - 4) % 12 for m in range(1, 13)}  # April is 0


def zipf(names: Sequence[str], s: float = 0.9) -> Choice:
    return Choice([(n, 1 / (rank**s)) for rank, n in enumerate(names, start=1)], "names")


def ascii_name(text: str) -> str:
    flat = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in flat.lower() if c.isalnum())


def year_days(year: int) -> list[datetime.date]:
    first = datetime.date(year - 1, 4, 1)
    return [first + DAY * i for i in range((datetime.date(year, 3, 31) - first).days + 1)]


def days_in_month(day: datetime.date) -> int:
    following = datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return (following - day.replace(day=1)).days
