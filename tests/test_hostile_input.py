"""Every URL, generated from the URL patterns, fed hostile input: no 5xx, and a refused post
saves nothing.

For each URL, as a team manager (the role that can do most) and as a practitioner:

- GET it with every query-string parameter a list page reads (the GET forms on the page, and a
  generic set) set to each hostile value in turn;
- POST each hostile value into every field of every form on the page at once, then into one
  field at a time (the others as the page filled them in), for each of the form's buttons;
- POST the generic set to the URL itself (for the URLs that only take a POST).

A refused post (anything but a redirect) must leave the audit trail unchanged: the trigger
writes a row for every insert, update or delete in a Haven table, so "no new audit rows" means
nothing was half saved.
"""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from django.test import Client

from haven.core.models import AuditChange
from tests.urls_under_test import named_patterns, url_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def manager_runs_the_front_door_too(manager: Any, teams: Any) -> None:
    """The manager also manages the MASH team, so the contact's forms (decisions, checks,
    assignment: its own team's) are on the pages and attacked."""
    from haven.accounts.models import Membership

    Membership.objects.create(user=manager, team=teams["front_door"])

HOSTILE = [
    "99999999999999999999",  # overflows int, bigint and any date part
    "²",  # str.isdigit() is True, int() fails
    "a\x00b",  # PostgreSQL refuses NUL in text
    "Zoë 🧒 \u202e",  # accents, an emoji, a right-to-left override
    "x" * 100_000,
    "0001-01-01",
    "9999-12-31",
    "-1",
    "",
]
DATE_PARTS = ("day", "month", "year")
# What list pages and filters read from the query string, whatever their forms show.
GENERIC_QUERY = [
    "q", "find", "from", "to", "on", "year", "month", "page", "show", "type", "kind", "measure",
    "of", "list", "format", "next", "section", "date_from", "date_to",
    *(f"{field}_{part}" for field in ("date_from", "date_to", "from", "to", "on")
      for part in DATE_PARTS),
]
# Signing out ends the session the rest of the test needs; it takes no input.
SKIP = {"accounts:sign_out"}
URLS = [(name, route) for name, route, _ in named_patterns() if name not in SKIP]
BUTTON_TYPES = {"submit", "button", "image", "reset"}
# Where a refused post rightly writes: a failed sign-in is counted, to lock out guessing.
WRITES_WHEN_REFUSED = {"/sign-in/"}


def _forms(html: str, page_url: str) -> list[dict[str, Any]]:
    """Each form on the page: method, action, its fields with the values the page gave them,
    the csrf token, and its named buttons."""
    if not html.strip():
        return []
    try:
        doc = lxml.html.fromstring(html)
    except Exception:  # a CSV or a fragment that is not HTML: nothing to fill in
        return []
    found = []
    for form in doc.forms:
        action = urljoin(page_url, form.get("action") or page_url)
        if urlsplit(action).netloc not in ("", "testserver"):
            continue
        fields: dict[str, list[str]] = {}
        buttons: list[tuple[str, str] | None] = []
        for element in form.iter("input", "select", "textarea", "button"):
            name = element.get("name")
            if not name:
                continue
            kind = (element.get("type") or ("submit" if element.tag == "button" else "text")).lower()
            if kind in BUTTON_TYPES:
                buttons.append((name, element.get("value") or ""))
            else:
                fields.setdefault(name, [])
        for name, value in form.form_values():
            if name in fields:
                fields[name].append(value)
        found.append(
            {
                "method": (form.get("method") or "get").lower(),
                "action": urlsplit(action).path + (f"?{urlsplit(action).query}" if urlsplit(action).query else ""),
                "fields": fields,
                "buttons": buttons or [None],
            }
        )
    return found


