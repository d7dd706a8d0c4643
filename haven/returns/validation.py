"""Run the DfE's rules on a return: the CIN census (one XML file) and the SSDA903 (a folder of
CSVs, with the previous year's in a sub-folder).

The rules are the DfE-commissioned validator on PyPI, ``csc-validator-be-cin`` (module
``cin_validator``). It pins pandas<2 and numpy<1.25, so it lives in its own Python 3.11
virtualenv, ``.venv-validators``, made by ``scripts/install-validators`` (run by
``scripts/bootstrap``), and Haven runs it in a subprocess through ``validator_runner.py``.

Each rule is an ERROR (the DfE will not accept the return until it is fixed) or a QUERY (the LA
must fix it or explain it), as the validator's rule definitions say.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

RUNNER = Path(__file__).resolve().parent / "validator_runner.py"
RUNNER_903 = Path(__file__).resolve().parent / "validator_runner_903.py"
TIMEOUT_SECONDS = 600


class ValidatorUnavailable(RuntimeError):
    """The validators' virtualenv is missing or broken (run scripts/install-validators)."""


@dataclass(frozen=True)
class Issue:
    rule_code: str
    rule_type: str  # "ERROR" or "QUERY"
    message: str
    child_id: str = ""  # LAchildID; empty for a return-level issue
    table: str = ""
    fields: str = ""
    value: str = ""

    @property
    def is_error(self) -> bool:
        return self.rule_type == "ERROR"


@dataclass
class ValidationResult:
    ruleset: str
    issues: list[Issue]
    seconds: float
    # Rules the validator could not run on this file (it skips them silently otherwise).
    crashed_rules: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    @property
    def queries(self) -> list[Issue]:
        return [i for i in self.issues if not i.is_error]

    def by_rule(self) -> list[tuple[str, str, str, list[Issue]]]:
        """(code, type, message, issues), errors first, then by code. A rule whose issues
        are of two kinds (the SSDA903's known validator defects) is two groups."""
        groups: dict[tuple[str, str], list[Issue]] = defaultdict(list)
        for issue in self.issues:
            groups[(issue.rule_code, issue.rule_type)].append(issue)
        return sorted(
            ((code, kind, rows[0].message, rows) for (code, kind), rows in groups.items()),
            key=lambda g: (g[1] != "ERROR", g[0]),
        )

    def counts(self) -> dict[str, int]:
        return {"ERROR": len(self.errors), "QUERY": len(self.queries)}

    def keys(self) -> set[tuple[str, str]]:
        """(rule code, child) pairs, to compare two files' issues."""
        return {(i.rule_code, i.child_id) for i in self.issues}


def validators_python() -> Path:
    base = Path(getattr(settings, "BASE_DIR", Path(__file__).resolve().parents[2]))
    configured = os.environ.get("HAVEN_VALIDATORS_VENV")
    venv = Path(configured) if configured else base / ".venv-validators"
    return venv / "bin" / "python"


def validators_available() -> bool:
    return validators_python().exists()


