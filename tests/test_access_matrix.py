"""Every URL, generated from the URL patterns: anonymous users are sent to sign in, and a user
not entitled to a child's record gets 404 and a refused-access audit row."""

from __future__ import annotations

import pytest
from django.test import Client

from haven.core.models import AccessLog
from tests.urls_under_test import (
    OTHER_ARGUMENTS,
    RECORD_ARGUMENTS,
    named_patterns,
    url_for,
)

pytestmark = pytest.mark.django_db

# Reachable without signing in.
PUBLIC = {"accounts:sign_in", "healthz"}
# Person URLs that are deliberately not behind the record check: asking for emergency access
# must be possible for a record one cannot see (the page is the same whether it exists or not).
NOT_RECORD_PAGES = {"people:break_glass"}


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
