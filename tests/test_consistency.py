"""Every page, generated from the URL patterns, as each role that uses forms: no Django
"---------" in a menu, and a page showing an error summary has "Error: " in its title.
(Each form class is checked field by field in haven/ui/tests/test_consistency.py.)"""

from __future__ import annotations

import re

import pytest

from conftest import client_for
from haven.accounts.models import Role
from tests.test_hostile_input import URLS
from tests.urls_under_test import url_for

pytestmark = pytest.mark.django_db

_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


@pytest.mark.parametrize(("name", "route"), URLS, ids=[u[0] for u in URLS])
def test_no_page_offers_django_dashes(name, route, records, manager, worker, make_user):
    admin = make_user(Role.ADMINISTRATOR, None)
    url = url_for(route, records)
    for user in (manager, worker, admin):
        response = client_for(user).get(url)
        assert response.status_code < 500, f"{url} as {user.role}"
        if response.streaming or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        assert "---------" not in html, f"{url} as {user.role} shows Django's empty choice"
        if 'class="govuk-error-summary"' in html:
            title = _TITLE.search(html)
            assert title and title.group(1).strip().startswith("Error: "), url
