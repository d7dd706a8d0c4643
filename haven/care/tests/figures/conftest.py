"""Children looked after around the 2019/20 year (1 April 2019 to 31 March 2020), built from the
models directly (periods, legal statuses, placements, then the derived episodes), for the
figures and Annex A list 8 tests. What each child shows is said beside them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from haven.accounts.models import Role, Team, User
from haven.adoption.models import AdoptionPlan
from haven.care import episodes
from haven.care.models import (
    CarePeriod,
    CarePlan,
    CareReview,
    CareVisit,
    HealthKind,
    HealthRecord,
    LegalStatusChange,
    PersonalEducationPlan,
    Placement,
)
from haven.carers.models import AdopterHousehold, ChildrensHome, FosteringHousehold
from haven.people.models import Person, RestrictedAccess
from haven.uasc.models import UASCStatus

D = datetime.date


@dataclass
class Place:
    start: datetime.date
    end: datetime.date | None = None
    place: str = "U6"
    provider: str = "PR4"
    carer: str = "Agency carers"
    household: FosteringHousehold | None = None
    home: ChildrensHome | None = None
    miles: str | None = "5"
    reason: str = ""


def period_of_care(
    child: Person,
    start: datetime.date,
    statuses: list[tuple[datetime.date, str]],
    places: list[Place],
    *,
    end: datetime.date | None = None,
    reason: str = "",
    need: str = "N1",
) -> CarePeriod:
    period = CarePeriod.objects.create(
        person=child,
        start_date=start,
        end_date=end,
        end_reason=reason,
        category_of_need=need,
        home_postcode="SO23 8UJ",
    )
    for day, code in statuses:
        LegalStatusChange.objects.create(period=period, person=child, code=code, start_date=day)
    for p in places:
        Placement.objects.create(
            period=period,
            person=child,
            start_date=p.start,
            end_date=p.end,
            place=p.place,
            provider=p.provider,
            household=p.household,
            home=p.home,
            carer_name=p.carer if not (p.household or p.home) else "",
            postcode="SO50 4AB",
            distance_miles=Decimal(p.miles) if p.miles is not None else None,
            change_reason=p.reason,
        )
    episodes.rederive(period)
    return period


@dataclass
class Cared:
    children: dict[str, Person] = field(default_factory=dict)
    periods: dict[str, CarePeriod] = field(default_factory=dict)
    team: Team | None = None


@pytest.fixture
def analyst(make_user: Any) -> User:
    return make_user(Role.PERFORMANCE_ANALYST, None, first_name="Ana", last_name="Lyst")


@pytest.fixture
def cared(make_child: Any, manager: User, teams: dict[str, Team]) -> Cared:
    c = Cared(team=teams["assessment"])
    for key, born in [
        ("amy", D(2012, 5, 1)),
        ("ben", D(2010, 4, 13)),
        ("cat", D(2016, 1, 2)),
        ("dan", D(2003, 7, 7)),
        ("eve", D(2008, 9, 9)),
        ("fay", D(2009, 2, 2)),
        ("rex", D(2011, 11, 11)),
    ]:
        c.children[key] = make_child(
            given_names=key.title(), family_name="Cared", date_of_birth=born
        )
    ch = c.children
    Person.objects.filter(pk=ch["rex"].pk).update(is_restricted=True)
    household = FosteringHousehold.objects.create(
        reference="F1",
        name="The Carers",
        address="1 High Street",
        postcode="SO50 4AB",
        approved_on=D(2015, 1, 1),
        age_from=0,
        age_to=18,
        places=2,
    )
    own_home = ChildrensHome.objects.create(
        name="Oak House",
        operator="PR1",
        urn="SC100001",
        address="2 Oak Lane",
        postcode="SO22 5AA",
        places=4,
    )
    # Amy: came into care in the year under a care order, with in-house foster carers 5 miles
    # away; visited on time and late, reviewed on time, health assessed in time; placed for
    # adoption 7 months after entering care.
    c.periods["amy"] = period_of_care(
        ch["amy"],
        D(2019, 6, 3),
        [(D(2019, 6, 3), "C2")],
        [Place(D(2019, 6, 3), place="U6", provider="PR1", household=household)],
    )
    amy = c.periods["amy"]
    placement = amy.placements.get()
    CareVisit.objects.create(
        period=amy,
        placement=placement,
        person=ch["amy"],
        visited_on=D(2019, 6, 7),
        child_seen=True,
        due_date=D(2019, 6, 10),
        next_due=D(2019, 7, 22),
        due_rule="first_week",
    )
    CareVisit.objects.create(
        period=amy,
        placement=placement,
        person=ch["amy"],
        visited_on=D(2019, 8, 1),
        child_seen=True,
        due_date=D(2019, 7, 22),
        next_due=D(2019, 9, 12),
        due_rule="six_weekly",
    )
    CareReview.objects.create(
        period=amy,
        person=ch["amy"],
        held_on=D(2019, 6, 28),
        due_date=D(2019, 7, 1),
        participation="PN1",
    )
    CarePlan.objects.create(
        period=amy,
        person=ch["amy"],
        agreed_on=D(2019, 6, 10),
        permanence_plan="adoption",
        summary="Adoption",
    )
    # 20 working days from Monday 3 June 2019 is Monday 1 July 2019.
    HealthRecord.objects.create(
        person=ch["amy"],
        period=amy,
        kind=HealthKind.INITIAL_ASSESSMENT,
        on=D(2019, 7, 1),
        due_date=D(2019, 7, 1),
    )
    HealthRecord.objects.create(
        person=ch["amy"], period=amy, kind=HealthKind.DENTAL_CHECK, on=D(2019, 9, 2)
    )
    PersonalEducationPlan.objects.create(
        period=amy, person=ch["amy"], held_on=D(2019, 6, 14), due_date=D(2019, 6, 17)
    )
    adopters = AdopterHousehold.objects.create(
        reference="A1", name="The Adopters", enquiry_on=D(2018, 1, 1)
    )
    AdoptionPlan.objects.create(
        person=ch["amy"],
        period=amy,
        decided_on=D(2019, 8, 1),
        adopters=adopters,
        matched_on=D(2019, 12, 1),
        placed_on=D(2020, 1, 15),
    )
    # Ben: in care twice in the year; started once (his first start) and ceased once (his last
    # ceasing, returned home on 31 March 2020: not looked after at the end of that day).
    c.periods["ben_first"] = period_of_care(
        ch["ben"],
        D(2019, 4, 10),
        [(D(2019, 4, 10), "V2")],
        [Place(D(2019, 4, 10), D(2019, 7, 1))],
        end=D(2019, 7, 1),
        reason="E4B",
    )
    c.periods["ben"] = period_of_care(
        ch["ben"],
        D(2019, 9, 2),
        [(D(2019, 9, 2), "V2")],
        [Place(D(2019, 9, 2), D(2020, 3, 31))],
        end=D(2020, 3, 31),
        reason="E4A",
    )
    # Cat: short breaks only: never counted.
    c.periods["cat"] = period_of_care(
        ch["cat"], D(2019, 5, 1), [(D(2019, 5, 1), "V3")], [Place(D(2019, 5, 1), place="K2")]
    )
    # Dan: an unaccompanied asylum-seeking child, 30 miles away, three placements in the year;
    # his initial health assessment was late.
    c.periods["dan"] = period_of_care(
        ch["dan"],
        D(2019, 9, 2),
        [(D(2019, 9, 2), "V2")],
        [
            Place(D(2019, 9, 2), D(2019, 10, 1), carer="First", miles="30", reason="CREQB"),
            Place(D(2019, 10, 1), D(2020, 1, 6), carer="Second", miles="30", reason="CREQO"),
            Place(D(2020, 1, 6), carer="Third", miles="30"),
        ],
        need="N8",
    )
    UASCStatus.objects.create(person=ch["dan"], arrived_on=D(2019, 8, 30))
    HealthRecord.objects.create(
        person=ch["dan"],
        period=c.periods["dan"],
        kind=HealthKind.INITIAL_ASSESSMENT,
        on=D(2019, 11, 1),
        due_date=D(2019, 9, 27),
    )
    # Eve: looked after since 2016, in the council's own children's home since 2017: stable.
    # Her review health assessment came 13 months after the last (due within 12): late.
    c.periods["eve"] = period_of_care(
        ch["eve"],
        D(2016, 1, 4),
        [(D(2016, 1, 4), "C1"), (D(2016, 6, 1), "C2")],
        [
            Place(D(2016, 1, 4), D(2017, 1, 9), carer="Agency", reason="CARPL"),
            Place(D(2017, 1, 9), place="K2", provider="PR1", home=own_home, miles=None),
        ],
    )
    HealthRecord.objects.create(
        person=ch["eve"],
        period=c.periods["eve"],
        kind=HealthKind.REVIEW_ASSESSMENT,
        on=D(2018, 5, 1),
        due_date=D(2018, 5, 1),
    )
    HealthRecord.objects.create(
        person=ch["eve"],
        period=c.periods["eve"],
        kind=HealthKind.REVIEW_ASSESSMENT,
        on=D(2019, 6, 3),
        due_date=D(2019, 5, 1),
    )
    # Fay: looked after since 2016 but moved in January 2019: not stable for 2 years.
    c.periods["fay"] = period_of_care(
        ch["fay"],
        D(2016, 6, 1),
        [(D(2016, 6, 1), "C2")],
        [
            Place(D(2016, 6, 1), D(2019, 1, 7), carer="Agency", miles="10", reason="CLOSE"),
            Place(D(2019, 1, 7), carer="New agency", miles="10"),
        ],
    )
    # Rex: restricted; counted only for users named on his record.
    c.periods["rex"] = period_of_care(
        ch["rex"], D(2019, 5, 1), [(D(2019, 5, 1), "C1")], [Place(D(2019, 5, 1))]
    )
    return c


@pytest.fixture
def named_analyst(analyst: User, cared: Cared) -> User:
    RestrictedAccess.objects.create(person=cared.children["rex"], user=analyst)
    return analyst
