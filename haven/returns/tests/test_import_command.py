"""``haven returns import-cin``: who may be named, and the choice for records with defects."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from haven.accounts.models import Role, User
from haven.people.models import Person
from haven.returns.commands import cmd_import

CIN = Path(__file__).resolve().parent / "data" / "dfe-samples" / "cin"


def _args(user: str, name: str, **extra: bool) -> argparse.Namespace:
    return argparse.Namespace(
        file=str(CIN / name), user=user, commit=True, import_defects=False, **extra
    )


@pytest.mark.django_db
def test_only_a_role_that_may_import_can_be_named_with_user() -> None:
    from haven.core.errors import CommandError

    User.objects.create_user(username="worker", password=None, role=Role.PRACTITIONER)
    User.objects.create_user(username="analyst", password=None, role=Role.PERFORMANCE_ANALYST)
    people = Person.objects.count()
    with pytest.raises(CommandError, match="may not import returns"):
        cmd_import(_args("worker", "cin_2024_25_minimal.xml"))
    assert Person.objects.count() == people
    assert cmd_import(_args("analyst", "cin_2024_25_minimal.xml")) == 0
    assert Person.objects.count() == people + 2


@pytest.mark.django_db
def test_records_with_dfe_errors_are_rejected_unless_imported_with_them_listed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    User.objects.create_user(username="analyst", password=None, role=Role.PERFORMANCE_ANALYST)
    people = Person.objects.count()
    assert cmd_import(_args("analyst", "fake_CIN_data.xml")) == 1
    assert "DfE rule 1510" in capsys.readouterr().out
    assert Person.objects.count() == people
    args = _args("analyst", "fake_CIN_data.xml")
    args.import_defects = True
    assert cmd_import(args) == 0
    out = capsys.readouterr().out
    assert "children imported with defects listed: 331" in out and "DfE rule 8831" in out
    assert Person.objects.count() == people + 332
