"""Identity under attack (issue 13, points 1, 2 and 10): what a hostile tester broke.

- Password guessing: a successful login of the attacker's own account must not wipe the
  failures counted against another account or against the source address.
- 三员分立: the system administrator cannot make an administrator (role or password) in
  the configuration site or on 用户管理, and a new administrator enrols the second factor
  only with a one-time enrolment code issued out of band.
- A lockout is audited as what was locked: the address, or the account.
"""

import datetime as dt
import io

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from baton.accounts import services
from baton.accounts.models import EnrolmentCode, User
from baton.audit.models import AuditRecord
from baton.audit.tests.helpers import table_text
from baton.projects.tests.helpers_views import login as verified_login

Event = AuditRecord.Event
PASSWORD = "Relay-2019-baton"
WRONG = "Wrong-password-1"
LOGIN = "/accounts/login/"
ATTACKER_IP = "10.66.6.6"


def _password(user: User, password: str = PASSWORD) -> User:
    user.set_password(password)
    user.save()
    return user


def _login(client, username, password=PASSWORD, ip=ATTACKER_IP):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


# --- 1. password guessing without lockout --------------------------------------------------


def test_ones_own_login_does_not_wipe_the_failures_against_another_account(w):
    """4 wrong passwords for the victim, 1 right login as oneself, repeated: locked at
    the fifth failure, not 12 failures later."""
    _password(w.promoter)
    _password(w.office)
    statuses = []
    for _round in range(3):
        attacker = Client()
        for _ in range(4):
            statuses.append(_login(attacker, "xa_office", WRONG).status_code)
        _login(attacker, "mx_promoter")
    assert statuses[:4] == [200] * 4
    assert statuses[4] == 429, statuses  # the fifth failure locks the account and address
    assert 429 in statuses[4:]
    # The victim's account is locked from anywhere, the attacker's address for anyone.
    assert _login(Client(), "xa_office", ip="10.7.7.7").status_code == 429
    assert _login(Client(), "mx_promoter").status_code == 429


def test_ones_own_login_does_not_wipe_the_addresss_failures(w):
    """Many usernames from one address still lock the address across an own login."""
    _password(w.promoter)
    attacker = Client()
    for i in range(4):
        assert _login(attacker, f"guess{i}", WRONG).status_code == 200
    assert _login(attacker, "mx_promoter").status_code == 302
    assert _login(Client(), "guess9", WRONG).status_code == 429
    assert _login(Client(), "xa_leader", ip="10.7.7.7", password=WRONG).status_code == 200


def test_a_success_still_clears_its_own_accounts_failures(w):
    _password(w.promoter)
    client = Client()
    for _ in range(4):
        _login(client, "mx_promoter", WRONG)
    assert _login(client, "mx_promoter").status_code == 302
    assert not AccessAttempt.objects.filter(username="mx_promoter").exists()
    client.post("/accounts/logout/")
    for _ in range(4):
        assert _login(client, "mx_promoter", WRONG).status_code == 200
    assert _login(client, "mx_promoter").status_code == 302


# --- 10. a lockout is audited as what was locked -------------------------------------------


def test_an_address_lockout_is_audited_under_the_address(w):
    for i in range(5):
        _login(Client(), f"nobody{i}", WRONG)
    record = AuditRecord.objects.get(event=Event.LOCKOUT)
    assert record.username == "" and record.user_id is None
    assert record.ip == ATTACKER_IP and record.object_label == ATTACKER_IP
    assert f"来源地址 {ATTACKER_IP}" in record.detail and "账号" not in record.detail
    assert "nobody4" not in record.detail


def test_an_account_lockout_is_audited_under_the_account(w):
    for i in range(5):
        _login(Client(), "mx_promoter", WRONG, ip=f"10.8.8.{i}")
    record = AuditRecord.objects.get(event=Event.LOCKOUT)
    assert record.username == "mx_promoter" and record.object_label == "mx_promoter"
    assert "账号 mx_promoter" in record.detail and "来源地址" not in record.detail


def test_a_lockout_of_both_names_both(w):
    for _ in range(5):
        _login(Client(), "mx_promoter", WRONG)
    record = AuditRecord.objects.get(event=Event.LOCKOUT)
    assert record.username == "mx_promoter"
    assert "账号 mx_promoter" in record.detail and f"来源地址 {ATTACKER_IP}" in record.detail


# --- 2. 三员分立 through the configuration site --------------------------------------------


@pytest.fixture
def sysadmin_client(w) -> Client:
    """The system administrator in the configuration site, as `baton demo` sets it up."""
    w.sys_admin.is_staff = True
    w.sys_admin.save(update_fields=["is_staff"])
    w.sys_admin.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["accounts", "otp_totp"],
            codename__regex=r"^(add|change|view|delete)_",
        )
    )
    return verified_login(Client(), User.objects.get(pk=w.sys_admin.pk))


