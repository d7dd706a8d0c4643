"""Run the DfE's CIN census rules on a file.

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

from django.conf import settings

RUNNER = Path(__file__).resolve().parent / "validator_runner.py"
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
        """(code, type, message, issues), errors first, then by code."""
        groups: dict[str, list[Issue]] = defaultdict(list)
        for issue in self.issues:
            groups[issue.rule_code].append(issue)
        return sorted(
            ((code, rows[0].rule_type, rows[0].message, rows) for code, rows in groups.items()),
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


def validate_cin_file(path: str | Path, *, ruleset: str) -> ValidationResult:
    python = validators_python()
    if not python.exists():
        raise ValidatorUnavailable(
            f"the DfE validators are not installed ({python} is missing): "
            "run scripts/install-validators"
        )
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [str(python), "-W", "ignore", str(RUNNER), str(path), ruleset],
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
    data = json.loads(done.stdout)
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
