"""The client's address, for sign-in attempts and the access log: X-Forwarded-For only from
proxies in HAVEN_TRUSTED_PROXIES, so a client cannot choose the address recorded."""

from ipaddress import ip_network

import pytest
from django.test import Client, RequestFactory

from haven.accounts.models import SignInAttempt
from haven.core.env import envnetworks
from haven.core.models import AccessLog
from haven.core.services import client_ip

PROXY = "10.0.0.1"
CLIENT = "203.0.113.7"
SPOOFED = "198.51.100.66"


def request_from(remote: str, forwarded: str | None = None):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


@pytest.fixture
def behind_proxy(settings):
    settings.HAVEN_TRUSTED_PROXIES = (ip_network(PROXY), ip_network("fd00::/8"))


@pytest.fixture
def networks(monkeypatch):
    def parse(value: str):
        monkeypatch.setenv("HAVEN_TEST_NETWORKS", value)
        return envnetworks("HAVEN_TEST_NETWORKS")

    return parse


def test_with_no_trusted_proxy_the_header_is_ignored(settings):
    assert settings.HAVEN_TRUSTED_PROXIES == ()
    assert client_ip(request_from(CLIENT, SPOOFED)) == CLIENT


def test_from_a_trusted_proxy_the_address_it_saw_is_used(behind_proxy):
    assert client_ip(request_from(PROXY, CLIENT)) == CLIENT


def test_addresses_the_client_wrote_before_the_proxys_are_ignored(behind_proxy):
    assert client_ip(request_from(PROXY, f"{SPOOFED}, {CLIENT}")) == CLIENT


def test_a_chain_of_trusted_proxies_is_walked_back_to_the_client(settings, networks):
    settings.HAVEN_TRUSTED_PROXIES = networks("10.0.0.0/8, 192.0.2.10")
    forwarded = f"{SPOOFED}, {CLIENT}, 192.0.2.10, 10.1.2.3"
    assert client_ip(request_from(PROXY, forwarded)) == CLIENT


def test_a_client_not_behind_the_proxy_cannot_forward_for_itself(behind_proxy):
    assert client_ip(request_from(CLIENT, f"{PROXY}, {SPOOFED}")) == CLIENT


def test_rubbish_in_the_header_stops_the_walk_at_the_nearest_known_hop(behind_proxy):
    assert client_ip(request_from(PROXY, "not-an-address")) == PROXY
    assert client_ip(request_from("fd00::2", f"{SPOOFED}, <script>, fd00::1")) == "fd00::1"


def test_no_address_at_all_gives_none():
    assert client_ip(request_from("")) is None
    assert client_ip(None) is None


def test_the_setting_takes_addresses_and_ranges_and_refuses_anything_else(networks):
    assert networks("10.0.0.1, 10.2.0.0/16,fd00::/8") == (
        ip_network("10.0.0.1"),
        ip_network("10.2.0.0/16"),
        ip_network("fd00::/8"),
    )
    with pytest.raises(ValueError, match=r"HAVEN_TEST_NETWORKS: 'proxy\.local' is not an IP"):
        networks("proxy.local")


@pytest.mark.django_db
def test_a_spoofed_header_does_not_reach_the_sign_in_attempts_or_the_access_log(child, manager):
    spoofing = Client(REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR=SPOOFED)
    spoofing.post("/sign-in/", {"username": "someone", "password": "a guess at it"})
    assert SignInAttempt.objects.get(username="someone").ip_address == CLIENT

    spoofing.force_login(manager)
    assert spoofing.get(f"/people/{child.pk}/").status_code == 200
    logged = AccessLog.objects.filter(person_id=child.pk, username=manager.username)
    assert {row.ip_address for row in logged} == {CLIENT}