def _change_data(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "city": user.city_id or "",
        "district": user.district_id or "",
        "unit": user.unit_id or "",
        "person": user.person_id or "",
        "is_active": "on" if user.is_active else "",
    }
    return {**data, **changes}


def _change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def test_the_attack_chain_fails(w, sysadmin_client):
    """Set a business account's role to 审计管理员, set its password, log in as it."""
    victim = w.other_promoter
    response = sysadmin_client.post(
        _change_url(victim),
        _change_data(victim, role=User.Role.AUDIT_ADMIN, unit="", district="", city=""),
    )
    assert response.status_code == 200  # the form again, with the reason
    assert services.ADMIN_ROLE_BY_COMMAND in response.text
    victim.refresh_from_db()
    assert victim.role == User.Role.UNIT_STAFF
    # Even had the role been given some other way, the QR code needs an enrolment code.
    _password(victim)
    User.objects.filter(pk=victim.pk).update(role=User.Role.AUDIT_ADMIN)
    client = Client()
    assert _login(client, victim.username).url == reverse("accounts:otp")
    page = client.get(reverse("accounts:otp"))
    assert "绑定码" in page.text and "data:image/svg+xml" not in page.text
    assert not TOTPDevice.objects.filter(user=victim).exists()


def test_the_configuration_site_offers_business_roles_only(w, sysadmin_client):
    page = sysadmin_client.get(_change_url(w.promoter))
    assert page.status_code == 200
    choices = [value for value, _ in page.context["adminform"].form.fields["role"].choices]
    assert set(choices) - {""} == {r.value for r in services.BUSINESS_ROLES}
    for role in User.ADMIN_ROLES:
        response = sysadmin_client.post(
            _change_url(w.promoter), _change_data(w.promoter, role=role, unit="")
        )
        assert response.status_code == 200, role
        w.promoter.refresh_from_db()
        assert w.promoter.role == User.Role.UNIT_STAFF


