"""履约与效益 in a real browser, at desktop and phone width: the holding unit records a
contract promise and the year's figures on the project's page, sees the card flag the
broken promise with its gap and 亩均, then opens the batches page. The screenshots are
saved under test-artifacts/browser/ to be looked at."""

import datetime as dt
import os

import pytest

from baton.core.tests.test_browser_refusals import WIDTHS, signed_in
from baton.outcomes.models import Promise, Result
from baton.projects.models import Milestone
from baton.supervision.models import Problem
from baton.testing import admit, at
from baton.tests.test_browser import CHROMIUM, browser  # noqa: F401 (a fixture)

from .helpers import landed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("screen", WIDTHS)
def test_a_promise_and_a_result_on_the_project_and_the_batches(
    browser,  # noqa: F811
    live_server,
    client,
    w,
    screen,
):
    project = landed(w, name="翔安新能源电池项目")
    admit(w, project, when=at(2025, 3, 4))
    Milestone.objects.create(project=project, kind="started", date=dt.date(2025, 4, 1))
    Milestone.objects.create(project=project, kind="in_production", date=dt.date(2025, 10, 8))
    session = signed_in(browser, live_server, client, w.promoter, WIDTHS[screen])
    page = session.page

    # The contract's promise: 20000 万元 a year from 达产, by 2025-12-31.
    session.go(f"/projects/{project.code}/")
    page.click("#outcomes >> text=登记承诺")
    dialog = page.locator("#dialog")
    dialog.locator("#id_kind").wait_for()
    dialog.locator("#id_kind").select_option("output")
    dialog.locator("#id_target").fill("20000")
    dialog.locator("#id_due_on").fill("2025-12-31")
    dialog.locator("#id_clause").fill("投资协议第五条")
    dialog.locator("button[type=submit]").click()
    page.wait_for_selector("#outcomes .promise-broken")
    assert Promise.objects.get(project=project).status == "broken"  # no figures, overdue

    # The statistics bureau's figures of 2025: 12000 万元 output, 900 万元 tax.
    page.click("#outcomes >> text=登记效益")
    dialog.locator("#id_year").wait_for()
    dialog.locator("#id_year").fill("2025")
    dialog.locator("#id_output").fill("12000")
    dialog.locator("#id_tax").fill("900")
    dialog.locator("#id_source").select_option("statistics")
    dialog.locator("button[type=submit]").click()
    page.wait_for_selector("#outcomes .outcome-years")
    card = page.inner_text("#outcomes")
    assert "低于承诺 20000 万元/年，差 8000 万元/年" in card
    assert "400.00" in card and "30.00" in card  # 12000 ÷ 30 亩, 900 ÷ 30 亩
    assert "政策兑现暂缓支付" in card
    assert Result.objects.get(project=project).output == 12000
    assert Problem.objects.filter(project=project, responsible_unit=w.town).count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTHS[screen]
    page.locator("#outcomes").scroll_into_view_if_needed()
    session.shot(f"outcomes-card-{screen}")

    # The batches: the project is in production, its 2025 output counted.
    session.go("/outcomes/?as_of=2026-01-31")
    batches = page.inner_text(".outcome-batches")
    assert "投产生效一批" in batches
    produced = page.locator(".outcome-batches .kpi", has_text="投产生效一批")
    assert "1 个" in produced.inner_text()
    assert "400.00" in page.inner_text("main")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTHS[screen]
    session.shot(f"outcomes-batches-{screen}")
    produced.click()
    page.wait_for_url("**/outcomes/rows/?batch=producing*")
    assert "翔安新能源电池项目" in page.inner_text("main")
    session.close()
