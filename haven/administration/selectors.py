"""What administrators read: users with their teams and last sign-in, teams, and the history
of changes to an account, worded for people from the audit trail."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import Membership, Role, Team, User
from haven.accounts.permissions import Capability, require
from haven.core.dates import long_date
from haven.core.models import AuditChange


def users_for_admin(
    *,
    by: User,
    team: Team | None = None,
    role: str = "",
    active: str = "",
    name: str = "",
) -> QuerySet[User]:
    """Users to list, filtered; each with its teams (one query for all of them)."""
    require(by, Capability.MANAGE_USERS)
    users = User.objects.prefetch_related("teams").order_by("last_name", "first_name", "pk")
    if team is not None:
        users = users.filter(memberships__team=team)
    if role:
        users = users.filter(role=role)
    if active == "active":
        users = users.filter(is_active=True)
    elif active == "disabled":
        users = users.filter(is_active=False)
    for word in name.split():
        users = users.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
        )
    return users


def user_for_admin(*, by: User, user_id: int) -> User:
    from django.shortcuts import get_object_or_404

    require(by, Capability.MANAGE_USERS)
    return get_object_or_404(User.objects.prefetch_related("teams"), pk=user_id)


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def teams_for_admin(*, by: User) -> QuerySet[Team]:
    require(by, Capability.MANAGE_USERS)
    return Team.objects.annotate(
        active_members=Count("memberships", filter=Q(memberships__user__is_active=True))
    ).order_by("-is_active", "name")


def team_for_admin(*, by: User, team_id: int) -> Team:
    from django.shortcuts import get_object_or_404

    require(by, Capability.MANAGE_USERS)
    return get_object_or_404(Team, pk=team_id)


# --------------------------------------------------------------------------------------------
# History


@dataclass(frozen=True)
class HistoryLine:
    at: datetime.datetime
    actor: str
    what: str

    @property
    def sentence(self) -> str:
        return f"{self.actor} {self.what}, {long_date(self.at)}"


_FIELD_LABELS = {
    "username": "username",
    "first_name": "first name",
    "last_name": "last name",
    "email": "email address",
    "job_title": "job title",
}


def _role(code: Any) -> str:
    try:
        return str(Role(code).label)
    except ValueError:
        return str(code)


def _quoted(value: Any) -> str:
    return f"“{value}”" if value else "(blank)"


def _user_change(change: AuditChange, user: User) -> list[str]:
    if change.operation == "INSERT":
        return ["created the account"]
    if change.operation != "UPDATE":
        return []
    old, new = change.old_values or {}, change.new_values or {}
    fields = set(change.changed_fields or ())
    said = []
    if "role" in fields:
        said.append(f"changed role from {_role(old.get('role'))} to {_role(new.get('role'))}")
    if "is_active" in fields:
        said.append("re-enabled the account" if new.get("is_active") else "disabled the account")
    for field, label in _FIELD_LABELS.items():
        if field in fields:
            said.append(
                f"changed {label} from {_quoted(old.get(field))} to {_quoted(new.get(field))}"
            )
    if "password" in fields:
        if new.get("must_change_password"):
            said.append("reset the password")
        elif change.actor_id == user.pk:
            said.append("chose a new password")
        else:
            said.append("changed the password")
    if new.get("must_set_up_second_factor") is True:
        said.append("reset two-factor authentication")
    return said


def user_history(*, by: User, user: User) -> list[HistoryLine]:
    """Every change to ``user``'s account, teams and authenticator app, newest first:
    "Ali Morgan changed role from Practitioner to Team manager, 3 May 2026 at 2:02pm"."""
    require(by, Capability.MANAGE_USERS)
    about = str(user.pk)
    changes = list(
        AuditChange.objects.filter(
            Q(table_name=User._meta.db_table, row_id=about)
            | Q(table_name__in=[Membership._meta.db_table, "otp_totp_totpdevice"])
            & (Q(new_values__user_id=user.pk) | Q(old_values__user_id=user.pk))
        ).order_by("-at", "-pk")
    )
    actor_ids = {c.actor_id for c in changes if c.actor_id}
    actors = {u.pk: u.display_name for u in User.objects.filter(pk__in=actor_ids)}
    team_ids = {
        (c.new_values or c.old_values or {}).get("team_id")
        for c in changes
        if c.table_name == Membership._meta.db_table
    }
    teams = {t.pk: t.name for t in Team.objects.filter(pk__in=[t for t in team_ids if t])}
    lines: list[HistoryLine] = []
    for change in changes:
        actor = actors.get(change.actor_id or 0) or change.actor_label or "Haven"
        if change.table_name == User._meta.db_table:
            said = _user_change(change, user)
        elif change.table_name == Membership._meta.db_table:
            row = change.new_values or change.old_values or {}
            team = teams.get(row.get("team_id") or 0, "a team that no longer exists")
            said = {
                "INSERT": [f"added them to {team}"],
                "DELETE": [f"removed them from {team}"],
            }.get(change.operation, [])
        elif change.operation == "UPDATE" and (change.new_values or {}).get("confirmed"):
            said = ["set up an authenticator app"]
        else:
            said = []
        lines.extend(HistoryLine(at=change.at, actor=actor, what=what) for what in said)
    return lines
