"""The office's day, played end to end in a real browser with the real notice delivery.

On the test world's 翔安区 (two levels of review): a town promoter creates a project and
submits it; the district office's 工作台 badge and to-do list show the review waiting;
the office approves and the city reviewer admits it; the promoter hands it to the
headquarters, which is told in the bell, by e-mail (an SMTP sink on loopback) and by the
district's robot (a receiver on loopback, checking the JSON body and its HMAC
signature); the headquarters accepts it on the project page; the district leader issues
a 督办 there, the headquarters reports 办理情况 and the leader closes it, confirming.

Each main step is saved at desktop width under test-artifacts/browser/, and the key
pages (to-do, bell list, the project page with 待接收, the 督办 card) at phone width too.
"""

import datetime as dt
import email
import email.policy
import hashlib
import hmac
import json
import re

from django.utils import timezone

from baton import testing
from baton.accounts.models import User
from baton.notices.models import Delivery
from baton.notices.tests.receivers import SmtpSink, Webhook
from baton.projects.models import Project
from baton.supervision.models import Supervision
from baton.tests.test_browser import (  # noqa: F401  (the fixtures)
    Session,
    browser,
    pytestmark,
)

PHONE = 390
SMTP_PORT, WEBHOOK_PORT = 8052, 8053
SECRET = "office-day-robot-secret"
NAME = "翔安智能装备产业园项目"
HQ_MAIL = "hq@xa.example.gov.cn"


def known_password(user: User) -> str:
    password = testing.test_password()
    user.set_password(password)
    user.save()
    return password


def phone_shot(session: Session, name: str) -> None:
    """The page as it is, at phone width: nothing runs off the screen; then back."""
    page = session.page
    page.set_viewport_size({"width": PHONE, "height": 900})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{name}: the page is {width}px wide at {PHONE}px"
    session.shot(name)
    page.set_viewport_size({"width": 1280, "height": 900})


def bell_count(session: Session) -> str:
    bell = session.page.locator("#notice-bell .bell-count")
    return bell.inner_text() if bell.count() else "0"


def wait_dialog_closed(session: Session) -> None:
    session.page.wait_for_function("() => !document.querySelector('#dialog').open")


