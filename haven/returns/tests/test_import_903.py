"""The SSDA903 import: another system's returns become Haven's records through its services,
and each year's return comes back out of Haven as it went in."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from haven.accounts.models import Role, User
from haven.care.models import CarePeriod, CareReview
from haven.chronology.models import ChronologyEvent
from haven.core.calendar import LONDON
from haven.returns.import903 import IMPORTED, read_903, read_folder, ssda903_import
from haven.returns.models import ExternalIdentifier
from haven.returns.ssda903 import ssda903_build
from haven.returns.tests.test_ssda903 import MINIMAL_903

NOW = datetime.datetime(2026, 11, 17, 11, 0, tzinfo=LONDON)
pytestmark = pytest.mark.django_db
# What the round trip compares: every table the import makes records of.
ROUND_TRIP = IMPORTED


@pytest.fixture
def importer(db: Any) -> User:
    return User.objects.create_user(
        username="lac-importer", password=None, role=Role.PERFORMANCE_ANALYST
    )


def _minimal() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in MINIMAL_903.glob("*.csv")}


def test_messy_files_are_read_as_the_clean_ones() -> None:
    """BOM, Windows line endings, UTF-16, blank rows, ISO dates, columns in another order, a
    duplicate row and a table split across two files are read to the same rows; the folder's
    year comes from its name."""
    clean = read_903((f"2025/{n}", d) for n, d in _minimal().items())
    files = _minimal()
    episodes = files.pop("episodes.csv").decode()
    header, row = episodes.strip().splitlines()
    messy = {
        f"SSDA903_2025/{n}": b"\xef\xbb\xbf" + d.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        for n, d in files.items()
    }
    # Saved by a spreadsheet as UTF-16.
    messy["SSDA903_2025/header.csv"] = files["header.csv"].decode().encode("utf-16")
    messy["SSDA903_2025/eps_part1.csv"] = f"{header}\r\n\r\n,,,,,,,,,,,,\r\n".encode()
    # Columns in another order.
    reviews = files["reviews.csv"].decode().splitlines()
    messy["SSDA903_2025/reviews.csv"] = "\n".join(
        ",".join(reversed(line.split(","))) for line in reviews
    ).encode()
    iso = row.replace("01/05/2024", "2024-05-01")
    messy["SSDA903_2025/eps_part2.csv"] = f"{header}\n{iso}\n{row}\n".encode()
    read = read_903(messy.items())
    assert read.problems == []
    assert read.years == clean.years == [2025]
    for table in clean.rows:
        assert [r.values for r in read.rows[table]] == [r.values for r in clean.rows[table]]
    assert read.counts["duplicate Episodes rows (read once)"] == 1
    assert read.counts["blank rows left out"] == 2


def test_unknown_codes_and_bad_dates_are_rejected_naming_table_file_row_column_and_value(
    importer: User,
) -> None:
    files = _minimal()
    files["episodes.csv"] = files["episodes.csv"].replace(b",C2,N1,U1,", b",C9,N1,U1,")
    files["reviews.csv"] = files["reviews.csv"].replace(b"20/08/2024", b"31/02/2024")
    report = ssda903_import(files=files.items(), user=importer)
    assert not report.ok
    said = [str(p) for p in report.problems]
    assert "Episodes episodes.csv row 2 LS = 'C9': not a DfE code for legal status" in said
    assert (
        "Reviews reviews.csv row 3 REVIEW = '31/02/2024': not a date (DD/MM/YYYY or YYYY-MM-DD)"
        in said
    )
    assert CarePeriod.objects.count() == 0


def test_a_dry_run_changes_nothing_and_a_commit_makes_the_records(importer: User) -> None:
    from haven.accounts.models import Team

    team = Team.objects.create(name="Children in care")
    files = [(f"2025/{n}", d) for n, d in _minimal().items()]
    dry = ssda903_import(files=files, user=importer, team=team)
    assert dry.ok and not dry.committed, dry.lines()
    assert dry.summary()["children to create"] == 1
    assert CarePeriod.objects.count() == 0 and not ExternalIdentifier.objects.exists()

    done = ssda903_import(files=files, user=importer, team=team, dry_run=False)
    assert done.committed, done.lines()
    period = CarePeriod.objects.get()
    assert period.start_date == datetime.date(2024, 5, 1)
    assert CareReview.objects.filter(period=period).count() == 3
    assert period.person.allocations.get().team == team
    entries = ChronologyEvent.objects.filter(person=period.person)
    assert entries.exists()
    assert all(e.detail.startswith("Imported from the SSDA903 2025 return") for e in entries)

    again = ssda903_import(files=files, user=importer)
    assert again.summary()["children matched by their ID from an earlier import"] == 1
    # Imported again: the same records and chronology, nothing twice.
    said = sorted(ChronologyEvent.objects.filter(person=period.person).values_list("summary"))
    assert ssda903_import(files=files, user=importer, team=team, dry_run=False).committed
    assert CareReview.objects.count() == 3 and CarePeriod.objects.count() == 1
    assert (
        sorted(ChronologyEvent.objects.filter(person=period.person).values_list("summary")) == said
    )


def test_a_row_the_services_refuse_is_reported_with_the_services_message(
    importer: User,
) -> None:
    """Placed with parents under section 20: what the form refuses, the import refuses."""
    files = _minimal()
    files["episodes.csv"] = (
        files["episodes.csv"]
        .replace(b",C2,N1,U1,PR1,", b",V2,N1,P1,PR0,")
        .replace(b"E8 2LA,XXXXXXX", b"E8 2BB,")
    )
    report = ssda903_import(files=[(f"2025/{n}", d) for n, d in files.items()], user=importer)
    assert [c.child for c in report.rejected] == ["1001"]
    assert "cannot be placed with parents" in str(report.rejected[0].problems[0])


def test_a_user_whose_role_may_not_import_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    from haven.cli import main

    User.objects.create_user(username="worker", password=None, role=Role.PRACTITIONER)
    assert main(["returns", "import-903", str(MINIMAL_903), "--user", "worker"]) == 2
    assert "may not import returns" in capsys.readouterr().err


# -- the round trip -------------------------------------------------------------------------


def _as_another_system(export: Any, folder: Path) -> None:
    """A year's return as another system made it: its own child IDs ("N" and Haven's)."""
    for rows in export.tables.values():
        for row in rows:
            row["CHILD"] = "N" + row["CHILD"]
    export.previous = None
    export.write(folder)


def _comparable(export: Any, old_id: dict[int, str]) -> dict[str, list[tuple[str, ...]]]:
    out = {}
    for table in ROUND_TRIP:
        rows = []
        for row in export.tables.get(table, []):  # a table of other years: none
            row = dict(row)
            if row["CHILD"].startswith("H"):
                row["CHILD"] = old_id[int(row["CHILD"][1:])]
            rows.append(tuple(row.values()))
        out[table] = sorted(rows)
    return out


def _records(old_id: dict[int, str]) -> dict[str, list[tuple[Any, ...]]]:
    """Every imported child's records, by the other system's ID, without Haven's row ids."""
    from haven.adoption.models import AdoptionPlan
    from haven.care.models import HealthRecord, LegalStatusChange, Placement
    from haven.missing.models import MissingEpisode
    from haven.uasc.models import UASCStatus

    people = list(old_id)
    out: dict[str, list[tuple[Any, ...]]] = {}

    def add(rows: Any, *fields: str) -> None:
        for row in rows.filter(person_id__in=people).values_list("person_id", *fields):
            out.setdefault(old_id[row[0]], []).append(row[1:])

    add(
        CarePeriod.objects,
        "start_date",
        "end_date",
        "end_reason",
        "category_of_need",
        "home_postcode",
        "previous_permanence",
        "known_from_rne",
    )
    add(LegalStatusChange.objects, "start_date", "code")
    add(Placement.objects, "start_date", "end_date", "place", "provider", "postcode", "urn")
    add(CareReview.objects, "held_on", "participation", "due_date")
    add(MissingEpisode.objects, "kind", "started_at", "ended_at")
    add(UASCStatus.objects, "arrived_on", "ceased_on")
    add(AdoptionPlan.objects, "decided_on", "reversed_on", "reversal_reason")
    add(HealthRecord.objects, "kind", "on", "up_to_date", "sdq_score", "sdq_reason")
    return {k: sorted(v, key=repr) for k, v in out.items()}