def _run(args: list[str]) -> dict[str, object]:
    """Run a runner script in the validators' virtualenv and read the JSON it prints."""
    python = validators_python()
    if not python.exists():
        raise ValidatorUnavailable(
            f"the DfE validators are not installed ({python} is missing): "
            "run scripts/install-validators"
        )
    try:
        done = subprocess.run(
            [str(python), "-W", "ignore", *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ValidatorUnavailable(
            f"the DfE validator took more than {TIMEOUT_SECONDS} s and was stopped"
        ) from None
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise ValidatorUnavailable(f"the DfE validator failed: {tail}")
    try:
        data: dict[str, object] = json.loads(done.stdout)
    except ValueError:
        raise ValidatorUnavailable(
            f"the DfE validator printed something other than its report: {done.stdout[:200]!r}"
        ) from None
    return data


def validate_cin_file(path: str | Path, *, ruleset: str) -> ValidationResult:
    started = time.perf_counter()
    data: dict[str, Any] = _run([str(RUNNER), str(path), ruleset])
    issues = [
        Issue(
            rule_code=row["rule_code"],
            rule_type=row["rule_type"],
            message=row["message"],
            child_id=row["child_id"],
            table=row["table"],
            fields=row["fields"],
            value=row["value"],
        )
        for row in [*data["issues"], *data["la_issues"]]
    ]
    return ValidationResult(
        ruleset=data["ruleset"],
        issues=issues,
        seconds=time.perf_counter() - started,
        crashed_rules=data["crashed_rules"],
    )


def validate_cin_bytes(xml: bytes, *, ruleset: str) -> ValidationResult:
    with tempfile.NamedTemporaryFile(suffix=".xml", prefix="cin-") as handle:
        handle.write(xml)
        handle.flush()
        return validate_cin_file(handle.name, ruleset=ruleset)


# -- the SSDA903 ---------------------------------------------------------------------------------

# The SSDA903 validator does not say which rules are queries: every rule it flags is an ERROR
# for Haven unless listed here, with why (haven/returns/README.md explains each).
QUERY_RULES_903: dict[str, str] = {
    "1001": "The validator sees only this year's and last year's episodes, so a care leaver who "
    "left care before then looks as if they were never looked after long enough; Haven's OC3 "
    "rows come from the whole care history (leavingcare.eligibility).",
    "1002": "As 1001: a care leaver aged 19 to 21 left care more than a year ago, so the "
    "validator, which sees two years, finds no episode for them.",
    "241": "Without Ofsted's provider list the validator compares a K3 placement's council with "
    "the council's own, so every supported accommodation outside the county is flagged.",
}


# Issues the validator raises in error on one value in one year's rules: reported as QUERY,
# with why. Rule 146 (placement type not valid) in 2024/25 lists supported accommodation as "k3"
# in lower case, so it flags every K3 placement, the year's own new code.
VALIDATOR_DEFECTS_903: dict[tuple[str, str, str], str] = {
    ("146", "lac2024_25", "K3"): "The validator's 2024/25 list of placement types has K3 in "
    "lower case, so it flags every supported accommodation placement; K3 is the year's code.",
}


# Rules that contradict another for a child whose care ended on 31 March itself: reported as
# QUERY for those children, with why.
YEAR_END_LEAVERS_903: dict[str, str] = {
    "187": "The validator counts a child who left care on 31 March as looked after continuously "
    "for 12 months (its rule 191 asks for their OC2 row), so rule 187 then forbids the AD1 "
    "details of a child adopted that day, which rule 601 requires. Haven writes AD1 for every "
    "child adopted in the year, as 601 asks.",
}


def _kind_903(code: str, ruleset: str, value: str, left_on_year_end: bool) -> str:
    if code in QUERY_RULES_903 or (code, ruleset, value) in VALIDATOR_DEFECTS_903:
        return "QUERY"
    if left_on_year_end and code in YEAR_END_LEAVERS_903:
        return "QUERY"
    return "ERROR"


def validate_903_dir(
    folder: str | Path, *, year: int, la: str, previous: str | Path | None = None
) -> ValidationResult:
    """The DfE's SSDA903 rules for collection year ``year`` on the CSVs in ``folder`` (and the
    previous year's in ``previous``, which some rules compare against)."""
    started = time.perf_counter()
    args = [str(RUNNER_903), str(folder), str(year), la]
    if previous is not None and Path(previous).is_dir():
        args.append(str(previous))
    data: dict[str, Any] = _run(args)
    left_on_year_end = set(data.get("left_on_year_end", []))
    issues = [
        Issue(
            rule_code=row["rule_code"],
            rule_type=_kind_903(
                row["rule_code"],
                data["ruleset"],
                row["value"],
                row["child_id"] in left_on_year_end,
            ),
            message=row["message"],
            child_id=row["child_id"],
            table=row["table"],
            fields=row["fields"],
            value=row["value"],
        )
        for row in data["issues"]
    ]
    return ValidationResult(
        ruleset=data["ruleset"],
        issues=issues,
        seconds=time.perf_counter() - started,
        crashed_rules=[
            f"rule {code} (the validator crashed on it)" for code in data["crashed_rules"]
        ],
    )


def validate_903_export(export: Any) -> ValidationResult:
    """Write an ``SSDA903Export`` to a scratch folder and run the DfE rules on it."""
    from haven.returns.ssda903 import PREVIOUS_DIR, la_code

    with tempfile.TemporaryDirectory(prefix="ssda903-") as folder:
        export.write(folder)
        return validate_903_dir(
            folder,
            year=export.year.year,
            la=la_code(),
            previous=Path(folder) / PREVIOUS_DIR,
        )
