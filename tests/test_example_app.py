"""A new part of the service plugs in with no edit outside its folder and INSTALLED_APPS: the
example app (tests/example_app) registers a tab, a header link, a work provider, a figures page,
URLs and a CLI subcommand from ``ready()``, and each is found where the service looks for it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHECK = """
import django
django.setup()
from django.urls import reverse
from haven.cli import build_parser, command_modules
from haven.performance.measures import pages
from haven.performance.views import page_href
from haven.ui.navigation import registered_links
from haven.ui.pages import registered_tabs
from haven.work.items import _providers
from tests.example_app.work import example_items

assert "example:tab" in [t.url_name for t in registered_tabs()], "tab"
assert "example:home" in [link.url_name for link in registered_links()], "header link"
assert example_items in _providers, "work provider"
assert reverse("example:tab", args=[7]) == "/example/7/", "URLs"
assert page_href(pages()["example"]) == "/performance/figures/example/", "figures page"
assert "tests.example_app.commands" in command_modules(), "CLI"
args = build_parser().parse_args(["example-hello"])
args.handler(args)
"""


def test_a_new_package_plugs_in_without_editing_anyone_elses_code() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.example_settings", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "hello from the example app" in result.stdout