def _import_and_export(
    folders: list[Path], years: list[int], user: User
) -> tuple[list[Any], dict[str, Any]]:
    """Import the folders in the order given (each a separate import), re-export each year
    for the imported children, then undo it."""

    class _Undo(Exception):
        pass

    result: tuple[list[Any], dict[str, Any]] = ([], {})
    try:
        with transaction.atomic():
            queue, retried = list(folders), set()
            while queue:
                folder = queue.pop(0)
                report = ssda903_import(files=read_folder(folder), user=user, dry_run=False)
                if not report.committed and folder not in retried:
                    # A year imported with the year before it missing has episodes that
                    # nothing yet ends: refused, saying so; it goes in once that year is there.
                    reasons = {p.reason for c in report.rejected for p in c.problems}
                    assert all("import the years between" in r for r in reasons), reasons
                    retried.add(folder)
                    queue.append(folder)
                    continue
                assert report.committed, [
                    line for line in report.lines() if line.startswith(("rejected", "  "))
                ]
            old_id = dict(
                ExternalIdentifier.objects.filter(system="ssda903").values_list(
                    "person_id", "value"
                )
            )
            exports = [
                _comparable(
                    ssda903_build(year=y, person_ids=list(old_id), with_previous=False), old_id
                )
                for y in years
            ]
            result = (exports, _records(old_id))
            raise _Undo
    except _Undo:
        pass
    return result


