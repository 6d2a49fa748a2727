"""Privacy and the administrators' pages in a real browser (headless Chromium).

On the demo district: a leader sees a contact's number masked and presses 显示号码; the
system administrator creates an account and reads its one-time password, with which the
new user is sent to 修改密码 first; the security administrator sees a locked account and
unlocks it. Screenshots go to test-artifacts/browser/ (trust-*.png).
"""

import re

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from baton.accounts.models import User
from baton.accounts.services import enrolment_code_issue
from baton.audit.models import AuditRecord
from baton.projects.models import Project
from baton.tests.test_browser import Session, browser, demo_world, pytestmark  # noqa: F401

BAD = "Wrong-pass-2024"


def _second_factor(session: Session, username: str) -> None:
    """Enrol the second factor: the enrolment code (as an operator would hand it over),
    then the QR code's first token."""
    session.page.wait_for_url(re.compile(r"/accounts/otp/$"))
    code = enrolment_code_issue(user=User.objects.get(username=username), actor=None)
    session.page.fill("#id_code", code)
    with session.page.expect_navigation():
        session.page.click("#main form button[type=submit]")
    session.page.wait_for_selector("img.qr")
    device = TOTPDevice.objects.get(user__username=username)
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    session.page.fill("#id_token", f"{token:06d}")
    with session.page.expect_navigation():
        session.page.click("#main form button[type=submit]")
    assert session.page.url == session.base_url + "/", session.page.url


def test_a_leader_asks_for_a_number(browser, live_server, demo_world):  # noqa: F811
    project = (
        Project.objects.filter(district__code="350213", review_state="admitted")
        .exclude(contact_phone="")
        .order_by("code")
        .first()
    )
    phone = project.contact_phone
    leader = Session(browser, live_server.url, "leader").login("xa_leader", demo_world["xa_leader"])
    leader.page.wait_for_url(live_server.url + "/")
    leader.go(f"/projects/{project.code}/")
    cell = leader.page.locator(".contact-phone")
    assert phone not in cell.inner_text() and "****" in cell.inner_text()
    leader.shot("trust-01-contact-masked")
    cell.get_by_role("button", name="显示号码").click()
    leader.page.wait_for_selector("text=本次查看已记入审计日志")
    assert phone in leader.page.locator(".contact-phone").inner_text()
    leader.shot("trust-02-contact-shown")
    record = AuditRecord.objects.get(event="contact_unmasked")
    assert record.username == "xa_leader" and record.object_id == str(project.pk)
    leader.close()


def test_the_administrators_pages(browser, live_server, demo_world):  # noqa: F811
    url = live_server.url
    sysadmin = Session(browser, url, "sysadmin").login("sysadmin", demo_world["sysadmin"])
    _second_factor(sysadmin, "sysadmin")
    sysadmin.go("/accounts/users/")
    sysadmin.shot("trust-03-user-list")
    sysadmin.page.get_by_role("link", name="新建账号").click()
    sysadmin.page.fill("#id_username", "mx_zhang")
    sysadmin.page.fill("#id_name", "张晓明")
    sysadmin.page.select_option("#id_role", value="unit_staff")
    sysadmin.page.select_option("#id_unit", label="翔安区 · 马巷街道")
    sysadmin.shot("trust-04-user-new")
    sysadmin.page.click("#main form button[type=submit]")
    sysadmin.page.wait_for_selector(".secret")
    password = sysadmin.page.inner_text(".secret").strip()
    sysadmin.shot("trust-05-one-time-password")
    assert User.objects.get(username="mx_zhang").unit.name == "马巷街道"

    newcomer = Session(browser, url, "newcomer").login("mx_zhang", password)
    newcomer.page.wait_for_url(re.compile(r"/accounts/password/$"))
    newcomer.shot("trust-06-first-login-changes-password")
    newcomer.close()

    secadmin = Session(browser, url, "secadmin").login("secadmin", demo_world["secadmin"])
    _second_factor(secadmin, "secadmin")
    # Someone guesses at the leader's password five times from one address: the account
    # and the address are locked (the security administrator is already signed in).
    guesser = Session(browser, url, "guesser")
    for _ in range(5):
        guesser.login("xa_leader", BAD)
    guesser.context.close()
    secadmin.go("/accounts/security/")
    locked = secadmin.page.inner_text("#locked")
    assert "账号 xa_leader" in locked and "来源地址 127.0.0.1" in locked
    secadmin.shot("trust-07-security")
    with secadmin.page.expect_navigation():
        secadmin.page.locator("#locked tr", has_text="账号 xa_leader").get_by_role(
            "button", name="解除锁定"
        ).click()
    assert "已解除 xa_leader 的登录锁定" in secadmin.page.inner_text(".messages")
    # The address was locked by the same failures: clearing them frees it too.
    assert "当前没有被锁定" in secadmin.page.inner_text("#locked")
    leader = Session(browser, url, "leader").login("xa_leader", demo_world["xa_leader"])
    leader.page.wait_for_url(url + "/")
    leader.close()
    newcomer_pk = User.objects.get(username="mx_zhang").pk
    secadmin.go(f"/accounts/security/users/{newcomer_pk}/role/")
    secadmin.shot("trust-08-role-change")
    secadmin.close()
    sysadmin.close()
