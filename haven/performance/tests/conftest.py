"""A small front door across the 2019/20 year boundary and its bank holidays."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pytest

from haven.accounts.models import Role, Team, User
from haven.assessments.models import Assessment, AssessmentOutcome, AssessmentStatus
from haven.core.calendar import LONDON, calendar
from haven.frontdoor.models import Contact, ContactChild, Referral
from haven.people.models import Person, PersonDisability, RestrictedAccess


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


@dataclass
class FrontDoor:
    teams: dict[str, Team]
    manager: User
    children: dict[str, Person] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)
    referrals: dict[str, Referral] = field(default_factory=dict)
    assessments: dict[str, Assessment] = field(default_factory=dict)

    def contact(
        self,
        key: str,
        received: datetime.datetime,
        source: str,
        decisions: dict[str, tuple[str, datetime.datetime | None]],
    ) -> Contact:
        contact = Contact.objects.create(
            received_at=received,
            channel="phone",
            source=source,
            summary="Worried",
            consent="given",
            consent_basis="consent",
            team=self.teams["front_door"],
            decision_due=calendar().add_working_days(received.astimezone(LONDON).date(), 1),
            decision_due_rule="contact_decision",
        )
        for child_key, (outcome, decided) in decisions.items():
            ContactChild.objects.create(
                contact=contact,
                person=self.children[child_key],
                outcome=outcome,
                rationale="Because" if outcome else "",
                decided_at=decided,
                decided_by=self.manager if outcome else None,
            )
        self.contacts[key] = contact
        return contact

    def referral(
        self,
        key: str,
        child: str,
        day: datetime.date,
        source: str = "6",
        *,
        re_referral: bool = False,
        nfa: bool = False,
    ) -> Referral:
        referral = Referral.objects.create(
            person=self.children[child],
            referral_date=day,
            source=source,
            is_re_referral=re_referral,
            no_further_action=nfa,
            team=self.teams["assessment"],
        )
        self.referrals[key] = referral
        return referral

    def assessment(
        self,
        key: str,
        referral: str,
        start: datetime.date,
        authorised: datetime.date | None,
        *,
        seen: datetime.date | None = None,
        outcome: str = AssessmentOutcome.CIN_PLAN,
    ) -> Assessment:
        ref = self.referrals[referral]
        assessment = Assessment.objects.create(
            referral=ref,
            person=ref.person,
            worker=self.manager,
            team=self.teams["assessment"],
            start_date=start,
            due_date=calendar().add_working_days(start, 45),
            due_rule="assessment",
            child_seen_on=seen,
            status=AssessmentStatus.AUTHORISED if authorised else AssessmentStatus.IN_PROGRESS,
            authorised_on=authorised,
            authorised_by=self.manager if authorised else None,
            outcome=outcome if authorised else "",
        )
        self.assessments[key] = assessment
        return assessment


@pytest.fixture
def analyst(make_user: Any) -> User:
    return make_user(Role.PERFORMANCE_ANALYST, None, first_name="Ana", last_name="Lyst")


@pytest.fixture
def front_door(teams: dict[str, Team], manager: User, make_child: Any) -> FrontDoor:
    fd = FrontDoor(teams=teams, manager=manager)
    for key, given, born in [
        ("amy", "Amy", datetime.date(2012, 5, 1)),
        ("ben", "Ben", datetime.date(2010, 4, 13)),
        ("cat", "Cat", datetime.date(2016, 1, 2)),
        ("dan", "Dan", datetime.date(2017, 7, 7)),
        ("eve", "Eve", datetime.date(2009, 9, 9)),
        ("rex", "Rex", datetime.date(2011, 11, 11)),
    ]:
        fd.children[key] = make_child(given_names=given, family_name="Test", date_of_birth=born)
    Person.objects.filter(pk=fd.children["rex"].pk).update(is_restricted=True)
    PersonDisability.objects.create(person=fd.children["amy"], code="LD")

    # Last year (2018/19): not counted in 2020.
    fd.contact("old", at(2019, 3, 29), "6", {"amy": ("referral", at(2019, 3, 29, 15))})
    fd.referral("amy_first", "amy", datetime.date(2018, 10, 1))
    # Closed before the next one opens: a child has one open episode at a time.
    Referral.objects.filter(pk=fd.referrals["amy_first"].pk).update(
        closure_date=datetime.date(2019, 1, 31), closure_reason="RC8"
    )
    # Friday contact, decided on Monday, the next working day: in time.
    fd.contact("friday", at(2019, 4, 12), "6", {"amy": ("referral", at(2019, 4, 15, 16))})
    # Thursday before Easter, decided on the Tuesday after Easter Monday: in time.
    fd.contact("easter", at(2019, 4, 18), "2A", {"ben": ("nfa", at(2019, 4, 23, 11))})
    # Two children on one contact; one decided two working days later (late), one undecided.
    fd.contact(
        "siblings", at(2019, 6, 3), "6", {"cat": ("referral", at(2019, 6, 5, 9)), "dan": ("", None)}
    )
    # 11:30pm on 31 March 2020 (BST): still the 2019/20 year in London.
    fd.contact("late_night", at(2020, 3, 31, 23, 30), "3A", {"eve": ("", None)})
    # Restricted child: counted only for users named on the record.
    fd.contact("restricted", at(2019, 5, 7), "6", {"rex": ("referral", at(2019, 5, 7, 12))})

    fd.referral("amy_again", "amy", datetime.date(2019, 4, 15), re_referral=True)
    fd.referral("ben", "ben", datetime.date(2019, 4, 15), "2A", nfa=True)
    fd.referral("cat", "cat", datetime.date(2019, 6, 5), "6")
    fd.referral("rex", "rex", datetime.date(2019, 5, 8))

    # Started Monday 15 April 2019; Easter Monday, the May Day and spring bank holidays fall
    # inside, so the 45th working day is Friday 21 June 2019.
    fd.assessment(
        "on_time",
        "amy_again",
        datetime.date(2019, 4, 15),
        datetime.date(2019, 6, 21),
        seen=datetime.date(2019, 4, 16),
    )
    fd.assessment(
        "late",
        "ben",
        datetime.date(2019, 4, 15),
        datetime.date(2019, 6, 24),
        outcome=AssessmentOutcome.NO_FURTHER_ACTION,
    )
    fd.assessment("next_year", "cat", datetime.date(2020, 3, 2), datetime.date(2020, 4, 1))
    fd.assessment("open", "amy_again", datetime.date(2020, 3, 20), None)
    fd.assessment("restricted", "rex", datetime.date(2019, 5, 8), datetime.date(2019, 5, 20))
    return fd


@pytest.fixture
def named_analyst(analyst: User, front_door: FrontDoor) -> User:
    RestrictedAccess.objects.create(person=front_door.children["rex"], user=analyst)
    return analyst
