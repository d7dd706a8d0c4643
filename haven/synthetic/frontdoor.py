"""The front door of a synthetic county: contacts, day by day, with the scenario's volumes by
year, month and weekday, sources, channels, concerns and sibling groups (a share about families
already known); MASH checks with deadlines from the working-day calendar's RAG rules; a
threshold decision per child, authorised by a MASH manager; the referrer's feedback.

Three steps, because referrals (``haven.synthetic.referrals``) are given to children between
them: ``contacts``, then ``decisions`` (the outcomes referrals did not set), then
``chronology``.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from haven.chronology.models import ChronologyEvent
from haven.core.calendar import LONDON, rule
from haven.core.dates import long_date
from haven.frontdoor.models import (
    Agency,
    Concern,
    Contact,
    ContactChild,
    ContactOutcome,
    MashCheck,
    ReferralSource,
    ReferrerFeedback,
)
from haven.synthetic import names as N
from haven.synthetic.helpers import ascii_name, zipf
from haven.synthetic.scenario import Choice

if TYPE_CHECKING:
    from haven.synthetic.generator import Generator

TABLES = (Contact, ContactChild, MashCheck, (ReferrerFeedback, False))


def contacts(g: Generator) -> None:
    """Contacts, day by day, with their children and MASH checks; decided later (``decisions``)."""
    rng, s, cal = g.rng, g.s, g.cal
    fd = s.section("front_door")
    month_w = fd["month_weights"]
    weekday_w = fd["weekday_weights"]
    ooh = float(fd.get("out_of_hours_share", 0.0))
    source = s.choice("front_door", "source")
    channel = s.choice("front_door", "channel")
    concerns = s.choice("front_door", "concerns")
    concerns_n = s.choice("front_door", "concerns_per_contact")
    urgency = s.choice("front_door", "urgency")
    consent = s.choice("front_door", "consent")
    basis = s.choice("front_door", "consent_basis_without_consent")
    kids_n = s.choice("front_door", "children_per_contact")
    known_share = float(fd["known_family_share"])
    lookback = datetime.timedelta(days=int(fd.get("known_family_lookback_days", 365)))
    decision_wd = s.choice("front_door", "decision_working_days")
    auth_hours = s.buckets("front_door", "authorisation_hours")
    police = str(fd.get("police_force", "Police"))
    mc = s.section("mash_checks")
    checks_n = s.choice("mash_checks", "per_contact")
    agency = s.choice("mash_checks", "agency")
    rag = s.choice("mash_checks", "rag")
    request_minutes = s.buckets("mash_checks", "request_minutes")
    response = {
        r: s.buckets("mash_checks", f"response_hours_{r}") for r in ("red", "amber", "green")
    }
    rules = {r: rule(f"mash_check_{r}") for r in ("red", "amber", "green")}
    g.check_events = bool(mc.get("chronology", True))
    decision_rule = rule("contact_decision")
    del mc
    from haven.core.calendar import working_day_hours

    day_start, day_end = working_day_hours()
    start_s = day_start.hour * 3600 + day_start.minute * 60
    end_s = day_end.hour * 3600 + day_end.minute * 60

    source_label = {c.value: c.label for c in ReferralSource}
    concern_label = {c.value: c.label for c in Concern}
    agency_label = {a.value: a.label for a in Agency}
    men, women = zipf(N.MEN), zipf(N.WOMEN)
    surnames = Choice(N.COMMON_SURNAMES, "surnames")
    places = [p + x for p in N.PLACE_PREFIXES[:30] for x in N.PLACE_SUFFIXES[:10]]

    # Contacts (parallel lists by index; id = index + 1) and their children.
    g.c_rows = []
    g.c_children = []
    g.cc_contact = []
    g.cc_person = []
    g.cc_decided = []
    g.cc_authorised = []
    g.cc_outcome = []
    g.cc_level = []
    g.candidates = defaultdict(list)
    checks = g.table(MashCheck)
    fd_workers = g.front_door["worker_choice"]
    fd_managers = g.front_door["authorisers"]
    recent: list[tuple[datetime.date, int]] = []
    recent_lo = 0
    n_families = len(g.family_children)

    def eligible(family: int, on: datetime.date) -> list[int]:
        limit = (
            on.replace(year=on.year - 18)
            if not (on.month == 2 and on.day == 29)
            else datetime.date(on.year - 18, 3, 1)
        )
        out = []
        for child in g.family_children[family]:
            dob = g.dob[child]
            if dob is not None and limit < dob <= on:
                out.append(child)
        return out

    for year in g.generated_years:
        total = s.per_year("front_door", "contacts", year)
        for day in g.spread(
            total, year, month_w, weekday_w, working_only=False, until=g.horizon_date
        ):
            working = cal.is_working_day(day)
            if working and rng.random() >= ooh:
                secs = rng.randrange(start_s, end_s)
            else:
                secs = rng.randrange(86400)
            received = datetime.datetime.combine(
                day, datetime.time(secs // 3600, secs // 60 % 60, secs % 60), tzinfo=LONDON
            )
            if received > g.horizon:
                continue
            # Which family, and which of its children.
            while recent_lo < len(recent) and recent[recent_lo][0] < day - lookback:
                recent_lo += 1
            kids: list[int] = []
            for _attempt in range(40):
                if recent_lo < len(recent) and rng.random() < known_share:
                    family = recent[rng.randrange(recent_lo, len(recent))][1]
                else:
                    family = rng.randrange(n_families)
                kids = eligible(family, day)
                if kids:
                    break
            if not kids:
                continue
            wanted = kids_n.draw_int(rng)
            if wanted < len(kids):
                kids = rng.sample(kids, wanted)
            recent.append((day, family))
            cid = len(g.c_rows) + 1
            src = source.draw(rng)
            chosen = []
            for _ in range(concerns_n.draw_int(rng)):
                c = concerns.draw(rng)
                if c not in chosen:
                    chosen.append(c)
            cons = consent.draw(rng)
            cons_basis = "consent" if cons == "given" else basis.draw(rng)
            worker = fd_workers.draw(rng)
            ref_first = (women if rng.random() < 0.6 else men).draw(rng)
            ref_last = surnames.draw(rng)
            ref_agency, ref_role = _referrer(src, rng, places, police, source_label)
            about = ", ".join(concern_label[c].lower() for c in chosen)
            summary = (
                f"{ref_role or 'The caller'} reported concerns about {about} for "
                f"{len(kids)} child{'ren' if len(kids) > 1 else ''} in the household."
            )
            local_received = received.date()
            due = decision_rule.due_date(received)
            lag = decision_wd.draw_int(rng)
            if lag == 0 and (not working or secs >= end_s - 1800):
                lag = 1 if working else 0
            decided_day = cal.add_working_days(local_received, lag)
            if decided_day == local_received:
                low = max(secs + 900, start_s)
                dsecs = rng.randrange(min(low, end_s + 1799), end_s + 1800)
            else:
                dsecs = rng.randrange(start_s, end_s)
            decided = datetime.datetime.combine(
                decided_day,
                datetime.time(dsecs // 3600, dsecs // 60 % 60, dsecs % 60),
                tzinfo=LONDON,
            )
            decided_ok = decided <= g.horizon
            authorised = decided + datetime.timedelta(hours=auth_hours.draw(rng))
            authorised_ok = decided_ok and authorised <= g.horizon
            manager = rng.choice(fd_managers)
            first_cc = len(g.cc_person)
            for i, child in enumerate(kids):
                g.cc_contact.append(cid)
                g.cc_person.append(child)
                this_decided = decided + datetime.timedelta(minutes=2 * i)
                g.cc_decided.append(this_decided if decided_ok else None)
                g.cc_authorised.append(authorised if authorised_ok else None)
                g.cc_outcome.append("")
                g.cc_level.append(None)
                if authorised_ok:
                    g.candidates[decided_day].append(len(g.cc_person) - 1)
            g.c_children.append(range(first_cc, len(g.cc_person)))
            # The contact's own fields; ``decisions`` completes its row once its children are
            # decided (``authorised_by`` is the manager who authorises their decisions).
            g.c_rows.append(
                {
                    "id": cid,
                    "received_at": received,
                    "channel": channel.draw(rng),
                    "source": src,
                    "referrer_name": f"{ref_first} {ref_last}",
                    "referrer_agency": ref_agency,
                    "referrer_role": ref_role,
                    "referrer_phone": f"0{rng.randint(1000, 9999)} {rng.randint(100000, 999999)}",
                    "referrer_email": (
                        f"{ascii_name(ref_first)}.{ascii_name(ref_last)}@example.org"
                        if ref_agency
                        else ""
                    ),
                    "concerns": chosen,
                    "summary": summary,
                    "consent": cons,
                    "consent_basis": cons_basis,
                    "urgency": urgency.draw(rng),
                    "worker_id": worker,
                    "decision_due": due,
                    "authorised_by": manager,
                }
            )
            for _ in range(checks_n.draw_int(rng)):
                rating = rag.draw(rng)
                requested = received + datetime.timedelta(minutes=request_minutes.draw(rng))
                if requested > g.horizon:
                    continue
                if rating == "red":
                    due_at = rules["red"].due_at(requested)
                else:
                    due_at = datetime.datetime.combine(
                        rules[rating].due_date(requested), day_end, tzinfo=LONDON
                    )
                answered = cal.add_working_hours(requested, response[rating].draw(rng))
                agency_code = agency.draw(rng)
                if answered > g.horizon:
                    answered_at, answer, answered_by = None, "", None
                else:
                    answered_at = answered
                    answer = f"{agency_label[agency_code]} shared what they hold about the family."
                    answered_by = worker
                checks.add(
                    id=len(checks) + 1,
                    contact_id=cid,
                    agency=agency_code,
                    rag=rating,
                    justification=(
                        f"Concerns about {about}: information needed to decide on the contact."
                    ),
                    requested_at=requested,
                    requested_by_id=worker,
                    due_at=due_at,
                    due_rule=f"mash_check_{rating}",
                    response=answer,
                    responded_at=answered_at,
                    response_recorded_by_id=answered_by,
                )
    g.report.counts["contacts"] = len(g.c_rows)
    g.report.counts["contact_children"] = len(g.cc_person)
    g.report.counts["mash_checks"] = len(checks)


def _referrer(
    src: str, rng: random.Random, places: list[str], police: str, labels: dict[str, str]
) -> tuple[str, str]:
    place = rng.choice(places)
    if src == "6":
        return police, "Police officer"
    if src == "2A":
        return (
            f"{place} {rng.choice(['Primary', 'Junior', 'Infant', 'Academy', 'School'])}",
            "Designated safeguarding lead",
        )
    if src.startswith("3"):
        return f"{place} {rng.choice(['Surgery', 'Health Centre', 'Hospital'])}", labels[src].split(
            ": ", 1
        )[-1].capitalize()
    if src.startswith("1") or src in ("9", "10"):
        return "", labels[src].split(": ", 1)[-1].capitalize()
    return labels[src].split(": ", 1)[-1].split(" (")[0].capitalize(), "Practitioner"


RATIONALE = {
    "nfa": "Information from partner agencies does not indicate a need for services.",
    "advice": "Advice and signposting to universal services meet the child's needs.",
    "early_help": "Needs are best met by early help with the family's consent.",
    "referral": "The child is likely to be in need: a child and family assessment is needed.",
    "strategy_discussion": "Reasonable cause to suspect significant harm: strategy discussion now.",
}


def decisions(g: Generator) -> None:
    """Each child's decision (referral and strategy discussion outcomes were set while
    referrals were given; the others are drawn here), the referrer's feedback, and the
    contacts' rows."""
    rng = g.rng
    other = g.s.choice("front_door", "other_outcomes")
    outcome_label = {o.value: o.label for o in ContactOutcome}
    contacts = g.table(Contact)
    children = g.table(ContactChild)
    feedback = g.table(ReferrerFeedback)
    front_door_id = g.front_door["id"]
    for row in g.c_rows:
        cid, received, worker = row["id"], row["received_at"], row["worker_id"]
        manager = row["authorised_by"]
        complete = True
        latest: datetime.datetime | None = None
        local_day = received.astimezone(LONDON).date()
        # The contact's own, copied onto each child's row for the figures.
        copied = {
            "received_at": received,
            "source": row["source"],
            "decision_due": row["decision_due"],
        }
        first = g.c_children[cid - 1][0]
        for cc in g.c_children[cid - 1]:
            person = g.cc_person[cc]
            decided = g.cc_decided[cc]
            outcome = g.cc_outcome[cc]
            level = g.cc_level[cc]
            if decided is not None and not outcome:
                outcome = other.draw(rng)
                level = 2 if outcome == "early_help" else 1
                g.cc_outcome[cc], g.cc_level[cc] = outcome, level
            auth_at = g.cc_authorised[cc]
            if decided is None:
                children.add(
                    id=cc + 1,
                    contact_id=cid,
                    person_id=person,
                    **copied,
                    counts_contact=cc == first,
                    level_of_need=None,
                    outcome="",
                    rationale="",
                    decided_by_id=None,
                    decided_at=None,
                    authorised_by_id=None,
                    authorised_at=None,
                )
                complete = False
                continue
            children.add(
                id=cc + 1,
                contact_id=cid,
                person_id=person,
                **copied,
                counts_contact=cc == first,
                level_of_need=level,
                outcome=outcome,
                rationale=RATIONALE[outcome],
                decided_by_id=worker,
                decided_at=decided,
                authorised_by_id=manager if auth_at else None,
                authorised_at=auth_at,
            )
            if auth_at is None:
                complete = False
                continue
            latest = auth_at if latest is None or auth_at > latest else latest
            feedback.add(
                contact_child_id=cc + 1,
                created_at=auth_at,
                message=f"Thank you for your contact of {long_date(local_day)}. "
                f"Outcome for {g.child_name[person]}: {outcome_label[outcome]}.",
                sent_to=row["referrer_email"] or row["referrer_phone"],
                # Sent the day it was authorised, where there was a way to reach the referrer.
                method="email"
                if row["referrer_email"]
                else ("phone" if row["referrer_phone"] else ""),
                sent_at=auth_at if (row["referrer_email"] or row["referrer_phone"]) else None,
            )
        contacts.add(
            created_at=received,
            updated_at=received,
            version=1,
            team_id=front_door_id,
            recorded_by_id=worker,
            decision_due_rule="contact_decision",
            completed_at=latest if complete else None,
            **{k: v for k, v in row.items() if k != "authorised_by"},
        )
    g.report.counts["feedback"] = len(feedback)