@pytest.mark.django_db
@pytest.mark.usefixtures("owner_db")
def test_a_years_return_imported_into_haven_comes_back_out_the_same(
    tmp_path: Path, importer: User
) -> None:
    from haven.synthetic.generator import generate

    county = generate("small", now=NOW, seed=7, replace=True, stdout=lambda line: None)
    year = county.end_year - 1
    _a_looked_after_mother(year)
    original = ssda903_build(year=year, with_previous=False)
    assert any(row["MOTHER"] == "1" for row in original.tables["Header"])
    _as_another_system(original, tmp_path / str(year))
    for table in ROUND_TRIP:
        assert original.tables.get(table) or table in ("UASC", "DoLo"), f"{table} is empty"

    (exported,), _ = _import_and_export([tmp_path / str(year)], [year], importer)

    assert _differ(exported, original) == {table: [] for table in ROUND_TRIP}


def _a_looked_after_mother(year: int) -> None:
    """A girl looked after in the year has a baby in it (the county makes none)."""
    from haven.people.models import Person, PersonKind, Relationship, RelationshipType

    header = ssda903_build(year=year, with_previous=False).tables["Header"]
    girl = Person.objects.get(pk=int(next(r["CHILD"] for r in header if r["MOTHER"] == "0")[1:]))
    baby = Person.objects.create(
        kind=PersonKind.CHILD,
        given_names="Baby",
        family_name=girl.family_name,
        date_of_birth=datetime.date(year - 1, 12, 1),
    )
    Relationship.objects.create(
        person=girl, relative_of=baby, relationship_type=RelationshipType.PARENT
    )


def _differ(exported: dict[str, Any], original: Any) -> dict[str, list[Any]]:
    """What differs between a re-exported year and the original. Care leavers in OC3 alone:
    Haven holds their care history only if the files imported hold it, so without it they have
    no OC3 row and no Header row (README: what does not come back)."""
    expected = _comparable(original, {})
    looked_after = {row["CHILD"] for row in original.tables["Episodes"]}
    care_leavers = {row["CHILD"] for row in original.tables["OC3"]}
    came_back = {row[0] for row in exported["Header"]}
    expected["Header"] = [
        row
        for row in expected["Header"]
        if row[0] in looked_after or (row[0] in care_leavers and row[0] in came_back)
    ]
    expected["OC3"] = [row for row in expected["OC3"] if row[0] in came_back]
    return {t: sorted(set(exported[t]) ^ set(expected[t]))[:6] for t in ROUND_TRIP}