def _no_server_error(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


def _post(client: Client, url: str, data: dict[str, Any], what: str) -> None:
    before = AuditChange.objects.count()
    response = client.post(url, data)
    _no_server_error(response, what)
    if response.status_code != 302 and urlsplit(url).path not in WRITES_WHEN_REFUSED:
        written = AuditChange.objects.count() - before
        assert written == 0, f"{what}: refused ({response.status_code}) but wrote {written} rows"


def _attack_form(client: Client, form: dict[str, Any]) -> None:
    fields: dict[str, list[str]] = form["fields"]
    token = fields.pop("csrfmiddlewaretoken", [""])
    filled = dict(fields)
    cycle = itertools.cycle(HOSTILE)
    for button in form["buttons"]:
        pressed = dict([button]) if button else {}
        for value in HOSTILE:
            data = {name: value for name in fields} | pressed | {"csrfmiddlewaretoken": token}
            _post(client, form["action"], data, f"{form['action']} all fields = {value[:20]!r}")
        for name in fields:
            value = next(cycle)
            data = filled | {name: value} | pressed | {"csrfmiddlewaretoken": token}
            _post(client, form["action"], data, f"{form['action']} {name} = {value[:20]!r}")


def _page_forms(client: Client, url: str) -> list[dict[str, Any]]:
    return _get_page(client, url)[1]


def _get_page(client: Client, url: str) -> tuple[int, list[dict[str, Any]]]:
    page = client.get(url)
    _no_server_error(page, f"GET {url}")
    is_html = page.get("Content-Type", "").startswith("text/html") and not page.streaming
    return page.status_code, (_forms(page.content.decode(), url) if is_html else [])


def _forms_posting_to(client: Client, url: str) -> list[dict[str, Any]]:
    """The forms that post to ``url``: on its own page, or else on the nearest page above it
    (a contact's page holds the forms that post to its decision and check URLs)."""
    path = urlsplit(url).path
    parent = path
    while parent.count("/") > 2:
        parent = parent.rstrip("/").rsplit("/", 1)[0] + "/"
        mine = [f for f in _page_forms(client, parent) if urlsplit(f["action"]).path == path]
        if mine:
            return mine
    return []


@pytest.mark.parametrize("role", ["manager", "worker"])
@pytest.mark.parametrize(("name", "route"), URLS, ids=[u[0] for u in URLS])
def test_hostile_input_is_refused_without_a_server_error(name, route, role, records, request):
    client: Client = request.getfixturevalue(f"as_{role}")
    url = url_for(route, records)
    status, forms = _get_page(client, url)

    query_names = set(GENERIC_QUERY)
    for form in forms:
        if form["method"] == "get":
            query_names |= set(form["fields"])
    for value in HOSTILE:
        response = client.get(url, {n: value for n in sorted(query_names)})
        _no_server_error(response, f"GET {url} with {value[:20]!r}")
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]  # a download must not break half way

    # Each form is attacked in the test of the URL it posts to, so once per role; a URL that
    # only takes a POST (405 to a GET) finds its forms on the page above it.
    posting_here = [
        f for f in forms if f["method"] == "post" and urlsplit(f["action"]).path == url
    ]
    if status == 405:
        posting_here = _forms_posting_to(client, url)
    for form in posting_here:
        _attack_form(client, form)
    if status == 405 and not posting_here:
        for value in HOSTILE:
            _post(client, url, {n: value for n in [*GENERIC_QUERY, "object_id", "version"]},
                  f"POST {url} generic = {value[:20]!r}")


def test_every_form_is_attacked_somewhere(as_manager, records):
    """The forms of a POST-only URL are found on the page above it, with their fields."""
    respond = f"/front-door/contacts/{records['contact_id']}/checks/{records['check_id']}/response/"
    (form,) = _forms_posting_to(as_manager, respond)
    assert f"r{records['check_id']}-response" in form["fields"]
    (form,) = _forms_posting_to(as_manager, f"/people/{records['person_id']}/protection/strategy-discussion/")
    assert "sd-held_on_day" in form["fields"]


def test_hostile_ids_in_urls_are_not_found(as_manager, records):
    for url in ("/people/99999999999999999999/", "/people/9223372036854775808/",
                "/assessments/99999999999999999999/",
                "/front-door/contacts/99999999999999999999/"):
        assert as_manager.get(url).status_code == 404, url


def test_every_id_in_a_url_is_bounded():
    """A new URL with <int:...> would let an overflowing id reach a query."""
    assert not [route for _, route, _ in named_patterns() if "<int:" in route]
