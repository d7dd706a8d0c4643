"""The CIN import's dry run checks without writing: its report must be the one that writing
every child and rolling back gives (how the importer checked files before), child for child."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from lxml import etree

from haven.accounts.models import Role, User
from haven.core.calendar import LONDON
from haven.core.models import AuditChange
from haven.frontdoor.models import Referral
from haven.people.models import Person
from haven.returns import importer
from haven.returns.importer import ImportReport, cin_census_import
from haven.returns.tests.samples import dfe_sample

# Openly published fake returns, copied into the repository (data/dfe-samples/README.md).
CIN = Path(__file__).resolve().parent / "data" / "dfe-samples" / "cin"


@pytest.fixture
def analyst(db: None) -> User:
    return User.objects.create_user(
        username="returns-analyst", password="x", role=Role.PERFORMANCE_ANALYST
    )


def _by_writing(data: bytes, user: User) -> ImportReport:
    root = importer.read_census(data)
    return importer._write_all(root, importer._children(root), user, dry_run=True, defects="import")


def _shape(report: ImportReport, held: set[int]) -> dict[str, Any]:
    return {
        "summary": report.summary(),
        "lines": report.lines(),
        "collection_year": report.collection_year,
        "children": [
            (
                c.index,
                c.la_child_id,
                c.path,
                c.action,
                # A dry run that wrote had ids for the children it created (and for later
                # children matched to them), then rolled them back: only Haven's own count.
                c.person_id if c.person_id in held else None,
                [(p.path, p.value, p.reason) for p in c.problems],
            )
            for c in report.children
        ],
    }


def _same_report(data: bytes, user: User) -> ImportReport:
    """The same report, child for child, with records that break a DfE rule imported (their
    defects listed): what is compared here is the database's rules."""
    people, audit = Person.objects.count(), AuditChange.objects.count()
    checked = cin_census_import(defects="import", data=data, user=user, dry_run=True)
    assert Person.objects.count() == people
    assert AuditChange.objects.count() == audit, "a dry run writes nothing, not even audit rows"
    written = _by_writing(data, user)
    held = set(Person.objects.values_list("pk", flat=True))
    got, want = _shape(checked, held), _shape(written, held)
    assert got["summary"] == want["summary"]
    assert [c for c in got["children"] if c not in want["children"]] == [
        c for c in want["children"] if c not in got["children"]
    ]
    assert got == want
    assert Person.objects.count() == people
    return checked


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(p.name for p in CIN.glob("*.xml")))
def test_dry_run_of_each_sample_gives_the_report_writing_gave(analyst: User, name: str) -> None:
    _same_report(dfe_sample(name), analyst)


@pytest.mark.django_db
@pytest.mark.usefixtures("owner_db")
def test_dry_run_of_the_small_scenario_census_gives_the_report_writing_gave() -> None:
    from haven.returns.export import cin_census_build
    from haven.synthetic.generator import generate

    now = datetime.datetime(2026, 11, 17, 11, 0, tzinfo=LONDON)
    county = generate("small", now=now, seed=7, replace=True, stdout=lambda line: None)
    xml = cin_census_build(year=county.end_year - 1).xml
    user = User.objects.create_user(username="census-importer", password=None)
    # Its own census again: every child is matched by Haven's LAchildID, every episode is
    # already there, and the rules are checked against what Haven holds.
    again = _same_report(xml, user)
    assert again.summary()["children matched"] > 100
    assert again.summary()["episodes matched"] > 100
    # Under other identifiers and without UPNs: every child is created.
    root = etree.fromstring(xml)
    for ids in root.iter("ChildIdentifiers"):
        ids.find("LAchildID").text = "N" + (ids.findtext("LAchildID") or "")
        upn = ids.find("UPN")
        if upn is not None:
            ids.remove(upn)
    fresh = _same_report(etree.tostring(root), user)
    assert fresh.summary()["children to create"] > 100


# -- a file built to break each rule -----------------------------------------------------------

HEADER = """<?xml version="1.0" encoding="utf-8"?><Message><Header><CollectionDetails>
<Collection>CIN</Collection><Year>2025</Year><ReferenceDate>2025-03-31</ReferenceDate>
</CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>977</LEA></Source></Header>
<Children>"""


