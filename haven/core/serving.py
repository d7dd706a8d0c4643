"""Making a web process ready to serve requests."""

from __future__ import annotations

import gc


def ready_to_serve() -> None:
    """Load what a first request would (every URL's view), then move everything made so far
    out of the garbage collector's sight (``gc.freeze``).

    A Haven process holds hundreds of thousands of long-lived objects (Django, the apps, their
    registries) that will never be garbage. Left to the collector, every full collection walks
    them all: on the hampshire county that added about 100 ms to one request in fifteen (a
    manager's page or the MASH inbox at 50 ms, with every fifteenth at 160). Frozen, they are
    never walked again; what requests make is collected as before."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports every view)
    gc.collect()
    gc.freeze()
