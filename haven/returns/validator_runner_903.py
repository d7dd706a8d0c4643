"""Run the DfE SSDA903 rules (PyPI csc-validator-be-903, module lac_validator) on a folder of
CSVs and print JSON.

This script runs inside Haven's separate validators virtualenv (.venv-validators, Python 3.11,
pandas<2), never in the application's: it imports nothing from Haven or Django. Haven calls it
through ``haven.returns.validation.validate_903_dir``.

Usage: validator_runner_903.py DIR COLLECTION_YEAR LA_CODE [PREV_DIR]

Every ``*.csv`` in DIR is "This year" (the validator recognises each table by its columns, not
its name); every ``*.csv`` in PREV_DIR is "Prev year", which some rules compare against.

Output: {"ruleset": ..., "issues": [{"rule_code", "message", "child_id", "table", "fields",
"value", "row"}], "crashed_rules": [...], "skipped_rules": [...], "rules_run": N}
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import math
import sys
from pathlib import Path


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    text = str(value)
    return "" if text in ("nan", "NaT", "<NA>", "None") else text


def main(argv: list[str]) -> int:
    folder, year, la = Path(argv[1]), argv[2], argv[3]
    previous = Path(argv[4]) if len(argv) > 4 and argv[4] else None
    # The validator logs a line per rule at INFO, and a traceback for each rule that crashes,
    # to stderr; Haven reports the crashed rules from the validator's own list instead.
    logging.disable(logging.CRITICAL)
    from lac_validator import lac_validator
    from lac_validator.rules.ruleset_utils import get_year_ruleset
    from lac_validator.utils import process_uploaded_files

    files = {"This year": [str(p) for p in sorted(folder.glob("*.csv"))]}
    if previous is not None:
        files["Prev year"] = [str(p) for p in sorted(previous.glob("*.csv"))]
    registry = get_year_ruleset(year)
    # Some rules print what they found (to stdout, where Haven reads the JSON): keep it aside.
    with contextlib.redirect_stdout(io.StringIO()):
        validator = lac_validator.LacValidator(
            metadata={"collectionYear": year, "localAuthority": la},
            files=process_uploaded_files(files),
            registry=registry,
        )
    issues = []
    for table, frame in validator.ds_results.items():
        if table == "metadata" or table.endswith("_last"):
            continue
        flags = [c for c in frame.columns if str(c).startswith("ERR_")]
        if not flags:
            continue
        for flag in flags:
            code = flag[4:]
            rule = registry.get(code)
            fields = list(rule.affected_fields or []) if rule is not None else []
            hit = frame[frame[flag] == True]  # noqa: E712 (a column of True and NaN)
            for row_id, row in hit.iterrows():
                present = [f for f in fields if f in frame.columns]
                issues.append(
                    {
                        "rule_code": code,
                        "message": (rule.message if rule is not None else "") or "",
                        "child_id": _clean(row.get("CHILD")),
                        "table": table,
                        "fields": ", ".join(present),
                        "value": ", ".join(_clean(row.get(f)) for f in present),
                        "row": str(row_id),
                    }
                )
    json.dump(
        {
            "ruleset": f"lac{int(year) - 1}_{year[2:4]}",
            "issues": issues,
            "crashed_rules": [str(c) for c in validator.fails],
            "skipped_rules": [str(c) for c in validator.skips],
            "rules_run": len(validator.dones),
        },
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
