"""Every installed app's pages: an app lists its URLconfs as ``urls = ((prefix, module), ...)``
on its AppConfig, so a new part of the service needs no edit here."""

from django.apps import apps
from django.urls import URLPattern, URLResolver, include, path

from haven.core.views import healthz


def _app_urls() -> list[URLPattern | URLResolver]:
    found: list[URLPattern | URLResolver] = []
    for config in apps.get_app_configs():
        for prefix, module in getattr(config, "urls", ()):
            found.append(path(prefix, include(module)))
    return found


# The 404 page says what was not found (the message given to Http404).
handler404 = "haven.ui.views.not_found"

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", healthz, name="healthz"),
    *_app_urls(),
]
