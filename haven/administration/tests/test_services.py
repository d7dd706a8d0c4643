from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from haven.accounts.models import Role, User
from haven.accounts.services import second_factor_required
from haven.administration import selectors, services
from haven.core.services import audit_context_set
from haven.core.versioning import ConcurrentEditError

pytestmark = pytest.mark.django_db


def _as(user: User) -> None:
    """What the request middleware does: changes from now on are this user's."""
    audit_context_set(actor_id=user.pk, label=user.username)


def _signed_in(user: User) -> str:
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session.create()
    return str(session.session_key)


def test_a_new_user_gets_a_one_time_password_they_must_change(admin, teams):
    user, password = services.user_create(
        by=admin,
        username="jo.bloggs",
        first_name="Jo",
        last_name="Bloggs",
        role=Role.PRACTITIONER,
        teams=[teams["assessment"]],
    )
    assert len(password) == 19
    assert authenticate(username="jo.bloggs", password=password) == user
    user.refresh_from_db()
    assert user.must_change_password
    assert list(user.teams.all()) == [teams["assessment"]]


def test_an_administrator_may_set_the_first_password_but_not_a_weak_one(admin):
    with pytest.raises(ValidationError) as caught:
        services.user_create(
            by=admin,
            username="jo",
            first_name="Jo",
            last_name="Bloggs",
            role=Role.PRACTITIONER,
            password="short",
        )
    assert "password" in caught.value.message_dict
    assert not User.objects.filter(username="jo").exists()
    _user, password = services.user_create(
        by=admin,
        username="jo",
        first_name="Jo",
        last_name="Bloggs",
        role=Role.PRACTITIONER,
        password="a long chosen phrase",
    )
    assert password == "a long chosen phrase"


def test_usernames_are_unique_whatever_their_case(admin, worker):
    with pytest.raises(ValidationError) as caught:
        services.user_create(
            by=admin,
            username=worker.username.upper(),
            first_name="A",
            last_name="B",
            role=Role.PRACTITIONER,
        )
    assert "username" in caught.value.message_dict


def test_only_administrators_manage_users(manager, worker):
    with pytest.raises(ValidationError):
        services.user_disable(by=manager, user=worker, version=worker.version)
    worker.refresh_from_db()
    assert worker.is_active


def test_disabling_ends_sessions_and_stops_sign_in(admin, worker):
    key = _signed_in(worker)
    services.user_disable(by=admin, user=worker, version=worker.version)
    assert not SessionStore().exists(key)
    assert authenticate(username=worker.username, password=PASSWORD) is None
    worker.refresh_from_db()
    services.user_enable(by=admin, user=worker, version=worker.version)
    assert authenticate(username=worker.username, password=PASSWORD) == worker


def test_an_administrator_cannot_disable_themselves_or_the_last_administrator(admin, make_user):
    with pytest.raises(ValidationError, match="your own account"):
        services.user_disable(by=admin, user=admin, version=admin.version)
    other = make_user(Role.ADMINISTRATOR, None)
    # Two administrators: one may disable the other, but then the last one stays.
    services.user_disable(by=other, user=admin, version=admin.version)
    admin.refresh_from_db()
    services.user_enable(by=other, user=admin, version=admin.version)
    admin.refresh_from_db()
    services.user_update(
        by=admin,
        user=other,
        version=other.version,
        username=other.username,
        first_name="O",
        last_name="Ther",
        email="",
        job_title="",
        role=Role.TEAM_MANAGER,
        teams=[],
    )
    admin.refresh_from_db()
    other.refresh_from_db()
    assert other.role == Role.TEAM_MANAGER
    with pytest.raises(ValidationError, match="your own role"):
        services.user_update(
            by=admin,
            user=admin,
            version=admin.version,
            username=admin.username,
            first_name="Ali",
            last_name="Morgan",
            email="",
            job_title="",
            role=Role.PRACTITIONER,
            teams=[],
        )


