from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from haven.accounts.models import User
from haven.accounts.services import second_factor_required, totp_device_for
from haven.core import drafts

PUBLIC_PREFIXES = ("/sign-in/", "/healthz", "/static/")
SECOND_FACTOR_PATHS = ("/sign-in/", "/sign-out/", "/account/two-factor/")
# A user given a password by an administrator chooses their own before anything else.
NEW_PASSWORD_PATHS = ("/sign-in/", "/sign-out/", "/account/password/")


class SignInRequiredMiddleware:
    """Every page but sign-in needs a signed-in user (and their second factor, where one is
    required). A form posted after the session ran out is kept for after signing in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        user = request.user
        if not isinstance(user, User):
            if request.method == "POST":
                drafts.keep(request)
            return redirect_to_login(request.get_full_path(), reverse("accounts:sign_in"))
        needs_code = not user.is_verified() and not path.startswith(SECOND_FACTOR_PATHS)  # type: ignore[attr-defined]
        if needs_code and second_factor_required(user):
            if totp_device_for(user) is None:
                return redirect("accounts:two_factor_setup")
            return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
        if user.must_change_password and not path.startswith(NEW_PASSWORD_PATHS):
            return redirect(f"{reverse('accounts:password_change')}?next={request.get_full_path()}")
        return self.get_response(request)
