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


def main(argv: list[str]) -> int:
    path, ruleset = argv[1], argv[2]
    from cin_validator import cin_validator

    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    root = ET.parse(path).getroot()
    # The validator prints one line per rule that crashes and then skips the rule silently:
    # capture those lines so Haven can report them rather than pass a file it never checked.
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        data = cin_validator.process_data(cin_validator.convert_data(root))
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