def _episode(
    referred: str,
    closed: str = "",
    reason: str = "RC8",
    assessments: tuple[tuple[str, str], ...] = (),
    cin_plans: tuple[tuple[str, str], ...] = (),
    s47s: tuple[tuple[str, str], ...] = (),
    plans: tuple[tuple[str, str], ...] = (),
    icpc: str = "",
) -> str:
    out = [f"<CINdetails><CINreferralDate>{referred}</CINreferralDate>"]
    out.append("<ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>")
    if closed:
        out.append(f"<CINclosureDate>{closed}</CINclosureDate>")
    if reason and (closed or reason != "RC8"):
        out.append(f"<ReasonForClosure>{reason}</ReasonForClosure>")
    if icpc:
        out.append(f"<DateOfInitialCPC>{icpc}</DateOfInitialCPC>")
    for start, authorised in assessments:
        out.append(f"<Assessments><AssessmentActualStartDate>{start}</AssessmentActualStartDate>")
        if authorised:
            out.append(f"<AssessmentAuthorisationDate>{authorised}</AssessmentAuthorisationDate>")
        out.append("</Assessments>")
    for start, end in cin_plans:
        end_el = f"<CINPlanEndDate>{end}</CINPlanEndDate>" if end else ""
        out.append(
            f"<CINPlanDates><CINPlanStartDate>{start}</CINPlanStartDate>{end_el}</CINPlanDates>"
        )
    for start, conference in s47s:
        out.append(f"<Section47><S47ActualStartDate>{start}</S47ActualStartDate>")
        if conference:
            out.append(f"<DateOfInitialCPC>{conference}</DateOfInitialCPC>")
            out.append("<ICPCnotRequired>false</ICPCnotRequired>")
        else:
            out.append("<ICPCnotRequired>true</ICPCnotRequired>")
        out.append("</Section47>")
    out.append("<ReferralNFA>false</ReferralNFA>")
    for start, end in plans:
        end_el = f"<CPPendDate>{end}</CPPendDate>" if end else ""
        out.append(
            f"<ChildProtectionPlans><CPPstartDate>{start}</CPPstartDate>{end_el}"
            "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>"
            "<LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>"
            "<NumberOfPreviousCPP>0</NumberOfPreviousCPP></ChildProtectionPlans>"
        )
    out.append("</CINdetails>")
    return "".join(out)


def _child(la_id: str, *episodes: str, upn: str = "", born: str = "2015-06-01") -> str:
    upn_el = f"<UPN>{upn}</UPN>" if upn else ""
    return (
        f"<Child><ChildIdentifiers><LAchildID>{la_id}</LAchildID>{upn_el}"
        f"<PersonBirthDate>{born}</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>"
        "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>"
        f"{''.join(episodes)}</Child>"
    )


def _file(*children: str) -> bytes:
    return (HEADER + "".join(children) + "</Children></Message>").encode()