def test_the_office_day(browser, live_server, w, settings):  # noqa: F811
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", SMTP_PORT, 5
    settings.BATON_NOTICE_EMAIL = True
    hq_user = testing.make_user(User.Role.UNIT_STAFF, username="hq_promoter", unit=w.headquarters)
    hq_user.email = HQ_MAIL
    hq_user.save()
    passwords = {
        user.username: known_password(user)
        for user in (w.promoter, w.office, w.reviewer, w.leader, hq_user)
    }
    url = live_server.url

    def person(username: str) -> Session:
        session = Session(browser, url, username).login(username, passwords[username])
        session.page.wait_for_url(url + "/")
        return session

    with SmtpSink(port=SMTP_PORT) as sink, Webhook(port=WEBHOOK_PORT) as hook:
        # The office points its district's robot at the receiver, with a signing secret.
        office = person("xa_office")
        office.go("/notices/channel/")
        office.page.select_option("#id_webhook_kind", label="通用接收地址（JSON）")
        office.page.fill("#id_webhook_url", hook.url)
        office.page.fill("#id_secret", SECRET)
        with office.page.expect_navigation():
            office.page.click("main form button[type=submit]")
        assert "已保存" in office.page.inner_text("main")
        office.shot("day-00-channel")

        # 1. The town promoter creates the project and submits it for review.
        promoter = person("mx_promoter")
        promoter.go("/projects/new/")
        promoter.page.fill("#id_name", NAME)
        promoter.page.fill("#id_investment", "36000")
        promoter.page.select_option("#id_industry", label="新能源")
        promoter.page.click("form.project-form button[type=submit]")
        promoter.page.wait_for_url(re.compile(r"/projects/350213-\d{4}-\d{4}/$"))
        code = promoter.page.url.rstrip("/").rsplit("/", 1)[1]
        promoter.page.get_by_role("link", name="上报审核").click()
        promoter.page.wait_for_selector("#dialog[open]")
        promoter.dialog_submit()
        promoter.page.wait_for_selector("text=已上报")
        promoter.shot("day-01-submitted")
        assert Project.objects.get(code=code).review_state == "submitted"

        # 2. The office's 工作台 badge and its to-do list show the review waiting.
        office.go("/")
        badge = office.page.locator(".sidenav a", has_text="工作台").locator(".count")
        assert badge.inner_text() == "1"
        item = office.page.locator("#todo .todo-item", has_text=f"审核：{NAME}")
        assert item.count() == 1 and "待您审核" in item.inner_text()
        assert bell_count(office) == "1"  # the notice 项目待审核, beside the to-do
        office.shot("day-02-office-todo")
        phone_shot(office, "day-02-office-todo-phone")

        # 3. The office approves (first level), the city reviewer admits (second level).
        item.locator("a").click()
        office.page.wait_for_url(f"{url}/projects/{code}/review/")
        office.shot("day-03-review-page")
        assert "通过初审，报市招商办" in office.page.inner_text("main")
        with office.page.expect_navigation():
            office.page.click("button[name=decision][value=approve]")
        assert Project.objects.get(code=code).review_state == "district_approved"
        office.go("/")
        assert office.page.locator("#todo .todo-item", has_text=f"审核：{NAME}").count() == 0
        reviewer = person("xm_reviewer")
        reviewer.go(f"/projects/{code}/review/")
        with reviewer.page.expect_navigation():
            reviewer.page.click("button[name=decision][value=approve]")
        assert Project.objects.get(code=code).review_state == "admitted"
        promoter.go(f"/projects/{code}/")
        assert "已入库" in promoter.page.inner_text("main")

        # 4. The promoter hands it to the headquarters: it waits for their acceptance.
        promoter.page.get_by_role("link", name="接力交接").click()
        promoter.page.wait_for_selector("#dialog[open]")
        promoter.page.select_option("#dialog select[name=to_unit]", label="新机场片区指挥部")
        promoter.page.fill("#dialog textarea[name=reason]", "项目选址在新机场片区，移交指挥部牵头")
        promoter.dialog_submit()
        promoter.page.wait_for_selector("#handoff-pending")
        assert "待接收" in promoter.page.inner_text("#handoff-pending")
        promoter.shot("day-04-handed-off")
        assert Project.objects.get(code=code).unit.name == "马巷街道"

        # 5. The headquarters is told: the bell and its list …
        hq = person("hq_promoter")
        assert bell_count(hq) == "1"
        assert "1 条未读" in hq.page.get_attribute("#notice-bell", "aria-label")
        hq.page.click("#notice-bell")
        hq.page.wait_for_url(url + "/notices/")
        notice = hq.page.locator(".notice.is-unread")
        assert notice.count() == 1 and "有项目待您单位接收" in notice.inner_text()
        assert NAME in notice.inner_text() and "马巷街道" in notice.inner_text()
        hq.shot("day-05-bell-list")
        phone_shot(hq, "day-05-bell-list-phone")

        # … an e-mail in the sink …
        [mail] = [m for m in sink.messages if m.rcpt_tos == [HQ_MAIL]]
        message = email.message_from_bytes(mail.content, policy=email.policy.default)
        assert message["Subject"] == "【接力棒】有项目待您单位接收"
        text = message.get_body().get_content()
        assert NAME in text and code in text and "请您确认接收" in text

        # … and the district's robot, signed with the channel's secret.
        posts = [json.loads(p["body"]) for p in hook.received]
        [index] = [i for i, p in enumerate(posts) if p["notice"]["kind"] == "handed_off"]
        post, payload = hook.received[index], posts[index]
        assert payload["notice"]["title"] == "有项目待您单位接收"
        assert payload["notice"]["project_code"] == code
        assert payload["notice"]["url"].endswith(f"/projects/{code}/")
        assert "**有项目待您单位接收**" in payload["markdown"]["content"]
        signature = hmac.new(SECRET.encode(), post["body"], hashlib.sha256).hexdigest()
        assert post["headers"]["X-Baton-Signature"] == f"sha256={signature}"
        handoff_rows = Delivery.objects.filter(notice__kind="handed_off")
        assert sorted(handoff_rows.values_list("via", "status")) == [
            ("email", "sent"),
            ("webhook", "sent"),
        ]

        # 6. A user of the headquarters accepts it on the project page.
        hq.page.locator(".notice a", has_text="有项目待您单位接收").click()
        hq.page.wait_for_url(f"{url}/projects/{code}/")
        assert bell_count(hq) == "0"
        assert "待接收" in hq.page.inner_text(".badge.handoff-pending")
        hq.shot("day-06-pending")
        phone_shot(hq, "day-06-pending-phone")
        hq.page.locator("#handoff-pending").get_by_role("link", name="接收").click()
        hq.page.wait_for_selector("#dialog[open]")
        hq.dialog_submit()
        hq.page.wait_for_selector("text=已接收，自即日起为责任单位")
        hq.shot("day-06-accepted")
        assert Project.objects.get(code=code).unit.name == "新机场片区指挥部"

        # 7. The district leader issues a 督办 from the project page.
        leader = person("xa_leader")
        leader.go(f"/projects/{code}/")
        card = leader.page.locator("#project-problems")
        card.locator(".pp-head a", has_text="督办").click()
        dialog = leader.page.locator("#dialog")
        dialog.locator("#id_instruction").wait_for()
        assert "督办领导：陈立新" in dialog.inner_text()
        deadline = timezone.localdate() + dt.timedelta(days=14)
        dialog.locator("#id_instruction").fill("两周内完成用地预审和环评报批")
        dialog.locator("#id_deadline").fill(deadline.isoformat())
        leader.shot("day-07-supervise-dialog")
        leader.dialog_submit()
        wait_dialog_closed(leader)
        card = leader.page.locator("#project-problems")
        row = card.locator(".pp-item", has_text="两周内完成用地预审和环评报批")
        row.locator(".badge", has_text="督办中").wait_for()
        assert f"时限 {deadline.isoformat()}" in row.inner_text()
        leader.shot("day-07-supervised")
        supervision = Supervision.objects.get(project__code=code)
        assert (supervision.status, supervision.deadline) == ("active", deadline)

        # 8. The headquarters reports 办理情况 (its bell tells it of the 督办 first).
        hq.go("/")
        assert bell_count(hq) == "1"
        hq.go(f"/projects/{code}/")
        row = hq.page.locator("#project-problems .pp-item", has_text="两周内完成用地预审")
        row.locator("a", has_text="报送办理情况").click()
        dialog = hq.page.locator("#dialog")
        dialog.locator("#id_response").fill("用地预审已通过，环评报告已报送生态环境局。")
        hq.dialog_submit()
        wait_dialog_closed(hq)
        row = hq.page.locator("#project-problems .pp-item", has_text="两周内完成用地预审")
        row.locator(".badge", has_text="待确认办结").wait_for()
        assert row.locator("a", has_text="办结").count() == 0  # the unit cannot close it
        assert "用地预审已通过" in row.inner_text()
        hq.shot("day-08-reported")
        phone_shot(hq, "day-08-supervision-card-phone")
        assert Supervision.objects.get(pk=supervision.pk).status == "reported"

        # 9. The leader, told in the bell and the to-do list, closes it: asked to confirm.
        leader.go("/")
        assert bell_count(leader) == "1"
        sign_off = leader.page.locator("#todo .todo-item", has_text="确认办结：陈立新督办")
        assert NAME in sign_off.inner_text()
        sign_off.locator("a").click()
        leader.page.wait_for_url(re.compile(r"/problems/"))
        leader.go(f"/projects/{code}/")
        row = leader.page.locator("#project-problems .pp-item", has_text="两周内完成用地预审")
        row.locator("a", has_text="办结").click()
        dialog = leader.page.locator("#dialog")
        dialog.locator("#id_confirm").wait_for()
        assert "办结后不能撤销" in dialog.inner_text()
        leader.dialog_submit()  # not confirmed: asked again
        dialog.locator(".has-error", has_text="请勾选确认办结。").wait_for()
        assert Supervision.objects.get(pk=supervision.pk).status == "reported"
        dialog.locator("#id_confirm").check()
        leader.shot("day-09-close-confirm")
        leader.dialog_submit()
        wait_dialog_closed(leader)
        row = leader.page.locator("#project-problems .pp-item", has_text="两周内完成用地预审")
        row.locator(".badge", has_text="已办结").wait_for()
        leader.shot("day-09-closed")
        phone_shot(leader, "day-09-closed-phone")
        assert Supervision.objects.get(pk=supervision.pk).status == "done"

        for session in (office, promoter, reviewer, hq, leader):
            session.close()
