"""招商活动 in a real browser, at desktop and phone width — issue 19's line for activities:
"an activity signs three projects, one of which was signed before at another activity and
is not counted twice".

马巷街道 signed 储能电池项目 at its 深圳推介会 in March. At the district's 重大项目集中签约仪式
in April it enters three lines in the 录入签约 dialog: 储能电池项目 again (合同, the same
amount), 光伏组件项目 and 航空物流园. The list shows the first as 重复签约 credited to the
推介会, and the activity counts two projects and their amounts only. The screenshots are
saved under test-artifacts/browser/ to be looked at.
"""

import datetime as dt
import os

import pytest

from baton.core.tests.test_browser_refusals import WIDTHS, signed_in
from baton.testing import make_project
from baton.tests.test_browser import CHROMIUM, browser  # noqa: F401 (a fixture)

from .. import services
from .helpers import activity

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("screen", WIDTHS)
def test_an_activity_signs_three_projects_and_counts_the_re_signed_one_once(
    browser,  # noqa: F811
    live_server,
    client,
    w,
    screen,
):
    battery = make_project(w, name="储能电池项目")
    solar = make_project(w, name="光伏组件项目")
    logistics = make_project(w, name="航空物流园")
    earlier = activity(
        w, kind="promotion", title="深圳新能源产业推介会", start_on=dt.date(2026, 3, 10)
    )
    services.signing_add(
        activity=earlier, actor=w.promoter, project=battery, kind="contract", amount="50000"
    )
    ceremony = activity(
        w,
        title="翔安区重大项目集中签约仪式",
        start_on=dt.date(2026, 4, 18),
        leaders=[w.leader_person],
    )
    session = signed_in(browser, live_server, client, w.promoter, WIDTHS[screen])
    page = session.page
    session.go(f"/activities/{ceremony.code}/")
    assert "还没有签约项目" in page.inner_text("#signings")

    for project, amount in ((battery, "50000"), (solar, "120000"), (logistics, "80000")):
        page.get_by_role("link", name="＋ 录入签约").click()
        dialog = page.locator("#dialog")
        dialog.locator("#id_project").wait_for()
        dialog.locator("#id_project").select_option(str(project.pk))
        dialog.locator("#id_kind").select_option("contract")
        dialog.locator("#id_amount").fill(amount)
        session.dialog_submit()
        page.wait_for_function("() => !document.getElementById('dialog').open")
        page.locator("#signings tbody tr", has_text=project.name).wait_for()

    signings = page.locator("#signings")
    assert signings.locator("tbody tr").count() == 3
    assert signings.get_by_test_id("counted").inner_text() == "2"
    assert signings.get_by_test_id("amount").inner_text() == "200,000"
    again = signings.locator("tbody tr", has_text="储能电池项目")
    assert "重复签约（不重复统计）" in again.inner_text()
    assert "已计入深圳新能源产业推介会" in again.inner_text()
    for name in ("光伏组件项目", "航空物流园"):
        assert "首次签约（计入）" in signings.locator("tbody tr", has_text=name).inner_text()
    session.shot(f"activity-signings-{screen}")
    assert session.problems == []

    # The earlier activity still counts the project it signed first.
    session.go(f"/activities/{earlier.code}/")
    assert page.locator("#signings").get_by_test_id("counted").inner_text() == "1"
    # The leader who attended acted once on each of the three projects (洽谈).
    acts = w.leader_person.acts.filter(origin="activity", origin_id=ceremony.pk)
    assert sorted(acts.values_list("project__name", flat=True)) == sorted(
        ["储能电池项目", "光伏组件项目", "航空物流园"]
    )
    session.go("/activities/calendar/?month=2026-04")
    assert "翔安区重大项目集中签约仪式" in page.inner_text(".cal")
    session.shot(f"activity-calendar-{screen}")
    session.context.close()
