"""``haven migrate rehearse DIR [--out REPORT_DIR]``: rehearse a migration from past returns."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from haven.core.errors import CommandError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this package's subcommands (found by haven.cli.command_modules)."""
    migrate = sub.add_parser(
        "migrate", help="moving to Haven from another system: rehearse importing past returns"
    )
    inner = migrate.add_subparsers(dest="migrate_command", required=True)
    rehearse = inner.add_parser(
        "rehearse",
        help="load a folder of past returns into a throwaway database, re-export each year, "
        "run the DfE rules and write a report",
        description="Every CIN census file (*.xml) in DIR and below is imported into a "
        "throwaway database made for the purpose, oldest year first, with records that break a "
        "DfE rule imported and listed; then every SSDA903 table (*.csv), every year at once. "
        "Each year is exported again and compared with its files (the census element by "
        "element, the SSDA903 row by row), both are put through the DfE's rules, and the "
        "figures are computed from the files and by Haven. What the SSDA903 import leaves out "
        "is listed as not imported. Haven's own database is not touched. Exit 0 only when the "
        "rehearsal is clean.",
    )
    rehearse.add_argument("folder", metavar="DIR")
    rehearse.add_argument(
        "--out", metavar="REPORT_DIR", help="where to write the report (default: DIR/rehearsal)"
    )
    rehearse.add_argument(
        "--no-validate", action="store_true", help="skip the DfE rules (faster; not a sign-off)"
    )
    rehearse.set_defaults(handler=cmd_rehearse)


def cmd_rehearse(args: argparse.Namespace) -> int:
    from haven.migration.rehearsal import rehearse
    from haven.migration.report import write_report

    folder = Path(args.folder)
    if not folder.is_dir():
        raise CommandError(f"{args.folder} is not a folder")
    out = Path(args.out) if args.out else folder / "rehearsal"
    result = rehearse(
        folder,
        validate=not args.no_validate,
        say=lambda line: print(line, file=sys.stderr, flush=True),
    )
    if not result.years and not result.ssda903_years and not result.refused:
        raise CommandError(
            f"{args.folder} has no CIN census file (*.xml) and no SSDA903 table (*.csv)"
        )
    path = write_report(result, out)
    for y in result.years:
        print(
            f"{y.year}: {y.before.children} children in the file, {y.after.children} in Haven's "
            f"return; {len(y.rejected)} rejected, {len(y.differences)} differences, "
            f"{len(y.new_errors)} new DfE errors, "
            f"{sum(not f.same for f in y.figures)} figures differ"
        )
    for lac in result.ssda903_years:
        print(
            f"SSDA903 {lac.year}: {lac.rows_in_file['Header']} children in the files, "
            f"{lac.rows_in_haven['Header']} in Haven's return; "
            f"{sum(1 for r in result.ssda903_rejected if r[0] == lac.year)} rejected, "
            f"{len(lac.differences)} differences, {len(lac.not_imported)} values not imported, "
            f"{len(lac.new_errors)} new DfE errors"
        )
    for name, why in result.refused:
        print(f"refused {name}: {why}")
    print(f"{'Clean' if result.clean else 'Not clean'}: report in {path}")
    return 0 if result.clean else 1
