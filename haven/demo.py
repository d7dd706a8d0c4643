"""``haven demo``: the demo county is the synthetic "small" scenario with its demo staff
(haven.synthetic.demo_staff), generated when the database is empty."""

from __future__ import annotations

from collections.abc import Callable

from haven.accounts.models import User
from haven.synthetic.demo_staff import DEMO_PASSWORD, TEAMS, USERS

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
