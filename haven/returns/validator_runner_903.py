"""Run the DfE SSDA903 rules (PyPI csc-validator-be-903, module lac_validator) on a folder of
CSVs and print JSON.

This script runs inside Haven's separate validators virtualenv (.venv-validators, Python 3.11,
pandas<2), never in the application's: it imports nothing from Haven or Django. Haven calls it
through ``haven.returns.validation.validate_903_dir``.

Usage: validator_runner_903.py DIR COLLECTION_YEAR LA_CODE [PREV_DIR] [--as-published]

Every ``*.csv`` in DIR is "This year" (the validator recognises each table by its columns, not
its name); every ``*.csv`` in PREV_DIR is "Prev year", which some rules compare against.

Output: {"ruleset": ..., "issues": [{"rule_code", "message", "child_id", "table", "fields",
"value", "row"}], "crashed_rules": [...], "skipped_rules": [...], "rules_run": N,
"left_on_year_end": [CHILD, ...]} (children whose care ended on the collection's last day).
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


RERUN_ON_UPLOADED = ("575", "577")
FIRST_RULESET, LAST_RULESET = 2023, 2027


def _deep_copy(data_store: dict[str, object]) -> dict[str, object]:
    return {
        k: v.copy(deep=True) if k != "metadata" else dict(v)  # type: ignore[attr-defined,call-overload]
        for k, v in data_store.items()
    }


HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
UASC = "CHILD,SEX,DOB,DUC"


def _readable(folder: Path) -> list[str]:
    """The folder's CSVs, less a UASC table beside a Header with no rows: the reader marks each
    Header row from UASC and crashes on an empty Header (a year with no child looked after,
    such as the year before a county's first)."""
    paths = sorted(folder.glob("*.csv"))
    lines = {p: p.read_text(encoding="utf-8-sig").strip().splitlines() for p in paths}
    empty_header = any(
        rows and rows[0].strip() == HEADER and len(rows) == 1 for rows in lines.values()
    )
    return [
        str(p) for p in paths if not (empty_header and lines[p] and lines[p][0].strip() == UASC)
    ]


def _left_on_year_end(data: dict[str, object]) -> list[str]:
    """Children with an episode ending (not by a change within care) on the collection's last
    day, from the tables as uploaded."""
    episodes = data.get("Episodes")
    metadata = data.get("metadata")
    if episodes is None or not isinstance(metadata, dict):
        return []
    end = metadata.get("collection_end")
    rows = episodes[(episodes["DEC"] == end) & (episodes["REC"] != "X1")]  # type: ignore[index]
    return sorted({_clean(child) for child in rows["CHILD"]})


def _ruleset_name(year: int) -> str:
    y = min(max(year, FIRST_RULESET), LAST_RULESET)
    return f"lac{y - 1}_{y % 100:02d}"


def main(argv: list[str]) -> int:
    positional = [a for a in argv[1:] if not a.startswith("--")]
    folder, year, la = Path(positional[0]), positional[1], positional[2]
    previous = Path(positional[3]) if len(positional) > 3 else None
    # The validator logs a line per rule at INFO, and a traceback for each rule that crashes,
    # to stderr; Haven reports the crashed rules from the validator's own list instead.
    logging.disable(logging.CRITICAL)
    from lac_validator import lac_validator
    from lac_validator.rules.ruleset_utils import get_year_ruleset
    from lac_validator.utils import process_uploaded_files

    # Each rule is given a shallow copy of the tables, and rule 365 writes into them: it sets
    # every open episode's DEC to 31 March, so every rule run after it sees the children looked
    # after at 31 March as having left care that day. Some later rules rely on that (SW12 flags
    # every open episode without it); 575 and 577 then flag a child missing on 31 March as
    # missing when they left care. Those two are run again on the tables as uploaded, and their
    # results replace the first run's (``--as-published`` keeps the published behaviour).
    clean: dict[str, object] = {}
    create = lac_validator.create_datastore

    def _keep_clean(data: dict[str, object], metadata: dict[str, object]) -> object:
        made = create(data, metadata)
        clean.update(_deep_copy(made))
        return made

    lac_validator.create_datastore = _keep_clean  # type: ignore[attr-defined]
    files = {"This year": _readable(folder)}
    if previous is not None:
        files["Prev year"] = _readable(previous)
    # The oldest and newest rulesets check the years before and after them; the metadata keeps
    # the file's own year, which sets the collection's dates.
    registry = get_year_ruleset(str(min(max(int(year), FIRST_RULESET), LAST_RULESET)))
    # Some rules print what they found (to stdout, where Haven reads the JSON): keep it aside.
    with contextlib.redirect_stdout(io.StringIO()):
        validator = lac_validator.LacValidator(
            metadata={"collectionYear": year, "localAuthority": la},
            files=process_uploaded_files(files),
            registry=registry,
        )
    if "--as-published" not in argv:
        for code in RERUN_ON_UPLOADED:
            rule = registry.get(code)
            if rule is None:
                continue
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    found = rule.func(_deep_copy(clean))
            except Exception:  # the validator skips a rule that crashes, too
                continue
            for table, frame in validator.ds_results.items():
                if table != "metadata" and f"ERR_{code}" in frame.columns:
                    frame[f"ERR_{code}"] = float("nan")
            for table, rows in found.items():
                if rows:
                    validator.ds_results[table].loc[rows, f"ERR_{code}"] = True
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
            "left_on_year_end": _left_on_year_end(clean),
            "ruleset": _ruleset_name(int(year)),
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
