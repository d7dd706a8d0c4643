"""A rehearsal of a migration from past returns: the small county's own census files come back
clean, and a folder with faults says which, with exit 1; Haven's own database is not touched."""

from __future__ import annotations

import argparse
import csv
import datetime
from pathlib import Path

import pytest

from haven.core.calendar import LONDON
from haven.migration.commands import cmd_rehearse
from haven.migration.rehearsal import compare_children, rehearse
from haven.migration.report import write_report
from haven.people.models import Person
from haven.returns.tests.test_importer_check import _child, _episode, _file, _year
from haven.returns.validation import validators_available

NOW = datetime.datetime(2026, 11, 17, 11, 0, tzinfo=LONDON)


@pytest.mark.django_db
@pytest.mark.usefixtures("owner_db")
def test_three_years_of_the_small_county_rehearse_clean(tmp_path: Path) -> None:
    from haven.returns.export import cin_census_build
    from haven.returns.ssda903 import ssda903_build
    from haven.synthetic.generator import generate

    county = generate("small", now=NOW, seed=7, years=4, replace=True, stdout=lambda line: None)
    last = county.end_year - 1
    years = [last - 2, last - 1, last]
    folder = tmp_path / "returns"
    for year in years:
        (folder / str(year)).mkdir(parents=True)
        (folder / str(year) / f"CIN_{year}.xml").write_bytes(cin_census_build(year=year).xml)
        ssda903_build(year=year, with_previous=False).write(folder / str(year) / "ssda903")
    people = Person.objects.count()

    result = rehearse(folder, validate=validators_available())

    assert Person.objects.count() == people  # all in a throwaway database
    assert [y.year for y in result.years] == years  # oldest first
    for y in result.years:
        assert y.imported and not y.rejected, y.rejected[:3]
        assert y.differences == [], y.differences[:5]
        assert y.new_errors == [], y.new_errors[:5]
        assert (y.after.children, y.after.episodes, y.after.plans) == (
            y.before.children,
            y.before.episodes,
            y.before.plans,
        )
        assert [f for f in y.figures if not f.same] == []
        assert {f.name for f in y.figures} >= {"referrals", "re_referral_rate_pct", "icpc_held"}
        assert y.before.children > 100
    # The SSDA903: every year imported at once, each compared table by table, row by row.
    assert result.ssda903_imported and result.ssda903_rejected == []
    assert [y.year for y in result.ssda903_years] == years
    for lac in result.ssda903_years:
        assert lac.compared and lac.differences == [], lac.differences[:5]
        assert lac.new_errors == [], lac.new_errors[:5]
        # Its rows are the files', value for value: the DfE rules give what they gave the files.
        assert lac.checked_as_the_files
        assert lac.rows_in_file["Episodes"] == lac.rows_in_haven["Episodes"] > 10
        assert lac.rows_in_file["Reviews"] == lac.rows_in_haven["Reviews"] > 10
    report_903 = result.ssda903_report
    assert report_903 is not None
    # A looked-after child the census brought in is the same child, not a second record.
    assert report_903.summary()["children matched by their LAchildID in an imported CIN census"]
    left = {n.element.split("[")[0] for y in result.ssda903_years for n in y.not_imported}
    # A child's social workers come back as the files gave them (another system's workers).
    assert "SWEpisodes" not in left
    assert any(lac.rows_in_haven.get("SWEpisodes") for lac in result.ssda903_years)
    assert result.clean

    report = write_report(result, tmp_path / "report")
    text = report.read_text()
    assert text.startswith(f"# Migration rehearsal: {folder}") and "**Clean" in text
    assert "## SSDA903: each year" in text and "### Not imported" in text
    with (tmp_path / "report" / "years.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["return"], int(r["year"])) for r in rows] == [
        *(("CIN census", y) for y in years),
        *(("SSDA903", y) for y in years),
    ]
    assert all(r["differences"] == "0" for r in rows)
    with (tmp_path / "report" / "not_imported.csv").open() as handle:
        left = {r["element"].split("[")[0] for r in csv.DictReader(handle)}
    # SWEpisodes are kept as the files gave them and OC2 imported: both compared.
    assert not {"SWEpisodes", "OC2"} & left


