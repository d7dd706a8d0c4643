"""Two-factor enrolment: a password alone must never be enough to replace a second factor."""

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from haven.accounts import services
from haven.accounts.models import Alert
from haven.core.models import AuditChange

pytestmark = pytest.mark.django_db
SETUP = "/account/two-factor/setup/"
CODE = "/account/two-factor/"


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def password_only_session(user) -> Client:
    client = Client()
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def verified_session(user, device: TOTPDevice) -> Client:
    client = password_only_session(user)
    client.post(CODE, {"code": code_for(device)})
    assert client.get("/").status_code == 200
    return client


@pytest.fixture
def device(worker) -> TOTPDevice:
    return TOTPDevice.objects.create(user=worker, name="Real phone", confirmed=True)


def test_a_password_only_session_cannot_open_setup_when_a_device_exists(worker, device):
    client = password_only_session(worker)
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"] == f"{CODE}?next={SETUP}"
    assert not TOTPDevice.objects.filter(user=worker, confirmed=False).exists()


def test_a_password_only_session_cannot_confirm_a_new_device(worker, device):
    client = password_only_session(worker)
    # An attacker's device, already waiting in the session (e.g. from before the service
    # refused to start one): confirming it with a right code must still fail.
    attacker = TOTPDevice.objects.create(user=worker, name="Attacker", confirmed=False)
    session = client.session
    session["totp_enrolment_device"] = attacker.pk
    session.save()

    response = client.post(SETUP, {"code": code_for(attacker)})

    assert response.status_code == 302 and response["Location"].startswith(CODE)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert not TOTPDevice.objects.get(pk=attacker.pk).confirmed
    still_unverified = client.get("/people/search/")
    assert still_unverified.status_code == 302
    assert still_unverified["Location"].startswith(CODE)


def test_the_service_refuses_an_unverified_replacement_whoever_calls_it(worker, device):
    with pytest.raises(services.SecondFactorNeeded):
        services.totp_enrolment_start(user=worker, verified=False)
    pending = TOTPDevice.objects.create(user=worker, name="Other", confirmed=False)
    with pytest.raises(services.SecondFactorNeeded):
        services.totp_enrolment_confirm(device=pending, token=code_for(pending), verified=False)
    assert list(TOTPDevice.objects.filter(user=worker, confirmed=True)) == [device]


def test_a_verified_user_can_replace_their_device_with_an_audit_trail_and_an_alert(worker, device):
    client = verified_session(worker, device)
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "This replaces the authenticator app you use now" in page.content.decode()
    new = TOTPDevice.objects.get(user=worker, confirmed=False)

    response = client.post(SETUP, {"code": code_for(new)})

    assert response.status_code == 302 and response["Location"] == "/"
    assert list(TOTPDevice.objects.filter(user=worker, confirmed=True)) == [new]
    deleted = AuditChange.objects.get(
        table_name="otp_totp_totpdevice", operation="DELETE", row_id=str(device.pk)
    )
    assert deleted.actor_id == worker.pk
    alert = Alert.objects.get(recipient=worker)
    assert "authenticator app was replaced" in alert.message
    assert client.get("/").status_code == 200  # verified with the new device


def test_setting_up_a_first_device_alerts_the_user(worker):
    client = password_only_session(worker)
    assert client.get(SETUP).status_code == 200
    new = TOTPDevice.objects.get(user=worker, confirmed=False)
    client.post(SETUP, {"code": code_for(new)})
    assert TOTPDevice.objects.get(pk=new.pk).confirmed
    assert "authenticator app was set up" in Alert.objects.get(recipient=worker).message
