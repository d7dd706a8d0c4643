"""Errors services raise that views turn into messages, never into a 500."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ConflictError(ValidationError):
    """The record is no longer in the state the change starts from: someone else authorised,
    held or ended it first (two tabs, two managers, a double click). A ValidationError, so a
    view that shows a service's errors on its form shows this one too; views may answer 409."""


class CommandError(Exception):
    """A ``haven`` subcommand's clear message for bad input (printed without a traceback)."""
