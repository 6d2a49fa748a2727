"""考核排名 in a real browser, on the demo district.

The district office creates a scheme, assesses the five towns, adds three indicators
(a capped completion rate with an amount filter, points per project provided, a manual
score), fills the targets, publishes; enters a manual score; runs the ranking for August
2019; publishes it and downloads both exports. A leader then reads it. Every page is
saved under test-artifacts/browser/assess-*.png to be looked at.
"""

import datetime as dt
import io
import os
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook

from baton.assessment.models import Ranking, Scheme
from baton.tests.test_browser import CHROMIUM, Session, browser, demo_world  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="未安装 Chromium（以 root 运行 make test 会自动安装）"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TOWNS = ["大嶝街道", "马巷街道", "新店街道", "新圩镇", "内厝镇"]
NAME = "翔安区镇街招商月度考核"


def refreshed(page, selector: str, value: str, wait_for: str, state: str = "visible") -> None:
    """Choose an option that reshapes the indicator form; wait for htmx's new form."""
    with page.expect_response(lambda r: r.request.method == "POST" and "/indicators/" in r.url):
        page.select_option(selector, value)
    page.wait_for_selector(wait_for, state=state)


def new_indicator(office: Session, name: str) -> None:
    """Open 添加指标 and wait until its scripts run (htmx reshapes the form on change)."""
    office.page.get_by_role("link", name="＋ 添加指标").click()
    office.page.wait_for_url("**/indicators/new/")
    office.page.wait_for_load_state("load")
    office.page.fill("#id_name", name)


def save_indicator(office: Session) -> None:
    with office.page.expect_navigation():
        office.page.click("#indicator-form .form-actions button[type=submit]")