def test_an_administrators_account_is_not_the_system_administrators_to_change(w, sysadmin_client):
    auditor = _password(w.audit_admin)
    url = reverse("admin:auth_user_password_change", args=[auditor.pk]).replace(
        "/auth/user/", "/accounts/user/"
    )
    response = sysadmin_client.post(
        url, {"password1": "Taken-over-2026", "password2": "Taken-over-2026"}
    )
    assert response.status_code == 403
    response = sysadmin_client.post(
        _change_url(auditor), _change_data(auditor, role=User.Role.UNIT_STAFF, unit=w.town.pk)
    )
    assert response.status_code == 403
    assert sysadmin_client.post(
        reverse("admin:accounts_user_delete", args=[auditor.pk]), {"post": "yes"}
    ).status_code in (403, 302)
    auditor.refresh_from_db()
    assert auditor.check_password(PASSWORD) and auditor.role == User.Role.AUDIT_ADMIN
    # Nor is a second factor made, seen or removed in the configuration site.
    assert sysadmin_client.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_the_configuration_site_adds_no_account(w, sysadmin_client):
    response = sysadmin_client.post(
        reverse("admin:accounts_user_add"),
        {"username": "mole", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="mole").exists()


def test_an_administrator_role_is_granted_by_the_command_only(w):
    with pytest.raises(ValidationError) as exc:
        services.user_create(
            username="mole", role=User.Role.AUDIT_ADMIN, password=PASSWORD, actor=w.sys_admin
        )
    assert "baton create-user" in str(exc.value)
    with pytest.raises(ValidationError):
        services.user_role_change(user=w.promoter, actor=w.sec_admin, role=User.Role.SEC_ADMIN)
    response = verified_login(Client(), w.sys_admin).post(
        reverse("accounts:user_new"), {"username": "mole", "name": "鼹鼠", "role": "audit_admin"}
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="mole").exists()
    w.promoter.refresh_from_db()
    assert w.promoter.role == User.Role.UNIT_STAFF


# --- 2. the first-login enrolment code ------------------------------------------------------


def _create_admin(username: str, role: str = "audit_admin") -> tuple[User, str]:
    out = io.StringIO()
    stdin = io.StringIO(PASSWORD + "\n")
    import sys

    saved, sys.stdin = sys.stdin, stdin
    try:
        call_command("create_user", username, "--role", role, "--password-stdin", stdout=out)
    finally:
        sys.stdin = saved
    text = out.getvalue()
    code = next(line.split("：")[-1].strip() for line in text.splitlines() if "绑定码" in line)
    return User.objects.get(username=username), code


def _token(device: TOTPDevice) -> str:
    return (
        f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
    )


def test_a_new_administrator_enrols_with_the_printed_code(w):
    auditor, code = _create_admin("auditor2")
    assert len(code.replace("-", "")) >= 16
    stored = EnrolmentCode.objects.get(user=auditor)
    assert code not in stored.code_hash and code.replace("-", "") not in stored.code_hash
    client = Client()
    _login(client, "auditor2")
    otp = reverse("accounts:otp")
    page = client.get(otp)
    assert "请输入绑定码" in page.text and "data:image/svg+xml" not in page.text
    wrong = client.post(otp, {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert "绑定码不正确、已使用或已过期" in wrong.text and "data:image/svg+xml" not in wrong.text
    assert not TOTPDevice.objects.filter(user=auditor).exists()
    failed = AuditRecord.objects.filter(event=Event.OTP_FAILED).last()
    assert failed.username == "auditor2" and "绑定码" in failed.detail
    shown = client.post(otp, {"code": code.lower()}, follow=True)
    assert "扫描二维码" in shown.text and "data:image/svg+xml" in shown.text
    device = TOTPDevice.objects.get(user=auditor, confirmed=False)
    assert client.get(otp).context["secret"]  # the same page again in this session
    response = client.post(otp, {"token": _token(device)})
    assert response.status_code == 302 and response.url == reverse("reports:home")
    device.refresh_from_db()
    assert device.confirmed
    assert code not in table_text()


def test_an_enrolment_code_is_single_use_and_expires(w):
    auditor, code = _create_admin("auditor3")
    first = Client()
    _login(first, "auditor3")
    first.post(reverse("accounts:otp"), {"code": code})
    second = Client()
    _login(second, "auditor3", ip="10.7.7.7")
    page = second.post(reverse("accounts:otp"), {"code": code})
    assert "绑定码不正确、已使用或已过期" in page.text and "data:image/svg+xml" not in page.text
    # A new code; expired, it is refused.
    code = services.enrolment_code_issue(user=auditor, actor=None)
    EnrolmentCode.objects.filter(user=auditor, used_at__isnull=True).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    page = second.post(reverse("accounts:otp"), {"code": code})
    assert "绑定码不正确、已使用或已过期" in page.text


def test_a_new_code_replaces_the_one_before(w):
    first = services.enrolment_code_issue(user=w.audit_admin, actor=None)
    second = services.enrolment_code_issue(user=w.audit_admin, actor=None)
    assert not services.enrolment_code_redeem(user=w.audit_admin, code=first)
    assert services.enrolment_code_redeem(user=w.audit_admin, code=second)
    assert not services.enrolment_code_redeem(user=w.audit_admin, code=second)


def test_business_roles_get_no_enrolment_code(w):
    with pytest.raises(ValidationError):
        services.enrolment_code_issue(user=w.promoter, actor=None)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("enrolment_code", "mx_promoter", stdout=out)


def test_the_command_reissues_a_code(w):
    out = io.StringIO()
    call_command("enrolment_code", "auditadmin", stdout=out)
    code = out.getvalue().split("：")[-1].strip().split()[0]
    assert services.enrolment_code_redeem(user=w.audit_admin, code=code)
    TOTPDevice.objects.create(user=w.audit_admin, name="手机", confirmed=True)
    with pytest.raises(CommandError) as exc:
        call_command("enrolment_code", "auditadmin", stdout=io.StringIO())
    assert "--reset" in str(exc.value)
    out = io.StringIO()
    call_command("enrolment_code", "auditadmin", "--reset", stdout=out)
    assert not TOTPDevice.objects.filter(user=w.audit_admin).exists()
    assert "绑定码" in out.getvalue()


def test_the_security_administrator_resets_a_second_factor_with_a_new_code(w):
    TOTPDevice.objects.create(user=w.audit_admin, name="手机", confirmed=True)
    client = verified_login(Client(), w.sec_admin)
    response = client.post(
        reverse("accounts:user_otp", args=[w.audit_admin.pk]), {"confirm": "yes"}
    )
    assert response.status_code == 200
    code = response.context["code"]
    assert code in response.text and response["Cache-Control"].startswith("max-age=0")
    assert not TOTPDevice.objects.filter(user=w.audit_admin, confirmed=True).exists()
    assert services.enrolment_code_redeem(user=w.audit_admin, code=code)
    assert code not in table_text()


def test_the_demo_gives_its_administrators_enrolment_codes(w):
    from baton.demo.people import demo_enrolment_codes

    TOTPDevice.objects.create(user=w.sys_admin, name="手机", confirmed=True)
    codes = dict(demo_enrolment_codes())
    assert set(codes) == {"secadmin", "auditadmin"}
    assert services.enrolment_code_redeem(user=w.sec_admin, code=codes["secadmin"])
