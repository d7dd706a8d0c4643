"""The demo county: the synthetic "small" scenario (haven.synthetic), generated when the
database is empty. Its demo teams and logins (listed in the README) belong to the scenario's
staff (``haven.synthetic.staff``)."""

from __future__ import annotations

from collections.abc import Callable

from haven.accounts.models import User
from haven.synthetic.staff import DEMO_PASSWORD, TEAMS, USERS

__all__ = ["DEMO_PASSWORD", "TEAMS", "USERS", "ensure_demo_county"]


def ensure_demo_county(stdout: Callable[[str], None] = print) -> str:
    """Generate the small scenario into an empty database; leave an existing county alone."""
    from haven.synthetic.generator import generate

    if User.objects.filter(username="social.worker").exists():
        return "The demo county is already set up."
    report = generate("small", stdout=stdout)
    return (
        f"Demo county ready in {report.seconds:.0f} s. "
        f"Every demo user's password is {DEMO_PASSWORD}"
    )
