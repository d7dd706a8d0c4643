from __future__ import annotations

import importlib

import pytest
from django.test import Client

from conftest import PASSWORD
from haven.accounts.models import Role, User

pytestmark = pytest.mark.django_db

# The generated hostile-input test's attack, reused (imported by name: the tests folder is not
# type-checked with haven).
hostile = importlib.import_module("tests.test_hostile_input")


def test_only_administrators_see_user_administration(as_manager, as_worker, as_admin):
    assert as_manager.get("/administration/").status_code == 403
    assert as_worker.get("/administration/teams/").status_code == 403
    page = as_admin.get("/")
    assert 'data-testid="administration-link"' in page.content.decode() or page.status_code == 302
    listing = as_admin.get("/administration/")
    assert listing.status_code == 200
    assert 'data-testid="administration-link"' in listing.content.decode()


def test_the_list_filters_by_team_role_status_and_name(as_admin, worker, manager, outsider, teams):
    page = as_admin.get("/administration/", {"team": teams["assessment"].pk}).content.decode()
    assert "Sam Okafor" in page and "Tom Hughes" in page and "Olive Outsider" not in page
    page = as_admin.get("/administration/", {"role": Role.TEAM_MANAGER}).content.decode()
    assert "Tom Hughes" in page and "Sam Okafor" not in page
    page = as_admin.get("/administration/", {"name": "okaf"}).content.decode()
    assert "Sam Okafor" in page and "Tom Hughes" not in page
    page = as_admin.get("/administration/", {"active": "disabled"}).content.decode()
    assert "Sam Okafor" not in page and "No users match" in page
    assert "Never" in as_admin.get("/administration/").content.decode()  # last sign-in


def test_the_list_runs_a_fixed_number_of_queries(
    as_admin, make_user, django_assert_max_num_queries
):
    for _ in range(12):
        make_user(Role.PRACTITIONER, "assessment")
    with django_assert_max_num_queries(14):
        assert as_admin.get("/administration/").status_code == 200


def test_creating_a_user_shows_the_password_once(as_admin, teams):
    response = as_admin.post(
        "/administration/users/new/",
        {
            "first_name": "Jo",
            "last_name": "Bloggs",
            "username": "jo.bloggs",
            "email": "",
            "job_title": "Social worker",
            "role": Role.PRACTITIONER,
            "teams": [teams["assessment"].pk],
            "password": "",
        },
    )
    user = User.objects.get(username="jo.bloggs")
    assert (
        response.status_code == 302 and response["Location"] == f"/administration/users/{user.pk}/"
    )
    first = as_admin.get(response["Location"]).content.decode()
    assert 'data-testid="one-time-password"' in first
    assert (
        'data-testid="one-time-password"' not in as_admin.get(response["Location"]).content.decode()
    )
    assert "created the account" in first


