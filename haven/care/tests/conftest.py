"""Fixtures of the care tests."""

# The statutory work's: a reviewing officer, and a looked-after child held by ``worker``.
from haven.care.tests.statutory_data import iro, period  # noqa: F401