def test_a_scheme_from_creation_to_an_exported_ranking(browser, live_server, demo_world):  # noqa: F811
    page_url = live_server.url
    office = Session(browser, page_url, "office").login("xa_office", demo_world["xa_office"])
    page = office.page
    office.go("/assessment/")
    office.shot("assess-01-list")

    # A new scheme: monthly, relay shares as they are.
    page.get_by_role("link", name="＋ 新建考核方案").click()
    page.fill("#id_name", NAME)
    page.select_option("#id_period_kind", "month")
    office.shot("assess-02-create")
    with page.expect_navigation():
        page.click("form.as-form button[type=submit]")
    scheme = Scheme.objects.get(name=NAME)

    # The five towns, in group 镇街.
    page.locator("#units").get_by_role("link", name="设置").click()
    for town in TOWNS:
        page.get_by_label(f"纳入考核：{town}").check()
    office.shot("assess-03-units")
    with page.expect_navigation():
        page.click("form.as-form .form-actions button[type=submit]")
    assert sorted(scheme.units.values_list("unit__name", flat=True)) == sorted(TOWNS)

    # 1. 新引进亿元项目: admitted projects of 1 亿元 or more ÷ target × 50, capped.
    new_indicator(office, "新引进亿元项目")
    page.fill("#id_weight", "50")
    page.fill("#id_cap", "50")
    page.click("#part-0 details summary")
    page.fill("#id_p0_min_amount", "10000")
    office.shot("assess-04-indicator-ratio")
    save_indicator(office)
    # 2. 提供项目信息: 2 points a project whose information the town provided, at most 20.
    new_indicator(office, "提供项目信息")
    refreshed(page, "#id_kind", "tiers", "#id_tier_by")
    refreshed(page, "#id_p0_metric", "info_provided", "#id_p0_credit", state="detached")
    refreshed(page, "#id_tier_by", "each", "#id_each_points")
    page.fill("#id_weight", "20")
    page.fill("#id_cap", "20")
    page.fill("#id_each_points", "2")
    assert page.input_value("#id_name") == "提供项目信息"  # kept through the re-renders
    office.shot("assess-05-indicator-tiers")
    save_indicator(office)
    # 3. 工作评价: a manual score out of 30, the mean of the teams' scores.
    new_indicator(office, "工作评价")
    refreshed(page, "#id_kind", "manual", "#id_combine")
    refreshed(page, "#id_combine", "mean", "text=得分为各评分方的平均值")
    page.fill("#id_weight", "30")
    save_indicator(office)
    assert list(scheme.indicators.values_list("kind", flat=True)) == ["ratio", "tiers", "manual"]

    # Targets: one 亿元 project a month for each town.
    page.evaluate("window.scrollTo(0, 0)")  # the save returned to #indicators
    office.shot("assess-06-draft")
    with page.expect_navigation():
        page.get_by_role("link", name="填写目标任务").click()
    page.wait_for_selector("table.as-targets input")  # .all() does not wait
    for box in page.locator("table.as-targets input").all():
        box.fill("1")
    office.shot("assess-07-targets")
    with page.expect_navigation():
        page.click("form.as-form .form-actions button[type=submit]")

    # Publish: confirmed, then frozen.
    page.locator("#publish input[type=checkbox][name=confirm]").check()
    with page.expect_navigation():
        page.click("#publish button.btn-accent")
    page.wait_for_selector("#frozen")
    office.shot("assess-08-published")
    office.go(f"/assessment/schemes/{scheme.pk}/edit/")
    assert "已发布，不能修改；如需调整，请复制为新版本" in page.inner_text("main")
    office.shot("assess-09-frozen")

    # A manual score for August 2019, with its reason.
    office.go(f"/assessment/schemes/{scheme.pk}/scores/?year=2019&part=8")
    page.select_option("#id_unit", label="马巷街道")
    page.fill("#id_rater", "一队")
    page.fill("#id_score", "27")
    page.fill("#id_reason", "驻点招商扎实，客商接待记录完整。")
    with page.expect_navigation():
        page.click("form.as-score-form button[type=submit]")
    office.shot("assess-10-scores")

    # The ranking for August 2019: a trial first, then published.
    office.go(f"/assessment/schemes/{scheme.pk}/")
    page.fill("#rank input[name=year]", "2019")
    page.select_option("#rank select[name=part]", "8")
    with page.expect_navigation():
        page.click("#rank button[type=submit]")
    page.wait_for_selector("#draft")
    office.shot("assess-11-trial")
    ranking = Ranking.objects.get(scheme=scheme)
    assert (ranking.period_start, ranking.period_end) == (dt.date(2019, 8, 1), dt.date(2019, 8, 31))
    lines = {line.unit.name: line for line in ranking.lines.select_related("unit")}
    # 大嶝 brought the month's one 亿元 project and its information: (1÷1)×50 + 2×1.
    assert lines["大嶝街道"].rank == 1 and lines["大嶝街道"].total == Decimal("52.00")
    assert lines["马巷街道"].scores[2]["formula"] == "(27)÷1"
    page.locator("form.as-publish input[name=confirm]").check()
    with page.expect_navigation():
        page.click("form.as-publish button[type=submit]")
    page.wait_for_selector("#published")
    assert "(1÷1)×50" in page.inner_text("#ranking")
    office.shot("assess-12-ranking")

    # Both exports, opened and read back.
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    rows = list(book["考核排名"].iter_rows(values_only=True))
    assert rows[3][:4] == (1, "大嶝街道", "镇街", 52)
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Word").click()
    document = Document(download.value.path())
    assert document.tables[0].rows[1].cells[2].text == "大嶝街道"
    office.close()

    # A leader of the district reads the published ranking.
    leader = Session(browser, page_url, "leader").login("xa_leader", demo_world["xa_leader"])
    leader.go("/assessment/")
    leader.shot("assess-13-leader-list")
    leader.page.get_by_role("link", name="2019年8月").click()
    leader.page.wait_for_selector("#red-list")
    assert "发布排名" not in leader.page.inner_text("main")
    leader.shot("assess-14-leader-ranking")
    leader.close()
