"""Subcommands of ``haven`` added by this package."""

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this package's subcommands (see haven.cli.COMMAND_MODULES)."""
