"""Fixtures for the tests generated from the URLconf."""

from tests.urls_under_test import records  # noqa: F401 (a fixture, used by name)
