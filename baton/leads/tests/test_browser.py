"""投资信息 in a real browser, at desktop and phone width — issue 17's story for leads.

The district has a chain 新能源 whose 动力电池 node (C384) no local company is on yet, and
whose 正极材料 node (C3985) none is either. The server's clock stands at 2026-09-30 10:00
(Asia/Shanghai), the eve of the National Day holiday: 马巷街道 registers a lead for a
company new to the library, registered on the same page with its code C3841 (锂离子电池
制造); its response is due
on 8 October (1–7 October are off) and its 研判, three working days on, on Saturday
10 October (a 调休 working day). 新店街道 registers a lead for the same company: it is
flagged 撞车, and the district office merges it into the first. 马巷街道 assesses its lead
and converts it into a 策划 project, whose page names the lead and shows it on its
timeline. On 产业链图谱 the chain's 动力电池 node is now green with the new company, its
lead and its project, while 正极材料 stays a gap (缺链), on the map and in the 补链清单.
The screenshots are saved under test-artifacts/browser/ to be looked at.
"""

import os

import pytest
from django.test import Client
from freezegun import freeze_time

from baton.chains import services as chains
from baton.chains.tests.test_browser import NODE_AT, ROOT_LABEL_LEFT
from baton.companies.models import Company
from baton.companies.tests.helpers import CATL
from baton.core.tests.test_browser_refusals import WIDTHS, signed_in
from baton.leads.models import Lead, Status
from baton.tests.test_browser import CHROMIUM, browser  # noqa: F401 (a fixture)

from .helpers import POINTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

#: 2026-09-30 10:00 in Asia/Shanghai.
EVE_OF_NATIONAL_DAY = "2026-09-30 02:00:00"
#: The browser's driver keeps its own time.
REAL_TIME = ["playwright", "asyncio", "greenlet", "pyee"]


#: How ECharts styled the node called ``name``: its label and colour.
NODE_DRAWN = """(name) => {
  const chart = echarts.getInstanceByDom(document.getElementById('chain-map'));
  const data = chart.getModel().getSeriesByIndex(0).getData();
  for (let i = 0; i < data.count(); i++) {
    if (data.getName(i).startsWith(name + '（')) {
      return {label: data.getName(i), color: data.getItemModel(i).get(['itemStyle', 'color'])};
    }
  }
  return null;
}"""
GREEN, RED = "#2b8a3e", "#c92a2a"  # as static/baton/chains.js draws them


def battery_chain(w):
    """新能源 in 翔安区: 动力电池 (C384) in the middle, 正极材料 (C3985) upstream."""
    chain = chains.chain_create(actor=w.office, district=w.district, name="新能源")
    battery = chains.node_create(
        chain=chain, actor=w.office, name="动力电池", position="midstream", codes="C384"
    )
    cathode = chains.node_create(
        chain=chain, actor=w.office, name="正极材料", position="upstream", codes="C3985"
    )
    return chain, battery, cathode


