"""What administrators change: users, their roles, teams and sign-in, and teams themselves.

Every write is one transaction, checks MANAGE_USERS, and moves the record's ``version`` through
``update_with_version``, so two administrators editing the same user never overwrite each other
silently. The audit trigger records each change, with the administrator as its actor; the
user's page reads it back as history (``selectors.user_history``).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import services as accounts
from haven.accounts.models import Membership, Role, Team, User
from haven.accounts.permissions import Capability, service_require
from haven.core.versioning import update_with_version

# No 0/O or 1/l/i, so a password read out over the phone is typed right first time.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def one_time_password() -> str:
    """Four groups of four, e.g. ``k7fp-2mxq-9tdr-h3wa`` (about 79 bits)."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))


def _locked(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def _keeps_an_administrator(*, user: User, field: str, message: str) -> None:
    """Refuse a change that would leave no active administrator. The active administrators'
    rows are locked first, so two administrators disabling each other at once cannot both
    succeed."""
    active = list(
        User.objects.select_for_update()
        .filter(role=Role.ADMINISTRATOR, is_active=True)
        .values_list("pk", flat=True)
    )
    if active == [user.pk]:
        raise ValidationError({field: message})


def _not_yourself(by: User, user: User, message: str) -> None:
    """Resets sign a user out everywhere: done to oneself, they would end the session doing it
    (and a stolen session could take over the account)."""
    if by.pk == user.pk:
        raise ValidationError(message)


def _password_or_generated(*, user: User, password: str) -> str:
    chosen = password or one_time_password()
    try:
        accounts.password_check(password=chosen, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    return chosen


def _teams_set(*, user: User, teams: Iterable[Team]) -> None:
    wanted = {team.pk for team in teams}
    held = set(user.memberships.values_list("team_id", flat=True))
    user.memberships.filter(team_id__in=held - wanted).delete()
    Membership.objects.bulk_create(
        [Membership(user=user, team_id=team_id) for team_id in sorted(wanted - held)]
    )


@transaction.atomic
def user_create(
    *,
    by: User,
    username: str,
    first_name: str,
    last_name: str,
    role: str,
    teams: Iterable[Team] = (),
    email: str = "",
    job_title: str = "",
    password: str = "",
) -> tuple[User, str]:
    """A new account and the password to give its owner once (``password``, or one made up
    here). The owner must choose their own at their first sign-in."""
    service_require(by, Capability.MANAGE_USERS)
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "Someone already has this username: choose another"})
    draft = User(username=username, first_name=first_name, last_name=last_name, email=email)
    chosen = _password_or_generated(user=draft, password=password)
    user = accounts.user_create(
        username=username,
        password=chosen,
        first_name=first_name,
        last_name=last_name,
        email=email,
        job_title=job_title,
        role=Role(role),
        teams=list(teams),
    )
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    user.must_change_password = True
    return user, chosen


@transaction.atomic
def user_update(
    *,
    by: User,
    user: User,
    version: int,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    job_title: str,
    role: str,
    teams: Iterable[Team],
) -> None:
    service_require(by, Capability.MANAGE_USERS)
    current = _locked(user)
    username = username.strip()
    if User.objects.filter(username__iexact=username).exclude(pk=user.pk).exists():
        raise ValidationError({"username": "Someone already has this username: choose another"})
    if current.role == Role.ADMINISTRATOR and role != Role.ADMINISTRATOR:
        if user.pk == by.pk:
            raise ValidationError({"role": "Another administrator must change your own role"})
        if current.is_active:
            _keeps_an_administrator(
                user=current,
                field="role",
                message="This is the last active administrator: make someone else an "
                "administrator first",
            )
    update_with_version(
        User,
        user.pk,
        version,
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        job_title=job_title,
        role=role,
    )
    _teams_set(user=current, teams=teams)


@transaction.atomic
def user_disable(*, by: User, user: User, version: int) -> None:
    """The account can no longer sign in, and its open sessions end now."""
    service_require(by, Capability.MANAGE_USERS)
    current = _locked(user)
    if current.pk == by.pk:
        raise ValidationError("You cannot disable your own account")
    if not current.is_active:
        raise ValidationError("This account is already disabled")
    if current.role == Role.ADMINISTRATOR:
        _keeps_an_administrator(
            user=current,
            field="__all__",
            message="This is the last active administrator: it cannot be disabled",
        )
    update_with_version(User, user.pk, version, is_active=False)
    accounts.user_sessions_end(user=current)


@transaction.atomic
def user_enable(*, by: User, user: User, version: int) -> None:
    service_require(by, Capability.MANAGE_USERS)
    if _locked(user).is_active:
        raise ValidationError("This account is already active")
    update_with_version(User, user.pk, version, is_active=True)


@transaction.atomic
def user_password_reset(*, by: User, user: User, version: int, password: str = "") -> str:
    """A new password to give the user once (``password``, or one made up here); they must
    choose their own at their next sign-in. Their open sessions end."""
    service_require(by, Capability.MANAGE_USERS)
    _not_yourself(by, user, "Another administrator must reset your password")
    current = _locked(user)
    chosen = _password_or_generated(user=current, password=password)
    update_with_version(
        User, user.pk, version, password=make_password(chosen), must_change_password=True
    )
    accounts.user_sessions_end(user=current)
    return chosen


@transaction.atomic
def user_second_factor_reset(*, by: User, user: User, version: int) -> None:
    """Remove the user's authenticator app: they set up a new one at their next sign-in."""
    service_require(by, Capability.MANAGE_USERS)
    _not_yourself(by, user, "Another administrator must reset your two-factor authentication")
    current = _locked(user)
    update_with_version(User, user.pk, version, must_set_up_second_factor=True)
    TOTPDevice.objects.filter(user=current).delete()
    accounts.user_sessions_end(user=current)
    accounts.alert_send(
        recipients=[current],
        message=f"{by.display_name} reset your two-factor authentication: you set up your "
        "authenticator app again when you next sign in.",
    )


def _team_name_free(name: str, team: Team | None = None) -> None:
    clash = Team.objects.filter(name__iexact=name.strip())
    if team is not None:
        clash = clash.exclude(pk=team.pk)
    if clash.exists():
        raise ValidationError({"name": "There is already a team with this name"})


@transaction.atomic
def team_create(*, by: User, name: str, kind: str, area: str = "") -> Team:
    service_require(by, Capability.MANAGE_USERS)
    _team_name_free(name)
    return Team.objects.create(name=name.strip(), kind=kind, area=area)


@transaction.atomic
def team_update(*, by: User, team: Team, version: int, name: str, kind: str, area: str) -> None:
    service_require(by, Capability.MANAGE_USERS)
    _team_name_free(name, team)
    update_with_version(Team, team.pk, version, name=name.strip(), kind=kind, area=area)


@transaction.atomic
def team_deactivate(*, by: User, team: Team, version: int) -> None:
    """A team that no longer works: its members stay in it, so its history reads the same,
    but it is no longer offered for new members."""
    service_require(by, Capability.MANAGE_USERS)
    update_with_version(Team, team.pk, version, is_active=False)


@transaction.atomic
def team_reactivate(*, by: User, team: Team, version: int) -> None:
    service_require(by, Capability.MANAGE_USERS)
    update_with_version(Team, team.pk, version, is_active=True)
