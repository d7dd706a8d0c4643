"""Run the DfE CIN census rules (PyPI csc-validator-be-cin) on one file and print JSON.

This script runs inside Haven's separate validators virtualenv (.venv-validators, Python 3.11,
pandas<2), never in the application's: it imports nothing from Haven or Django. Haven calls it
through ``haven.returns.validation.validate_cin_file``.

Output: {"ruleset": ..., "issues": [{"rule_code", "rule_type", "message", "child_id",
"table", "fields", "value"}], "la_issues": [...], "crashed_rules": [...]}
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import math
import sys
import xml.etree.ElementTree as ET


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    text = str(value)
    return "" if text in ("nan", "NaT", "<NA>", "None") else text


class _Records:
    """Rows the reader would have made into a one-child DataFrame, kept as dicts."""

    def __init__(self, rows: list[dict[str, object]]) -> None:
        self.rows = rows

    def __getitem__(self, column: str) -> _Column:
        return _Column(row.get(column) for row in self.rows)


class _Column(list):  # type: ignore[type-arg]
    def tolist(self) -> list[object]:
        return list(self)


class _Parts:
    """The pieces one table is made of: its empty template, then each child's rows."""

    def __init__(self, first: object) -> None:
        self.frames = [first]

    @property
    def columns(self) -> object:
        # The reader asks a table for its columns: those of its empty template, the first frame.
        return self.frames[0].columns  # type: ignore[attr-defined]


class _LazyFrames:
    """``pd.DataFrame`` for the reader: a list of row dicts stays a list until the end."""

    def __init__(self, pd: object) -> None:
        self._pd = pd

    def __call__(self, data: object = None, *args: object, **kw: object) -> object:
        if (
            not args
            and not kw
            and isinstance(data, list)
            and all(isinstance(r, dict) for r in data)
        ):
            return _Records(data)
        return self._pd.DataFrame(data, *args, **kw)  # type: ignore[attr-defined]

    def from_dict(self, data: object, *args: object, **kw: object) -> object:
        if (
            not args
            and not kw
            and isinstance(data, list)
            and all(isinstance(r, dict) for r in data)
        ):
            return _Records(data)
        return self._pd.DataFrame.from_dict(data, *args, **kw)  # type: ignore[attr-defined]


class _LazyPandas:
    """pandas for the validator's reader, made linear.

    The reader (``cin_validator.ingress.XMLtoCSV``) makes a DataFrame of each child's rows and
    appends it to each table with ``pd.concat([table, rows])``: quadratic, about 36 s for 3,000
    children and most of an hour for a county's 24,000. Here the rows stay dicts and each table
    is built once at the end, from its template and all the rows: the same tables (rows, order,
    columns, dtypes), so the same issues, as the reader's own code gives; every rule runs
    unchanged. ``--slow-ingress`` runs the reader as published, to compare."""

    def __init__(self, pd: object) -> None:
        self._pd = pd
        self.DataFrame = _LazyFrames(pd)

    def concat(self, objs: list[object], ignore_index: bool = False, **kw: object) -> _Parts:
        first, *rest = objs
        parts = first if isinstance(first, _Parts) else _Parts(first)
        parts.frames.extend(rest)
        return parts

    def __getattr__(self, name: str) -> object:
        return getattr(self._pd, name)


def _materialise(pd: object, value: object) -> object:
    if isinstance(value, _Records):
        return pd.DataFrame(value.rows)  # type: ignore[attr-defined]
    if not isinstance(value, _Parts):
        return value
    template, *pieces = value.frames
    rows: list[dict[str, object]] = []
    frames = []
    for piece in pieces:
        if isinstance(piece, _Records):
            rows.extend(piece.rows)
        else:
            frames.append(piece)
    if rows:
        frames.insert(0, pd.DataFrame(rows))  # type: ignore[attr-defined]
    return pd.concat([template, *frames], ignore_index=True)  # type: ignore[attr-defined]


TABLES = (
    "Header",
    "ChildIdentifiers",
    "ChildCharacteristics",
    "ChildProtectionPlans",
    "CINdetails",
    "CINplanDates",
    "Reviews",
    "Section47",
    "Assessments",
    "AssessmentFactorsList",
    "Disabilities",
)


def read_tables(root: object, fast: bool = True) -> dict[str, object]:
    import pandas as pd
    from cin_validator import cin_validator, ingress

    if not fast:
        return cin_validator.convert_data(root)
    ingress.pd = _LazyPandas(pd)  # type: ignore[attr-defined]
    try:
        files = ingress.XMLtoCSV(root)
    finally:
        ingress.pd = pd  # type: ignore[attr-defined]
    return {name: _materialise(pd, getattr(files, name)) for name in TABLES}


def main(argv: list[str]) -> int:
    path, ruleset = argv[1], argv[2]
    fast = "--slow-ingress" not in argv
    from cin_validator import cin_validator

    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    root = ET.parse(path).getroot()
    # The validator prints one line per rule that crashes and then skips the rule silently:
    # capture those lines so Haven can report them rather than pass a file it never checked.
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        data = cin_validator.process_data(read_tables(root, fast))
        validator = cin_validator.CinValidator(data, registry)
    crashed = [
        line.strip()
        for line in captured.getvalue().splitlines()
        if line.startswith("Error with rule")
    ]

    def rule_type(code: str) -> str:
        rule = registry.get(code) or registry.get(str(code))
        return (
            rule.rule_type.name
            if rule is not None
            else ("QUERY" if code.endswith("Q") else "ERROR")
        )

    issues = []
    report = validator.user_report
    if len(report):
        for row in report.to_dict("records"):
            code = _clean(row.get("rule_code"))
            if not code or _clean(row.get("tables_affected")) == "":
                continue
            issues.append(
                {
                    "rule_code": code,
                    "rule_type": rule_type(code),
                    "message": _clean(row.get("rule_description")),
                    "child_id": _clean(row.get("LAchildID")),
                    "table": _clean(row.get("tables_affected")),
                    "fields": _clean(row.get("columns_affected")),
                    "value": _clean(row.get("value_flagged")),
                    "row": _clean(row.get("ROW_ID")),
                }
            )
    la_issues = []
    multi = validator.multichild_issues
    if len(multi):
        for row in multi.drop_duplicates().to_dict("records"):
            code = _clean(row.get("rule_code"))
            la_issues.append(
                {
                    "rule_code": code,
                    "rule_type": rule_type(code),
                    "message": _clean(row.get("rule_description")),
                    "child_id": "",
                    "table": "",
                    "fields": "",
                    "value": "",
                    "row": "",
                }
            )
    json.dump(
        {"ruleset": ruleset, "issues": issues, "la_issues": la_issues, "crashed_rules": crashed},
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
