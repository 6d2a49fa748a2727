"""月例会 in a real browser, at desktop and phone width — issue 21's line:

The office opens next month's meeting, finds the agenda filled from the figures, records
two decisions that become 督办 with deadlines, closes one, and the following meeting opens
with the other.

(Between recording and closing, 马巷街道 — the unit the 督办 goes to — reports what it did,
through the supervision service: a 督办 is signed off only after its unit's report.)
The screenshots are saved under test-artifacts/browser/ to be looked at.
"""

import os

import pytest

from baton.core.tests.test_browser_refusals import WIDTHS, signed_in
from baton.supervision.models import Supervision
from baton.supervision.services import supervision_report
from baton.tests.test_browser import CHROMIUM, browser  # noqa: F401 (a fixture)

from ..models import Decision, Meeting
from .helpers import in_days, last_month

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def record(page, *, text, project, leader, deadline) -> None:
    page.click("#decision-new")
    dialog = page.locator("#dialog")
    dialog.locator("#id_text").wait_for()
    dialog.locator("#id_text").fill(text)
    dialog.locator("#id_project").select_option(str(project.pk))
    dialog.locator("#id_owner_person").select_option(str(leader.pk))
    dialog.locator("#id_deadline").fill(deadline.isoformat())
    with page.expect_navigation():
        dialog.locator("button[type=submit]").click()


@pytest.mark.parametrize("screen", WIDTHS)
def test_the_office_holds_a_meeting_and_the_next_opens_with_what_is_still_open(
    browser,  # noqa: F811
    live_server,
    client,
    w,
    screen,
):
    width = WIDTHS[screen]
    office = signed_in(browser, live_server, client, w.office, width)
    page = office.page
    office.go("/meetings/")
    assert "还没有月例会记录" in page.inner_text("#meeting-results")
    month = last_month()
    button = page.locator("#next-meeting")
    assert f"{month.year}年{month.month}月" in button.inner_text()
    fits(page, width)
    office.shot(f"meetings-empty-{screen}")
    with page.expect_navigation():
        button.click()

    # The agenda, drafted from last month's figures, each item with the list behind it.
    agenda = page.locator("#agenda")
    assert "在库项目 2 个，总投资 8.00 亿元" in agenda.inner_text()
    assert f"{month.month}月新入库项目 2 个" in agenda.inner_text()
    link = agenda.locator(".agenda-admitted a.agenda-link")
    assert "change=admitted" in link.get_attribute("href")
    fits(page, width)
    office.shot(f"meetings-agenda-{screen}")

    record(page, text="协调解决新能源电池项目用地指标", project=w.p1,
           leader=w.leader_person, deadline=in_days(15))  # fmt: skip
    record(page, text="推动智能装备项目尽快签约", project=w.p2,
           leader=w.leader_person, deadline=in_days(30))  # fmt: skip
    decisions = page.locator("#decisions")
    assert "督办中" in decisions.inner_text()
    first, second = Decision.objects.order_by("number")
    assert first.supervision.deadline == in_days(15) and first.supervision.project == w.p1
    assert second.supervision.deadline == in_days(30) and second.supervision.project == w.p2
    assert Supervision.objects.filter(status="active").count() == 2
    fits(page, width)
    office.shot(f"meetings-decisions-{screen}")

    # 马巷街道 reports on the first 督办; the office closes that decision with a note.
    supervision_report(supervision=first.supervision, actor=w.promoter, response="指标已落实")
    office.go(f"/meetings/{first.meeting_id}/")
    page.locator(f"#decision-{first.pk}").get_by_role("link", name="办结").click()
    dialog = page.locator("#dialog")
    dialog.locator("#id_note").wait_for()
    assert "督办" in dialog.inner_text()
    dialog.locator("#id_note").fill("用地指标已落实，同意办结。")
    fits(page, width)
    office.shot(f"meetings-close-{screen}")
    with page.expect_navigation():
        dialog.locator("button[type=submit]").click()
    assert "督办已办结" in page.locator(f"#decision-{first.pk}").inner_text()
    assert page.locator(f"#decision-{second.pk}").get_by_role("link", name="办结").count() == 0

    # The following meeting opens with the decision still open.
    office.go("/meetings/")
    with page.expect_navigation():
        page.locator("#next-meeting").click()
    following = Meeting.objects.order_by("-month").first()
    assert following.month > month
    items = page.locator("#agenda li.agenda-item")
    assert "推动智能装备项目尽快签约" in items.nth(0).inner_text()
    assert "前次决定未办结" in items.nth(0).inner_text()
    assert "用地指标" not in page.locator("#agenda").inner_text()
    fits(page, width)
    office.shot(f"meetings-following-{screen}")
    office.close()
