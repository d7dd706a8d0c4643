"""The child's page, its tabs and the header's links come from registries."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.test import Client

from conftest import client_for
from haven.accounts.models import Role
from haven.accounts.permissions import Capability
from haven.ui import navigation, pages

HAVEN = Path(__file__).resolve().parents[2]


def _imports_people_views(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module == "haven.people.views" or module.startswith("haven.people.views."):
                return True
            if module == "haven.people" and any(a.name == "views" for a in node.names):
                return True
        elif isinstance(node, ast.Import) and any(
            a.name.startswith("haven.people.views") for a in node.names
        ):
            return True
    return False


def test_no_module_outside_people_imports_the_people_views():
    importers = [
        str(path.relative_to(HAVEN.parent))
        for path in HAVEN.rglob("*.py")
        if "people" not in path.relative_to(HAVEN).parts[:1]
        and _imports_people_views(ast.parse(path.read_text(), str(path)))
    ]
    assert importers == []


def test_the_import_check_would_notice_an_importer():
    assert _imports_people_views(ast.parse("from haven.people.views import person_page"))
    assert _imports_people_views(ast.parse("from haven.people import views"))
    assert not _imports_people_views(ast.parse("from haven.people import selectors"))


def _nav(html: str) -> list[tuple[str, bool]]:
    """(label, highlighted) of each header link, in order."""
    nav = html.split('id="navigation"', 1)[1].split("haven-service-navigation__item--user", 1)[0]
    items = re.findall(r'<li class="govuk-service-navigation__item([^"]*)">(.*?)</li>', nav, re.S)
    return [
        (re.sub(r"<[^>]+>", "", body).strip(), "--active" in classes) for classes, body in items
    ]


def _tabs(html: str) -> list[str]:
    return re.findall(r'class="moj-sub-navigation__link" href="[^"]*"[^>]*>([^<]+)<', html)


@pytest.mark.django_db
def test_a_worker_sees_the_tabs_registered_for_everyone_in_order(child, as_worker):
    page = as_worker.get(f"/people/{child.pk}/").content.decode()
    assert _tabs(page) == [
        "Summary",
        "Chronology",
        "Case notes",
        "Child protection and CIN",
        "Care",
        "Missing",
        "Exploitation",
        "Documents",
        "Oversight",
    ]


@pytest.mark.django_db
def test_a_manager_also_sees_the_access_tab_their_capability_shows(child, as_manager):
    page = as_manager.get(f"/people/{child.pk}/").content.decode()
    assert _tabs(page) == [
        "Summary",
        "Chronology",
        "Case notes",
        "Child protection and CIN",
        "Care",
        "Missing",
        "Exploitation",
        "Documents",
        "Oversight",
        "Access and changes",
    ]


@pytest.mark.django_db
def test_a_package_adds_a_tab_by_registering_it(child, as_worker, as_manager):
    pages.register_tab(
        label="Everything on one page",
        url_name="people:person_print",
        order=22,
        capability=Capability.SEE_ACCESS_LOG,
    )
    try:
        shown = _tabs(as_manager.get(f"/people/{child.pk}/").content.decode())
        assert shown.index("Everything on one page") == 2
        assert "Everything on one page" not in _tabs(
            as_worker.get(f"/people/{child.pk}/").content.decode()
        )
    finally:
        del pages._tabs["people:person_print"]


@pytest.mark.django_db
def test_a_tab_can_show_only_for_the_people_it_applies_to(make_child, as_worker):
    asked: list[str] = []

    def is_ann(person):
        asked.append(person.given_names)
        return person.given_names == "Ann"

    pages.register_tab(label="For Ann", url_name="people:person_print", order=22, applies=is_ann)
    pages.register_tab(
        label="For Ann too", url_name="chronology:person_chronology", order=23, applies=is_ann
    )
    try:
        ann, bob = make_child(given_names="Ann"), make_child(given_names="Bob")
        assert "For Ann" in _tabs(as_worker.get(f"/people/{ann.pk}/").content.decode())
        assert "For Ann" not in _tabs(as_worker.get(f"/people/{bob.pk}/").content.decode())
        assert asked == ["Ann", "Bob"]  # once a page, however many tabs share the predicate
    finally:
        pages.register_tab(label="Chronology", url_name="chronology:person_chronology", order=20)
        del pages._tabs["people:person_print"]


@pytest.mark.django_db
def test_the_header_shows_each_role_the_links_its_capabilities_open(make_user, teams):
    from haven.accounts.models import Team, TeamKind

    teams["reviewing"] = Team.objects.create(name="IROs", kind=TeamKind.REVIEWING)

    def labels(role: str, team: str | None) -> list[str]:
        page = client_for(make_user(role, team)).get("/alerts/").content.decode()
        return [label for label, _ in _nav(page)]

    assert labels(Role.PRACTITIONER, "assessment") == [
        "Search",
        "My work",
        "Supervision",
        "Alerts (0)",
    ]
    assert labels(Role.MASH_PRACTITIONER, "front_door") == [
        "Search",
        "My work",
        "MASH inbox",
        "Supervision",
        "Alerts (0)",
    ]
    assert labels(Role.TEAM_MANAGER, "front_door") == [
        "Search",
        "My work",
        "MASH inbox",
        "Supervision",
        "Performance",
        "Annex A",
        "Returns",
        "Placements",
        "Alerts (0)",
    ]
    assert labels(Role.REVIEWING_OFFICER, "reviewing") == [
        "Search",
        "My work",
        "Conferences",
        "Looked-after reviews",
        "Alerts (0)",
    ]
    assert labels(Role.AUDITOR, None) == [
        "Search",
        "Audit",
        "Performance",
        "Annex A",
        "Returns",
        "Placements",
        "Alerts (0)",
    ]
    assert labels(Role.PERFORMANCE_ANALYST, None) == [
        "Performance",
        "Annex A",
        "Returns",
        "Placements",
        "Alerts (0)",
    ]


@pytest.mark.django_db
def test_the_current_section_is_highlighted_and_a_childs_page_is_not_search(
    child, as_worker, make_user
):
    def highlighted(client: Client, url: str) -> list[str]:
        return [label for label, active in _nav(client.get(url).content.decode()) if active]

    assert highlighted(as_worker, "/people/search/?q=Smith") == ["Search"]
    assert highlighted(as_worker, "/people/new/") == ["Search"]
    assert highlighted(as_worker, "/") == ["My work"]
    assert highlighted(as_worker, f"/people/{child.pk}/") == []
    assert highlighted(as_worker, f"/people/{child.pk}/protection/") == []
    assert highlighted(as_worker, "/alerts/") == ["Alerts (0)"]
    assert highlighted(as_worker, "/my-work/") == ["My work"]
    analyst = client_for(make_user(Role.PERFORMANCE_ANALYST, None))
    # One section at a time: the link naming the page wins over its namespace's link.
    assert highlighted(analyst, "/performance/annex-a/") == ["Annex A"]
    assert highlighted(analyst, "/performance/front-door/") == ["Performance"]
    assert highlighted(analyst, "/performance/child-protection/") == ["Performance"]
    assert highlighted(analyst, "/returns/") == ["Returns"]


@pytest.mark.django_db
def test_the_page_itself_is_marked_current_and_its_section_only_true(as_worker):
    page = as_worker.get("/people/search/").content.decode()
    assert re.search(r'href="/people/search/" aria-current="page"', page)
    page = as_worker.get("/people/new/").content.decode()
    assert re.search(r'href="/people/search/" aria-current="true"', page)


@pytest.mark.django_db
def test_a_package_adds_a_header_link_by_registering_it(as_worker, as_manager):
    navigation.register_nav_link(
        label="Team figures",
        url_name="performance:child_protection",
        order=45,
        capability=Capability.SEE_TEAM_WORK,
    )
    try:
        assert "Team figures" in [label for label, _ in _nav(as_manager.get("/").content.decode())]
        assert "Team figures" not in [
            label for label, _ in _nav(as_worker.get("/").content.decode())
        ]
    finally:
        del navigation._links["performance:child_protection"]
