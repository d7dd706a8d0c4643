from __future__ import annotations

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import notifications, services
from haven.accounts.forms import CodeForm, NewPasswordForm, SignInForm
from haven.accounts.http import AuthenticatedRequest
from haven.core import drafts

SIGN_IN_FAILED = "Enter a correct username and password"


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    # A path on this site only: redirect() would take anything else for a view's name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return default


def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.sign_in_check(
            request=request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if result.locked:
            form.add_error(
                None,
                "This account is locked for 5 minutes after too many failed sign-in attempts. "
                "Try again later or ask your administrator.",
            )
        elif result.user is None:
            form.add_error(None, SIGN_IN_FAILED)
        else:
            login(request, result.user)
            response = redirect(_safe_next(request))
            drafts.remember_owner(response, result.user.pk)
            return response
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": _safe_next(request, "")},
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "You have signed out")
    return redirect("accounts:sign_in")


def two_factor(request: AuthenticatedRequest) -> HttpResponse:
    device = services.totp_device_for(request.user)
    if device is None:
        return redirect("accounts:two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("code", "That code is not right: enter the code now shown in the app")
    return render(
        request, "accounts/two_factor.html", {"form": form, "next": _safe_next(request, "")}
    )


def _verified(request: AuthenticatedRequest) -> bool:
    return bool(request.user.is_verified())  # type: ignore[attr-defined]


def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    verified = _verified(request)
    replacing = services.totp_device_for(request.user) is not None
    device_id = request.session.get("totp_enrolment_device")
    device = TOTPDevice.objects.filter(pk=device_id, user=request.user, confirmed=False).first()
    form = CodeForm(request.POST or None)
    try:
        if device is None:
            device = services.totp_enrolment_start(user=request.user, verified=verified)
            request.session["totp_enrolment_device"] = device.pk
        if request.method == "POST" and form.is_valid():
            if services.totp_enrolment_confirm(
                device=device, token=form.cleaned_data["code"], verified=verified
            ):
                del request.session["totp_enrolment_device"]
                otp_login(request, device)
                messages.success(request, "Your authenticator app is set up")
                return redirect("work:home")
            form.add_error("code", "That code is not right: enter the code now shown in the app")
    except services.SecondFactorNeeded:
        messages.info(
            request,
            "Enter a code from the authenticator app you use now before setting up a new one. "
            "If you no longer have it, ask your administrator to reset your second factor.",
        )
        setup = reverse("accounts:two_factor_setup")
        return redirect(f"{reverse('accounts:two_factor')}?next={setup}")
    secret = b32encode(device.bin_key).decode()
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR code")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "replacing": replacing,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr_svg": qr_svg,
        },
    )


def password_change(request: AuthenticatedRequest) -> HttpResponse:
    """The new password a user must choose after an administrator set or reset theirs."""
    if not request.user.must_change_password:
        return redirect(_safe_next(request))
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change_own(
                user=request.user,
                password=form.cleaned_data["password"],
                session_key=request.session.session_key,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "Your new password is set")
            return redirect(_safe_next(request))
    return render(
        request, "accounts/password_change.html", {"form": form, "next": _safe_next(request, "")}
    )


def alerts(request: AuthenticatedRequest) -> HttpResponse:
    """The user's alerts, newest first: each opens its item (and is then read), or is marked
    read here; all can be marked read at once."""
    page = Paginator(request.user.alerts.all(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/alerts.html",
        {"page_obj": page, "alerts": page.object_list},
    )


def alert_open(request: AuthenticatedRequest, alert_id: int) -> HttpResponse:
    """Follow an alert to its item; it is read from then on."""
    alert = notifications.alert_mark_read(user=request.user, alert_id=alert_id)
    target = alert.link
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return redirect(target)
    return redirect("accounts:alerts")


@require_POST
def alert_read(request: AuthenticatedRequest, alert_id: int) -> HttpResponse:
    if request.POST.get("unread"):
        notifications.alert_mark_unread(user=request.user, alert_id=alert_id)
        messages.success(request, "Alert marked as unread")
    else:
        notifications.alert_mark_read(user=request.user, alert_id=alert_id)
        messages.success(request, "Alert marked as read")
    return redirect("accounts:alerts")


@require_POST
def alerts_read_all(request: AuthenticatedRequest) -> HttpResponse:
    count = notifications.alerts_mark_all_read(user=request.user)
    messages.success(
        request,
        f"{count} alert{'' if count == 1 else 's'} marked as read" if count else "No unread alerts",
    )
    return redirect("accounts:alerts")
