import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from baton.accounts.models import LoginSession
from baton.accounts.services import enrolment_code_issue, user_set_active

PASSWORD = "Relay-2019-baton"
LOGIN = "/accounts/login/"


@pytest.fixture
def promoter(w):
    w.promoter.set_password(PASSWORD)
    w.promoter.save()
    return w.promoter


def login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_it_shows_the_chinese_login_page(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "用户名" in response.text and "密码" in response.text


def test_it_rejects_the_wrong_method_on_logout(client, promoter):
    client.force_login(promoter)
    assert client.get("/accounts/logout/").status_code == 405


def test_it_logs_in_and_rotates_the_session_key(client, promoter):
    client.get(LOGIN)
    client.cookies["sessionid"] = "attacker-fixed-session-key"
    response = login(client, "mx_promoter")
    assert response.status_code == 302 and response.url == reverse("reports:home")
    key = client.cookies["sessionid"].value
    assert key != "attacker-fixed-session-key"
    assert LoginSession.objects.get(user=promoter).session_key == key


def test_it_says_what_is_wrong_in_chinese(client, promoter):
    response = login(client, "mx_promoter", "Wrong-password-1")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.text


def test_it_locks_the_account_after_five_failures(client, promoter):
    for _ in range(5):
        login(client, "mx_promoter", "Wrong-password-1")
    response = login(client, "mx_promoter", PASSWORD, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429
    assert "锁定" in response.text
    assert "_auth_user_id" not in client.session


def test_the_pages_state_the_configured_limits(client, promoter, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=40)
    settings.SESSION_COOKIE_AGE = 20 * 60
    assert "登录后 20 分钟无操作将自动退出" in client.get(LOGIN).text
    response = login(client, "mx_promoter", "Wrong-password-1")
    assert "连续输错 3 次，账号或来源地址将被锁定 40 分钟" in response.text
    login(client, "mx_promoter", "Wrong-password-1")
    login(client, "mx_promoter", "Wrong-password-1")
    response = login(client, "mx_promoter", PASSWORD)
    assert response.status_code == 429 and "已被锁定 40 分钟" in response.text


def test_it_locks_the_source_address_after_five_failures(client, promoter, w):
    for i in range(5):
        login(client, f"nobody{i}", "Wrong-password-1", REMOTE_ADDR="10.1.1.1")
    response = login(client, "mx_promoter", PASSWORD, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    # The same account from another address is not locked by that address.
    assert login(client, "mx_promoter", PASSWORD, REMOTE_ADDR="10.2.2.2").status_code == 302


def test_it_unlocks_after_the_cool_off(client, promoter, settings):
    for _ in range(5):
        login(client, "mx_promoter", "Wrong-password-1")
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert login(client, "mx_promoter").status_code == 302


def test_logout_deletes_the_session(client, promoter):
    login(client, "mx_promoter")
    key = client.cookies["sessionid"].value
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()


def test_disabling_a_user_ends_its_live_sessions(client, promoter):
    login(client, "mx_promoter")
    key = client.cookies["sessionid"].value
    assert client.get("/").status_code == 200
    user_set_active(user=promoter, active=False)
    assert not Session.objects.filter(session_key=key).exists()
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def _session(client) -> Session:
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def _age_session(client, seconds: int) -> None:
    """Make the session look as if its last request was ``seconds`` ago."""
    session = client.session
    session["_touched"] -= seconds
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=_session(client).expire_date - dt.timedelta(seconds=seconds)
    )


def test_sessions_end_after_thirty_idle_minutes(client, settings, promoter):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    login(client, "mx_promoter")
    assert client.get("/").status_code == 200
    _age_session(client, 30 * 60 + 1)
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_a_request_moves_the_end_of_the_session(client, settings, promoter):
    login(client, "mx_promoter")
    client.get("/")
    _age_session(client, 29 * 60)
    assert client.get("/").status_code == 200
    remaining = _session(client).expire_date - timezone.now()
    assert dt.timedelta(minutes=29, seconds=50) < remaining <= dt.timedelta(minutes=30)


def test_requests_within_a_minute_do_not_write_the_session(client, settings, promoter):
    login(client, "mx_promoter")
    client.get("/")
    _age_session(client, settings.BATON_SESSION_TOUCH_SECONDS - 5)
    before = _session(client).expire_date
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert _session(client).expire_date == before


def test_it_forces_a_password_change_after_ninety_days(client, promoter):
    promoter.password_changed_at = timezone.now() - dt.timedelta(days=91)
    promoter.save()
    client.force_login(promoter)
    response = client.get("/")
    assert response.status_code == 302 and response.url == reverse("accounts:password_change")
    page = client.get(response.url)
    assert "密码已超过有效期" in page.text
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Next-Relay-2020",
            "new_password2": "Next-Relay-2020",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "weak",
    [
        "short1A",
        "alllowercase",
        "ALLUPPERCASE",
        "1234567890",
        "abcdefgh12",
        "Password1",
        "mx_promoter1A",
    ],
)
def test_it_refuses_weak_new_passwords(client, promoter, weak):
    client.force_login(promoter)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
    )
    assert response.status_code == 200
    promoter.refresh_from_db()
    assert promoter.check_password(PASSWORD)


