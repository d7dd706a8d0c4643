"""Subcommands of ``haven`` added by this package: ``haven generate``."""

from __future__ import annotations

import argparse

from haven.synthetic.scenario import available_scenarios


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this package's subcommands (found by haven.cli.command_modules)."""
    p = sub.add_parser(
        "generate",
        help="build a synthetic county (for demos, tests and benchmarks)",
        description=(
            "Generate a synthetic county from a scenario file with bulk loading: families, "
            "contacts, MASH checks, decisions, referrals, assessments, strategy discussions, S47 "
            "enquiries, conferences, CP and CIN plans, core groups, visits, closures, children "
            "looked after (periods of care, placements, episodes, reviews, health, UASC, "
            "adoption) and their chronology."
        ),
    )
    p.add_argument(
        "--scenario",
        default="small",
        help=f"a built-in scenario ({', '.join(available_scenarios())}) or a .toml path",
    )
    p.add_argument("--years", type=int, help="collection years to report (scenario default)")
    p.add_argument(
        "--end-year",
        help="the year of the last collection year's 31 March, or 'current' (scenario default)",
    )
    p.add_argument("--seed", type=int, help="random seed (scenario default)")
    p.add_argument(
        "--replace",
        action="store_true",
        help="wipe every Haven record in this database first (required if it holds any)",
    )
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    from haven.core.errors import CommandError
    from haven.synthetic.generator import GenerationError, generate

    call_command("migrate", verbosity=0)
    end_year: int | str | None = args.end_year
    if end_year is not None and end_year != "current":
        try:
            end_year = int(end_year)
        except ValueError:
            raise CommandError(
                f"--end-year must be a year or 'current', not {end_year!r}"
            ) from None
    try:
        generate(
            args.scenario,
            years=args.years,
            end_year=end_year,
            seed=args.seed,
            replace=args.replace,
            stdout=lambda line: print(line, flush=True),
        )
    except GenerationError as exc:
        raise CommandError(str(exc)) from exc
    return 0