def chronology(g: Generator) -> None:
    """The front door's chronology entries, for each child on each contact: the MASH checks
    (requested, answered), the contact, the decision and its authorisation. Worded as the
    application's own events."""
    from haven.frontdoor import events as fd_events

    events = g.table(ChronologyEvent)
    checks_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if g.check_events:
        checks = g.table(MashCheck)
        for values in checks.rows:
            check = dict(zip(checks.columns, values, strict=True))
            checks_of[check["contact_id"]].append(check)
    for row in g.c_rows:
        cid, received, worker = row["id"], row["received_at"], row["worker_id"]
        manager = row["authorised_by"]
        local_day = received.astimezone(LONDON).date()
        contact_summary = fd_events.CONTACT_RECEIVED.text(
            contact_source=row["source"], concerns=row["concerns"]
        )
        for cc in g.c_children[cid - 1]:
            person = g.cc_person[cc]
            for check in checks_of.get(cid, ()):
                events.add(
                    person_id=person,
                    occurred_on=check["requested_at"].astimezone(LONDON).date(),
                    kind="mash_check",
                    summary=fd_events.MASH_CHECK_REQUESTED.text(agency=check["agency"]),
                    detail="",
                    source_type="frontdoor.mashcheck",
                    source_id=check["id"],
                    recorded_by_id=check["requested_by_id"],
                    recorded_at=check["requested_at"],
                )
                if check["responded_at"] is not None:
                    events.add(
                        person_id=person,
                        occurred_on=check["responded_at"].astimezone(LONDON).date(),
                        kind="mash_check",
                        summary=fd_events.MASH_CHECK_ANSWERED.text(agency=check["agency"]),
                        detail=check["response"],
                        source_type="frontdoor.mashcheck",
                        source_id=check["id"],
                        recorded_by_id=check["response_recorded_by_id"],
                        recorded_at=check["responded_at"],
                    )
            events.add(
                person_id=person,
                occurred_on=local_day,
                kind="contact",
                summary=contact_summary,
                detail=row["summary"],
                source_type="frontdoor.contact",
                source_id=cid,
                recorded_by_id=worker,
                recorded_at=received,
            )
            decided = g.cc_decided[cc]
            if decided is None:
                continue
            outcome, level = g.cc_outcome[cc], g.cc_level[cc]
            events.add(
                person_id=person,
                occurred_on=decided.astimezone(LONDON).date(),
                kind="decision",
                summary=fd_events.DECISION_MADE.text(outcome=outcome, level=level),
                detail=RATIONALE[outcome],
                source_type="frontdoor.contact",
                source_id=cid,
                recorded_by_id=worker,
                recorded_at=decided,
            )
            auth_at = g.cc_authorised[cc]
            if auth_at is not None and manager != worker:
                events.add(
                    person_id=person,
                    occurred_on=auth_at.astimezone(LONDON).date(),
                    kind="decision",
                    summary=fd_events.DECISION_AUTHORISED.text(outcome=outcome),
                    detail="",
                    source_type="frontdoor.contact",
                    source_id=cid,
                    recorded_by_id=manager,
                    recorded_at=auth_at,
                )
