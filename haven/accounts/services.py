"""Signing in and out, second factors, and the account changes administrators make."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import Alert, Membership, Role, SignInAttempt, Team, User
from haven.core.dates import long_date
from haven.core.services import client_ip

if TYPE_CHECKING:
    from django.http import HttpRequest


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    locked: bool = False


# The first key of the advisory locks that serialise sign-in attempts for one username.
SIGN_IN_LOCK = 0x5149  # arbitrary, but fixed: other advisory locks must choose another


def _recent_failures(username: str) -> int:
    since = timezone.now() - datetime.timedelta(seconds=settings.HAVEN_LOGIN_WINDOW_SECONDS)
    return SignInAttempt.objects.filter(username=username, succeeded=False, at__gte=since).count()


def _attempt_reserve(*, username: str, ip_address: str | None) -> SignInAttempt | None:
    """Record an attempt as failed BEFORE its password is checked, counting and recording
    under a per-username advisory lock, so parallel attempts cannot all see the same count:
    at most HAVEN_LOGIN_MAX_FAILURES passwords are ever checked in a window. Returns None
    when the username is locked. The lock is held for two short statements, never while
    a password is hashed."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [SIGN_IN_LOCK, username]
            )
        locked = _recent_failures(username) >= settings.HAVEN_LOGIN_MAX_FAILURES
        attempt = SignInAttempt.objects.create(
            username=username, succeeded=False, ip_address=ip_address
        )
    return None if locked else attempt


def sign_in_check(*, request: HttpRequest, username: str, password: str) -> SignInResult:
    """Check a username and password. After too many failures for one username in the
    window, even the right password is refused. Unknown usernames and wrong passwords are
    treated alike, so the answer never tells which it was."""
    key = username.strip().lower()
    attempt = _attempt_reserve(username=key, ip_address=client_ip(request))
    if attempt is None:
        return SignInResult(user=None, locked=True)
    user = authenticate(request, username=username.strip(), password=password)
    if user is None:
        return SignInResult(user=None)
    SignInAttempt.objects.filter(pk=attempt.pk).update(succeeded=True)
    return SignInResult(user=user if isinstance(user, User) else None)


def second_factor_required(user: User) -> bool:
    return (
        user.must_set_up_second_factor
        or user.role in settings.HAVEN_TOTP_REQUIRED_ROLES
        or TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


def totp_device_for(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


class SecondFactorNeeded(PermissionDenied):
    """Setting up an authenticator when one is already confirmed needs a session that has
    entered a code from it: a password alone must never be enough to take over the second
    factor."""


def _enrolment_check(*, user: User, verified: bool) -> None:
    if not verified and TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise SecondFactorNeeded("Enter a code from your current authenticator app first")


def totp_enrolment_start(*, user: User, verified: bool) -> TOTPDevice:
    """A new, unconfirmed authenticator for ``user`` (replacing any earlier unconfirmed one).
    ``verified`` says whether this session has entered a code from a confirmed device."""
    _enrolment_check(user=user, verified=verified)
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_enrolment_confirm(*, device: TOTPDevice, token: str, verified: bool) -> bool:
    """Confirm ``device`` with a code from it. Any device it replaces is deleted (the audit
    trigger keeps the deleted row) and the user is told, so a change is never silent."""
    with transaction.atomic():
        # One enrolment at a time per user, and the check made under that lock.
        user = User.objects.select_for_update().get(pk=device.user_id)
        _enrolment_check(user=user, verified=verified)
        if not device.verify_token(token.strip().replace(" ", "")):
            return False
        replaced = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk)
        replacing = replaced.exists()
        replaced.delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        if user.must_set_up_second_factor:
            User.objects.filter(pk=user.pk).update(must_set_up_second_factor=False)
        when = long_date(timezone.now())
        if replacing:
            message = (
                f"Your authenticator app was replaced on {when}. Codes from the old app no "
                "longer work. If you did not do this, tell your administrator now."
            )
        else:
            message = (
                f"An authenticator app was set up for your account on {when}. If you did "
                "not do this, tell your administrator now."
            )
        alert_send(recipients=[user], message=message)
    return True


def password_check(*, password: str, user: User) -> None:
    """Every password Haven sets goes through Django's validators first (Django's own
    ``set_password`` does not run them). Raises ValidationError with one message per rule."""
    validate_password(password, user=user)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    first_name: str,
    last_name: str,
    role: Role,
    teams: list[Team] = (),  # type: ignore[assignment]
    email: str = "",
    job_title: str = "",
) -> User:
    """Raises ValidationError, naming each rule broken, if ``password`` fails the password
    rules (AUTH_PASSWORD_VALIDATORS: 12 characters or more, not a common password, not too
    like the user's name or email)."""
    password_check(
        password=password,
        user=User(username=username, first_name=first_name, last_name=last_name, email=email),
    )
    user = User.objects.create_user(
        username=username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        job_title=job_title,
    )
    for team in teams:
        Membership.objects.create(user=user, team=team)
    return user


def _sessions_of(user: User) -> list[str]:
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            keys.append(session.session_key)
    return keys


def user_sessions_end(*, user: User, keep: str | None = None) -> None:
    """Sign ``user`` out everywhere (but the session ``keep``, the one changing it)."""
    Session.objects.filter(session_key__in=_sessions_of(user)).exclude(
        session_key=keep or ""
    ).delete()


@transaction.atomic
def user_disable(*, user: User) -> None:
    """Disable an account: it can no longer sign in and its open sessions end now."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    user_sessions_end(user=user)


@transaction.atomic
def password_change_own(*, user: User, password: str, session_key: str | None = None) -> None:
    """The user's own new password (after an administrator set or reset it): it must pass the
    password rules and differ from the one they were given. Their other sessions end."""
    if user.check_password(password):
        raise ValidationError(
            {"password": "Your new password must be different from the one you were given"}
        )
    try:
        password_check(password=password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    User.objects.filter(pk=user.pk).update(password=user.password, must_change_password=False)
    user.must_change_password = False
    user_sessions_end(user=user, keep=session_key)


def alert_send(*, recipients: list[User], message: str, link: str = "") -> None:
    Alert.objects.bulk_create(
        [Alert(recipient=r, message=message[:500], link=link) for r in recipients]
    )


def team_managers(team_ids: list[int]) -> list[User]:
    return list(
        User.objects.filter(
            role=Role.TEAM_MANAGER, is_active=True, memberships__team_id__in=team_ids
        ).distinct()
    )
