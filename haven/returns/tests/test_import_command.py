"""``haven returns import-cin``: who may be named, and the choice for records with defects."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from haven.accounts.models import Role, User
from haven.people.models import Person
from haven.returns.commands import cmd_import

CIN = Path(__file__).resolve().parent / "data" / "dfe-samples" / "cin"


def _args(user: str, name: str, **extra: bool) -> argparse.Namespace:
    return argparse.Namespace(
        file=str(CIN / name), user=user, commit=True, import_defects=False, team=None, **extra
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


@pytest.mark.django_db
def test_imported_children_go_to_the_team_chosen_with_an_imported_chronology(
    teams: Any, make_user: Any
) -> None:
    from haven.chronology.models import ChronologyEvent
    from haven.people.access import visible_ids
    from haven.people.models import Allocation

    User.objects.create_user(username="analyst", password=None, role=Role.PERFORMANCE_ANALYST)
    manager = make_user(Role.TEAM_MANAGER, "assessment")
    outsider = make_user(Role.PRACTITIONER, "other")
    args = _args("analyst", "cin_2024_25_minimal.xml")
    args.team = teams["assessment"].name
    assert cmd_import(args) == 0

    imported = list(Person.objects.filter(given_names="Imported child"))
    assert len(imported) == 2
    ids = {p.pk for p in imported}
    held = Allocation.objects.filter(person_id__in=ids, end_date=None)
    assert {(a.team_id, a.worker_id) for a in held} == {(teams["assessment"].pk, None)}
    assert visible_ids(manager, ids) == ids
    assert visible_ids(outsider, ids) == set()

    events = ChronologyEvent.objects.filter(person_id__in=ids, kind="imported")
    summaries = [e.summary for e in events]
    assert summaries and all("cin_2024_25_minimal.xml" in s for s in summaries)
    assert any(s.startswith("Referral (imported from the CIN census 2025 file") for s in summaries)
    assert any(s.startswith("Child protection plan started") for s in summaries)
    assert all(e.source_id for e in events)


@pytest.mark.django_db
def test_an_unknown_team_is_refused_before_anything_is_imported(teams: Any) -> None:
    from haven.core.errors import CommandError

    User.objects.create_user(username="analyst", password=None, role=Role.PERFORMANCE_ANALYST)
    people = Person.objects.count()
    args = _args("analyst", "cin_2024_25_minimal.xml")
    args.team = "No such team"
    with pytest.raises(CommandError, match="no team called"):
        cmd_import(args)
    assert Person.objects.count() == people