CLOSED = "2024-12-01"
BREAKS = [
    _child("fine", _episode("2024-05-01", assessments=(("2024-05-02", "2024-05-20"),))),
    _child("closes-early", _episode("2024-05-01", closed="2024-04-01")),
    _child("no-reason", _episode("2024-05-01", closed="2024-06-01", reason="")),
    _child("reason-no-date", _episode("2024-05-01", reason="RC1")),
    _child("two-open", _episode("2024-05-01"), _episode("2024-08-01")),
    _child("authorised-early", _episode("2024-05-01", assessments=(("2024-05-02", "2024-04-20"),))),
    _child("cin-ends-early", _episode("2024-05-01", cin_plans=(("2024-06-01", "2024-05-20"),))),
    _child(
        "two-open-cin", _episode("2024-05-01", cin_plans=(("2024-06-01", ""), ("2024-07-01", "")))
    ),
    _child("conference-early", _episode("2024-05-01", s47s=(("2024-06-01", "2024-05-20"),))),
    _child("plan-one-day", _episode("2024-05-01", plans=(("2024-06-01", "2024-06-01"),))),
    _child("plan-backwards", _episode("2024-05-01", plans=(("2024-06-01", "2024-05-01"),))),
    _child(
        "two-open-plans", _episode("2024-05-01", plans=(("2024-06-01", ""), ("2024-07-01", "")))
    ),
    _child(
        "plans-overlap",
        _episode("2024-05-01", plans=(("2024-06-01", "2024-09-01"), ("2024-08-01", "2024-10-01"))),
    ),
    _child(
        "plans-touch",
        _episode("2024-05-01", plans=(("2024-06-01", "2024-08-01"), ("2024-08-01", "2024-10-01"))),
    ),
    _child(
        "before-calendar", _episode("1975-05-01", closed=CLOSED, assessments=(("1975-05-02", ""),))
    ),
    _child(
        "s47-before-calendar", _episode("1975-05-01", closed=CLOSED, s47s=(("1975-05-02", ""),))
    ),
    _child(
        "first-rule-wins",
        _episode("2024-05-01", cin_plans=(("2024-06-01", ""), ("2024-07-01", ""))),
        _episode("2023-05-01", closed="2023-04-01"),
    ),
    _child("same-date-twice", _episode("2024-05-01", closed=CLOSED), _episode("2024-05-01")),
    _child("transfer-in", _episode("2024-05-01", icpc="2024-05-20", plans=(("2024-06-01", ""),))),
    # Two children with one UPN and date of birth: the second is the first, matched.
    _child("upn-a", _episode("2024-05-01"), upn="A12345678901B"),
    _child(
        "upn-b", _episode("2024-05-01"), _episode("2023-01-01", closed=CLOSED), upn="A12345678901B"
    ),
    _child("upn-c", _episode("2024-06-01"), upn="A12345678901B"),
    _child("upn-d", _episode("2023-01-01", plans=(("2023-02-01", ""),)), upn="A12345678901B"),
    # A rejected child creates no one: the next with the same UPN is created, not matched.
    _child("upn-x", _episode("2024-05-01", closed="2024-04-01"), upn="B12345678901C"),
    _child("upn-y", _episode("2024-05-01"), upn="B12345678901C"),
]


@pytest.mark.django_db
def test_dry_run_refuses_what_the_database_would_with_the_same_reason(analyst: User) -> None:
    report = _same_report(_file(*BREAKS), analyst)
    reasons = {c.la_child_id: [p.reason for p in c.problems] for c in report.children}
    assert reasons["fine"] == [] and reasons["plans-touch"] == []
    assert reasons["two-open"] == [
        importer.CONSTRAINT_REASONS["referral_one_open_episode_per_child"]
    ]
    assert reasons["plans-overlap"] == [importer.CONSTRAINT_REASONS["cpp_no_overlap"]]
    # Every rule a child breaks is named, not only the first the database stops at.
    assert reasons["first-rule-wins"] == [
        importer.CONSTRAINT_REASONS["referral_closes_after_it_opens"],
        importer.CONSTRAINT_REASONS["cin_plan_one_open_per_child"],
    ]
    assert "outside the years" in reasons["before-calendar"][0]
    actions = {c.la_child_id: c.action for c in report.children}
    assert (actions["upn-a"], actions["upn-b"], actions["upn-c"]) == ("create", "match", "reject")
    assert (actions["upn-x"], actions["upn-y"]) == ("reject", "create")


@pytest.mark.django_db
def test_dry_run_checks_the_file_against_children_already_in_haven(analyst: User) -> None:
    first = cin_census_import(
        defects="import",
        data=_file(
            _child(
                "held-1", _episode("2024-05-01", plans=(("2024-06-01", ""),)), upn="C12345678901D"
            ),
            _child("held-2", _episode("2024-05-01", cin_plans=(("2024-06-01", ""),))),
        ),
        user=analyst,
        dry_run=False,
    )
    assert first.committed, first.lines()
    data = _file(
        # The same identifier: matched, the same episode left as it is, a new one refused.
        _child("held-1", _episode("2024-05-01"), _episode("2024-09-01")),
        _child("held-1x", _episode("2024-05-01", closed=CLOSED), upn="C12345678901D"),
        _child(
            "held-1y",
            _episode("2023-05-01", closed=CLOSED, plans=(("2023-06-01", "2024-07-01"),)),
            upn="C12345678901D",
        ),
        _child("held-2", _episode("2024-03-01", closed=CLOSED, cin_plans=(("2024-03-02", ""),))),
        _child("held-2", _episode("2024-03-01", closed=CLOSED)),
    )
    report = _same_report(data, analyst)
    actions = {(c.la_child_id, c.index): c.action for c in report.children}
    assert actions[("held-1", 0)] == "reject"
    assert actions[("held-1x", 1)] == "match"
    assert actions[("held-2", 4)] == "reject"  # the same LAchildID twice in one file
    assert Referral.objects.filter(person_id=first.children[0].person_id or 0).count() == 1


