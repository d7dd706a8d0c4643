"""Haven's settings with the example part of the service installed (tests/test_example_app.py)."""

from haven.settings import *  # noqa: F403
from haven.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.example_app"]
