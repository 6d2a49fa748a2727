"""Explained: raw and capped values, the entered figures' reasons on the ranking page and in
the exports, and the projects behind every counted term."""

import datetime as dt
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from baton.assessment import services
from baton.assessment.drill import credited_projects, item_links

from .helpers import project, scheme
from .helpers_views import login, url

pytestmark = pytest.mark.django_db
YEAR = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def build(w):
    s = scheme(w, "外资与签约考核", units={w.town: "", w.other_town: ""}, period_kind="year")
    fdi = services.indicator_add(
        scheme=s,
        name="实际利用外资",
        kind="ratio",
        weight="0.5",
        cap="0.5",
        config={"metric": "entered", "name": "实际利用外资"},
    )
    services.target_set(indicator=fdi, unit=w.town, value="2500")
    services.target_set(indicator=fdi, unit=w.other_town, value="2500")
    sums = services.indicator_add(
        scheme=s,
        name="签约与开工",
        kind="weighted_sum",
        weight="1",
        config={
            "terms": [
                {"metric": "signed", "credit": "holder", "points": "0.2"},
                {"metric": "entered", "name": "外资项目", "points": "0.2"},
            ]
        },
    )
    services.entered_fact_set(
        unit=w.town,
        name="实际利用外资",
        period_start=YEAR[0],
        period_end=YEAR[1],
        value="2700",
        source="商务局",
        reason="市商务局外资快报第12期",
        actor=w.office,
    )
    signed = project(w, w.town, "20000", admitted=dt.date(2024, 1, 5), signed=dt.date(2024, 3, 1))
    project(w, w.other_town, "20000", admitted=dt.date(2024, 1, 5), signed=dt.date(2024, 4, 1))
    services.scheme_publish(scheme=s, actor=w.office)
    ranking = services.ranking_compute(scheme=s, period_start=YEAR[0], period_end=YEAR[1])
    return s, ranking, sums, signed


def test_the_ranking_page_shows_raw_and_capped_and_the_reason(client, w):
    _s, ranking, _sums, _signed = build(w)
    page = login(client, w.office).get(url("ranking", ranking.pk)).content.decode()
    # 2700 ÷ 2500 = 108% × 0.5 = 0.54 → capped at 0.5.
    assert "0.54 → 封顶 0.5" in page
    assert "实际利用外资 2700（商务局，2024年度）：市商务局外资快报第12期" in page
    assert "签约项目" in page  # the signed term of the sum opens its projects


def test_the_exports_carry_the_cap_and_the_reason(client, w):
    _s, ranking, _sums, _signed = build(w)
    login(client, w.office)
    book = load_workbook(io.BytesIO(client.get(url("ranking_xlsx", ranking.pk)).content))
    steps = [row for row in book["计算过程"].iter_rows(values_only=True)]
    fdi = next(row for row in steps if row[1] == "马巷街道" and row[3] == "实际利用外资")
    assert fdi[4] == (
        "2700÷2500=108%，108%×0.5=0.54，封顶0.5（0.54 → 封顶 0.5）\n"
        "录入数据：实际利用外资 2700（商务局，2024年度）：市商务局外资快报第12期"
    )
    document = Document(io.BytesIO(client.get(url("ranking_docx", ranking.pk)).content))
    text = "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "市商务局外资快报第12期" in text and "0.54 → 封顶 0.5" in text


def test_each_counted_term_opens_its_projects(w):
    _s, ranking, sums, signed = build(w)
    links = item_links(ranking, sums, w.town.pk)
    assert [label for label, _url in links] == ["签约项目"]
    key = links[0][1].split("credited=")[1]
    assert credited_projects(user=w.office, key=key) == [signed.pk]


def test_the_relays_work_opens_the_work_figures_of_the_same_window(client, w):
    s = scheme(w, "外出招商考核", units={w.town: ""}, period_kind="month")
    trips = services.indicator_add(
        scheme=s,
        name="外出招商",
        kind="weighted_sum",
        weight="1",
        config={"terms": [{"metric": "trips", "points": "0.1"}]},
    )
    march = services.ranking_compute(
        scheme=s, period_start=dt.date(2024, 3, 1), period_end=dt.date(2024, 3, 31)
    )
    records, (label, address) = item_links(march, trips, w.town.pk)
    assert records[0] == "计分记录" and "/records/" in records[1]
    assert label == "工作统计"
    assert address == "/reports/work/?scope=district%3A350213&as_of=2024-03-31&period=month"
    assert login(client, w.office).get(address).status_code == 200
    # The first quarter is the year to its end (the page's 本年累计); the second quarter
    # is no window of that page: its 计分记录 alone, rather than a wrong 工作统计.
    quarter = services.ranking_compute(
        scheme=s, period_start=dt.date(2024, 1, 1), period_end=dt.date(2024, 3, 31)
    )
    assert [label for label, _ in item_links(quarter, trips, w.town.pk)] == ["计分记录", "工作统计"]
    april_june = services.ranking_compute(
        scheme=s, period_start=dt.date(2024, 4, 1), period_end=dt.date(2024, 6, 30)
    )
    assert [label for label, _ in item_links(april_june, trips, w.town.pk)] == ["计分记录"]
