"""读新闻 in a real browser, at desktop and phone width — issue 22's story.

马巷街道's promoter pastes a report (a figure paragraph and two companies): the page marks
every figure and company with what it was read as and compares the figures with 翔安区's
library; the promoter puts 厦门天马微电子有限公司 in the review queue; the district office
opens the draft and turns it into a lead of 马巷街道. The screenshots are saved under
test-artifacts/browser/ to be looked at.
"""

import os

import pytest
from django.test import Client

from baton.core.tests.test_browser_refusals import WIDTHS, signed_in
from baton.leads.models import Lead
from baton.tests.test_browser import CHROMIUM, browser  # noqa: F401 (a fixture)

from ..models import Draft
from .helpers import REPORT, TIANMA

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("screen", WIDTHS)
def test_a_report_marked_up_and_a_company_made_a_lead(browser, live_server, client, w, screen):  # noqa: F811
    width = WIDTHS[screen]
    town = signed_in(browser, live_server, client, w.promoter, width)
    page = town.page
    town.go("/news/")
    assert page.locator("nav >> text=读新闻").count() >= 1
    page.fill("#id_text", REPORT)
    page.fill("#id_title", "厦门日报")
    page.locator("form.news-form button[type=submit]").click()
    page.locator(".news-body").wait_for()
    group = page.locator(".news-body mark.mk-group").first
    assert group.inner_text() == "项目12个"
    assert group.get_attribute("title") == "入库项目 12个，565000万元"
    company = page.locator(".news-body mark.mk-company").first
    assert company.inner_text() == TIANMA
    assert "1200000万元" in company.get_attribute("title")
    check = page.locator(".news-check").inner_text()
    assert "与厦门翔安区项目库核对" in check and "不一致" in check
    fits(page, width)
    town.shot(f"news-read-{screen}")

    page.locator("#c1 button:has-text('提交为线索')").click()
    page.wait_for_url("**/news/drafts/*/")
    draft = Draft.objects.get()
    assert draft.name == TIANMA and draft.created_by == w.promoter
    assert "已将「厦门天马微电子有限公司」提交到新闻线索待审队列。" in page.content()
    town.close()

    office = signed_in(browser, live_server, Client(), w.office, width)
    office.go("/news/drafts/")
    office.page.locator(f"a:has-text('{TIANMA}')").click()
    office.page.select_option("#id_unit", str(w.town.pk))
    office.page.fill("#id_title", "柔性显示模组项目")
    assert office.page.input_value("#id_investment") == "1200000"
    fits(office.page, width)
    office.shot(f"news-draft-{screen}")
    office.page.locator("button:has-text('转为投资信息')").last.click()
    office.page.wait_for_url(f"**/news/drafts/{draft.pk}/")
    lead = Lead.objects.get()
    assert lead.unit == w.town and lead.source == "news" and lead.company.name == TIANMA
    assert f"已转为投资信息 {lead.code}「柔性显示模组项目」。" in office.page.content()
    office.shot(f"news-accepted-{screen}")
    assert not office.problems and not town.problems
    office.close()
