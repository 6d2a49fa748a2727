"""外出招商 and 来访接待 in a real browser, at desktop and phone width — issue 19's lines:

- 马巷街道's 招商一组 files an outbound trip to 深圳, meets two companies of the library,
  and produces a lead from it (registered as the unit's 投资信息, source 驻外招商); the
  month's 考勤 table counts the trip.
- 马巷街道 receives 宁德时代's visitors and shows them two parcels; the reception's page
  names both.
- A trip back 18 days ago whose report is not filed is in the promoter's 待办, overdue; the
  report filed from there, it is gone.

The screenshots are saved under test-artifacts/browser/ to be looked at.
"""

import os

import pytest

from baton.core.tests.test_browser_refusals import WIDTHS, signed_in
from baton.leads.models import Lead, Source
from baton.tests.test_browser import CHROMIUM, browser  # noqa: F401 (a fixture)

from ..models import Reception, Trip
from .helpers import days_ago, trip

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("screen", WIDTHS)
def test_a_group_files_a_trip_meets_two_companies_and_produces_a_lead(
    browser,  # noqa: F811
    live_server,
    client,
    w,
    screen,
):
    width = WIDTHS[screen]
    town = signed_in(browser, live_server, client, w.promoter, width)
    page = town.page
    town.go("/visits/")
    assert "还没有外出招商记录" in page.inner_text("#trip-results")
    page.click("text=＋ 登记外出招商")
    page.fill("#id_group", "招商一组")
    page.fill("#id_title", "赴深圳拜访新能源企业")
    page.fill("#id_start", days_ago(3).isoformat())
    page.fill("#id_end", days_ago(2).isoformat())
    page.fill("#id_destinations", "深圳")
    page.locator("fieldset", has_text="小分队成员").locator("label", has_text="张敏").click()
    page.locator("fieldset", has_text="小分队成员").locator("label", has_text="李强").click()
    page.locator("fieldset", has_text="带队领导").locator("label", has_text="陈立新").click()
    page.select_option("#id_companies", [str(w.catl.pk), str(w.byd.pk)])
    page.fill("#id_talks", "与宁德时代投资部洽谈储能电池项目落地意向。")
    fits(page, width)
    town.shot(f"visits-trip-new-{screen}")
    page.locator("form.visit-form button[type=submit]").click()
    page.wait_for_url("**/visits/*/")
    t = Trip.objects.get()
    assert t.group == "招商一组" and set(t.companies.all()) == {w.catl, w.byd}
    met = page.inner_text("#trip-companies")
    assert "宁德时代" in met and "比亚迪" in met and "2 家" in met

    page.click("text=登记线索")
    dialog = page.locator("#dialog")
    dialog.locator("select[name=company]").select_option(str(w.catl.pk))
    dialog.locator("input[name=title]").fill("储能电池生产基地")
    dialog.locator("input[name=investment]").fill("50000")
    town.shot(f"visits-trip-lead-{screen}")
    town.dialog_submit()
    page.locator("#trip-leads li a").wait_for()
    lead = Lead.objects.get()
    assert lead.source == Source.RESIDENT and lead.unit == w.town
    assert lead.code in page.inner_text("#trip-leads")
    fits(page, width)
    town.shot(f"visits-trip-{screen}")

    month = days_ago(3).strftime("%Y-%m")
    town.go(f"/visits/monthly/?month={month}")
    groups = page.inner_text("#monthly-groups")
    assert "招商一组" in groups
    row = page.locator("#monthly-groups tbody tr").first
    numbers = [cell.strip() for cell in row.locator("td.num").all_inner_texts()]
    assert numbers == ["1", "3", "2", "2", "1"]  # 次数, 人次, 天数, 企业, 线索
    assert "赴深圳" in row.inner_text()  # 工作开展情况
    fits(page, width)
    town.shot(f"visits-monthly-{screen}")
    town.close()


@pytest.mark.parametrize("screen", WIDTHS)
def test_a_reception_shows_two_parcels_to_a_visiting_company(
    browser,  # noqa: F811
    live_server,
    client,
    w,
    screen,
):
    from baton.land.tests.helpers import make_parcel

    width = WIDTHS[screen]
    p1 = make_parcel(w, "XA2026-01", name="马巷新能源产业园一期")
    p2 = make_parcel(w, "XA2026-02", name="马巷新能源产业园二期")
    town = signed_in(browser, live_server, client, w.promoter, width)
    page = town.page
    town.go("/visits/receptions/")
    page.click("text=＋ 登记来访接待")
    page.fill("#id_date", days_ago(1).isoformat())
    page.fill("#id_visitors", "宁德时代 投资部王总一行 3 人")
    page.select_option("#id_companies", [str(w.catl.pk)])
    page.locator("fieldset", has_text="接待领导").locator("label", has_text="陈立新").click()
    page.select_option("#id_parcels", [str(p1.pk), str(p2.pk)])
    fits(page, width)
    town.shot(f"visits-reception-new-{screen}")
    page.locator("form.visit-form button[type=submit]").click()
    page.wait_for_url("**/visits/receptions/*/")
    r = Reception.objects.get()
    assert set(r.parcels.all()) == {p1, p2}
    shown = page.inner_text("#reception-shown")
    assert "XA2026-01" in shown and "XA2026-02" in shown
    assert "宁德时代" in page.inner_text("main")
    fits(page, width)
    town.shot(f"visits-reception-{screen}")
    town.close()


@pytest.mark.parametrize("screen", WIDTHS)
def test_the_todo_list_shows_the_overdue_trip_report(
    browser,  # noqa: F811
    live_server,
    client,
    w,
    screen,
):
    width = WIDTHS[screen]
    t = trip(w)  # back 18 days ago: the 15 days are up
    town = signed_in(browser, live_server, client, w.promoter, width)
    page = town.page
    town.go("/todo/")
    item = page.locator("li.todo-item[data-kind=visit_report]")
    assert item.count() == 1
    assert "overdue" in (item.get_attribute("class") or "")
    assert "报送出访信息" in item.inner_text() and "已逾期" in item.inner_text()
    fits(page, width)
    town.shot(f"visits-todo-overdue-{screen}")
    item.locator("a").click()
    page.wait_for_url(f"**/visits/{t.pk}/report/")
    page.fill("textarea[name=report]", "拜访宁德时代、比亚迪，均有在本区布局储能项目的意向。")
    page.locator("form.visit-action button[type=submit]").click()
    page.wait_for_url(f"**/visits/{t.pk}/")
    assert "已报送" in page.inner_text("main")
    town.go("/todo/")
    assert page.locator("li.todo-item[data-kind=visit_report]").count() == 0
    town.close()
