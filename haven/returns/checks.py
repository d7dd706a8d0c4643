"""The DfE CIN census rules Haven can check on one child's record, at any time of year.

``census_issues_for_person`` reads the child's record as the census would and says, in the
worker's words, what the DfE validator would reject or query, with the rule number. The Returns
page shows these next to the validator's issues; the case-work pages can call it too (the lead
wires that), so most errors are fixed where they are made and never reach the return.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

from haven.assessments.models import Assessment
from haven.childinneed.models import CINPlan
from haven.frontdoor.models import Referral
from haven.people.models import Person
from haven.people.validators import upn_check_letter
from haven.protection.models import ChildProtectionPlan, Conference, ConferenceKind, S47Enquiry


@dataclass(frozen=True)
class RecordIssue:
    rule_code: str
    rule_type: str  # "ERROR" or "QUERY", as the DfE validator types the rule
    message: str


def upn_check_letter_ok(upn: str) -> bool:
    """The DfE UPN check letter (rule 1510)."""
    if len(upn) != 13 or not upn[1:12].isdigit():
        return False
    return upn_check_letter(upn[1:]) == upn[0].upper()


def census_issues_for_person(
    person: Person, *, today: datetime.date | None = None
) -> list[RecordIssue]:
    """What the census rules would say about this child's record (a few queries)."""
    today = today or datetime.date.today()
    out: list[RecordIssue] = []

    def add(code: str, kind: str, message: str) -> None:
        out.append(RecordIssue(code, kind, message))

    referrals = list(Referral.objects.filter(person=person).order_by("referral_date", "id"))
    if not referrals:
        return out
    if person.upn and not upn_check_letter_ok(person.upn):
        add("1510", "ERROR", f"The UPN {person.upn} has the wrong check letter: correct it.")
    if person.date_of_birth is None and person.expected_date_of_birth is None:
        add("8525Q", "QUERY", "Record the date of birth, or the expected date of birth if unborn.")
    if person.is_unborn and person.sex != "U":
        add("8750", "ERROR", "An unborn child's sex must be recorded as unknown (U).")
    born = person.date_of_birth or person.expected_date_of_birth
    if born is not None:
        for r in referrals:
            if (born - r.referral_date).days > 280:
                add(
                    "8606",
                    "ERROR",
                    f"The referral of {r.referral_date:%d/%m/%Y} is more than 40 weeks before "
                    "the child's (expected) date of birth.",
                )
    died = person.date_of_death
    open_episodes = [r for r in referrals if r.closure_date is None and not r.no_further_action]
    if len(open_episodes) > 1:
        add("8815", "ERROR", "More than one CIN episode is open: close the earlier ones.")
    for earlier, later in itertools.pairwise(referrals):
        if earlier.closure_date is not None and earlier.closure_date > later.referral_date:
            add(
                "8820",
                "ERROR",
                f"The episode from {earlier.referral_date:%d/%m/%Y} closes after the next one "
                f"starts ({later.referral_date:%d/%m/%Y}): the episodes overlap.",
            )
    assessments = list(Assessment.objects.filter(person=person))
    by_referral = {r.pk: r for r in referrals}
    for a in assessments:
        referral = by_referral.get(a.referral_id)
        if referral is None:
            continue
        if a.start_date < referral.referral_date:
            add(
                "1103",
                "ERROR",
                f"An assessment starts ({a.start_date:%d/%m/%Y}) before its "
                f"referral ({referral.referral_date:%d/%m/%Y}).",
            )
        if a.authorised_on and not a.factors:
            add(
                "8897Q",
                "QUERY",
                f"The assessment authorised on {a.authorised_on:%d/%m/%Y} has "
                "no factors identified: record them (21 if none).",
            )
        if "21" in a.factors and len(a.factors) > 1:
            add("8869", "ERROR", "Factor 21 (no factors identified) is recorded with others.")
        if referral.closure_date and a.authorised_on is None:
            add(
                "8867",
                "ERROR",
                f"The episode is closed but the assessment started "
                f"{a.start_date:%d/%m/%Y} is not authorised.",
            )
        if referral.no_further_action:
            add(
                "8831",
                "ERROR",
                "The referral is marked no further action but has an "
                "assessment: remove the NFA flag or the assessment.",
            )
    cin_plans = list(CINPlan.objects.filter(person=person))
    cp_plans = list(ChildProtectionPlan.objects.filter(person=person))
    for cin in cin_plans:
        for cp in cp_plans:
            cin_end = cin.end_date or datetime.date.max
            cp_end = cp.end_date or datetime.date.max
            if cin.start_date < cp_end and cp.start_date < cin_end:
                add(
                    "4001",
                    "ERROR",
                    f"The CIN plan from {cin.start_date:%d/%m/%Y} runs at the "
                    f"same time as the child protection plan from {cp.start_date:%d/%m/%Y}: end "
                    "the CIN plan when the CP plan starts.",
                )
        if died and cin.end_date and cin.end_date > died:
            add("4009Q", "QUERY", "A CIN plan ends after the child's date of death.")
    for cp in cp_plans:
        if died and (cp.end_date is None or cp.end_date > died):
            add("8920", "ERROR", "A child protection plan is open after the child's death.")
    for s47 in S47Enquiry.objects.filter(person=person, end_date__isnull=True):
        if s47.start_date < today - datetime.timedelta(days=31):
            held = Conference.objects.filter(s47=s47, held_on__isnull=False).exists()
            if not held:
                add(
                    "8675Q",
                    "QUERY",
                    f"The S47 enquiry from {s47.start_date:%d/%m/%Y} has no "
                    "initial conference and no outcome: record the conference or that none was "
                    "needed.",
                )
    for conf in Conference.objects.filter(
        person=person, kind=ConferenceKind.INITIAL, held_on__isnull=False
    ):
        if conf.held_on and conf.held_on.weekday() >= 5:
            add(
                "8875",
                "ERROR",
                f"The initial conference is dated {conf.held_on:%A %d/%m/%Y}, "
                "a weekend: check the date.",
            )
    # 8565: nothing may happen in an episode after it closes.
    closed = {r.pk: r.closure_date for r in referrals if r.closure_date is not None}
    after_closure: list[tuple[str, datetime.date]] = []
    after_closure += [
        ("an assessment", a.start_date)
        for a in assessments
        if a.referral_id in closed and a.start_date > closed[a.referral_id]
    ]
    after_closure += [
        ("a conference", c.held_on)
        for c in Conference.objects.filter(
            person=person, held_on__isnull=False, referral_id__in=list(closed)
        )
        if c.held_on and c.held_on > closed[c.referral_id]
    ]
    plan_starts = [(p.referral_id, p.start_date) for p in cin_plans]
    plan_starts += [(p.referral_id, p.start_date) for p in cp_plans]
    after_closure += [
        ("a plan", day) for rid, day in plan_starts if rid in closed and day > closed[rid]
    ]
    for what, day in after_closure:
        add(
            "8565",
            "ERROR",
            f"The record shows {what} on {day:%d/%m/%Y}, after its episode "
            "closed: correct the date, or reopen the episode.",
        )
    closed_reasons = {"RC8", "RC9"}
    active_episodes = set(
        S47Enquiry.objects.filter(person=person).values_list("referral_id", flat=True)
    )
    active_episodes |= {p.referral_id for p in cin_plans} | {p.referral_id for p in cp_plans}
    for r in referrals:
        if r.closure_reason in closed_reasons and (r.pk in active_episodes):
            add(
                "2990",
                "ERROR",
                f"The episode from {r.referral_date:%d/%m/%Y} is closed as "
                "'closed after assessment' (RC8/RC9) but has an S47 enquiry or a plan: choose "
                "another reason for closure (RC7 if services ceased).",
            )
        if r.closure_reason == "RC2" and died is None:
            add(
                "8585Q",
                "QUERY",
                "An episode closed because the child died, but no date of death is recorded.",
            )
        if r.closure_reason in closed_reasons and not any(
            a.referral_id == r.pk for a in assessments
        ):
            add(
                "8825Q",
                "QUERY",
                "The episode is closed after assessment (RC8/RC9) but has no assessment.",
            )
    return out
