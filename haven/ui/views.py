"""Views that belong to no part of the service. ``healthz`` lives in haven.core (its middleware
answers it before anything else), so core never imports ui."""

from haven.core.views import healthz

__all__ = ["healthz"]