@pytest.mark.django_db
def test_import_writes_what_the_dry_run_reported_with_audit_rows(analyst: User) -> None:
    data = _file(*BREAKS[:1], BREAKS[18], BREAKS[19], BREAKS[20])
    dry = cin_census_import(defects="import", data=data, user=analyst, dry_run=True)
    audit = AuditChange.objects.count()
    done = cin_census_import(defects="import", data=data, user=analyst, dry_run=False)
    assert done.committed and done.summary() == dry.summary()
    created = [c.person_id or 0 for c in done.children if c.action == "create"]
    assert len(created) == 3 and all(created)
    assert Person.objects.filter(pk__in=created).count() == 3
    assert AuditChange.objects.count() > audit
    assert (
        AuditChange.objects.filter(table_name="people_person", person_id__in=created).count() == 3
    )


def _without(xml: str, tag: str) -> str:
    """The element (its first occurrence) taken out of the XML."""
    start = xml.index(f"<{tag}>")
    end = xml.index(f"</{tag}>", start) + len(f"</{tag}>")
    return xml[:start] + xml[end:]


@pytest.mark.django_db
def test_a_required_element_missing_rejects_the_child_naming_it_nothing_is_invented(
    analyst: User,
) -> None:
    plan = _episode("2024-05-01", s47s=(("2024-05-10", ""),), plans=(("2024-06-01", ""),))
    whole = _child("whole", plan)
    missing = {
        "Ethnicity": "/ChildCharacteristics/Ethnicity",
        "ReferralNFA": "/CINdetails/ReferralNFA",
        "ICPCnotRequired": "/CINdetails/Section47/ICPCnotRequired",
        "LatestCategoryOfAbuse": "/CINdetails/ChildProtectionPlans/LatestCategoryOfAbuse",
        "NumberOfPreviousCPP": "/CINdetails/ChildProtectionPlans/NumberOfPreviousCPP",
    }
    children = [_without(whole, tag).replace("whole", tag) for tag in missing]
    report = cin_census_import(defects="import", data=_file(*children), user=analyst, dry_run=True)
    for (tag, path), child in zip(missing.items(), report.children, strict=True):
        assert child.action == "reject", tag
        assert [(p.path, p.reason) for p in child.problems] == [
            (f"{child.path}{path}", "missing: it is required")
        ]

    # PrimaryNeedCode may be left out (the schema says so): imported blank, not "not stated",
    # and the return made from the record leaves it out too.
    done = cin_census_import(
        defects="import",
        data=_file(_without(whole, "PrimaryNeedCode")),
        user=analyst,
        dry_run=False,
    )
    assert done.committed, done.lines()
    person = done.children[0].person_id or 0
    assert Referral.objects.get(person_id=person).primary_need == ""
    assert Person.objects.get(pk=person).ethnicity == "WBRI"
    from haven.returns.export import cin_census_build

    exported = etree.fromstring(cin_census_build(year=2025, person_ids=[person]).xml)
    assert exported.find(".//CINdetails/PrimaryNeedCode") is None
    assert exported.findtext(".//Section47/ICPCnotRequired") == "true"


