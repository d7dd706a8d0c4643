"""Headers on every response: the Content-Security-Policy, no caching of what a signed-in user
sees, HSTS behind HTTPS; and no inline script or style anywhere for the policy to block."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from haven.core.env import PROJECT_ROOT

pytestmark = pytest.mark.django_db

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
INLINE = [
    (r"<script(?![^>]*\bsrc=)[^>]*>", "an inline <script>"),
    (r"<style\b", "a <style> element"),
    (r"\sstyle\s*=", "a style attribute"),
    (r"\son[a-z]+\s*=", "an inline event handler"),
    (r"javascript:", "a javascript: URL"),
]


def inline_code_in(html: str) -> list[str]:
    return [what for pattern, what in INLINE if re.search(pattern, html, re.IGNORECASE)]


def record_pages(person_id: int) -> list[str]:
    return [
        "/",
        "/people/search/?q=a",
        f"/people/{person_id}/",
        f"/people/{person_id}/print/",
        f"/people/{person_id}/chronology/",
        f"/people/{person_id}/chronology/print/",
        f"/people/{person_id}/access-log/",
        "/alerts/",
    ]


def test_the_policy_is_the_strict_one():
    assert django_settings.HAVEN_CONTENT_SECURITY_POLICY == CSP


def test_every_record_page_has_the_policy_no_store_and_no_inline_code(child, manager):
    client = Client()
    client.force_login(manager)
    for path in record_pages(child.pk):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Security-Policy"] == CSP, path
        cache = response["Cache-Control"]
        assert "no-store" in cache and "private" in cache, (path, cache)
        assert inline_code_in(response.content.decode()) == [], path


def test_the_sign_in_page_has_the_policy_and_static_files_stay_cacheable(worker):
    assert Client().get("/sign-in/")["Content-Security-Policy"] == CSP
    client = Client()
    client.force_login(worker)
    static = client.get("/static/haven/haven.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


def test_the_two_factor_qr_code_is_an_svg_without_style(worker):
    client = Client()
    client.force_login(worker)
    page = client.get("/account/two-factor/setup/").content.decode()
    assert re.search(r"<svg[^>]*>.*<path[^>]*\bd=", page, re.S)
    assert inline_code_in(page) == []


@pytest.mark.parametrize(
    "template",
    sorted(Path(PROJECT_ROOT, "haven").glob("*/templates/**/*.html")),
    ids=lambda path: str(path.relative_to(PROJECT_ROOT)),
)
def test_no_template_has_inline_script_or_style(template):
    assert inline_code_in(template.read_text()) == []


def test_hsts_is_sent_when_secure_cookies_are_on(db, settings):
    assert "Strict-Transport-Security" not in Client().get("/sign-in/")
    settings.HAVEN_HSTS_SECONDS = 31536000
    assert Client().get("/sign-in/")["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize("secure", ["1", ""])
def test_secure_cookies_setting_makes_cookies_secure_and_turns_on_hsts(secure):
    code = (
        "from haven import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.HAVEN_HSTS_SECONDS > 0)"
    )
    env = {**os.environ, "HAVEN_SECURE_COOKIES": secure}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    expected = "True" if secure else "False"
    assert out.stdout.split() == [expected] * 3
