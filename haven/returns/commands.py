"""Subcommands of ``haven`` added by this package: ``haven returns cin|validate-cin|import-cin``
and ``haven returns ssda903|validate-903|import-903``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from haven.core.errors import CommandError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this package's subcommands (found by haven.cli.command_modules)."""
    returns = sub.add_parser(
        "returns", help="statutory returns: the CIN census and the SSDA903 (children looked after)"
    )
    inner = returns.add_subparsers(dest="returns_command", required=True)

    export = inner.add_parser(
        "cin",
        help="write the CIN census for a collection year as XML",
        description="A year is named by the 31 March that ends it: 2025 is April 2024 to "
        "March 2025. Restricted records are included (the return is statutory); the export is "
        "recorded in the access log.",
    )
    export.add_argument("--year", type=int, required=True)
    export.add_argument("--out", required=True, metavar="FILE.xml")
    export.add_argument(
        "--validate", action="store_true", help="then run the DfE rules on it and print issues"
    )
    export.set_defaults(handler=cmd_cin)

    validate = inner.add_parser(
        "validate-cin", help="run the DfE CIN census rules on a file and print issues by rule"
    )
    validate.add_argument("file", metavar="FILE.xml")
    validate.add_argument("--year", type=int, help="collection year (default: from the file)")
    validate.set_defaults(handler=cmd_validate)

    lac = inner.add_parser(
        "ssda903",
        help="write the SSDA903 return (children looked after) for a collection year as CSVs",
        description="A year is named by the 31 March that ends it: 2025 is April 2024 to "
        "March 2025. Writes every table the year asks for into DIR (header.csv, episodes.csv, "
        "...) and the previous year's into DIR/previous_year/, which the DfE rules compare "
        "against. Restricted records are included (the return is statutory); the export is "
        "recorded in the access log.",
    )
    lac.add_argument("--year", type=int, required=True)
    lac.add_argument("--out", required=True, metavar="DIR")
    lac.add_argument(
        "--validate", action="store_true", help="then run the DfE rules on it and print issues"
    )
    lac.set_defaults(handler=cmd_ssda903)

    check = inner.add_parser(
        "validate-903",
        help="run the DfE SSDA903 rules on a folder of CSVs and print issues by rule",
        description="Every *.csv in DIR is this year's return (a table is known by its "
        "columns); DIR/previous_year/*.csv, if there, is the previous year's.",
    )
    check.add_argument("folder", metavar="DIR")
    check.add_argument("--year", type=int, required=True, help="collection year, e.g. 2025")
    check.add_argument(
        "--previous",
        metavar="PREV_DIR",
        help="the previous year's CSVs (default: DIR/previous_year)",
    )
    check.set_defaults(handler=cmd_validate_903)

    load = inner.add_parser(
        "import-cin",
        help="load a CIN census file from another system as history (dry run unless --commit)",
    )
    load.add_argument("file", metavar="FILE.xml")
    load.add_argument(
        "--commit", action="store_true", help="import (default: a dry run that changes nothing)"
    )
    load.add_argument(
        "--user",
        required=True,
        help="the Haven username recorded as importing the records (a role that may import)",
    )
    load.add_argument(
        "--import-defects",
        action="store_true",
        help="import records that break a DfE ERROR rule or Haven's own checks, listing each "
        "defect to fix (default: reject them with the rule)",
    )
    load.add_argument(
        "--team",
        help="the team the new children are allocated to (its managers then allocate workers); "
        "without it they belong to no team and only an auditor can open them",
    )
    load.set_defaults(handler=cmd_import)

    load903 = inner.add_parser(
        "import-903",
        help="load another system's SSDA903 CSVs (one or several years) as history "
        "(dry run unless --commit)",
        description="Every *.csv under DIR is read; a table is known by its columns, a file's "
        "year by the year in its folder or file name (else from its dates). Problems are "
        "reported by table, file, row, column and value; --commit imports in one transaction, "
        "all or nothing.",
    )
    load903.add_argument("folder", metavar="DIR")
    load903.add_argument(
        "--commit", action="store_true", help="import (default: a dry run that changes nothing)"
    )
    load903.add_argument(
        "--user",
        required=True,
        help="the Haven username recorded as importing the records (a role that may import)",
    )
    load903.add_argument("--team", help="the team new children are allocated to")
    load903.set_defaults(handler=cmd_import_903)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from None


def print_issues(result: object, out: object = None) -> None:
    from haven.returns.validation import ValidationResult

    assert isinstance(result, ValidationResult)
    stream = out or sys.stdout
    counts = result.counts()
    print(
        f"DfE rules ({result.ruleset}): {counts['ERROR']} errors, {counts['QUERY']} queries "
        f"({result.seconds:.1f} s)",
        file=stream,  # type: ignore[arg-type]
    )
    for code, kind, message, issues in result.by_rule():
        print(f"\n{code} {kind} ({len(issues)}): {message}", file=stream)  # type: ignore[arg-type]
        for issue in issues[:50]:
            where = ".".join(p for p in (issue.table, issue.fields) if p)
            value = f" = {issue.value}" if issue.value else ""
            child = issue.child_id or "(whole return)"
            print(f"  {child}  {where}{value}", file=stream)  # type: ignore[arg-type]
        if len(issues) > 50:
            print(f"  ... and {len(issues) - 50} more", file=stream)  # type: ignore[arg-type]
    for crashed in result.crashed_rules:
        print(f"\nNot checked: {crashed}", file=stream)  # type: ignore[arg-type]


