"""What imported history must give the figures and the report: an episode's own initial
conference counted as one, the header's collection year read as the census says, and every
rule a refused child breaks named."""

from __future__ import annotations

import datetime

import pytest
from lxml import etree

from haven.accounts.models import Role, User
from haven.performance import periods, selectors
from haven.performance.protection import CHILD_PROTECTION
from haven.protection.models import Conference, ConferenceKind
from haven.returns import importer
from haven.returns.export import cin_census_build
from haven.returns.importer import CensusFileError, cin_census_import
from haven.returns.tests.test_importer_check import _child, _episode, _file, _year

D = datetime.date


@pytest.fixture
def analyst(db: None) -> User:
    return User.objects.create_user(
        username="gaps-analyst", password="x", role=Role.PERFORMANCE_ANALYST
    )


# -- an episode's DateOfInitialCPC ---------------------------------------------------------------


def _episode_icpc_file() -> bytes:
    return _file(
        # The census puts an ICPC on the episode when its S47 was in an earlier year's return.
        _child("icpc-plan", _episode("2024-03-01", icpc="2024-04-10", plans=(("2024-04-10", ""),))),
        _child(
            "icpc-no-plan",
            _episode("2024-03-01", icpc="2024-05-02", closed="2024-06-01", reason="RC1"),
        ),
        _child("unborn", _episode("2024-03-01", icpc="2024-04-15"), born="2024-06-20"),
    )


@pytest.mark.django_db
def test_an_episode_level_initial_conference_is_counted_as_an_icpc_and_exported_unchanged(
    analyst: User,
) -> None:
    data = _episode_icpc_file()
    report = cin_census_import(data=data, user=analyst, dry_run=False)
    assert report.committed, "\n".join(report.lines())
    kinds = dict(
        Conference.objects.filter(person__family_name__in=["icpc-plan", "icpc-no-plan", "unborn"])
        .exclude(kind=ConferenceKind.REVIEW)
        .values_list("person__family_name", "kind")
    )
    # An initial conference whose S47 is another year's (none made up), and a pre-birth one.
    assert kinds == {
        "icpc-plan": ConferenceKind.INITIAL,
        "icpc-no-plan": ConferenceKind.INITIAL,
        "unborn": ConferenceKind.PRE_BIRTH,
    }
    assert not Conference.objects.filter(kind=ConferenceKind.INITIAL, s47__isnull=False).exists()
    assert report.summary()["initial conferences whose S47 is another year's"] == 2

    year = periods.dfe_year(2025)
    values = selectors.figures_compute(page=CHILD_PROTECTION, periods=[year], user=analyst).values(
        year
    )
    assert values["icpc_held"] == 3  # was 0: each was a transfer-in conference

    people = [c.person_id for c in report.children if c.person_id is not None]
    exported = etree.fromstring(cin_census_build(year=2025, person_ids=people).xml)
    days = sorted(el.text for el in exported.iter("DateOfInitialCPC"))
    assert days == ["2024-04-10", "2024-04-15", "2024-05-02"]
    assert all(el.getparent().tag == "CINdetails" for el in exported.iter("DateOfInitialCPC"))
    assert not list(exported.iter("Section47"))


@pytest.mark.django_db
def test_an_older_file_with_the_s47_makes_the_conference_follow_it(analyst: User) -> None:
    newer = _year(
        _file(_child("c", _episode("2024-03-01", icpc="2024-04-10", plans=(("2024-04-10", ""),)))),
        2025,
    )
    older = _year(
        _file(_child("c", _episode("2024-03-01", s47s=(("2024-03-20", "2024-04-10"),)))), 2024
    )
    for data in (newer, older):
        assert cin_census_import(data=data, user=analyst, dry_run=False).committed
    (icpc,) = Conference.objects.filter(person__family_name="c", kind=ConferenceKind.INITIAL)
    assert icpc.s47 is not None and icpc.s47.start_date == D(2024, 3, 20)
    assert icpc.due_rule == "icpc"


# -- the header's collection year ----------------------------------------------------------------


def _header(year: str, reference: str) -> bytes:
    data = _file(_child("h", _episode("2024-05-01")))
    return data.replace(b"<Year>2025</Year>", year.encode()).replace(
        b"<ReferenceDate>2025-03-31</ReferenceDate>", reference.encode()
    )


@pytest.mark.django_db
def test_a_header_naming_two_collection_years_is_refused_naming_both(analyst: User) -> None:
    data = _header("<Year>2024</Year>", "<ReferenceDate>2025-03-31</ReferenceDate>")
    with pytest.raises(CensusFileError) as refused:
        cin_census_import(data=data, user=analyst, dry_run=True)
    message = str(refused.value)
    assert "/Message/Header/CollectionDetails/Year is 2024" in message
    assert "/Message/Header/CollectionDetails/ReferenceDate is 2025-03-31" in message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "reference", "expected", "noted"),
    [
        ("<Year>2025</Year>", "<ReferenceDate>2025-03-31</ReferenceDate>", 2025, False),
        # The DfE's fake data: the day the file was made, not a reference date: Year rules.
        ("<Year>2025</Year>", "<ReferenceDate>2025-07-21</ReferenceDate>", 2025, True),
        ("<Year>2025</Year>", "", 2025, False),
        ("", "<ReferenceDate>2025-03-31</ReferenceDate>", 2025, False),
    ],
)
def test_the_collection_year_is_the_header_year(
    analyst: User, year: str, reference: str, expected: int, noted: bool
) -> None:
    report = cin_census_import(data=_header(year, reference), user=analyst, dry_run=True)
    assert report.collection_year == expected
    assert bool(report.header) == noted
    if noted:
        assert any("ReferenceDate" in line and "rule 100" in line for line in report.lines())


# -- every rule broken ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_refused_child_is_told_every_rule_broken_with_its_element(analyst: User) -> None:
    data = _file(
        _child(
            "many",
            _episode("2024-05-01", plans=(("2024-06-01", ""), ("2024-07-01", ""))),
            _episode(
                "2023-05-01", closed="2023-04-01", assessments=(("2023-05-02", "2023-05-01"),)
            ),
        )
    )
    reasons = importer.CONSTRAINT_REASONS
    for dry_run in (True, False):
        report = cin_census_import(data=data, user=analyst, dry_run=dry_run)
        (child,) = report.rejected
        found = [(p.path, p.reason) for p in child.problems]
        path = "/Message/Children/Child[1]/CINdetails"
        assert found == [
            (f"{path}[2]/CINclosureDate", reasons["referral_closes_after_it_opens"]),
            (
                f"{path}[2]/Assessments/AssessmentAuthorisationDate",
                reasons["assessment_authorised_after_start"],
            ),
            (f"{path}[1]/ChildProtectionPlans[2]/CPPstartDate", reasons["cpp_one_open_per_child"]),
            (f"{path}[1]/ChildProtectionPlans[2]/CPPstartDate", reasons["cpp_no_overlap"]),
        ]
