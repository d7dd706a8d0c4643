"""Keep what someone typed when their session ran out, and give it back after they sign in.

A form posted after the session expired is kept in the new (anonymous) session, marked with
the account that was last signed in on this browser (a signed, same-site cookie). After
signing in again as that account, the form page shows the kept input, not a blank form.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone

SESSION_KEY = "haven_drafts"
OWNER_COOKIE = "haven_last_user"
OWNER_SALT = "haven.drafts"
_NOT_KEPT = {"csrfmiddlewaretoken", "password"}


def remember_owner(response: HttpResponse, user_id: int) -> None:
    response.set_signed_cookie(
        OWNER_COOKIE,
        str(user_id),
        salt=OWNER_SALT,
        httponly=True,
        samesite="Strict",
        max_age=60 * 60 * 24 * 30,
    )


def keep(request: HttpRequest) -> None:
    owner = request.get_signed_cookie(OWNER_COOKIE, default=None, salt=OWNER_SALT)
    if owner is None:
        return
    data = {key: values for key, values in request.POST.lists() if key not in _NOT_KEPT}
    drafts = request.session.get(SESSION_KEY, {})
    drafts[request.path] = {"owner": owner, "data": data, "kept_at": timezone.now().isoformat()}
    request.session[SESSION_KEY] = drafts


def restore(request: HttpRequest) -> QueryDict | None:
    """The draft kept for this page and this user, once; None if there is none."""
    drafts = request.session.get(SESSION_KEY)
    if not drafts or request.path not in drafts:
        return None
    draft = drafts.pop(request.path)
    request.session[SESSION_KEY] = drafts
    if draft["owner"] != str(request.user.pk):
        return None
    data = QueryDict(mutable=True)
    for key, values in draft["data"].items():
        data.setlist(key, values)
    return data