class TestAdministratorsSecondFactor:
    def test_it_sends_an_administrator_to_enrol_a_token(self, client, w):
        w.sys_admin.set_password(PASSWORD)
        w.sys_admin.save()
        response = login(client, "sysadmin")
        assert response.url == reverse("accounts:otp")
        assert client.get("/").url == reverse("accounts:otp")
        page = client.get(reverse("accounts:otp"))
        assert "请输入绑定码" in page.text and "data:image/svg+xml" not in page.text
        code = enrolment_code_issue(user=w.sys_admin, actor=None)
        page = client.post(reverse("accounts:otp"), {"code": code}, follow=True)
        assert "扫描二维码" in page.text and "data:image/svg+xml" in page.text

    def test_it_lets_the_administrator_in_with_a_valid_token(self, client, w):
        w.audit_admin.set_password(PASSWORD)
        w.audit_admin.save()
        login(client, "auditadmin")
        code = enrolment_code_issue(user=w.audit_admin, actor=None)
        client.post(reverse("accounts:otp"), {"code": code})
        device = TOTPDevice.objects.get(user=w.audit_admin)
        wrong = client.post(reverse("accounts:otp"), {"token": "000000"})
        assert "动态口令不正确" in wrong.text
        token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
        response = client.post(reverse("accounts:otp"), {"token": f"{token:06d}"})
        assert response.status_code == 302 and response.url == reverse("reports:home")
        device.refresh_from_db()
        assert device.confirmed
        assert client.get("/").status_code == 200

    def test_business_users_need_no_second_factor(self, client, promoter):
        login(client, "mx_promoter")
        assert client.get("/").status_code == 200


def test_disabling_in_the_admin_ends_the_users_sessions(client, promoter, w):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from baton.accounts.admin import UserAdmin

    login(client, "mx_promoter")
    key = client.cookies["sessionid"].value
    admin = UserAdmin(type(promoter), site)
    request = RequestFactory().post("/admin/")
    from django.contrib.auth.models import Permission

    w.sys_admin.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_user", "view_user"])
    )
    request.user = type(promoter).objects.get(pk=w.sys_admin.pk)
    form = admin.get_form(request, promoter, change=True)(
        instance=promoter,
        data={
            "username": promoter.username,
            "role": promoter.role,
            "unit": w.town.pk,
            "district": w.district.pk,
            "city": w.city.pk,
            "is_active": "",
        },
    )
    assert form.is_valid(), form.errors
    admin.save_model(request, form.save(commit=False), form, change=True)
    assert not Session.objects.filter(session_key=key).exists()


def test_the_admin_user_form_cannot_make_a_superuser(w):
    from django.contrib.admin.sites import site

    from baton.accounts.admin import UserAdmin

    fields = {f for _, opts in UserAdmin(type(w.promoter), site).fieldsets for f in opts["fields"]}
    assert "is_superuser" not in fields and "user_permissions" not in fields


def test_the_admin_user_form_cannot_let_a_business_account_into_the_configuration_site(w):
    from django.contrib.admin.sites import site

    from baton.accounts.admin import UserAdmin

    fields = {f for _, opts in UserAdmin(type(w.promoter), site).fieldsets for f in opts["fields"]}
    assert "is_staff" not in fields


def test_only_the_system_administrator_enters_the_configuration_site(client, w):
    """三员分立: an office account with ``is_staff`` set (by any means) still stays out."""
    from django.contrib.auth.models import Permission

    office = w.office
    office.is_staff = True
    office.save()
    office.user_permissions.add(*Permission.objects.filter(codename__startswith="view_"))
    client.force_login(office)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    assert client.get(reverse("admin:org_person_changelist")).status_code == 302


def test_the_signed_in_user_comes_with_the_area_the_header_names(w, django_assert_num_queries):
    from baton.accounts.backends import UserBackend

    with django_assert_num_queries(1):
        user = UserBackend().get_user(w.promoter.pk)
        assert (user.unit.name, user.district.name, user.city.name) == (
            "马巷街道",
            "翔安区",
            "厦门市",
        )


def test_a_session_signed_in_with_the_former_backend_stays_valid(client, w):
    client.force_login(w.office, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("projects:list")).status_code == 200
    client.force_login(w.office, backend="baton.accounts.backends.UserBackend")
    assert client.get(reverse("projects:list")).status_code == 200
