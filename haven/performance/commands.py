"""Subcommands of ``haven`` added by this package: the figures and the Ofsted lists, for
analysts and automation. They run as the system: restricted records are left out, as for a
user named on none."""

from __future__ import annotations

import argparse
import datetime
import io
import json
import sys
from typing import Any

from haven.core import csv_safe
from haven.core.errors import CommandError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this package's subcommands (found by haven.cli.command_modules)."""
    figures = sub.add_parser(
        "figures",
        help="performance figures for DfE years (1 April to 31 March) as JSON or CSV",
        description="Figures counted from the records now. A year is named by the 31 March "
        "that ends it: 2020 is April 2019 to March 2020.",
    )
    figures.add_argument(
        "page", help="which figures: a registered page such as frontdoor, protection or care"
    )
    figures.add_argument(
        "--year",
        action="append",
        metavar="YEAR",
        help="a year (2020) or a range (2016-2020); repeat for more (default: this year)",
    )
    figures.add_argument("--format", choices=["json", "csv"], default="json")
    figures.add_argument("--out", metavar="FILE", help="write here instead of to the screen")
    figures.set_defaults(handler=cmd_figures)

    annex = sub.add_parser(
        "annex-a",
        help="an Ofsted Annex A list (1 contacts, 3 referrals, 4 assessments, 5 S47 enquiries "
        "and ICPCs, 6 children in need, 7 child protection, 8 children looked after, and any "
        "other a part of the service registers) as CSV",
    )
    annex.add_argument("--list", required=True, dest="list_number", metavar="NUMBER")
    annex.add_argument("--from", required=True, dest="date_from", metavar="YYYY-MM-DD")
    annex.add_argument("--to", required=True, dest="date_to", metavar="YYYY-MM-DD")
    annex.add_argument("--out", required=True, metavar="FILE.csv")
    annex.set_defaults(handler=cmd_annex_a)


def _open_out(path: str) -> Any:
    try:
        return open(path, "w", newline="", encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None


def figures_output(page_key: str, years: list[int], output_format: str) -> str:
    """The figures as text: JSON ``{"2020": {measure: value, ...}}`` or CSV, a row a year."""
    from haven.performance import measures, periods, selectors

    try:
        page = measures.get_page(page_key)
    except KeyError:
        known = ", ".join(sorted(measures.pages()))
        raise CommandError(f"no figures called {page_key!r}; known: {known}") from None
    chosen = [periods.dfe_year(y) for y in years]
    figures = selectors.figures_compute(page=page, periods=chosen, user=None, by_month=[])
    table = {period.key: figures.values(period) for period in chosen}
    if output_format == "json":
        return json.dumps(table, indent=2) + "\n"
    buffer = io.StringIO()
    writer = csv_safe.writer(buffer, lineterminator="\n")
    names = [m.name for m in page.measures] + [d.name for d in page.derived]
    writer.writerow(["year", *names])
    for key, values in table.items():
        writer.writerow([key, *(_csv_cell(values[n]) for n in names)])
    return buffer.getvalue()


def _csv_cell(value: Any) -> Any:
    """A figure for a CSV cell: a series (a list of dicts) as "a=1 b=2; a=3 b=4"."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(" ".join(f"{k}={v}" for k, v in item.items()) for item in value)
    return value


def cmd_figures(args: argparse.Namespace) -> int:
    from haven.performance import periods

    try:
        years = periods.parse_years(args.year or [str(periods.current_year())])
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    text = figures_output(args.page, years, args.format)
    if args.out:
        with _open_out(args.out) as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0


def _date(value: str, name: str) -> datetime.date:
    from django.core.exceptions import ValidationError

    from haven.ui.parsing import parse_iso_date

    try:
        return parse_iso_date(value, label=f"--{name}")
    except ValidationError as exc:
        if exc.code == "invalid":
            raise CommandError(f"--{name} {value!r} is not a date such as 2024-04-01") from None
        raise CommandError(f"{exc.messages[0]} (you gave {value!r})") from None


def cmd_annex_a(args: argparse.Namespace) -> int:
    from haven.core.models import AccessAction
    from haven.core.services import access_log_record
    from haven.performance import annex_a

    try:
        chosen = annex_a.lists()[int(args.list_number)]
    except (ValueError, KeyError):
        made = ", ".join(str(n) for n in annex_a.lists())
        raise CommandError(
            f"--list {args.list_number!r}: Haven makes Annex A lists {made}"
        ) from None
    first, last = _date(args.date_from, "from"), _date(args.date_to, "to")
    from haven.performance.forms import annex_a_range_problem

    if first > last:
        raise CommandError(f"--from {first} is after --to {last}")
    problem = annex_a_range_problem(first, last)
    if problem:
        raise CommandError(f"--from {first} to --to {last}: {problem[1].lower()}")
    rows = 0
    with _open_out(args.out) as out:
        writer = csv_safe.writer(out)
        for row in chosen.rows(first, last, None):
            writer.writerow(row)
            rows += 1
    access_log_record(
        user=None,
        action=AccessAction.EXPORT,
        detail=f"Annex A list {chosen.number} {first:%d/%m/%Y} to {last:%d/%m/%Y} "
        f"(command line, {args.out})",
    )
    print(f"Wrote {chosen.title} ({rows - 1} rows) to {args.out}", file=sys.stderr)
    return 0