def test_the_last_active_administrator_cannot_lose_the_role(admin, make_user):
    other = make_user(Role.ADMINISTRATOR, None)
    in_flight = User.objects.get(pk=admin.pk)  # admin's request, under way as they are disabled
    services.user_disable(by=other, user=admin, version=admin.version)
    with pytest.raises(ValidationError, match="last active administrator"):
        services.user_update(
            by=in_flight,
            user=other,
            version=other.version,
            username=other.username,
            first_name="O",
            last_name="Ther",
            email="",
            job_title="",
            role=Role.PRACTITIONER,
            teams=[],
        )
    other.refresh_from_db()
    assert other.role == Role.ADMINISTRATOR


def test_a_stale_edit_does_not_overwrite_a_newer_one(admin, worker, teams):
    seen = worker.version
    services.user_update(
        by=admin,
        user=worker,
        version=seen,
        username=worker.username,
        first_name="Sam",
        last_name="Okafor",
        email="",
        job_title="Senior",
        role=Role.TEAM_MANAGER,
        teams=[teams["assessment"]],
    )
    with pytest.raises(ConcurrentEditError):
        services.user_update(
            by=admin,
            user=worker,
            version=seen,
            username=worker.username,
            first_name="Sam",
            last_name="Okafor",
            email="",
            job_title="",
            role=Role.PRACTITIONER,
            teams=[],
        )
    worker.refresh_from_db()
    assert worker.role == Role.TEAM_MANAGER and worker.job_title == "Senior"
    assert list(worker.teams.all()) == [teams["assessment"]]


def test_a_password_reset_makes_them_choose_a_new_one(admin, worker):
    key = _signed_in(worker)
    password = services.user_password_reset(by=admin, user=worker, version=worker.version)
    worker.refresh_from_db()
    assert worker.must_change_password and worker.check_password(password)
    assert not worker.check_password(PASSWORD)
    assert not SessionStore().exists(key)


def test_a_two_factor_reset_removes_the_app_and_asks_for_a_new_one(admin, worker):
    TOTPDevice.objects.create(user=worker, name="app", confirmed=True)
    services.user_second_factor_reset(by=admin, user=worker, version=worker.version)
    worker.refresh_from_db()
    assert not TOTPDevice.objects.filter(user=worker).exists()
    assert worker.must_set_up_second_factor and second_factor_required(worker)
    assert "reset your two-factor" in worker.alerts.get().message


def test_teams_are_created_renamed_and_deactivated(admin, teams):
    team = services.team_create(by=admin, name="Andover assessment", kind="assessment")
    with pytest.raises(ValidationError):
        services.team_create(by=admin, name="andover ASSESSMENT", kind="assessment")
    services.team_update(
        by=admin,
        team=team,
        version=team.version,
        name="Andover district",
        kind="assessment",
        area="Andover",
    )
    with pytest.raises(ConcurrentEditError):
        services.team_deactivate(by=admin, team=team, version=team.version)
    team.refresh_from_db()
    services.team_deactivate(by=admin, team=team, version=team.version)
    team.refresh_from_db()
    assert (team.name, team.area, team.is_active) == ("Andover district", "Andover", False)


def test_the_history_reads_as_sentences(admin, worker, teams):
    _as(admin)
    services.user_update(
        by=admin,
        user=worker,
        version=worker.version,
        username=worker.username,
        first_name="Sam",
        last_name="Okafor",
        email="",
        job_title="",
        role=Role.TEAM_MANAGER,
        teams=[teams["other"]],
    )
    worker.refresh_from_db()
    services.user_disable(by=admin, user=worker, version=worker.version)
    lines = [line.sentence for line in selectors.user_history(by=admin, user=worker)]
    said = " | ".join(lines)
    assert "Ali Morgan changed role from Practitioner to Team manager, " in said
    assert "Ali Morgan added them to Basingstoke assessment" in said
    assert "Ali Morgan removed them from Winchester assessment" in said
    assert lines[0].startswith("Ali Morgan disabled the account, ")
    assert "created the account" in lines[-1]


def test_an_administrator_cannot_reset_their_own_sign_in(admin):
    with pytest.raises(ValidationError, match="reset your password"):
        services.user_password_reset(by=admin, user=admin, version=admin.version)
    with pytest.raises(ValidationError, match="two-factor"):
        services.user_second_factor_reset(by=admin, user=admin, version=admin.version)
    admin.refresh_from_db()
    assert not admin.must_change_password and not admin.must_set_up_second_factor
