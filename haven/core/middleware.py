from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from haven.core.services import audit_context_set, new_request_id

HEALTHZ_PATH = "/healthz"


class HealthzMiddleware:
    """``/healthz`` is answered here, first, before the session, authentication, audit and
    sign-in middlewares: each of those may query the database, and a health check must say
    "database down" (503 JSON), not fail with the error page it is meant to warn about."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTHZ_PATH:
            from haven.core.views import healthz

            return healthz(request)
        return self.get_response(request)


class AuditContextMiddleware:
    """Every change a request makes is attributed to its user by the audit trigger."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id()
        request.audit_request_id = request_id  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated:
            audit_context_set(actor_id=user.pk, label=user.get_username(), request_id=request_id)
        else:
            audit_context_set(actor_id=None, label="(anonymous)", request_id=request_id)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers for every response: the Content-Security-Policy, HSTS behind HTTPS, and no
    caching of anything served to a signed-in user (any page may show a child's record, and
    a shared council PC's browser cache must not keep it). Sits before WhiteNoise, so static
    files get the policy but stay cacheable: they never reach the authentication middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy", settings.HAVEN_CONTENT_SECURITY_POLICY
        )
        if settings.HAVEN_HSTS_SECONDS:
            response.headers.setdefault(
                "Strict-Transport-Security", f"max-age={settings.HAVEN_HSTS_SECONDS}"
            )
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
