"""One generated small county for the synthetic tests that only read it.

Generating the county takes several seconds, so it is generated once for this package (not per
test) and committed, through the schema owner as every bulk load is; it is wiped again when the
package's tests are done, so tests elsewhere still start from an empty database. A test that
changes it does so inside its own transaction, which is rolled back.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections

from haven.core.calendar import LONDON
from haven.core.database import OWNER_ALIAS
from haven.synthetic.generator import GenerationReport, generate

# A Tuesday mid-morning, so the small county's front door has today's contacts open.
NOW = datetime.datetime(2026, 11, 17, 11, 0, tzinfo=LONDON)
SEED = 7


def generate_small(**kw: Any) -> GenerationReport:
    # Always replace: the database holds the package's county (or other tests' rows).
    kw.setdefault("seed", SEED)
    kw.setdefault("replace", True)
    return generate("small", now=NOW, stdout=lambda line: None, **kw)


@pytest.fixture(scope="package")
def small_county(django_db_setup: Any, django_db_blocker: Any) -> Iterator[GenerationReport]:
    """The small county (seed 7, generated up to ``NOW``), committed for this package."""
    from haven.synthetic.generator import Generator

    with django_db_blocker.unblock():
        report = generate_small()
    yield report
    with django_db_blocker.unblock(), connections[OWNER_ALIAS].cursor() as cursor:
        tables = ", ".join(f'"{t}"' for t in Generator.haven_tables())
        cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
