from django.http import HttpRequest

from haven.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request past SignInRequiredMiddleware: every view but sign-in gets one of these."""

    user: User  # type: ignore[assignment]
