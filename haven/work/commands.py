"""Subcommands of ``haven`` added by this package: ``haven work refresh``."""

from __future__ import annotations

import argparse
import time


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this package's subcommands (found by haven.cli.command_modules)."""
    work = sub.add_parser(
        "work",
        help="the work store behind the managers' views",
        description="The managers' views read their teams' work from a store kept current as "
        "records change; the first read of a day makes it whole again. Run 'haven work "
        "refresh' from cron just after midnight so that no manager waits for it.",
    )
    inner = work.add_subparsers(dest="work_command", required=True)
    refresh = inner.add_parser("refresh", help="make the whole work store again now")
    refresh.set_defaults(handler=cmd_refresh)


def cmd_refresh(args: argparse.Namespace) -> int:
    from haven.work import store
    from haven.work.models import StoredItem

    started = time.perf_counter()
    store.refresh(whole=True)
    print(
        f"The work store holds {StoredItem.objects.count():,} items "
        f"(made in {time.perf_counter() - started:.1f} s)."
    )
    return 0
