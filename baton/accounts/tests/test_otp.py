"""The administrators' second factor: a mistyped code costs no wait, wrong codes in a row
lock it, and no code passes twice."""

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from baton.accounts.tests.test_login import PASSWORD, login
from baton.audit.models import AuditRecord

OTP = reverse("accounts:otp")
HOME = reverse("reports:home")


@pytest.fixture
def device(w):
    w.audit_admin.set_password(PASSWORD)
    w.audit_admin.save()
    return TOTPDevice.objects.create(user=w.audit_admin, confirmed=True, name="手机令牌")


def code(device, steps_back: int = 0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() - steps_back * device.step
    return f"{totp.token():06d}"


def wrong(device) -> str:
    right = {code(device, n) for n in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def signed_in(client) -> bool:
    return client.get(HOME).status_code == 200


def test_the_current_code_passes_right_after_a_wrong_one(client, w, device):
    login(client, "auditadmin")
    refused = client.post(OTP, {"token": wrong(device)})
    assert "动态口令不正确" in refused.text
    response = client.post(OTP, {"token": code(device)})
    assert response.status_code == 302 and response.url == HOME
    assert signed_in(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_code_one_step_old_passes_and_two_steps_old_does_not(client, w, device):
    login(client, "auditadmin")
    assert "动态口令不正确" in client.post(OTP, {"token": code(device, 2)}).text
    assert client.post(OTP, {"token": code(device, 1)}).status_code == 302


def test_a_code_passes_once(client, w, device):
    login(client, "auditadmin")
    used = code(device)
    assert client.post(OTP, {"token": used}).status_code == 302
    client.post(reverse("accounts:logout"))
    login(client, "auditadmin")
    assert "动态口令不正确" in client.post(OTP, {"token": used}).text
    assert not signed_in(client)


def test_wrong_codes_in_a_row_lock_the_second_factor(client, w, device, settings):
    login(client, "auditadmin")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(OTP, {"token": wrong(device)})
    # Locked: even the right code is refused, and signing in again does not unlock.
    client.post(reverse("accounts:logout"))
    login(client, "auditadmin")
    locked = client.post(OTP, {"token": code(device)})
    assert f"动态口令连续输入错误 {settings.AXES_FAILURE_LIMIT} 次，已锁定至" in locked.text
    assert not signed_in(client)
    failures = AuditRecord.objects.filter(username="auditadmin", outcome="failure")
    assert failures.count() == settings.AXES_FAILURE_LIMIT + 1
    # After the cool-off the count starts again and the right code passes.
    device.refresh_from_db()
    device.throttling_failure_timestamp -= settings.AXES_COOLOFF_TIME
    device.save()
    assert client.post(OTP, {"token": code(device)}).status_code == 302
    assert signed_in(client)


def test_one_wrong_code_short_of_the_limit_still_lets_the_right_one_in(client, w, device, settings):
    login(client, "auditadmin")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(OTP, {"token": wrong(device)})
    assert client.post(OTP, {"token": code(device)}).status_code == 302
