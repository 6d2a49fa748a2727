"""A city scheme in a real browser, on the demo city: the city office (市招商办) creates a
scheme ranking 厦门's districts as a whole, sets a completion rate and a per-shortfall
bracket item (by its JSON), fills the targets, publishes, runs 2019, publishes the
ranking and downloads both exports; a district office then reads it. Desktop and phone
screenshots go to test-artifacts/browser/assess-city-*.png to be looked at.
"""

import io
import json
import os

import pytest
from docx import Document
from openpyxl import load_workbook

from baton.assessment.models import Ranking, Scheme
from baton.org.models import District
from baton.tests.test_browser import CHROMIUM, Session, browser, demo_world  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="未安装 Chromium（以 root 运行 make test 会自动安装）"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
NAME = "2019年度各区招商引资考核"
BRACKETS = {
    "metric": "signed",
    "per": "0.1",
    "brackets": [
        {"min": "10000", "max": "100000", "required": 2},
        {"min": "100000", "required": 1},
    ],
}


def test_the_city_office_ranks_the_districts(browser, live_server, demo_world):  # noqa: F811
    url = live_server.url
    city = Session(browser, url, "city").login("xm_reviewer", demo_world["xm_reviewer"])
    page = city.page
    # The districts' figures the library does not hold, entered with their source.
    city.go("/assessment/figures/")
    page.select_option("#id_unit", label="翔安区")
    page.fill("#id_name", "实际利用外资")
    page.fill("#id_period", "2019")
    page.fill("#id_value", "48000")
    page.select_option("#id_source", "commerce")
    page.fill("#id_reason", "市商务局2019年外资统计年报")
    with page.expect_navigation():
        page.click("form.as-figure-form button[type=submit]")
    assert "市商务局2019年外资统计年报" in page.inner_text("#figures")
    city.shot("assess-city-00-figures")
    city.go("/assessment/")
    page.get_by_role("link", name="＋ 新建考核方案").click()
    page.fill("#id_name", NAME)
    page.select_option("#id_period_kind", "year")
    with page.expect_navigation():
        page.click("form.as-form button[type=submit]")
    scheme = Scheme.objects.get(name=NAME)
    assert scheme.is_city and scheme.district is None

    # Every district of the city, each as a whole.
    page.locator("#units").get_by_role("link", name="设置").click()
    districts = list(District.objects.filter(city=scheme.city).order_by("code"))
    for district in districts:
        page.get_by_label(f"纳入考核：{district.name}").check()
    city.shot("assess-city-01-districts")
    with page.expect_navigation():
        page.click("form.as-form .form-actions button[type=submit]")
    assert scheme.units.filter(district__isnull=False).count() == len(districts)

    # 1. 新入库项目 ÷ 目标 × 60; 2. 重大项目 by brackets, 0.1 off each one short.
    page.get_by_role("link", name="＋ 添加指标").click()
    page.wait_for_url("**/indicators/new/")
    page.wait_for_load_state("load")
    page.fill("#id_name", "新入库项目")
    page.fill("#id_weight", "60")
    with page.expect_navigation():
        page.click("#indicator-form .form-actions button[type=submit]")
    page.get_by_role("link", name="＋ 添加指标").click()
    page.wait_for_url("**/indicators/new/")
    page.wait_for_load_state("load")
    page.fill("#id_name", "重大项目签约")
    with page.expect_response(lambda r: r.request.method == "POST" and "/indicators/" in r.url):
        page.select_option("#id_kind", "bracket_shortfall")
    page.wait_for_selector("section.as-config-json #id_config_json")
    page.fill("#id_name", "重大项目签约")
    page.fill("#id_weight", "0.5")
    page.fill("#id_config_json", json.dumps(BRACKETS, ensure_ascii=False, indent=2))
    city.shot("assess-city-02-bracket")
    with page.expect_navigation():
        page.click("#indicator-form .form-actions button[type=submit]")
    assert list(scheme.indicators.values_list("kind", flat=True)) == ["ratio", "bracket_shortfall"]

    with page.expect_navigation():
        page.get_by_role("link", name="填写目标任务").click()
    page.wait_for_selector("table.as-targets input")
    for box in page.locator("table.as-targets input").all():
        box.fill("5")
    with page.expect_navigation():
        page.click("form.as-form .form-actions button[type=submit]")
    page.locator("#publish input[type=checkbox][name=confirm]").check()
    with page.expect_navigation():
        page.click("#publish button.btn-accent")
    page.wait_for_selector("#frozen")
    city.shot("assess-city-03-published")

    # The ranking of 2019: a trial, then published.
    page.fill("#rank input[name=year]", "2019")
    with page.expect_navigation():
        page.click("#rank button[type=submit]")
    page.wait_for_selector("#draft")
    ranking = Ranking.objects.get(scheme=scheme)
    lines = list(ranking.lines.select_related("district"))
    assert {line.party_name for line in lines} == {d.name for d in districts}
    assert all(line.unit_id is None for line in lines)
    page.locator("form.as-publish input[name=confirm]").check()
    with page.expect_navigation():
        page.click("form.as-publish button[type=submit]")
    page.wait_for_selector("#published")
    top = min(lines, key=lambda line: line.rank)
    assert top.party_name in page.inner_text("#ranking")
    assert "3亿元" not in page.inner_text("#ranking")  # brackets are 1–10亿元, ≥10亿元
    city.shot("assess-city-04-ranking")

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    rows = list(book["考核排名"].iter_rows(values_only=True))
    assert rows[0][0].startswith("厦门市2019年度各区招商引资考核")
    assert {row[1] for row in rows[3:]} == {d.name for d in districts}
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Word").click()
    document = Document(download.value.path())
    assert document.tables[1].rows[1].cells[1].text == top.party_name
    ranking_path = f"/assessment/rankings/{ranking.pk}/"
    city.close()

    # At phone width, and as the district office that is ranked.
    phone = Session(browser, url, "phone", width=390).login(
        "xm_reviewer", demo_world["xm_reviewer"]
    )
    phone.go(ranking_path)
    phone.shot("assess-city-05-ranking-phone")
    phone.close()
    office = Session(browser, url, "office").login("xa_office", demo_world["xa_office"])
    office.go("/assessment/")
    assert NAME in office.page.inner_text("#rankings")
    office.go(ranking_path)
    assert "发布排名" not in office.page.inner_text("main")
    office.shot("assess-city-06-district-reads")
    office.close()