@pytest.mark.django_db
@pytest.mark.usefixtures("owner_db")
def test_two_consecutive_years_in_either_order_give_the_same_records_and_returns(
    tmp_path: Path, importer: User
) -> None:
    """Two years imported one after the other, in either order, or together from one folder:
    the same records, and each year's return comes back as it went in."""
    from haven.synthetic.generator import generate

    county = generate("small", now=NOW, seed=7, replace=True, stdout=lambda line: None)
    last = county.end_year - 1
    years = [last - 1, last]
    originals = [ssda903_build(year=y, with_previous=False) for y in years]
    folders = []
    for year, original in zip(years, originals, strict=True):
        _as_another_system(original, tmp_path / "both" / str(year))
        folders.append(tmp_path / "both" / str(year))

    forward, forward_records = _import_and_export(folders, years, importer)
    backward, backward_records = _import_and_export(folders[::-1], years, importer)
    together, together_records = _import_and_export([tmp_path / "both"], years, importer)

    assert forward_records and forward_records == backward_records == together_records
    assert forward == backward == together
    for exported, original in zip(forward, originals, strict=True):
        assert _differ(exported, original) == {t: [] for t in ROUND_TRIP}


def test_havens_own_export_is_read_with_its_previous_year(tmp_path: Path) -> None:
    """Haven's export folder (the year, and the year before in previous_year/) is two years."""
    for folder in (tmp_path / "SSDA903_2025", tmp_path / "SSDA903_2025" / "previous_year"):
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in _minimal().items():
            (folder / name).write_bytes(data)
    read = read_903(read_folder(tmp_path))
    assert read.years == [2024, 2025]


@pytest.mark.django_db
@pytest.mark.usefixtures("owner_db")
def test_havens_own_return_comes_back_matched_to_the_same_children_adding_nothing(
    tmp_path: Path, importer: User
) -> None:
    from haven.people.models import Person
    from haven.synthetic.generator import generate

    county = generate("small", now=NOW, seed=7, replace=True, stdout=lambda line: None)
    year = county.end_year - 1
    before = ssda903_build(year=year, with_previous=False)
    before.write(tmp_path / str(year))
    people, periods = Person.objects.count(), CarePeriod.objects.count()

    report = ssda903_import(files=read_folder(tmp_path), user=importer, dry_run=False)

    assert report.committed, report.lines()[-20:]
    summary = report.summary()
    assert summary["children to create"] == 0
    assert summary["children matched by Haven's own ID"] == before.children
    assert summary["episodes Haven already holds"] == before.episodes
    assert (Person.objects.count(), CarePeriod.objects.count()) == (people, periods)
    after = ssda903_build(year=year, with_previous=False)
    assert after.tables == before.tables


def test_the_latest_years_header_gives_the_childs_details_in_either_order(importer: User) -> None:
    from haven.people.models import Person

    newer = [(f"2025/{n}", d) for n, d in _minimal().items()]
    older = [
        (f"2024/{n}", d.replace(b",WBRI,U206010200001,", b",WIRI,U206010200001,"))
        for n, d in _minimal().items()
        if n == "header.csv"
    ]
    seen = []
    for order in ([older, newer], [newer, older]):
        with transaction.atomic():
            for files in order:
                report = ssda903_import(files=files, user=importer, dry_run=False)
                assert report.committed, report.lines()
            seen.append(Person.objects.values_list("ethnicity", flat=True).get())
            transaction.set_rollback(True)
    assert seen == ["WBRI", "WBRI"]


