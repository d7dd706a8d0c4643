"""Every URL, generated from the URL patterns: anonymous users are sent to sign in, and a user
not entitled to a child's record gets 404 and a refused-access audit row."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

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


def url_for(route: str, person_id: int) -> str:
    return route.replace("<int:person_id>", str(person_id))


ALL = list(named_patterns())
PERSON_URLS = [(n, r) for n, r, conv in ALL if "person_id" in conv and n not in NOT_RECORD_PAGES]


def test_the_matrix_covers_the_service():
    assert len(ALL) >= 20
    assert len(PERSON_URLS) >= 12
    assert all("<" not in r or "person_id" in r for _, r, _ in ALL), "add the new converter here"


@pytest.mark.parametrize(("name", "route", "converters"), ALL, ids=[a[0] for a in ALL])
def test_anonymous_users_are_sent_to_sign_in(name, route, converters, child):
    response = Client().get(url_for(route, child.pk))
    if name in PUBLIC:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/?next=")


@pytest.mark.parametrize(("name", "route"), PERSON_URLS, ids=[p[0] for p in PERSON_URLS])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_user_not_entitled_gets_404_and_an_audit_row(
    name, route, method, child, as_outsider, outsider
):
    response = getattr(as_outsider, method)(url_for(route, child.pk))
    assert response.status_code == 404
    refused = AccessLog.objects.filter(person_id=child.pk, user=outsider, action="refused")
    assert refused.count() == 1
    # Nothing about the child leaks into the 404 page.
    assert child.family_name not in response.content.decode()


@pytest.mark.parametrize(("name", "route"), PERSON_URLS, ids=[p[0] for p in PERSON_URLS])
def test_a_restricted_record_is_404_even_for_the_team_holding_it(
    name, route, child, manager, as_worker, worker
):
    from haven.people.services import person_restrict

    person_restrict(person=child, by=manager, named_users=[])
    assert as_worker.get(url_for(route, child.pk)).status_code == 404
    assert AccessLog.objects.filter(person_id=child.pk, user=worker, action="refused").exists()
