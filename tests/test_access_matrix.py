"""Every URL, generated from the URL patterns: anonymous users are sent to sign in, and a user
not entitled to a child's record gets 404 and a refused-access audit row."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from haven.core.models import AccessLog

pytestmark = pytest.mark.django_db

# Reachable without signing in.
PUBLIC = {"accounts:sign_in", "healthz"}
# Person URLs that are deliberately not behind the record check: asking for emergency access
# must be possible for a record one cannot see (the page is the same whether it exists or not).
NOT_RECORD_PAGES = {"people:break_glass"}


def named_patterns(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, list[str]]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            route = prefix + str(entry.pattern)
            yield f"{namespace}{entry.name}", "/" + route, list(entry.pattern.converters)


# Every URL argument names a record about a child; the fixture below makes one of each.
RECORD_ARGUMENTS = {"person_id", "contact_id", "check_id", "contact_child_id", "assessment_id"}
# Other URL arguments, with a value to use.
OTHER_ARGUMENTS = {
    "action": "strategy-discussion",
    "year": "2025",
    "section": "overdue",
    # A job is its starter's alone (haven/jobs/tests check the 404 for anyone else).
    "job_id": "00000000-0000-4000-8000-000000000000",
}


@pytest.fixture
def records(child, manager, teams):
    """One record of every kind, all about ``child``, held by the assessment team."""
    from haven.frontdoor import services as front_door

    contact = front_door.contact_create(
        by=manager, team=teams["front_door"], received_at=timezone.now(), channel="phone",
        source="6", summary="Police attended a domestic incident", consent="not_sought",
        consent_basis="significant_harm", children=[child])
    check = front_door.mash_check_request(contact=contact, by=manager, agency="police", rag="amber",
                                          justification="Risk of significant harm")
    decision = contact.children.get()
    front_door.decision_record(contact_child=decision, by=manager, level_of_need=3, outcome="referral",
                               rationale="Needs assessment", referral_team=teams["assessment"])
    return {"person_id": child.pk, "contact_id": contact.pk, "check_id": check.pk,
            "contact_child_id": decision.pk,
            "assessment_id": child.assessments.get().pk}


def url_for(route: str, ids: dict[str, int]) -> str:
    for name, value in ids.items():
        route = route.replace(f"<int:{name}>", str(value))
    for name, value in OTHER_ARGUMENTS.items():
        for converter in ("slug", "int", "uuid"):
            route = route.replace(f"<{converter}:{name}>", value)
    return route


ALL = list(named_patterns())
RECORD_URLS = [(n, r) for n, r, conv in ALL if set(conv) & RECORD_ARGUMENTS and n not in NOT_RECORD_PAGES]


def test_the_matrix_covers_the_service():
    assert len(ALL) >= 25
    assert len(RECORD_URLS) >= 18
    for _, route, converters in ALL:
        assert set(converters) <= RECORD_ARGUMENTS | set(OTHER_ARGUMENTS), f"{route}: add it here"


@pytest.mark.parametrize(("name", "route", "converters"), ALL, ids=[a[0] for a in ALL])
def test_anonymous_users_are_sent_to_sign_in(name, route, converters, records):
    response = Client().get(url_for(route, records))
    if name in PUBLIC:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/?next=")


@pytest.mark.parametrize(("name", "route"), RECORD_URLS, ids=[p[0] for p in RECORD_URLS])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_user_not_entitled_gets_404_and_an_audit_row(
    name, route, method, child, records, as_outsider, outsider
):
    response = getattr(as_outsider, method)(url_for(route, records))
    assert response.status_code == 404
    refused = AccessLog.objects.filter(person_id=child.pk, user=outsider, action="refused")
    assert refused.count() == 1
    # Nothing about the child leaks into the 404 page.
    assert child.family_name not in response.content.decode()


@pytest.mark.parametrize(("name", "route"), RECORD_URLS, ids=[p[0] for p in RECORD_URLS])
def test_a_restricted_record_is_404_even_for_the_team_holding_it(
    name, route, child, records, manager, as_worker, worker
):
    from haven.people.services import person_restrict

    person_restrict(person=child, by=manager, named_users=[])
    assert as_worker.get(url_for(route, records)).status_code == 404
    assert AccessLog.objects.filter(person_id=child.pk, user=worker, action="refused").exists()
