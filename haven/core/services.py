"""Writes that belong to no one part of the service: the audit context and the access log."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection

from haven.core.db_roles import actor_key
from haven.core.models import AccessAction, AccessLog

if TYPE_CHECKING:
    from django.http import HttpRequest


def audit_context_set(*, actor_id: int | None, label: str, request_id: str = "") -> None:
    """Tell the audit trigger who is acting for the rest of this connection's work.

    The actor goes through ``haven_actor_set`` with a signature bound to this database session
    and a sequence number, so SQL run on this connection cannot name another actor.
    """
    label = label[:150]
    request_id = request_id[:64]
    connection.ensure_connection()
    raw = connection.connection
    state = getattr(connection, "_haven_actor_session", None)
    with connection.cursor() as cursor:
        if state is None or state[0] is not raw:
            cursor.execute(
                "SELECT pg_backend_pid(), (extract(epoch FROM backend_start) * 1000000)::bigint "
                "FROM pg_stat_get_activity(pg_backend_pid())"
            )
            pid, started = cursor.fetchone()
            state = [raw, pid, started, 0]
            connection._haven_actor_session = state  # type: ignore[attr-defined]
        state[3] += 1
        message = "|".join(
            str(part) for part in (state[1], state[2], state[3], actor_id or "", request_id, label)
        )
        signature = hmac.new(actor_key(), message.encode(), hashlib.sha256).hexdigest()
        cursor.execute(
            "SELECT haven_actor_set(%s, %s, %s, %s, %s)",
            [actor_id or None, label, request_id, state[3], signature],
        )


def new_request_id() -> str:
    return uuid.uuid4().hex


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    """The address of the browser that sent ``request``, for sign-in attempts and the access
    log. X-Forwarded-For is believed only when the request came from a proxy listed in
    HAVEN_TRUSTED_PROXIES, and then only as far as the trusted proxies wrote it: the
    right-most address in it that is not a trusted proxy. Anything to its left was written by
    the client and may be forged."""
    if request is None:
        return None
    remote = _ip(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    trusted = settings.HAVEN_TRUSTED_PROXIES

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in trusted)

    if not is_trusted(remote):
        return str(remote)
    # Each trusted proxy appended the address it was sent the request from. Walk back from
    # the right while the hops are trusted proxies; the first other address is the client.
    nearest = remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed([h for h in hops if h.strip()]):
        address = _ip(hop)
        if address is None:
            break  # not something a proxy writes: believe no further
        if not is_trusted(address):
            return str(address)
        nearest = address
    return str(nearest)


def _access_log_row(
    user: Any,
    action: AccessAction,
    request: HttpRequest | None,
    person_id: int | None,
    detail: str,
    break_glass_reason: str = "",
) -> AccessLog:
    authenticated = user is not None and user.is_authenticated
    return AccessLog(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "(anonymous)",
        role=getattr(user, "role", "") if authenticated else "",
        ip_address=client_ip(request),
        action=action,
        person_id=person_id,
        path=(request.get_full_path()[:500] if request is not None else ""),
        detail=detail[:500],
        break_glass_reason=break_glass_reason,
    )


def access_log_record(
    *,
    user: Any,
    action: AccessAction,
    request: HttpRequest | None = None,
    person_id: int | None = None,
    detail: str = "",
    break_glass_reason: str = "",
) -> AccessLog:
    row = _access_log_row(user, action, request, person_id, detail, break_glass_reason)
    row.save()
    return row


def access_log_record_many(
    *,
    user: Any,
    action: AccessAction,
    person_ids: Sequence[int | None],
    request: HttpRequest | None = None,
    detail: str = "",
) -> None:
    """One row per person, in one statement (a contact concerns several children)."""
    if not person_ids:
        return
    first = _access_log_row(user, action, request, person_ids[0], detail)
    shared = {f.attname: getattr(first, f.attname) for f in AccessLog._meta.concrete_fields}
    shared.pop("id", None)
    shared.pop("person_id", None)
    AccessLog.objects.bulk_create(
        [first, *(AccessLog(person_id=pid, **shared) for pid in person_ids[1:])]
    )


def access_log_listed(
    *, user: Any, person_ids: Iterable[int], request: HttpRequest | None = None, detail: str
) -> None:
    """Search results, lists and exports record each person they showed, so "who has seen this
    record" includes a name seen in a list (``detail`` says which list)."""
    ids = sorted({pid for pid in person_ids if pid is not None})
    if ids:
        access_log_record_many(
            user=user, action=AccessAction.LISTED, person_ids=ids, request=request, detail=detail
        )