@pytest.mark.django_db
def test_what_haven_refuses_is_rejected_with_the_rule_or_imported_with_it_listed(
    analyst: User,
) -> None:
    data = _file(
        _child("future", _episode("2030-05-01")),
        _child("assessed-first", _episode("2024-05-01", assessments=(("2024-04-20", ""),))),
        _child("s47-first", _episode("2024-05-01", s47s=(("2024-04-20", ""),))),
        _child("plan-first", _episode("2024-05-01", plans=(("2024-04-20", ""),))),
        _child("fine", _episode("2024-05-01")),
    )
    rejected = cin_census_import(data=data, user=analyst, dry_run=False)
    assert not rejected.committed
    reasons = {c.la_child_id: [(p.path, p.reason) for p in c.problems] for c in rejected.children}
    child = "/Message/Children/Child[{}]/CINdetails/"
    assert reasons["future"] == [
        (child.format(1) + "CINreferralDate", "a date in the future: Haven's forms refuse it")
    ]
    assert reasons["assessed-first"] == [
        (
            child.format(2) + "Assessments/AssessmentActualStartDate",
            "the assessment starts before its referral: Haven's forms refuse it",
        )
    ]
    assert [r for _, r in reasons["s47-first"]] == [
        "DfE rule 2889: the S47 starts before the referral"
    ]
    assert [r for _, r in reasons["plan-first"]] == [
        "DfE rule 1105: the plan starts before the referral"
    ]
    assert reasons["fine"] == []

    imported = cin_census_import(data=data, user=analyst, dry_run=False, defects="import")
    assert imported.committed, imported.lines()
    assert imported.summary()["children imported with defects listed"] == 4
    listed = {c.la_child_id: [p.reason for p in c.defects] for c in imported.children}
    assert listed["future"] == ["a date in the future: Haven's forms refuse it"]
    assert listed["fine"] == []
    assert any("DfE rule 2889" in line for line in imported.lines())


@pytest.mark.django_db
def test_the_dfe_fake_data_is_rejected_for_its_errors_or_imported_with_them_listed(
    analyst: User,
) -> None:
    data = (CIN / "fake_CIN_data.xml").read_bytes()
    rejected = cin_census_import(data=data, user=analyst, dry_run=True)
    assert len(rejected.rejected) == 331
    imported = cin_census_import(data=data, user=analyst, dry_run=True, defects="import")
    assert imported.ok and imported.summary()["children imported with defects listed"] == 331
    rules = {p.reason.split(":")[0] for c in imported.children for p in c.defects}
    assert rules == {
        "DfE rule 8831",
        "DfE rule 1510",
        "DfE rule 1530",
        "DfE rule 2990",
        "DfE rule 8790",
        "a date in the future",
    }


@pytest.mark.django_db
def test_dates_and_booleans_are_read_as_the_schema_says_and_utf16_files_are_read(
    analyst: User,
) -> None:
    def problems(xml: str) -> list[tuple[str, str]]:
        report = cin_census_import(data=_file(xml), user=analyst, dry_run=True)
        return [(p.path.rsplit("/", 1)[-1], p.value) for c in report.children for p in c.problems]

    fine = _child("dates", _episode("2024-05-01", s47s=(("2024-05-10", ""),)))
    assert problems(fine) == []
    # A midnight time (as other systems write dates) and a time zone are the date.
    assert problems(fine.replace("2024-05-01<", "2024-05-01T00:00:00<")) == []
    assert problems(fine.replace("2024-05-01<", "2024-05-01Z<")) == []
    # Not xs:date, not xs:boolean.
    assert problems(fine.replace("2024-05-01<", "20240501<")) == [("CINreferralDate", "20240501")]
    assert problems(fine.replace("2024-05-01<", "2024-05-01T10:30:00<")) == [
        ("CINreferralDate", "2024-05-01T10:30:00")
    ]
    assert problems(fine.replace(">true<", ">True<")) == [("ICPCnotRequired", "True")]

    utf16 = _file(fine).decode().replace('encoding="utf-8"', 'encoding="utf-16"')
    report = cin_census_import(data=utf16.encode("utf-16"), user=analyst, dry_run=True)
    assert report.summary()["children to create"] == 1