def test_a_bad_new_user_is_explained_and_nothing_is_saved(as_admin):
    response = as_admin.post(
        "/administration/users/new/", {"first_name": "", "role": "boss", "username": "no spaces"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    for message in (
        "Enter the first name",
        "Enter the last name",
        "Choose a role",
        "Username can only have letters",
    ):
        assert message in page
    assert not User.objects.filter(first_name="").exclude(username__startswith="user").exists()


def test_editing_a_user_from_a_stale_page_keeps_what_was_typed(as_admin, worker, teams):
    form = {
        "first_name": "Sam",
        "last_name": "Okafor",
        "username": worker.username,
        "email": "",
        "job_title": "",
        "role": Role.TEAM_MANAGER,
        "teams": [teams["assessment"].pk],
        "version": worker.version,
    }
    url = f"/administration/users/{worker.pk}/edit/"
    assert as_admin.post(url, form).status_code == 302
    stale = as_admin.post(url, form | {"job_title": "Senior practitioner"})
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Someone else saved changes" in page and "Senior practitioner" in page
    worker.refresh_from_db()
    assert worker.job_title == "" and worker.role == Role.TEAM_MANAGER
    # Saving again, having seen the record as it is now, applies the change.
    again = as_admin.post(
        url, form | {"job_title": "Senior practitioner", "version": worker.version}
    )
    assert again.status_code == 302
    worker.refresh_from_db()
    assert worker.job_title == "Senior practitioner"
    history = as_admin.get(f"/administration/users/{worker.pk}/").content.decode()
    assert "Ali Morgan changed role from Practitioner to Team manager" in history


def test_an_administrator_is_not_offered_to_disable_themselves(as_admin, admin):
    page = as_admin.get(f"/administration/users/{admin.pk}/").content.decode()
    assert "Disable account" not in page
    refused = as_admin.post(
        f"/administration/users/{admin.pk}/disable/", {"disable-version": admin.version}
    )
    assert refused.status_code == 400
    assert "You cannot disable your own account" in refused.content.decode()


def test_a_disabled_user_is_signed_out_and_cannot_sign_in(as_admin, worker):
    worker_client = Client()
    worker_client.post("/sign-in/", {"username": worker.username, "password": PASSWORD})
    assert worker_client.get("/").status_code == 200
    done = as_admin.post(
        f"/administration/users/{worker.pk}/disable/", {"disable-version": worker.version}
    )
    assert done.status_code == 302
    assert worker_client.get("/").status_code == 302
    again = Client().post("/sign-in/", {"username": worker.username, "password": PASSWORD})
    assert (
        again.status_code == 200
        and "Enter a correct username and password" in again.content.decode()
    )


def test_after_a_reset_the_user_must_choose_a_password_before_anything_else(as_admin, worker):
    response = as_admin.post(
        f"/administration/users/{worker.pk}/reset-password/",
        {"password-version": worker.version, "password-password": ""},
    )
    assert response.status_code == 302
    page = as_admin.get(response["Location"]).content.decode()
    marker = 'class="haven-one-time-password">'
    one_time = page.split(marker, 1)[1].split("<", 1)[0]
    client = Client()
    client.post("/sign-in/", {"username": worker.username, "password": one_time})
    forced = client.get("/people/search/")
    assert forced.status_code == 302 and forced["Location"].startswith("/account/password/")
    same = client.post("/account/password/", {"password": one_time, "confirm": one_time})
    assert "must be different" in same.content.decode()
    chosen = "a brand new long phrase"
    done = client.post(
        "/account/password/?next=/people/search/",
        {"password": chosen, "confirm": chosen, "next": "/people/search/"},
    )
    assert done.status_code == 302 and done["Location"] == "/people/search/"
    assert client.get("/people/search/").status_code == 200
    worker.refresh_from_db()
    assert not worker.must_change_password and worker.check_password(chosen)


def test_teams_are_managed_in_the_interface(as_admin, teams):
    created = as_admin.post(
        "/administration/teams/new/", {"name": "Andover", "kind": "assessment", "area": ""}
    )
    assert created.status_code == 302
    team = teams["assessment"]
    edit = as_admin.post(
        f"/administration/teams/{team.pk}/",
        {"name": "Winchester district", "kind": "assessment", "area": "", "version": team.version},
    )
    assert edit.status_code == 302
    stale = as_admin.post(
        f"/administration/teams/{team.pk}/deactivate/", {"deactivate-version": team.version}
    )
    assert stale.status_code == 409
    team.refresh_from_db()
    assert team.is_active
    as_admin.post(
        f"/administration/teams/{team.pk}/deactivate/", {"deactivate-version": team.version}
    )
    team.refresh_from_db()
    assert not team.is_active
    page = as_admin.get("/administration/teams/").content.decode()
    assert "Andover" in page and "No longer active" in page


@pytest.mark.parametrize(
    "path",
    [
        "/administration/users/new/",
        "users/{worker}/",
        "users/{worker}/edit/",
        "/administration/teams/new/",
        "teams/{team}/",
    ],
)
def test_administration_forms_refuse_hostile_input(path, as_admin, worker, teams):
    """The generated hostile-input test runs as a manager and a worker, who cannot reach
    these pages: the same attack, as an administrator."""
    if not path.startswith("/"):
        path = "/administration/" + path.format(worker=worker.pk, team=teams["assessment"].pk)
    page = as_admin.get(path)
    forms = [
        f
        for f in hostile._forms(page.content.decode(), path)
        if f["method"] == "post" and "sign-out" not in f["action"]
    ]
    assert forms
    for form in forms:
        hostile._attack_form(as_admin, form)


def test_a_next_that_is_not_a_path_goes_home(worker):
    client = Client()
    client.post("/sign-in/", {"username": worker.username, "password": PASSWORD})
    response = client.get("/account/password/", {"next": "99999999999999999999"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_after_a_two_factor_reset_the_user_sets_up_an_app_at_sign_in(as_admin, worker):
    done = as_admin.post(
        f"/administration/users/{worker.pk}/reset-two-factor/",
        {"twofactor-version": worker.version},
    )
    assert done.status_code == 302
    client = Client()
    client.post("/sign-in/", {"username": worker.username, "password": PASSWORD})
    sent = client.get("/people/search/")
    assert sent.status_code == 302 and sent["Location"] == "/account/two-factor/setup/"
    page = as_admin.get(f"/administration/users/{worker.pk}/").content.decode()
    assert "Ali Morgan reset two-factor authentication" in page