@pytest.mark.django_db
def test_a_folder_with_faults_is_not_clean_and_says_where(tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    folder.mkdir()
    good = _file(_child("a", _episode("2024-05-01", assessments=(("2024-05-02", "2024-05-20"),))))
    (folder / "2025.xml").write_bytes(good)
    bad = _file(_child("b", _episode("2023-05-01", plans=(("2023-06-01", ""), ("2023-07-01", "")))))
    (folder / "2024.xml").write_bytes(_year(bad, 2024))
    two_years = good.replace(b"<ReferenceDate>2025-03-31", b"<ReferenceDate>2026-03-31")
    (folder / "mixed.xml").write_bytes(two_years)
    (folder / "ssda903").mkdir()
    (folder / "ssda903" / "header.csv").write_text("CHILD,SEX,DOB\n")
    out = folder / "rehearsal"  # the default: inside the folder, and run twice
    people = Person.objects.count()

    for _ in range(2):
        code = cmd_rehearse(argparse.Namespace(folder=str(folder), out=None, no_validate=True))

    assert code == 1
    assert Person.objects.count() == people
    text = (out / "rehearsal.md").read_text()
    assert "Not clean" in text
    assert "mixed.xml" in text and "ReferenceDate" in text  # refused, naming the elements
    assert "No SSDA903 table was found" in text  # refused, saying why
    assert "| ssda903 |" in text and "rehearsal |" not in text  # the first run's report is none
    with (out / "rejected.csv").open() as handle:
        rejected = list(csv.DictReader(handle))
    assert {r["year"] for r in rejected} == {"2024"}
    assert any(r["element"].endswith("ChildProtectionPlans[2]/CPPstartDate") for r in rejected)
    assert {r["return"] for r in rejected} == {"CIN census"}
    with (out / "years.csv").open() as handle:
        years = {r["year"]: r for r in csv.DictReader(handle)}
    assert years["2024"]["imported"] == "no" and years["2025"]["imported"] == "yes"


def test_children_are_compared_element_by_element_whatever_the_order() -> None:
    from lxml import etree

    def child(*episodes: str) -> object:
        return etree.fromstring(f"<Child>{''.join(episodes)}</Child>")

    a = "<CINdetails><CINreferralDate>2024-05-01</CINreferralDate><ReferralSource>1A</ReferralSource></CINdetails>"
    b = "<CINdetails><CINreferralDate>2024-09-01</CINreferralDate><ReferralSource>2B</ReferralSource></CINdetails>"
    assert compare_children({"x": child(a, b)}, {"x": child(b, a)}) == []
    (diff,) = compare_children({"x": child(a, b)}, {"x": child(a, b.replace("2B", "3A"))})
    assert diff.path == "Child/CINdetails[2024-09-01]/ReferralSource"
    assert (diff.in_file, diff.in_haven) == ("2B", "3A")


@pytest.mark.django_db
def test_a_child_new_in_a_later_year_is_not_taken_for_an_earlier_one_born_the_same_day(
    tmp_path: Path,
) -> None:
    """Haven's own LAchildIDs in the files are another Haven's numbers, not the throwaway
    database's: a new child numbered H00000001 is not its first person born the same day."""
    from haven.returns.census import la_number

    def ours(data: bytes) -> bytes:
        return data.replace(b"<LEA>977</LEA>", f"<LEA>{la_number()}</LEA>".encode())

    folder = tmp_path / "returns"
    folder.mkdir()
    first = _file(_child("H00000500", _episode("2024-05-01", closed="2024-09-01", reason="RC1")))
    (folder / "2025.xml").write_bytes(ours(first))
    later = _file(
        _child("H00000500", _episode("2025-05-01", closed="2025-09-01", reason="RC1")),
        _child("H00000001", _episode("2025-06-01", closed="2025-09-01", reason="RC1")),
    )
    (folder / "2026.xml").write_bytes(ours(_year(later, 2026)))

    result = rehearse(folder, validate=False)

    assert [(y.year, y.differences) for y in result.years] == [(2025, []), (2026, [])]
    report = result.years[1].report
    assert report is not None
    (created,) = [c for c in report.children if c.la_child_id == "H00000001"]
    assert created.action == "create"


@pytest.mark.django_db
def test_a_fact_two_years_state_differently_is_listed_and_the_older_year_then_differs(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "returns"
    folder.mkdir()
    closed = _episode("2024-05-01", closed="2025-03-01", reason="RC1")
    (folder / "2025.xml").write_bytes(_file(_child("c", closed)))
    later = _episode("2024-05-01", closed="2025-03-05", reason="RC1")
    (folder / "2026.xml").write_bytes(_year(_file(_child("c", later)), 2026))
    out = tmp_path / "report"

    code = cmd_rehearse(argparse.Namespace(folder=str(folder), out=str(out), no_validate=True))

    assert code == 1
    with (out / "conflicts.csv").open() as handle:
        (conflict,) = list(csv.DictReader(handle))
    assert conflict["year"] == "2026" and conflict["element"].endswith("/CINclosureDate")
    assert conflict["in_this_file"] == "2025-03-05 RC1"
    with (out / "differences.csv").open() as handle:
        differences = list(csv.DictReader(handle))
    assert [
        "CIN census",
        "2025",
        "c",
        "Child/CINdetails[2024-05-01]/CINclosureDate",
        "2025-03-01",
        "2025-03-05",
    ] in [list(d.values()) for d in differences]


# A child looked after from 1 May 2023, in the 2024 return (messy: ISO dates, a byte order mark,
# Windows line endings) and again in the 2025 return, which states another placement type.
HEADER_903 = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\nL1001,2,2015-06-15,WBRI,UN5,0,\r\n"
EPISODE_903 = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n"


@pytest.mark.django_db
def test_an_ssda903_row_a_later_year_states_differently_is_a_difference_and_kept_rows_come_back(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "returns"
    (folder / "2024").mkdir(parents=True)
    (folder / "2025").mkdir(parents=True)
    (folder / "2024" / "header.csv").write_bytes(b"\xef\xbb\xbf" + HEADER_903.encode())
    (folder / "2024" / "episodes.csv").write_bytes(
        (EPISODE_903 + "L1001,2023-05-01,S,C2,N1,U1,PR1,,,,E8 2BB,E8 2LA,XXXXXXX\r\n").encode()
    )
    (folder / "2025" / "header.csv").write_text(HEADER_903.replace("2,2015-06-15", "F,15/06/2015"))
    (folder / "2025" / "episodes.csv").write_text(
        EPISODE_903 + "L1001,01/05/2023,S,C2,N1,U2,PR1,,,,E8 2BB,E8 2LA,XXXXXXX\n"
    )
    (folder / "2025" / "oc2.csv").write_text(
        "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
        "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n"
        "L1001,15/06/2015,,,,,0,0,0,0,,\n"
    )
    (folder / "2025" / "sw_episodes.csv").write_text(
        "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\nL1001,15/06/2015,SW000001,01/05/2023,,\n"
    )
    out = tmp_path / "report"
    people = Person.objects.count()

    validate = validators_available()

    code = cmd_rehearse(
        argparse.Namespace(folder=str(folder), out=str(out), no_validate=not validate)
    )

    assert code == 1 and Person.objects.count() == people
    with (out / "differences.csv").open() as handle:
        differences = [list(d.values()) for d in csv.DictReader(handle)]
    # The later year's row is kept, so the 2024 return comes back with it; the messy file's
    # dates, BOM and line endings are no difference.
    assert differences == [["SSDA903", "2024", "L1001", "Episodes[2023-05-01]/PLACE", "U1", "U2"]]
    # The child's social worker, another system's, comes back as the file gave them.
    with (out / "not_imported.csv").open() as handle:
        assert list(csv.DictReader(handle)) == []
    with (out / "years.csv").open() as handle:
        years = {(r["return"], r["year"]): r for r in csv.DictReader(handle)}
    assert years[("SSDA903", "2024")]["differences"] == "1"
    assert years[("SSDA903", "2025")]["differences"] == "0"
    assert years[("SSDA903", "2025")]["not_imported"] == "0"
    if validate:  # a year that differs is put through the DfE rules again, as Haven has it
        assert years[("SSDA903", "2024")]["dfe_rules_on_havens_return"] == "run"
    text = (out / "rehearsal.md").read_text()
    assert "Not clean" in text and "Episodes[2023-05-01]/PLACE" in text


def _census_and_903(folder: Path, urn_of_the_other: str) -> None:
    """A child in the 2025 census and the SSDA903 (L1001), and one in the SSDA903 alone (L2002,
    imported in the second process)."""
    (folder / "2025").mkdir(parents=True)
    (folder / "2025" / "CIN_2025.xml").write_bytes(
        _file(_child("L1001", _episode("2024-05-01"), born="2015-06-01"))
    )
    (folder / "2025" / "header.csv").write_text(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
        "L1001,F,01/06/2015,WBRI,UN5,0,\nL2002,M,03/02/2012,WBRI,UN5,,\n"
    )
    (folder / "2025" / "episodes.csv").write_text(
        EPISODE_903
        + "L1001,01/06/2024,S,C2,N1,U1,PR1,,,,E8 2BB,E8 2LA,XXXXXXX\n"
        + f"L2002,01/07/2024,S,V2,N1,U1,PR1,,,,E8 2BB,E8 2LA,{urn_of_the_other}\n"
    )


@pytest.mark.django_db
def test_a_child_in_the_census_and_the_ssda903_is_one_child_and_both_processes_commit_or_neither(
    tmp_path: Path,
) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    _census_and_903(good, "XXXXXXX")
    _census_and_903(bad, "")  # the second process's child is refused: a placement needs a URN

    done = rehearse(good, validate=False)

    assert done.ssda903_imported
    assert done.ssda903_report is not None
    summary = done.ssda903_report.summary()
    assert summary["children matched by their LAchildID in an imported CIN census"] == 1
    assert summary["children created"] == 1
    (lac,) = done.ssda903_years
    assert lac.compared and lac.differences == [] and lac.rows_in_haven["Episodes"] == 2
    assert done.years[0].differences == []  # the census year is unchanged by the SSDA903

    refused = rehearse(bad, validate=False)

    assert not refused.ssda903_imported  # neither part: the first one's child is not in either
    assert [(year, child) for year, child, *_ in refused.ssda903_rejected] == [(2025, "L2002")]
    assert not refused.ssda903_years[0].compared and not refused.clean


@pytest.mark.django_db
def test_a_care_leaver_whose_care_began_before_the_files_is_listed_as_not_imported(
    tmp_path: Path,
) -> None:
    """The files hold only the last 10 weeks of a young person's care (their first episode is a
    move, RNE P) and their OC3 row at 18: Haven counts the 13 weeks since the 14th birthday
    from the care it holds, so the OC3 row does not come back. That is the files' limit, listed
    with why, not a difference."""
    from haven.migration.ssda903 import CARE_BEFORE_THE_FILES, CARE_BEGAN_BEFORE_THE_FILES

    year = tmp_path / "returns" / "2025"
    year.mkdir(parents=True)
    # And one whose care was all before the files: their OC3 row is left for another reason.
    (year / "header.csv").write_text(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nL2001,M,15/06/2006,WBRI,UN5,,\n"
        "L2002,F,01/07/2005,WBRI,UN5,,\n"
    )
    (year / "episodes.csv").write_text(
        EPISODE_903 + "L2001,01/04/2024,P,C2,N1,U1,PR1,10/06/2024,E4A,,E8 2BB,E8 2LA,XXXXXXX\n"
    )
    (year / "oc3.csv").write_text(
        "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\nL2001,15/06/2006,YES,F1,B1\nL2002,01/07/2005,NO,0,0\n"
    )

    result = rehearse(tmp_path / "returns", validate=False)

    assert result.ssda903_imported, result.ssda903_rejected
    (lac,) = result.ssda903_years
    assert lac.differences == []
    assert sorted((n.child, n.element, n.why) for n in lac.not_imported) == [
        ("L2001", "OC3", CARE_BEGAN_BEFORE_THE_FILES),
        ("L2002", "Header", CARE_BEFORE_THE_FILES),
        ("L2002", "OC3", CARE_BEFORE_THE_FILES),
    ]
    # The report counts a table's values left by each reason.
    text = write_report(result, tmp_path / "report").read_text()
    assert f"| OC3 | 1 | {CARE_BEGAN_BEFORE_THE_FILES} |" in text
    assert f"| OC3 | 1 | {CARE_BEFORE_THE_FILES} |" in text