def test_the_dfe_sample_episodes_are_rejected_each_with_its_reason(importer: User) -> None:
    """The DfE's fake episodes (no Header, overlapping episodes): nothing goes in, and each
    child's problem is named with its file, row and column."""
    sample = MINIMAL_903.parent / "SSDA903_2020_episodes.csv"
    report = ssda903_import(files=[(sample.name, sample.read_bytes())], user=importer)
    assert report.years == [2020]
    assert not report.ok and CarePeriod.objects.count() == 0
    said = {c.child: [str(p) for p in c.problems] for c in report.rejected}
    assert set(said) == {"689661", "249901"}
    assert any(
        "SSDA903_2020_episodes.csv row 2 CHILD = '689661': no Header row" in p
        for p in said["689661"]
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("owner_db")
def test_three_consecutive_years_in_every_order_give_the_same_records_and_returns(
    tmp_path: Path, importer: User
) -> None:
    from itertools import permutations

    from haven.synthetic.generator import generate

    county = generate("small", now=NOW, seed=7, years=4, replace=True, stdout=lambda line: None)
    last = county.end_year - 1
    years = [last - 2, last - 1, last]
    originals = [ssda903_build(year=y, with_previous=False) for y in years]
    folders = []
    for year, original in zip(years, originals, strict=True):
        _as_another_system(original, tmp_path / str(year))
        folders.append(tmp_path / str(year))
    results = [
        _import_and_export([folders[i] for i in order], years, importer)
        for order in permutations(range(3))
    ]
    first_exports, first_records = results[0]
    assert first_records
    for exports, records in results[1:]:
        assert records == first_records
        assert exports == first_exports
    for exported, original in zip(first_exports, originals, strict=True):
        assert _differ(exported, original) == {t: [] for t in ROUND_TRIP}


def test_the_command_reports_a_dry_run_and_imports_with_commit(
    importer: User, capsys: pytest.CaptureFixture[str]
) -> None:
    from haven.cli import main

    assert main(["returns", "import-903", str(MINIMAL_903), "--user", importer.username]) == 0
    out = capsys.readouterr().out
    assert "Dry run (nothing changed)" in out and "children to create: 1" in out
    assert "Nothing rejected: these records would be imported." in out
    assert not CarePeriod.objects.exists()
    args = ["returns", "import-903", str(MINIMAL_903), "--user", importer.username, "--commit"]
    assert main(args) == 0
    assert "these records were imported" in capsys.readouterr().out
    assert CarePeriod.objects.count() == 1


def test_a_review_goes_to_the_period_of_care_it_was_held_in(importer: User) -> None:
    """Two periods of care in a year: each review is the later period's or the earlier's by
    its date (the earlier period has ended by then)."""
    files = _minimal()
    files["episodes.csv"] = (
        b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
        b"PL_POST,URN\r\n"
        b"1001,01/05/2024,S,C2,N1,U1,PR1,01/06/2024,E4A,,E8 2BB,E8 2LA,XXXXXXX\r\n"
        b"1001,01/08/2024,S,C2,N1,U1,PR1,,,,E8 2BB,E8 2LA,XXXXXXX\r\n"
    )
    files["reviews.csv"] = files["reviews.csv"].replace(b"20/08/2024,PN1", b"20/08/2024,PN2")
    report = ssda903_import(
        files=[(f"2025/{n}", d) for n, d in files.items()], user=importer, dry_run=False
    )
    assert report.committed, report.lines()
    held = {
        (r.period.start_date.month, r.held_on.month)
        for r in CareReview.objects.select_related("period")
    }
    assert held == {(5, 5), (8, 8), (8, 2)}


def _minimal_2024() -> dict[str, bytes]:
    """The minimal set a year earlier (2023/24, when SEX was 1 or 2)."""
    files = _minimal()
    for name in ("episodes.csv", "reviews.csv"):
        files[name] = files[name].replace(b"/2024", b"/2023").replace(b"/2025", b"/2024")
    return files


@pytest.mark.parametrize(("code", "sex"), [("9", "N"), ("0", "U"), ("2", "F")])
def test_sex_not_stated_and_not_known_come_back_apart(importer: User, code: str, sex: str) -> None:
    """Another system's SEX 9 (not stated) and 0 (not known) before 2024/25 are kept apart and
    written back as they came; from 2024/25 the DfE's Sex has U for both."""
    files = _minimal_2024()
    files["header.csv"] = files["header.csv"].replace(b"1001,F,", f"1001,{code},".encode())
    report = ssda903_import(
        files=[(f"2024/{n}", d) for n, d in files.items()], user=importer, dry_run=False
    )
    assert report.committed, report.lines()
    person = ExternalIdentifier.objects.get(system="ssda903", value="1001").person
    assert person.sex == sex

    def header(year: int) -> list[str]:
        export = ssda903_build(year=year, person_ids=[person.pk], with_previous=False)
        return [row["SEX"] for row in export.tables["Header"]]

    assert header(2024) == [code]
    assert header(2025) == ["F" if sex == "F" else "U"]


def test_a_looked_after_mother_comes_back_with_her_first_childs_date_of_birth(
    importer: User,
) -> None:
    """MOTHER 1 and MC_DOB become her parent relationship to a child born that day, a record
    marked as imported; imported again, the same child is kept, not made twice."""
    from haven.people.models import Relationship

    files = _minimal()
    files["header.csv"] = files["header.csv"].replace(
        b"U206010200001,0,", b"U206010200001,1,01/02/2025"
    )
    files_2025 = [(f"2025/{n}", d) for n, d in files.items()]
    dry = ssda903_import(files=files_2025, user=importer)
    assert "mothers' first children (made from MC_DOB): 1" in dry.lines(), dry.lines()
    assert ssda903_import(files=files_2025, user=importer, dry_run=False).committed
    mother = ExternalIdentifier.objects.get(system="ssda903", value="1001").person
    (link,) = Relationship.objects.filter(person=mother)
    assert link.relative_of.date_of_birth == datetime.date(2025, 2, 1)
    assert [e.detail for e in ChronologyEvent.objects.filter(person=link.relative_of)] == [
        "Imported from the SSDA903 2025 return (2025/header.csv, row 2)"
    ] * 2

    header = ssda903_build(year=2025, person_ids=[mother.pk], with_previous=False).tables["Header"]
    assert [(r["MOTHER"], r["MC_DOB"]) for r in header] == [("1", "01/02/2025")]

    again = ssda903_import(files=files_2025, user=importer, dry_run=False)
    assert "mothers' first children Haven already holds: 1" in again.lines()
    assert Relationship.objects.filter(person=mother).count() == 1


def test_an_oc2_row_becomes_health_records_dated_in_its_year_and_comes_back(
    importer: User,
) -> None:
    """OC2's items become the health records Haven computes OC2 from, each dated where it
    counts for the year, saying so, and the row comes back unchanged."""
    from haven.care.models import HealthRecord

    files = _minimal()
    # Looked after since March 2024: continuously for the 12 months to 31 March 2025.
    files["episodes.csv"] = files["episodes.csv"].replace(b"01/05/2024", b"01/03/2024")
    row = "1001,15/06/2015,14,,,,1,1,1,1,0,1"
    files["oc2.csv"] = files["oc2.csv"].rstrip(b"\r\n") + f"\r\n{row}\r\n".encode()
    files_2025 = [(f"2025/{n}", d) for n, d in files.items()]
    dry = ssda903_import(files=files_2025, user=importer)
    assert dry.ok, dry.lines()
    assert "OC2 rows: 1" in dry.lines() and "health records made from OC2: 5" in dry.lines()
    assert not any(note.startswith("OC2") for note in dry.notes)

    assert ssda903_import(files=files_2025, user=importer, dry_run=False).committed
    child = ExternalIdentifier.objects.get(system="ssda903", value="1001").person
    assert HealthRecord.objects.filter(person=child).count() == 5
    said = {
        e.detail for e in ChronologyEvent.objects.filter(person=child, event="care_health_recorded")
    }
    assert said == {
        "Imported from the SSDA903 2025 return (2025/oc2.csv, row 2): OC2 gives no date; "
        "dated 30 March 2025 to count in the year to 31 March 2025 it reports"
    }
    (back,) = ssda903_build(year=2025, person_ids=[child.pk], with_previous=False).tables["OC2"]
    assert ",".join(back.values()) == row.replace("1001", back["CHILD"])


@pytest.mark.parametrize("ceased", ["", "10/01/2025,RD3"])
def test_a_decision_to_place_for_adoption_and_its_reversal_come_back(
    importer: User, ceased: str
) -> None:
    """PlacedAdoption becomes the decision on the adoption tab (and its reversal), made
    through the adoption services; AD1 is read, not imported (no adopters named)."""
    from haven.adoption.models import AdoptionPlan

    files = _minimal()
    row = f"1001,15/06/2015,02/09/2024,{ceased or ','}"
    files["placed_for_adoption.csv"] = (
        files["placed_for_adoption.csv"].rstrip(b"\r\n") + f"\r\n{row}\r\n".encode()
    )
    files_2025 = [(f"2025/{n}", d) for n, d in files.items()]
    dry = ssda903_import(files=files_2025, user=importer)
    assert dry.ok, dry.lines()
    assert "decisions to place for adoption: 1" in dry.lines()
    assert ("decisions to place for adoption reversed: 1" in dry.lines()) == bool(ceased)

    assert ssda903_import(files=files_2025, user=importer, dry_run=False).committed
    child = ExternalIdentifier.objects.get(system="ssda903", value="1001").person
    plan = AdoptionPlan.objects.get(person=child)
    assert plan.decided_on == datetime.date(2024, 9, 2) and plan.adopters is None
    export = ssda903_build(year=2025, person_ids=[child.pk], with_previous=False)
    (back,) = export.tables["PlacedAdoption"]
    assert ",".join(back.values()) == row.replace("1001", back["CHILD"])


def test_an_adopted_childs_ad1_and_placed_for_adoption_come_back_as_the_return_gave_them(
    importer: User,
) -> None:
    """Haven's adoption plan needs the adopters, whom the return does not name: an adopted
    child's AD1 and PlacedAdoption rows are kept in their imported history, and the export
    reads them there. No adopters and no plan are made."""
    from haven.adoption.models import AdoptionPlan
    from haven.carers.models import AdopterHousehold

    files = _minimal()
    files["episodes.csv"] = files["episodes.csv"].replace(b"PR1,,,,", b"PR1,20/02/2025,E11,,")
    ad1 = "1001,15/06/2015,02/09/2024,10/12/2024,1,2,MF,L11"
    placed = "1001,15/06/2015,02/09/2024,,"
    for name, row in (("ad1.csv", ad1), ("placed_for_adoption.csv", placed)):
        files[name] = files[name].rstrip(b"\r\n") + f"\r\n{row}\r\n".encode()
    files_2025 = [(f"2025/{n}", d) for n, d in files.items()]
    dry = ssda903_import(files=files_2025, user=importer)
    assert dry.ok, dry.lines()
    assert (
        "PlacedAdoption and AD1 rows of adopted children, kept as the return gave them: 2"
        in dry.lines()
    )

    assert ssda903_import(files=files_2025, user=importer, dry_run=False).committed
    child = ExternalIdentifier.objects.get(system="ssda903", value="1001").person
    assert not AdoptionPlan.objects.filter(person=child).exists()
    assert not AdopterHousehold.objects.exists()
    export = ssda903_build(year=2025, person_ids=[child.pk], with_previous=False)
    for table, row in (("AD1", ad1), ("PlacedAdoption", placed)):
        (back,) = export.tables[table]
        assert ",".join(back.values()) == row.replace("1001", back["CHILD"])
    # Not in another year's return.
    later = ssda903_build(year=2026, person_ids=[child.pk], with_previous=False)
    assert later.tables["AD1"] == later.tables["PlacedAdoption"] == []


# -- what the hampshire rehearsal found lost -----------------------------------------------------

EPISODES_HEADER = (
    b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
    b"PL_POST,URN\r\n"
)


def _exported(person_id: int, year: int, table: str) -> list[tuple[str, ...]]:
    export = ssda903_build(year=year, person_ids=[person_id], with_previous=False)
    return sorted(tuple(row.values())[1:] for row in export.tables[table])


def test_each_period_of_care_keeps_the_previous_permanence_of_its_year(importer: User) -> None:
    """A child who starts to be looked after in two years has a PrevPerm row in each: the later
    year's is the later period's, and does not replace the earlier's (DfE rule 630)."""
    earlier = _minimal_2024()
    earlier["episodes.csv"] = (
        EPISODES_HEADER
        + b"1001,01/05/2023,S,C2,N1,U1,PR1,01/06/2023,E4A,,E8 2BB,E8 2LA,XXXXXXX\r\n"
    )
    earlier["reviews.csv"] = b"CHILD,DOB,REVIEW,REVIEW_CODE\r\n1001,15/06/2015,24/05/2023,PN1\r\n"
    earlier["previous_permanence.csv"] = earlier["previous_permanence.csv"].replace(b"Z1", b"P4")
    files = [(f"2024/{n}", d) for n, d in earlier.items()]
    files += [(f"2025/{n}", d) for n, d in _minimal().items()]

    report = ssda903_import(files=files, user=importer, dry_run=False)

    assert report.committed, report.lines()
    person = ExternalIdentifier.objects.get(system="ssda903", value="1001").person_id
    assert _exported(person, 2024, "PrevPerm") == [("15/06/2015", "P4", "", "")]
    assert _exported(person, 2025, "PrevPerm") == [("15/06/2015", "Z1", "", "")]


def test_missing_episodes_alike_on_one_day_are_each_kept_and_the_next_year_ends_the_open_one(
    importer: User,
) -> None:
    """A return gives a missing episode's days, not its times: two episodes on the year's last
    day, both back that day, are two rows alike (each an episode, not a duplicate), and a
    third still open at the year's end comes back in the next year's return with its end,
    which does not replace the two that ended."""
    first = _minimal_2024()
    first["episodes.csv"] = (
        EPISODES_HEADER + b"1001,01/05/2023,S,C2,N1,U1,PR1,,,,E8 2BB,E8 2LA,XXXXXXX\r\n"
    )
    mis = b"CHILD,DOB,MISSING,MIS_START,MIS_END\r\n"
    first["missing.csv"] = mis + (
        b"1001,15/06/2015,M,31/03/2024,31/03/2024\r\n"
        b"1001,15/06/2015,M,31/03/2024,\r\n"
        b"1001,15/06/2015,M,31/03/2024,31/03/2024\r\n"
    )
    files = [(f"2024/{n}", d) for n, d in first.items()]
    files += [
        ("2025/episodes.csv", first["episodes.csv"]),
        ("2025/missing.csv", mis + b"1001,15/06/2015,M,31/03/2024,01/04/2024\r\n"),
    ]

    report = ssda903_import(files=files, user=importer, dry_run=False)

    assert report.committed, report.lines()
    assert "duplicate Missing rows (read once)" not in report.summary()
    person = ExternalIdentifier.objects.get(system="ssda903", value="1001").person_id
    assert _exported(person, 2024, "Missing") == [
        ("15/06/2015", "M", "31/03/2024", ""),
        ("15/06/2015", "M", "31/03/2024", "31/03/2024"),
        ("15/06/2015", "M", "31/03/2024", "31/03/2024"),
    ]
    assert _exported(person, 2025, "Missing") == [("15/06/2015", "M", "31/03/2024", "01/04/2024")]


def test_deprivation_of_liberty_orders_are_kept_and_come_back_as_the_return_gave_them(
    tmp_path: Path, importer: User
) -> None:
    """Haven records no deprivation of liberty orders yet: a 2026/27 return's DoLo rows are
    kept in the child's imported history and written back into that year's return."""
    from haven.returns.models import ImportedHistory

    folder = tmp_path / "2027"
    folder.mkdir()
    for name, data in _minimal().items():
        (folder / name).write_bytes(data)
    (folder / "dolo.csv").write_text("CHILD,DOB,DOLO_START,DOLO_END\n1001,15/06/2015,01/06/2026,\n")
    report = ssda903_import(files=read_folder(tmp_path), user=importer, dry_run=False)
    assert report.committed, report.lines()
    assert report.summary()["DoLo rows kept as the return gave them"] == 1
    history = ImportedHistory.objects.get()
    assert [r["values"]["DOLO_START"] for r in history.rows if r["table"] == "DoLo"] == [
        "2026-06-01"
    ]
    back = ssda903_build(year=2027, person_ids=[history.person_id], with_previous=False)
    (child,) = [r["CHILD"] for r in back.tables["Header"]]
    assert [(r["CHILD"], r["DOLO_START"], r["DOLO_END"]) for r in back.tables["DoLo"]] == [
        (child, "01/06/2026", "")
    ]