def register(session, *, title: str, investment: str, fixed: str, search="", new=None, shot=""):
    """Fill and send the register page: the company found by ``search`` in the library,
    or the ``new`` one (its fields by name) registered with the lead."""
    page = session.page
    page.goto(page.url.split("/leads/")[0] + "/leads/new/")
    if new:
        page.locator(".new-company summary").click()
        for field, value in new.items():
            page.fill(f"#id_new_{field}", value)
    else:
        page.fill("#id_company_q", search)
        page.locator("#company-found input[name=company]").first.wait_for()
        page.locator("#company-found input[name=company]").first.check()
    page.fill("#id_title", title)
    page.select_option("#id_source", "referrer")
    page.fill("#id_source_detail", "市商务局推荐")
    page.fill("#id_industry_code", "C3841")
    page.fill("#id_investment", investment)
    page.fill("#id_fixed_investment", fixed)
    if shot:
        session.shot(shot)
    page.locator("form.lead-form button[type=submit]").click()
    page.wait_for_url("**/leads/XS*/")


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("screen", WIDTHS)
def test_a_lead_from_registration_to_project(browser, live_server, client, w, screen):  # noqa: F811
    width = WIDTHS[screen]
    chain, battery, cathode = battery_chain(w)
    with freeze_time(EVE_OF_NATIONAL_DAY, tick=True, ignore=REAL_TIME):
        town = signed_in(browser, live_server, client, w.promoter, width)
        page = town.page
        town.go("/leads/")
        register(
            town,
            new={
                "name": "宁德时代新能源科技股份有限公司",
                "uscc": CATL,
                "industry_code": "C3841",
            },
            title="储能电池生产基地",
            investment="20000",
            fixed="12000",
            shot=f"leads-register-{screen}",
        )
        comp = Company.objects.get(uscc=CATL)
        assert comp.district == w.district and comp.industry_code == "C3841"
        first = Lead.objects.get(company=comp, unit=w.town)
        deadlines = page.locator("#deadlines").inner_text()
        assert "响应时限" in deadlines and "2026-10-08" in deadlines
        assert "研判时限" in deadlines and "2026-10-10" in deadlines
        assert "时限暂按周一至周五计算" not in deadlines
        fits(page, width)
        town.shot(f"leads-registered-{screen}")

        other = signed_in(browser, live_server, Client(), w.other_promoter, width)
        other.go("/leads/")
        register(other, search=comp.uscc, title="储能电池项目", investment="18000", fixed="")
        second = Lead.objects.get(company=comp, unit=w.other_town)
        assert second.status == Status.CONFLICT and second.conflict_with == first
        conflict = other.page.locator("#conflict").inner_text()
        assert "撞车待裁决" in conflict and "马巷街道" in conflict
        assert other.page.locator("a:has-text('裁决撞车')").count() == 0
        other.shot(f"leads-conflict-{screen}")
        other.close()

        office = signed_in(browser, live_server, Client(), w.office, width)
        office.go("/leads/?status=conflict")
        office.page.click(f"text={second.code}")
        office.page.click("text=裁决撞车")
        dialog = office.page.locator("#dialog")
        dialog.locator("input[value=merge]").check()
        dialog.locator("textarea[name=reason]").fill("同一投资方同一项目，由首报单位继续首谈")
        office.shot(f"leads-arbitrate-{screen}")
        office.dialog_submit()
        office.page.locator("#lead-page .badge.lead-merged").wait_for()
        assert first.code in office.page.locator("#lead-page").inner_text()
        fits(office.page, width)
        office.shot(f"leads-merged-{screen}")
        office.close()

        town.go(f"/leads/{first.code}/")
        page.click("#lead-page .actions >> text=研判")
        dialog = page.locator("#dialog")
        for key, text in POINTS.items():
            dialog.locator(f"textarea[name={key}]").fill(text)
        dialog.locator("input[value=follow]").check()
        town.dialog_submit()
        page.locator("#lead-page .badge.lead-assessed").first.wait_for()
        assert "储能需求旺盛" in page.locator("#assessment").inner_text()
        timeline = page.locator("#timeline").inner_text()
        assert "合并" in timeline and "研判" in timeline
        town.shot(f"leads-assessed-{screen}")
        page.click("#lead-page .actions >> text=转化为项目")
        dialog.locator("input[value=planning]").check()
        town.dialog_submit()
        page.wait_for_url("**/projects/**")
        first.refresh_from_db()
        assert first.status == Status.CONVERTED and first.project.info_unit == w.town
        relay = page.locator("#project-relay").inner_text()
        assert "来源投资信息" in relay and first.code in relay
        assert f"由投资信息 {first.code} 转化" in page.locator("#timeline").inner_text()
        fits(page, width)
        town.shot(f"leads-project-{screen}")

        town.go("/leads/")
        assert first.code in page.locator("#lead-results").inner_text()
        fits(page, width)
        town.shot(f"leads-list-{screen}")

        # 产业链图谱: the new company on its node, green; 正极材料 still a gap.
        town.go("/chains/")
        page.locator("a.ch-card", has_text="新能源").click()
        page.wait_for_url(f"**/chains/{chain.pk}/")
        page.locator("#chain-map.chart-ready canvas").first.wait_for()
        assert page.evaluate(NODE_DRAWN, "动力电池") == {"label": "动力电池（1）", "color": GREEN}
        assert page.evaluate(NODE_DRAWN, "正极材料") == {"label": "正极材料（缺链）", "color": RED}
        gaps = page.locator("#gaps").inner_text()
        assert "正极材料" in gaps and "动力电池" not in gaps
        assert page.locator("#nodes a.ch-is-ok", has_text="动力电池").count() == 1
        assert page.locator("#nodes a.ch-is-gap", has_text="正极材料").count() == 1
        fits(page, width)
        page.wait_for_timeout(800)  # the tree's opening animation
        assert page.evaluate(ROOT_LABEL_LEFT, chain.name) >= 0  # the chain's name drawn whole
        town.shot(f"leads-chain-map-{screen}")
        at = page.evaluate(NODE_AT, "动力电池")
        box = page.locator("#chain-map").bounding_box()
        page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
        panel = page.locator("#node-panel")
        panel.locator(f"#node-{battery.pk}").wait_for()
        assert page.url.endswith(f"/chains/{chain.pk}/nodes/{battery.pk}/")
        assert "本地企业 1 家" in panel.locator(".ch-node-head").inner_text()
        assert comp.name in panel.locator("#node-companies").inner_text()
        assert first.project.name in panel.locator("#node-projects").inner_text()
        leads = panel.locator("#node-leads").inner_text()
        assert first.title in leads and second.title not in leads  # merged away
        fits(page, width)
        town.shot(f"leads-chain-node-{screen}")
        page.locator("#gaps a", has_text="正极材料").click()
        panel.locator(f"#node-{cathode.pk}").wait_for()
        assert "缺链" in panel.locator(".ch-node-head").inner_text()
        town.close()


