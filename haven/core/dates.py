import datetime


def long_date(day: datetime.date) -> str:
    """A date as people write it: 1 March 2024 (no leading zero)."""
    return f"{day.day} {day:%B %Y}"
