"""In-app notifications: what someone must know about, shown on their Alerts page.

Every part of the service tells people the same way, from its services::

    notify(recipients=[worker], by=by, message="Sam Smith's case has been allocated to you",
           link=f"/people/{person.pk}/")
    notify_team_managers(team_ids=[contact.team_id], by=by, message=..., link=...)

Nobody is told about their own action, nor an inactive user; one alert per person. A link is a
path inside Haven, opened through the alert (which marks it read).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone

from haven.accounts.models import Alert, User
from haven.accounts.services import alert_send, team_managers


def notify(
    *,
    recipients: Iterable[User | None],
    message: str,
    link: str = "",
    by: User | None = None,
) -> int:
    """Alert each recipient (other than ``by``); returns how many were told."""
    told: dict[int, User] = {}
    for user in recipients:
        if user is None or not user.is_active or (by is not None and user.pk == by.pk):
            continue
        told.setdefault(user.pk, user)
    # The same news still unread (a sibling group's decisions) is not repeated.
    if told:
        already = Alert.objects.filter(
            recipient_id__in=told, read_at__isnull=True, message=message[:500], link=link
        ).values_list("recipient_id", flat=True)
        for pk in set(already):
            told.pop(pk, None)
    alert_send(recipients=list(told.values()), message=message, link=link)
    return len(told)


def notify_team_managers(
    *,
    team_ids: Iterable[int | None],
    message: str,
    link: str = "",
    by: User | None = None,
) -> int:
    """Alert the team managers of ``team_ids`` (not ``by``): work awaits their authorisation."""
    ids = [pk for pk in team_ids if pk is not None]
    return notify(recipients=team_managers(ids) if ids else [], message=message, link=link, by=by)


def unread_count(user: User) -> int:
    return Alert.objects.filter(recipient=user, read_at__isnull=True).count()


def alert_get_for_user(*, user: User, alert_id: int) -> Alert:
    """One of the user's own alerts (404 for anyone else's)."""
    return get_object_or_404(Alert, pk=alert_id, recipient=user)


@transaction.atomic
def alert_mark_read(*, user: User, alert_id: int) -> Alert:
    """Mark one of the user's alerts read (again is harmless: the first time is kept)."""
    alert = alert_get_for_user(user=user, alert_id=alert_id)
    if alert.read_at is None:
        Alert.objects.filter(pk=alert.pk, read_at__isnull=True).update(read_at=timezone.now())
        alert.refresh_from_db()
    return alert


@transaction.atomic
def alert_mark_unread(*, user: User, alert_id: int) -> Alert:
    alert = alert_get_for_user(user=user, alert_id=alert_id)
    Alert.objects.filter(pk=alert.pk).update(read_at=None)
    alert.refresh_from_db()
    return alert


@transaction.atomic
def alerts_mark_all_read(*, user: User) -> int:
    return Alert.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
