import datetime
import re
from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory


def _context(path="/", user=None, **extra):
    request = RequestFactory().get(path)
    # The header shows the links the user's capabilities open: a role that may search, in no
    # team (the links shown by team kind read the kinds cached on the user, not the database).
    request.user = user or SimpleNamespace(  # type: ignore[assignment]
        is_authenticated=True,
        is_active=True,
        role="reviewing_officer",
        display_name="Sam Worker",
        _haven_team_kinds=set(),
    )
    return {
        "request": request,
        "user": request.user,
        "service_name": "Haven",
        "council_name": "Demo County Council",
        "unread_alerts": 3,
        "csrf_token": "token123",
        **extra,
    }


PAGE = (
    '{% extends "ui/base.html" %}{% block title %}Search for a person{% endblock %}'
    "{% block content %}<h1>Search</h1>{% endblock %}"
)


def render(source, context):
    return engines["django"].from_string(source).render(context)


def test_page_has_title_language_skip_link_and_main():
    html = render(PAGE, _context())
    assert "<title>Search for a person \u2013 Haven</title>" in html
    assert '<html lang="en-GB" class="govuk-template">' in html
    assert '<body class="govuk-template__body">' in html
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    assert "Demo County Council" in html


def test_page_loads_only_local_assets_and_no_inline_script():
    html = render(PAGE, _context())
    assert '<script type="module" src="/static/haven/haven.js">' in html
    assert 'href="/static/haven/haven.css"' in html
    for attr in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not re.match(r"^(https?:)?//", attr), attr
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert "govuk-header__logotype" not in html and "crown" not in html.lower()


def test_signed_in_navigation_marks_the_current_page_and_signs_out_by_post():
    html = render(PAGE, _context("/people/search/"))
    assert re.search(r'href="/people/search/" aria-current="page"', html)
    assert re.search(r'href="/alerts/"[^>]*>\s*Alerts \(3\)', html)
    assert "Sam Worker" in html
    match = re.search(r'<form method="post" action="/sign-out/".*?</form>', html, re.S)
    assert match
    form = match.group(0)
    assert 'name="csrfmiddlewaretoken" value="token123"' in form
    assert '<button type="submit"' in form and "Sign out" in form


def test_signed_out_page_has_no_navigation():
    html = render(PAGE, _context("/sign-in/", user=AnonymousUser()))
    assert "Sign out" not in html and "/alerts/" not in html


def test_messages_are_notification_banners_with_success_style():
    messages = [
        Message(constants.SUCCESS, "Child added"),
        Message(constants.INFO, "Record is restricted"),
    ]
    html = render(PAGE, _context(messages=messages))
    success = re.search(
        r'<div class="govuk-notification-banner govuk-notification-banner--success" role="alert".*?Child added',
        html,
        re.S,
    )
    assert success
    assert re.search(
        r'<div class="govuk-notification-banner" role="region".*?Record is restricted', html, re.S
    )


def _person(**overrides):
    values = {
        "pk": 42,
        "full_name": "Ada Lovelace",
        "date_of_birth": datetime.date(2015, 3, 12),
        "expected_date_of_birth": None,
        "is_unborn": False,
        "age": 11,
        "get_sex_display": "Female",
        "nhs_number": "9434765919",
        "upn": "",
        "is_restricted": False,
        "date_of_death": None,
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def test_identity_bar_shows_who_the_record_is_about():
    html = render_to_string("ui/identity_bar.html", {"person": _person()})
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Ada Lovelace" in text
    assert "Born 12 March 2015 (age 11)" in text
    assert "NHS number: 943 476 5919" in text
    assert "Haven ID: 42" in text
    assert "Sex: Female" in text
    assert "Restricted record" not in text
    assert "<h1" not in html


def test_identity_bar_for_an_unborn_restricted_child_and_one_who_died():
    unborn = _person(
        date_of_birth=None,
        expected_date_of_birth=datetime.date(2027, 1, 3),
        is_unborn=True,
        age=None,
        nhs_number="",
        is_restricted=True,
    )
    text = " ".join(
        re.sub(
            r"<[^>]+>", " ", render_to_string("ui/identity_bar.html", {"person": unborn})
        ).split()
    )
    assert "Expected 3 January 2027 (unborn)" in text
    assert "Restricted record" in text
    assert "NHS number" not in text
    died = _person(date_of_death=datetime.date(2020, 5, 1))
    text = " ".join(
        re.sub(r"<[^>]+>", " ", render_to_string("ui/identity_bar.html", {"person": died})).split()
    )
    assert "Died 1 May 2020" in text
    assert "(age" not in text


def test_identity_bar_tabs_mark_the_current_page():
    request = RequestFactory().get("/people/42/chronology/")
    links = [("Summary", "/people/42/"), ("Chronology", "/people/42/chronology/")]
    html = render_to_string(
        "ui/identity_bar.html", {"person": _person(), "links": links, "request": request}
    )
    assert 'class="moj-sub-navigation"' in html
    assert re.search(r'href="/people/42/chronology/" aria-current="page">Chronology<', html)
    assert re.search(r'href="/people/42/">Summary<', html)


def test_500_page_renders_without_any_context():
    html = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in html
    assert "/static/haven/haven.css" in html
