"""The relay in a real browser: headless Chromium (Debian's) driven by Playwright.

One story on the demo district, as the issue tells it: a town promoter creates and
submits a project; the district office approves; the city reviewer admits; the promoter
moves it to 在谈 and hands it to a headquarters, which accepts it on a phone; the
monthly figures change; another town's promoter cannot see it; five bad passwords lock
an account. Every main page is saved as a screenshot under test-artifacts/browser/ to be
looked at.
"""

import os
import re
import time
from pathlib import Path

import pytest
from django.utils import timezone

from baton.demo import people
from baton.demo.tests.snapshot import load_demo_once
from baton.projects.models import Project

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="未安装 Chromium（以 root 运行 make test 会自动安装）"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test
    # makes between steps are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


class Session:
    """One person at one browser window, offline: only the live server is reachable."""

    def __init__(self, browser, base_url: str, name: str, width: int = 1280):
        self.base_url, self.name = base_url, name
        self.context = browser.new_context(
            viewport={"width": width, "height": 900}, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        self.context.route(
            re.compile(r"^(?!https?://(localhost|127\.0\.0\.1)[:/]).*"),
            lambda route: route.abort(),
        )
        self.page = self.context.new_page()
        # Requests under way, for ``shot``: "networkidle" waits 500 ms after the last one,
        # on each of the suite's screenshots.
        self.in_flight = 0
        self.page.on("request", lambda request: self._count(1))
        self.page.on("requestfinished", lambda request: self._count(-1))
        self.page.on("requestfailed", lambda request: self._count(-1))
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))
        self.page.on(
            "console",
            lambda msg: (
                self.problems.append(msg.text)
                if msg.type == "error" and "Content Security Policy" in msg.text
                else None
            ),
        )

    def go(self, path: str):
        return self.page.goto(self.base_url + path)

    def login(self, username: str, password: str):
        self.go("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("form button[type=submit]")
        return self

    def _count(self, step: int) -> None:
        self.in_flight = max(0, self.in_flight + step)

    def shot(self, name: str) -> None:
        """Save a screenshot once the page has loaded and no request of it is under way."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.wait_for_load_state("load")
        deadline = time.monotonic() + 10
        while self.in_flight and time.monotonic() < deadline:
            self.page.wait_for_timeout(20)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def dialog_submit(self) -> None:
        self.page.locator("#dialog button[type=submit]").click()

    def close(self) -> None:
        self.context.close()
        assert self.problems == [], f"{self.name}: {self.problems}"


@pytest.fixture
def demo_world(db):
    load_demo_once()
    return {username: password for username, _role, _area, password in people.demo_accounts()}


def monthly_paragraph(session: Session) -> str:
    today = timezone.localdate().isoformat()
    session.go(f"/reports/monthly/?scope=district:350213&as_of={today}")
    return session.page.inner_text("#paragraph")


def test_the_relay_in_a_browser(browser, live_server, demo_world):
    url = live_server.url
    office = Session(browser, url, "office").login("xa_office", demo_world["xa_office"])
    before = monthly_paragraph(office)
    count_before = int(re.search(r"入库招商项目(\d+)个", before)[1])
    talks_before = int(re.search(r"在谈项目(\d+)个", before)[1])

    # A town promoter creates a project and submits it.
    promoter = Session(browser, url, "promoter").login("mx_promoter", demo_world["mx_promoter"])
    promoter.page.wait_for_url(url + "/")
    promoter.shot("01-home-promoter")
    promoter.go("/projects/")
    promoter.shot("02-project-list")
    promoter.go("/projects/new/")
    promoter.page.fill("#id_name", "翔安航空维修基地二期项目")
    promoter.page.fill("#id_investment", "52000.5")
    promoter.page.select_option("#id_industry", label="航空航天")
    promoter.shot("03-project-create")
    promoter.page.click("form.project-form button[type=submit]")
    promoter.page.wait_for_url(re.compile(r"/projects/350213-\d{4}-\d{4}/$"))
    code = promoter.page.url.rstrip("/").rsplit("/", 1)[1]
    project = Project.objects.get(code=code)
    assert project.name == "翔安航空维修基地二期项目" and str(project.investment) == "52000.5000"
    promoter.page.get_by_role("link", name="上报审核").click()
    promoter.page.wait_for_selector("#dialog[open]")
    promoter.shot("04-submit-dialog")
    promoter.dialog_submit()
    promoter.page.wait_for_selector("text=已上报")
    assert Project.objects.get(code=code).review_state == "submitted"

    # The district office approves at its review desk.
    office.go("/projects/review/")
    office.shot("05-review-desk")
    office.go(f"/projects/{code}/review/")
    office.shot("06-review-page")
    with office.page.expect_navigation():
        office.page.click("button[name=decision][value=approve]")
    assert Project.objects.get(code=code).review_state == "district_approved"

    # The city reviewer admits it into the library.
    reviewer = Session(browser, url, "reviewer").login("xm_reviewer", demo_world["xm_reviewer"])
    reviewer.go(f"/projects/{code}/review/")
    with reviewer.page.expect_navigation():
        reviewer.page.click("button[name=decision][value=approve]")
    assert Project.objects.get(code=code).review_state == "admitted"

    # A landed project of the demo, with its whole relay, as the office sees it.
    landed = (
        Project.objects.filter(
            district__code="350213", stage__code="landed", milestones__kind="started"
        )
        .order_by("code")
        .first()
    )
    office.go(f"/projects/{landed.code}/")
    office.shot("14-project-page-landed")

    # The promoter moves it to 在谈 (which asks for the investor) and hands it on.
    promoter.go(f"/projects/{code}/")
    promoter.page.get_by_role("link", name="阶段变更").click()
    promoter.page.wait_for_selector("#dialog[open]")
    promoter.page.select_option("#dialog select[name=stage]", label="在谈")
    promoter.page.wait_for_selector("#dialog input[name=investor]")
    promoter.page.fill("#dialog input[name=investor]", "厦门翔空航空科技有限公司")
    promoter.shot("07-move-dialog")
    promoter.dialog_submit()
    promoter.page.wait_for_selector("text=阶段变更：策划 → 在谈")
    promoter.page.get_by_role("link", name="接力交接").click()
    promoter.page.wait_for_selector("#dialog[open]")
    promoter.page.select_option("#dialog select[name=to_unit]", label="新机场片区指挥部")
    promoter.page.fill(
        "#dialog textarea[name=reason]", "项目进入实质洽谈，移交新机场片区指挥部牵头推进"
    )
    promoter.page.check("#dialog input[name=keep_as_co_unit]")
    promoter.dialog_submit()
    promoter.page.wait_for_selector("#handoff-pending")
    promoter.shot("08-project-page")
    project = Project.objects.get(code=code)
    assert (project.stage.name, project.unit.name) == ("在谈", "马巷街道")  # 待接收

    # The headquarters accepts it, on a phone: the baton passes then.
    hq = Session(browser, url, "hq", width=390).login("hq_promoter", demo_world["hq_promoter"])
    hq.go(f"/projects/{code}/")
    hq.shot("08a-handoff-pending-phone")
    hq.page.locator("#handoff-pending").get_by_role("link", name="接收").click()
    hq.page.wait_for_selector("#dialog[open]")
    hq.shot("08b-handoff-accept-dialog-phone")
    hq.dialog_submit()
    hq.page.wait_for_selector("text=已接收，自即日起为责任单位")
    hq.shot("08c-handoff-accepted-phone")
    project = Project.objects.get(code=code)
    assert (project.stage.name, project.unit.name) == ("在谈", "新机场片区指挥部")

    # The monthly figures as of today count it, in 在谈.
    after = monthly_paragraph(office)
    office.shot("09-monthly")
    assert int(re.search(r"入库招商项目(\d+)个", after)[1]) == count_before + 1
    assert int(re.search(r"在谈项目(\d+)个", after)[1]) == talks_before + 1

    # Another town's promoter cannot see it.
    other = Session(browser, url, "other").login("xd_promoter", demo_world["xd_promoter"])
    response = other.go(f"/projects/{code}/")
    assert response.status == 404
    other.shot("10-other-town-404")
    other.go("/projects/?q=航空维修基地二期")
    assert "翔安航空维修基地二期项目" not in other.page.inner_text("main")

    # The phone view of the list still reads.
    phone = Session(browser, url, "phone", width=390).login(
        "mx_promoter", demo_world["mx_promoter"]
    )
    phone.go("/projects/")
    phone.shot("11-project-list-phone")
    for session in (office, promoter, reviewer, other, phone, hq):
        session.close()


def test_five_bad_passwords_lock_the_account(browser, live_server, demo_world):
    session = Session(browser, live_server.url, "lockout")
    for attempt in range(1, 5):
        session.login("xd_promoter", "Wrong-password-1")
        assert "用户名或密码不正确" in session.page.inner_text("main"), attempt
    session.shot("12-login-error")
    session.login("xd_promoter", "Wrong-password-1")
    assert "锁定" in session.page.inner_text("main")
    # Locked: even the right password is refused for the next 15 minutes.
    session.login("xd_promoter", demo_world["xd_promoter"])
    assert "锁定" in session.page.inner_text("main")
    session.shot("13-locked")
    session.close()