@pytest.mark.django_db
def test_a_date_outside_the_calendar_names_its_element(analyst: User) -> None:
    data = _file(
        _child("early", _episode("1975-05-01", assessments=(("1975-05-02", "1975-06-01"),)))
    )
    report = _same_report(data, analyst)
    (problem,) = report.children[0].problems
    assert (
        problem.path
        == "/Message/Children/Child[1]/CINdetails/Assessments/AssessmentActualStartDate"
    )
    assert problem.value == "1975-05-02" and "outside the years" in problem.reason


def _year(data: bytes, year: int) -> bytes:
    return data.replace(b"<Year>2025</Year>", f"<Year>{year}</Year>".encode()).replace(
        b"<ReferenceDate>2025-03-31</ReferenceDate>",
        f"<ReferenceDate>{year}-03-31</ReferenceDate>".encode(),
    )


@pytest.mark.django_db
def test_a_fact_two_years_state_differently_is_a_conflict_and_the_newer_year_wins(
    analyst: User,
) -> None:
    older = _year(
        _file(_child("c", _episode("2023-05-01", closed="2023-12-01", reason="RC1"))), 2024
    )
    newer = _year(
        _file(_child("c", _episode("2023-05-01", closed="2023-12-05", reason="RC1"))), 2025
    )
    outcomes = []
    for order in ((older, newer), (newer, older)):
        with transaction.atomic():
            sid = transaction.savepoint()
            for data in order:
                report = cin_census_import(data=data, user=analyst, dry_run=False)
                assert report.committed, report.lines()
            (conflict,) = report.children[0].conflicts
            assert conflict.path == "/Message/Children/Child[1]/CINdetails/CINclosureDate"
            assert "Haven holds 2023-12" in conflict.reason
            assert any("conflicts for c" in line for line in report.lines())
            outcomes.append(
                list(
                    Referral.objects.filter(
                        person_id=report.children[0].person_id or 0
                    ).values_list("referral_date", "closure_date")
                )
            )
            transaction.savepoint_rollback(sid)
    assert outcomes[0] == outcomes[1] == [(datetime.date(2023, 5, 1), datetime.date(2023, 12, 5))]


@pytest.mark.django_db
def test_a_referral_within_12_months_of_the_last_is_a_re_referral_whatever_the_file_order(
    analyst: User,
) -> None:
    first = _year(_file(_child("r", _episode("2023-05-01", closed="2023-08-01"))), 2024)
    second = _year(_file(_child("r", _episode("2024-03-01"))), 2025)
    for order in ((first, second), (second, first)):
        with transaction.atomic():
            sid = transaction.savepoint()
            for data in order:
                report = cin_census_import(data=data, user=analyst, dry_run=False)
                assert report.committed, report.lines()
            flags = list(
                Referral.objects.filter(person_id=report.children[0].person_id or 0)
                .order_by("referral_date")
                .values_list("is_re_referral", flat=True)
            )
            assert flags == [False, True]
            transaction.savepoint_rollback(sid)


@pytest.mark.django_db
def test_dry_run_of_a_later_year_merging_into_held_episodes_gives_the_report_writing_gave(
    analyst: User,
) -> None:
    older = _year(
        _file(
            _child(
                "m",
                _episode(
                    "2023-05-01",
                    reason="",
                    assessments=(("2023-05-02", ""),),
                    s47s=(("2023-05-03", "2023-05-20"),),
                    plans=(("2023-05-20", ""),),
                ),
            )
        ),
        2024,
    )
    done = cin_census_import(data=older, user=analyst, dry_run=False)
    assert done.committed, done.lines()
    newer = _year(
        _file(
            _child(
                "m",
                _episode(
                    "2023-05-01",
                    closed="2024-06-01",
                    reason="RC1",
                    assessments=(("2023-05-02", "2023-06-10"),),
                    s47s=(("2023-05-03", "2023-05-20"),),
                    plans=(("2023-05-20", "2024-05-01"),),
                ),
                _episode("2024-09-01", plans=(("2024-09-10", ""),)),
            )
        ),
        2025,
    )
    report = _same_report(newer, analyst)
    summary = report.summary()
    assert summary["episodes matched"] == 1 and summary["episodes"] == 1
    assert summary["facts taken from the file"] == 3  # closure, authorisation, plan end
    assert "conflicts" not in summary