@pytest.mark.parametrize("screen", WIDTHS)
def test_the_demo_leads_and_the_rules(browser, live_server, client, screen):  # noqa: F811
    """The office reads the demo's leads (counts, overdue, the 撞车 waiting), refuses a bad
    threshold on the rules page, and registers a lead for a new company, warned of a name
    alike to one of the library's."""
    from baton.accounts.models import User
    from baton.companies.models import Company
    from baton.demo.tests.snapshot import load_demo_once

    load_demo_once()
    width = WIDTHS[screen]
    office = signed_in(browser, live_server, client, User.objects.get(username="xa_office"), width)
    page = office.page
    office.go("/leads/")
    assert "撞车待裁决" in page.locator(".lead-counts").inner_text()
    assert page.locator("#lead-results .badge.overdue").count() > 0
    fits(page, width)
    office.shot(f"leads-demo-list-{screen}")
    page.click(".lead-count.status-conflict")
    page.locator("#lead-results tbody tr").first.wait_for()
    page.locator("#lead-results tbody a").first.click()
    page.locator("#conflict").wait_for()
    assert page.locator("text=裁决撞车").count() == 1
    fits(page, width)
    office.shot(f"leads-demo-conflict-{screen}")

    office.go("/leads/settings/")
    page.fill("input[name=th-0-fixed_min]", "六千")
    page.locator("form.lead-form button[type=submit]").click()
    page.locator(".alert-error").wait_for()
    assert "不是有效的万元金额" in page.locator(".alert-error").inner_text()
    fits(page, width)
    office.shot(f"leads-settings-refused-{screen}")

    known = Company.objects.filter(district__name="翔安区").order_by("id").first()
    office.go("/leads/new/")
    page.locator(".new-company summary").click()
    page.fill("#id_new_name", known.name.replace("有限公司", "（厦门）有限公司"))
    page.select_option("#id_unit", label="马巷街道")
    page.fill("#id_title", "智能工厂项目")
    page.select_option("#id_source", "visit")
    page.fill("#id_investment", "30000")
    page.locator("form.lead-form button[type=submit]").click()
    page.locator(".new-company .alert-warn").wait_for()
    assert known.name in page.locator(".new-company").inner_text()
    fits(page, width)
    office.shot(f"leads-new-company-alike-{screen}")
    page.check("#id_company_confirmed")
    page.locator("form.lead-form button[type=submit]").click()
    page.wait_for_url("**/leads/XS*/")
    assert "马巷街道" in page.locator("#lead-fields").inner_text()
    office.close()
