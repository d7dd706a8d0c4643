"""SSDA903: the export from the records, checked with the DfE's own rules."""

from __future__ import annotations

import csv
import datetime
import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from haven.core.calendar import LONDON
from haven.core.models import AccessAction, AccessLog
from haven.returns.ssda903 import (
    COLUMNS,
    FILE_NAMES,
    PREVIOUS_DIR,
    place_code,
    ssda903_build,
    ssda903_export,
    tables_for,
    urn_code,
)
from haven.returns.tests.test_cin_census import SAMPLES, _validators
from haven.returns.validation import (
    QUERY_RULES_903,
    YEAR_END_LEAVERS_903,
    validate_903_dir,
    validate_903_export,
    validators_python,
)

MINIMAL_903 = SAMPLES / "ssda903" / "minimal_2024_25"
NOW = datetime.datetime(2026, 11, 17, 11, 0, tzinfo=LONDON)
# The validator's own defects: rules that crash on every file (haven/returns/README.md).
CRASHING = {"231", "233", "706", "709", "710"}


def _crashed(result: object) -> set[str]:
    return {c.split()[1] for c in result.crashed_rules}  # type: ignore[attr-defined]


def test_the_tables_have_the_columns_the_validator_recognises() -> None:
    """The validator knows a table only by its exact columns: Haven's are its own list."""
    _validators()
    done = subprocess.run(
        [
            str(validators_python()),
            "-c",
            "import json; from lac_validator.config import column_names; "
            "print(json.dumps(column_names))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    expected = json.loads(done.stdout)
    assert {name: list(cols) for name, cols in COLUMNS.items()} == expected


def test_each_year_asks_for_its_own_tables_and_codes() -> None:
    assert "SWEpisodes" not in tables_for(2023) and "SWEpisodes" in tables_for(2024)
    assert "DoLo" not in tables_for(2026) and "DoLo" in tables_for(2027)
    assert len(tables_for(2027)) == len(COLUMNS)
    # Supported accommodation was H5 before K3; Z11-Z14 were Z1 before 2025/26.
    assert [place_code("K3", y) for y in (2024, 2025)] == ["H5", "K3"]
    assert [place_code("Z12", y) for y in (2025, 2026)] == ["Z1", "Z12"]
    assert place_code("H5", 2026) == "K3"
    # Supported accommodation was not registered with Ofsted before 2023/24 (rules 222, 230).
    assert [urn_code("H5", "SC123456", y) for y in (2023, 2024)] == ["XXXXXXX", "SC123456"]
    assert urn_code("U6", "SC123456", 2023) == "SC123456"


def test_the_minimal_sample_set_passes_the_dfe_rules() -> None:
    _validators()
    result = validate_903_dir(MINIMAL_903, year=2025, la="E10000014")
    assert result.ruleset == "lac2024_25"
    assert result.issues == []
    assert _crashed(result) == {"231"}  # the validator's defect: it never runs


def test_a_fault_in_the_sample_is_found_and_named(tmp_path: Path) -> None:
    """The check is real: a child placed with parents under section 20 is an ERROR (378)."""
    _validators()
    for source in MINIMAL_903.glob("*.csv"):
        text = source.read_text()
        if source.name == "episodes.csv":
            text = text.replace(",C2,N1,U1,PR1,", ",V2,N1,P1,PR0,").replace(
                "E8 2LA,XXXXXXX", "E8 2BB,"
            )
        (tmp_path / source.name).write_text(text)
    result = validate_903_dir(tmp_path, year=2025, la="E10000014")
    assert ("378", "1001") in {(i.rule_code, i.child_id) for i in result.errors}


def test_k3_in_2024_25_is_a_query_not_an_error(tmp_path: Path) -> None:
    """Rule 146's 2024/25 list has "k3" in lower case: the validator flags every supported
    accommodation placement, so Haven reports it as a query, with why; any other invalid
    placement type is still an ERROR."""
    _validators()
    for source in MINIMAL_903.glob("*.csv"):
        text = source.read_text()
        if source.name == "episodes.csv":
            text += "1002,01/05/2024,S,V2,N1,K3,PR4,,,,E8 2BB,E8 2LA,XXXXXXX\n"
            text += "1003,01/05/2024,S,V2,N1,Q9,PR4,,,,E8 2BB,E8 2LA,XXXXXXX\n"
        if source.name == "header.csv":
            text += (
                "1002,M,15/06/2007,WBRI,U206010200002,,\n1003,M,15/06/2007,WBRI,U206010200003,,\n"
            )
        (tmp_path / source.name).write_text(text)
    result = validate_903_dir(tmp_path, year=2025, la="E10000014")
    kinds = {(i.child_id, i.rule_type) for i in result.issues if i.rule_code == "146"}
    assert kinds == {("1002", "QUERY"), ("1003", "ERROR")}
    assert [kind for code, kind, _, _ in result.by_rule() if code == "146"] == ["ERROR", "QUERY"]


def test_an_adoption_on_31_march_is_a_query_under_rule_187_not_an_error(tmp_path: Path) -> None:
    """Rule 191 counts a child who left care on 31 March as looked after for 12 months, so
    rule 187 forbids the AD1 details that rule 601 requires of a child adopted that day: Haven
    writes them, and reports 187 for that child as a query; for any other child it stays an
    ERROR."""
    _validators()
    rows = {
        # Adopted on the year's last day after two years in care.
        "1004": ("01/03/2023", "31/03/2025", "E11"),
        # Still looked after at 31 March: AD1 details are wrong for this child.
        "1005": ("01/03/2023", "", ""),
    }
    for source in MINIMAL_903.glob("*.csv"):
        text = source.read_text()
        for child, (decom, dec, rec) in rows.items():
            if source.name == "episodes.csv":
                text += f"{child},{decom},S,E1,N1,A4,PR1,{dec},{rec},,E8 2BB,E8 2LA,SC123456\n"
            if source.name == "header.csv":
                text += f"{child},F,15/06/2015,WBRI,U20601020000{child[-1]},0,\n"
            if source.name == "ad1.csv":
                text += f"{child},15/06/2015,01/04/2023,01/09/2023,0,1,M1,L0\n"
        (tmp_path / source.name).write_text(text)
    result = validate_903_dir(tmp_path, year=2025, la="E10000014")
    kinds = {(i.child_id, i.rule_type) for i in result.issues if i.rule_code == "187"}
    assert kinds == {("1004", "QUERY"), ("1005", "ERROR")}


@pytest.mark.django_db
@pytest.mark.usefixtures("owner_db")
def test_small_county_ssda903_has_no_dfe_errors(tmp_path: Path) -> None:
    """The acceptance check: every table of the small county's last whole year passes the DfE
    rules with no ERROR (QUERY issues are explained in haven/returns/README.md), and the year
    under way has none but the work still due before its 31 March."""
    _validators()
    from haven.synthetic.generator import generate

    report = generate("small", now=NOW, seed=7, replace=True, stdout=lambda line: None)
    year = report.end_year - 1
    export = ssda903_build(year=year)
    assert export.children > 15 and export.episodes > 15
    assert set(export.tables) == set(tables_for(year))
    assert export.previous is not None and export.previous.year.year == year - 1
    for table in ("Reviews", "OC2", "OC3", "Missing", "SWEpisodes", "PrevPerm", "AD1"):
        assert export.tables[table], f"{table} is empty: the check would prove little"

    result = validate_903_export(export)
    assert _crashed(result) <= CRASHING
    assert [(i.rule_code, i.child_id, i.table, i.value) for i in result.errors] == []
    assert {i.rule_code for i in result.queries} <= set(QUERY_RULES_903) | set(YEAR_END_LEAVERS_903)

    under_way = validate_903_export(ssda903_build(year=report.end_year))
    # SDQ scores are due by 31 March: in the year under way some are still to be done.
    assert {i.rule_code for i in under_way.errors} <= {"186", "197B"}


@pytest.mark.django_db
@pytest.mark.usefixtures("owner_db")
def test_files_have_each_tables_columns_and_the_export_is_logged(tmp_path: Path) -> None:
    from haven.synthetic.generator import generate

    report = generate("small", now=NOW, seed=7, replace=True, stdout=lambda line: None)
    year = report.end_year - 1
    export = ssda903_export(year=year, user=None)
    written = export.write(tmp_path)
    assert (tmp_path / FILE_NAMES["Episodes"]) in written
    assert (tmp_path / PREVIOUS_DIR / FILE_NAMES["Header"]).exists()
    for table in tables_for(year):
        with (tmp_path / FILE_NAMES[table]).open(newline="") as handle:
            assert next(csv.reader(handle)) == list(COLUMNS[table])
    header = list(csv.DictReader(io.StringIO(export.csv("Header").decode())))
    assert {row["SEX"] for row in header} <= {"M", "F", "U"}
    episodes = list(csv.DictReader(io.StringIO(export.csv("Episodes").decode())))
    assert all(
        row["DEC"] == "" or row["DEC"][-4:] in (str(year - 1), str(year)) for row in episodes
    )
    with zipfile.ZipFile(io.BytesIO(export.zip_bytes())) as archive:
        names = archive.namelist()
    assert f"SSDA903_{year}/episodes.csv" in names
    assert f"SSDA903_{year}/{PREVIOUS_DIR}/episodes.csv" in names
    logged = AccessLog.objects.get(action=AccessAction.EXPORT, detail__startswith="SSDA903")
    assert f"{export.children} children" in logged.detail


def test_validate_903_prints_issues_by_rule_and_fails_on_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _validators()
    from haven.cli import main

    assert main(["returns", "validate-903", str(MINIMAL_903), "--year", "2025"]) == 0
    assert "0 errors, 0 queries" in capsys.readouterr().out
    for source in MINIMAL_903.glob("*.csv"):
        text = source.read_text()
        if source.name == "episodes.csv":
            text = text.replace(",C2,N1,U1,PR1,", ",V2,N1,P1,PR0,").replace(
                "E8 2LA,XXXXXXX", "E8 2BB,"
            )
        (tmp_path / source.name).write_text(text)
    assert main(["returns", "validate-903", str(tmp_path), "--year", "2025"]) == 1
    out = capsys.readouterr().out
    assert "378 ERROR (1)" in out and "1001  Episodes" in out
    assert main(["returns", "validate-903", str(tmp_path / "nothing"), "--year", "2025"]) == 2
    assert "is not a folder of CSV files" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_missing_episode_open_at_the_years_end_is_in_the_next_years_return(
    make_child, manager
) -> None:
    """Missing on 30 March 2025, back on 2 April: open in 2024/25's return, and in 2025/26's
    with its end (the DfE's rule 576 looks for it there)."""
    from haven.care.tests.factories import looked_after_child
    from haven.missing.models import MissingEpisode

    child = make_child(given_names="Mia", date_of_birth=datetime.date(2010, 5, 1))
    looked_after_child(child, manager, start=datetime.date(2024, 1, 8))
    MissingEpisode.objects.create(
        person=child,
        kind="M",
        started_at=datetime.datetime(2025, 3, 30, 21, 0, tzinfo=LONDON),
        ended_at=datetime.datetime(2025, 4, 2, 9, 0, tzinfo=LONDON),
        recorded_by=manager,
    )
    before = ssda903_build(year=2025).tables["Missing"]
    after = ssda903_build(year=2026).tables["Missing"]
    assert [(r["MIS_START"], r["MIS_END"]) for r in before] == [("30/03/2025", "")]
    assert [(r["MIS_START"], r["MIS_END"]) for r in after] == [("30/03/2025", "02/04/2025")]


@pytest.mark.django_db
def test_a_change_of_worker_after_the_years_end_is_left_to_the_next_years_return(
    make_child, manager, worker, teams
) -> None:
    """A worker covering from February to mid-April, beside the allocated worker's longer
    allocation: 2024/25's social worker episodes stop at the cover (open at 31 March), and the
    allocated worker's return in April is 2025/26's (rules SW06, SW08 and SW10)."""
    from haven.care.tests.factories import looked_after_child
    from haven.people.models import Allocation

    child = make_child(team=None, date_of_birth=datetime.date(2012, 5, 1))
    looked_after_child(child, manager, start=datetime.date(2024, 11, 19))
    D = datetime.date
    for who, start, end in (
        (manager, D(2024, 11, 19), D(2025, 5, 20)),
        (worker, D(2025, 2, 26), D(2025, 4, 16)),
    ):
        Allocation.objects.create(
            person=child, team=teams["assessment"], worker=who, start_date=start, end_date=end
        )

    def episodes(year: int) -> list[tuple[str, str, str]]:
        rows = ssda903_build(year=year).tables["SWEpisodes"]
        return [(r["SW_ID"], r["SW_DECOM"], r["SW_DEC"]) for r in rows]

    mgr, cover = f"SW{manager.pk:06d}", f"SW{worker.pk:06d}"
    assert episodes(2025) == [(mgr, "19/11/2024", "26/02/2025"), (cover, "26/02/2025", "")]
    assert episodes(2026)[-2:] == [
        (cover, "26/02/2025", "16/04/2025"),
        (mgr, "16/04/2025", "20/05/2025"),
    ]
