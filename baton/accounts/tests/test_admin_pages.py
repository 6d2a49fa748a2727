"""三员分立: the system administrator's 用户管理 and the security administrator's 安全管理."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from baton.accounts.api_auth import TokenRefused, token_create, token_user
from baton.accounts.models import LoginSession, User
from baton.accounts.services import enrolment_code_redeem
from baton.audit.models import AuditRecord
from baton.audit.tests.helpers import only, table_text
from baton.projects.tests.helpers_views import login
from baton.testing import make_project

Event = AuditRecord.Event
PASSWORD = "Relay-2019-baton"


def _client(user) -> Client:
    return login(Client(), user)


def _real_login(user) -> Client:
    """A browser that signed in through the login page (so its session is recorded)."""
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def _signed_in(client) -> bool:
    response = client.get(reverse("reports:home"))
    return response.status_code == 200


# --- 用户管理 (system administrator) --------------------------------------------------------


def test_the_user_list_is_the_system_administrators(w):
    response = _client(w.sys_admin).get(reverse("accounts:users"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "mx_promoter" in text and "xa_office" in text and "马巷街道" in text
    for name in ("promoter", "office", "sec_admin", "audit_admin"):
        assert _client(getattr(w, name)).get(reverse("accounts:users")).status_code == 403, name
    assert _client(w.sys_admin).post(reverse("accounts:users")).status_code == 405


def test_the_user_list_filters(w):
    response = _client(w.sys_admin).get(reverse("accounts:users"), {"role": "leader"})
    users = [u.username for u in response.context["page"]]
    assert users == ["xa_leader"]
    response = _client(w.sys_admin).get(reverse("accounts:users"), {"role": "nonsense"})
    assert response.status_code == 400


def test_it_creates_an_account_with_a_one_time_password(w):
    client = _client(w.sys_admin)
    data = {"username": "xd_new", "name": "王新", "role": "unit_staff", "unit": w.other_town.pk}
    response = client.post(reverse("accounts:user_new"), data, REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode() and "只显示这一次" in response.content.decode()
    user = User.objects.get(username="xd_new")
    assert (user.role, user.unit, user.district, user.city) == (
        "unit_staff",
        w.other_town,
        w.district,
        w.city,
    )
    assert user.check_password(password) and user.password_changed_at is None
    record = only(Event.USER_CREATED)
    assert (record.user_id, record.object_id, record.ip) == (
        w.sys_admin.pk,
        str(user.pk),
        "10.2.2.2",
    )
    assert password not in table_text()
    # The first login goes to 修改密码 before anything else.
    fresh = Client()
    fresh.post(reverse("accounts:login"), {"username": "xd_new", "password": password})
    response = fresh.get(reverse("reports:home"))
    assert response.status_code == 302 and response.url == reverse("accounts:password_change")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"username": "x1_new", "name": "甲", "role": "unit_staff"}, "unit"),
        ({"username": "x2_new", "name": "乙", "role": "district_office"}, "district"),
        ({"username": "x3_new", "name": "丙", "role": "sys_admin"}, "role"),
        ({"username": "mx_promoter", "name": "丁", "role": "city_reviewer"}, "username"),
        ({"username": "a b", "name": "戊", "role": "leader"}, "username"),
        ({}, "username"),
    ],
)
def test_it_refuses_a_bad_account_and_creates_nothing(w, data, field):
    before = User.objects.count()
    response = _client(w.sys_admin).post(reverse("accounts:user_new"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert User.objects.count() == before
    assert not AuditRecord.objects.filter(event=Event.USER_CREATED).exists()


def test_disabling_ends_the_sessions_and_is_audited(w):
    browser = _real_login(w.promoter)
    assert _signed_in(browser)
    client = _client(w.sys_admin)
    url = reverse("accounts:user_active", args=[w.promoter.pk])
    assert client.post(url, {"active": "0"}).status_code == 302
    w.promoter.refresh_from_db()
    assert not w.promoter.is_active and not LoginSession.objects.filter(user=w.promoter).exists()
    assert not _signed_in(browser)
    record = only(Event.USER_DISABLED)
    assert record.user_id == w.sys_admin.pk and record.after == {"is_active": False}
    assert client.post(url, {"active": "1"}).status_code == 302
    w.promoter.refresh_from_db()
    assert w.promoter.is_active and only(Event.USER_ENABLED).user_id == w.sys_admin.pk


def test_a_bad_request_changes_nothing(w):
    client = _client(w.sys_admin)
    url = reverse("accounts:user_active", args=[w.promoter.pk])
    response = client.post(url, {})
    assert response.status_code == 400 and "未做任何改动" in response.content.decode()
    assert client.get(url).status_code == 405
    w.promoter.refresh_from_db()
    assert w.promoter.is_active
    assert (
        client.post(reverse("accounts:user_active", args=[999999]), {"active": "0"}).status_code
        == 404
    )


def test_the_system_administrator_does_not_manage_the_administrators(w):
    client = _client(w.sys_admin)
    for admin in (w.sec_admin, w.audit_admin, w.sys_admin):
        url = reverse("accounts:user_active", args=[admin.pk])
        assert client.post(url, {"active": "0"}).status_code == 403
        url = reverse("accounts:user_password", args=[admin.pk])
        assert client.post(url, {"confirm": "yes"}).status_code == 403
        admin.refresh_from_db()
        assert admin.is_active


def test_it_resets_a_password(w):
    browser = _real_login(w.leader)
    client = _client(w.sys_admin)
    url = reverse("accounts:user_password", args=[w.leader.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 400
    w.leader.refresh_from_db()
    assert w.leader.check_password(PASSWORD)
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 200
    password = response.context["password"]
    w.leader.refresh_from_db()
    assert w.leader.check_password(password) and not w.leader.check_password(PASSWORD)
    assert w.leader.password_changed_at is None
    assert not _signed_in(browser)
    assert only(Event.PASSWORD_RESET).user_id == w.sys_admin.pk
    assert password not in table_text()
    assert response.get("Cache-Control") and "no-cache" in response["Cache-Control"]


# --- 安全管理 (security administrator) ------------------------------------------------------


def test_the_security_page_is_the_security_administrators(w):
    response = _client(w.sec_admin).get(reverse("accounts:security"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "至少 8 位" in text and "连续失败 5 次" in text and "30 分钟" in text
    for name in ("promoter", "office", "sys_admin", "audit_admin"):
        assert _client(getattr(w, name)).get(reverse("accounts:security")).status_code == 403, name


def test_it_lists_and_unlocks_a_locked_account(w):
    w.promoter.set_password(PASSWORD)
    w.promoter.save()
    browser = Client()
    for _ in range(5):
        browser.post(
            reverse("accounts:login"),
            {"username": "mx_promoter", "password": "Wrong-pass-1"},
            REMOTE_ADDR="10.7.7.7",
        )
    ok = {"username": "mx_promoter", "password": PASSWORD}
    assert browser.post(reverse("accounts:login"), ok, REMOTE_ADDR="10.8.8.8").status_code == 429
    client = _client(w.sec_admin)
    locked = client.get(reverse("accounts:security")).context["locked"]
    assert [row["key"] for row in locked["accounts"]] == ["mx_promoter"]
    assert [row["key"] for row in locked["addresses"]] == ["10.7.7.7"]
    assert client.post(reverse("accounts:unlock"), {}).status_code == 400
    assert client.post(reverse("accounts:unlock"), {"ip": "not-an-ip"}).status_code == 400
    response = client.post(reverse("accounts:unlock"), {"username": "mx_promoter"})
    assert response.status_code == 302
    record = only(Event.ACCOUNT_UNLOCKED)
    assert record.user_id == w.sec_admin.pk and record.object_label == "mx_promoter"
    assert browser.post(reverse("accounts:login"), ok, REMOTE_ADDR="10.8.8.8").status_code == 302
    assert client.get(reverse("accounts:security")).context["locked"]["accounts"] == []


def test_it_ends_a_session(w):
    browser = _real_login(w.promoter)
    client = _real_login_admin(w.sec_admin)
    sessions = list(client.get(reverse("accounts:security")).context["sessions"])
    mine = next(s for s in sessions if s.user_id == w.sec_admin.pk)
    theirs = next(s for s in sessions if s.user_id == w.promoter.pk)
    url = reverse("accounts:session_end", args=[theirs.pk])
    assert client.post(url, {}).status_code == 400 and _signed_in(browser)
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not _signed_in(browser)
    record = only(Event.SESSION_ENDED)
    assert record.user_id == w.sec_admin.pk and record.object_id == str(w.promoter.pk)
    own = reverse("accounts:session_end", args=[mine.pk])
    assert client.post(own, {"confirm": "yes"}).status_code == 400
    assert _signed_in(client)


def _real_login_admin(user) -> Client:
    """An administrator through the login page, second factor marked as passed."""
    client = _real_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def test_it_revokes_a_token(w):
    token, secret = token_create(user=w.promoter, name="对接")
    client = _client(w.sec_admin)
    text = client.get(reverse("accounts:security")).content.decode()
    assert token.prefix in text and secret not in text
    url = reverse("accounts:token_revoke", args=[token.pk])
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    with pytest.raises(TokenRefused):
        token_user(secret)
    record = only(Event.TOKEN_REVOKED)
    assert record.user_id == w.sec_admin.pk and secret not in table_text()


def test_it_changes_a_role_and_ends_the_sessions(w):
    browser = _real_login(w.promoter)
    client = _client(w.sec_admin)
    url = reverse("accounts:user_role", args=[w.promoter.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"role": "district_office"})
    assert response.status_code == 400 and "district" in response.context["form"].errors
    assert client.post(url, {"role": "sec_admin"}).status_code == 400
    w.promoter.refresh_from_db()
    assert w.promoter.role == "unit_staff" and _signed_in(browser)
    response = client.post(url, {"role": "district_office", "district": w.district.pk})
    assert response.status_code == 302
    w.promoter.refresh_from_db()
    assert (w.promoter.role, w.promoter.unit, w.promoter.district) == (
        "district_office",
        None,
        w.district,
    )
    assert not _signed_in(browser)
    record = only(Event.ROLE_CHANGED)
    assert record.before["role"] == "unit_staff" and record.before["unit"] == "马巷街道"
    assert record.after == {
        "role": "district_office",
        "city": "厦门市",
        "district": "翔安区",
        "unit": None,
    }


def test_roles_are_not_the_system_administrators_and_admins_keep_theirs(w):
    url = reverse("accounts:user_role", args=[w.promoter.pk])
    assert (
        _client(w.sys_admin).post(url, {"role": "leader", "district": w.district.pk}).status_code
        == 403
    )
    admin_url = reverse("accounts:user_role", args=[w.audit_admin.pk])
    assert _client(w.sec_admin).get(admin_url).status_code == 403
    w.promoter.refresh_from_db()
    assert w.promoter.role == "unit_staff"


def test_it_resets_another_administrators_second_factor(w):
    TOTPDevice.objects.create(user=w.sys_admin, name="手机", confirmed=True)
    client = _client(w.sec_admin)
    assert (
        client.post(
            reverse("accounts:user_otp", args=[w.sec_admin.pk]), {"confirm": "yes"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("accounts:user_otp", args=[w.promoter.pk]), {"confirm": "yes"}
        ).status_code
        == 403
    )
    url = reverse("accounts:user_otp", args=[w.sys_admin.pk])
    assert client.post(url, {}).status_code == 400
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 200 and "绑定码" in response.text
    assert not TOTPDevice.objects.filter(user=w.sys_admin).exists()
    record = only(Event.OTP_RESET)
    assert record.object_id == str(w.sys_admin.pk) and "签发动态口令绑定码" in record.detail
    # The next login enrols a new device with the code shown, once.
    assert enrolment_code_redeem(user=w.sys_admin, code=response.context["code"])
    assert response.context["code"] not in table_text()


def test_no_administrator_page_shows_business_data(w):
    project = make_project(w, name="翔安锂电池材料项目", contact_phone="13812341234")
    pages = [
        (w.sys_admin, reverse("accounts:users")),
        (w.sec_admin, reverse("accounts:security")),
    ]
    for user, url in pages:
        text = _client(user).get(url).content.decode()
        assert project.name not in text and project.code not in text and "13812341234" not in text