def cmd_cin(args: argparse.Namespace) -> int:
    from haven.returns.census import CollectionYear
    from haven.returns.export import cin_census_export
    from haven.returns.validation import ValidatorUnavailable, validate_cin_file

    try:
        export = cin_census_export(year=args.year, user=None)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    if export.children == 0:
        raise CommandError(
            f"No child was in need in {CollectionYear(args.year).label}: nothing to return "
            "(the census needs at least one child)."
        )
    try:
        Path(args.out).write_bytes(export.xml)
    except OSError as exc:
        raise CommandError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    print(
        f"Wrote the CIN census {args.year} ({export.children} children, {export.episodes} "
        f"episodes) to {args.out} in {export.seconds:.1f} s",
        file=sys.stderr,
    )
    if args.validate:
        try:
            result = validate_cin_file(args.out, ruleset=export.year.ruleset)
        except ValidatorUnavailable as exc:
            raise CommandError(str(exc)) from None
        print_issues(result)
        return 1 if result.errors else 0
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from haven.returns.census import CollectionYear
    from haven.returns.importer import CensusFileError, file_collection_year, read_census
    from haven.returns.validation import ValidatorUnavailable, validate_cin_file

    data = _read(args.file)
    try:
        root = read_census(data)
    except CensusFileError as exc:
        raise CommandError(str(exc)) from None
    try:
        year = args.year or file_collection_year(root)
    except CensusFileError as exc:
        raise CommandError(f"{exc} Or give --year.") from None
    if year is None:
        raise CommandError("the file does not say its year: give --year")
    try:
        result = validate_cin_file(args.file, ruleset=CollectionYear(year).ruleset)
    except ValidatorUnavailable as exc:
        raise CommandError(str(exc)) from None
    print_issues(result)
    return 1 if result.errors else 0


def cmd_ssda903(args: argparse.Namespace) -> int:
    from haven.returns.ssda903 import ssda903_export
    from haven.returns.validation import ValidatorUnavailable, validate_903_export

    try:
        export = ssda903_export(year=args.year, user=None)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    try:
        export.write(args.out)
    except OSError as exc:
        raise CommandError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    previous = export.previous
    print(
        f"Wrote the SSDA903 {args.year} ({export.children} children, {export.episodes} episodes, "
        f"{len(export.tables)} tables) to {args.out} in {export.seconds:.1f} s"
        + (
            f", and {args.year - 1} ({previous.children} children) to "
            f"{Path(args.out) / 'previous_year'}"
            if previous is not None
            else ""
        ),
        file=sys.stderr,
    )
    if args.validate:
        try:
            result = validate_903_export(export)
        except (ValidatorUnavailable, ValueError) as exc:
            raise CommandError(str(exc)) from None
        print_issues(result)
        return 1 if result.errors else 0
    return 0


def cmd_validate_903(args: argparse.Namespace) -> int:
    from haven.returns.ssda903 import PREVIOUS_DIR, la_code
    from haven.returns.validation import ValidatorUnavailable, validate_903_dir

    folder = Path(args.folder)
    if not folder.is_dir() or not any(folder.glob("*.csv")):
        raise CommandError(f"{args.folder} is not a folder of CSV files")
    previous = Path(args.previous) if args.previous else folder / PREVIOUS_DIR
    if args.previous and not previous.is_dir():
        raise CommandError(f"{args.previous} is not a folder")
    try:
        result = validate_903_dir(folder, year=args.year, la=la_code(), previous=previous)
    except (ValidatorUnavailable, ValueError) as exc:
        raise CommandError(str(exc)) from None
    print_issues(result)
    return 1 if result.errors else 0


def _importer(args: argparse.Namespace) -> tuple[object, object]:
    """The user named by --user (whose role may import returns) and the team named by --team."""
    from django.contrib.auth import get_user_model

    from haven.accounts.models import Role
    from haven.accounts.permissions import Capability, roles_with, user_can

    user = get_user_model().objects.filter(username=args.user).first()
    if user is None:
        raise CommandError(f"no Haven user called {args.user!r}")
    if not user_can(user, Capability.IMPORT_RETURNS):
        allowed = ", ".join(Role(r).label.lower() for r in roles_with(Capability.IMPORT_RETURNS))
        raise CommandError(
            f"{args.user} may not import returns: name an active user whose role may ({allowed})"
        )
    team = None
    if args.team:
        from haven.accounts.models import Team

        team = Team.objects.filter(name=args.team).first()
        if team is None:
            raise CommandError(f"no team called {args.team!r}")
    return user, team


def cmd_import(args: argparse.Namespace) -> int:
    from haven.returns.importer import CensusFileError, cin_census_import

    user, team = _importer(args)
    data = _read(args.file)
    try:
        report = cin_census_import(
            data=data,
            user=user,
            dry_run=not args.commit,
            defects="import" if args.import_defects else "reject",
            team=team,
            source_name=Path(args.file).name,
        )
    except CensusFileError as exc:
        raise CommandError(f"{args.file}: {exc} Nothing was imported.") from None
    heading = "Dry run (nothing changed)" if not args.commit else "Import"
    print(f"{heading}: {args.file}, collection year {report.collection_year}")
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


def cmd_import_903(args: argparse.Namespace) -> int:
    from haven.returns.import903 import SSDA903FileError, read_folder, ssda903_import

    user, team = _importer(args)
    folder = Path(args.folder)
    if not folder.is_dir():
        raise CommandError(f"{args.folder} is not a folder")
    try:
        files = read_folder(folder)
        report = ssda903_import(files=files, user=user, dry_run=not args.commit, team=team)
    except OSError as exc:
        raise CommandError(f"cannot read {args.folder}: {exc.strerror or exc}") from None
    except SSDA903FileError as exc:
        raise CommandError(f"{args.folder}: {exc} Nothing was imported.") from None
    heading = "Dry run (nothing changed)" if not args.commit else "Import"
    years = ", ".join(str(y) for y in report.years)
    print(f"{heading}: {args.folder}, SSDA903 {years}")
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1
