"""Subcommands of ``haven`` added by this package: ``haven jobs [list|worker]``."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this package's subcommands (found by haven.cli.command_modules)."""
    jobs = sub.add_parser(
        "jobs",
        help="background jobs: list recent ones, or run a worker",
        description="Imports, validations and large exports run as jobs queued in PostgreSQL. "
        "'haven serve' runs a worker; 'haven jobs worker' runs one in the foreground.",
    )
    jobs.set_defaults(handler=cmd_list, limit=20)
    inner = jobs.add_subparsers(dest="jobs_command")
    listing = inner.add_parser("list", help="recent jobs with their status (the default)")
    listing.add_argument("--limit", type=int, default=20)
    listing.set_defaults(handler=cmd_list)
    worker = inner.add_parser("worker", help="run queued jobs until stopped (Ctrl+C)")
    worker.add_argument(
        "--interval", type=float, default=1.0, help="seconds between looks at an empty queue"
    )
    worker.set_defaults(handler=cmd_worker)


def cmd_list(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from haven.jobs.selectors import jobs_recent

    jobs = jobs_recent(limit=args.limit)
    if not jobs:
        print("No jobs yet.")
        return 0
    for job in jobs:
        started = timezone.localtime(job.created_at).strftime("%Y-%m-%d %H:%M")
        progress = f" {job.progress_text}" if job.progress_text and not job.finished else ""
        print(
            f"{job.pk}  {started}  {job.status_label:<16} {job.started_by.get_username():<16} "
            f"{job.title}{progress}"
        )
        if job.error:
            print(f"    {job.error}")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from haven.jobs.worker import worker_run

    print("Haven's job worker is running (Ctrl+C to stop)", flush=True)
    worker_run(interval=args.interval, out=sys.stdout)
    return 0
