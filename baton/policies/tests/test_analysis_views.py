"""The analysis page and its workbook: scoped by role, totals that add up, the SUMs."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from baton.audit.models import AuditRecord
from baton.projects.tests.helpers_views import login
from baton.testing import add_coordinating

from .analysis_world import D, build

pytestmark = pytest.mark.django_db
URL = reverse("policies:analysis")
EXPORT = reverse("policies:analysis_export")
QUERY = {"as_of": D.isoformat()}


@pytest.fixture
def n(w):
    return build(w)


def html(response) -> str:
    return response.content.decode()


def test_the_page_shows_the_figures_of_the_office(client, w, n):
    page = login(client, w.office).get(URL, QUERY)
    assert page.status_code == 200
    text = html(page)
    assert 'id="kpi-promised">420<small>' in text and 'id="kpi-paid">265<small>' in text
    assert 'id="kpi-share">66.7%' in text
    assert "厦测〔2025〕1号测试政策" in text and "未申报项目" in text
    assert "同测〔2025〕4号" not in text  # 同安's policy is not 翔安's to use
    assert "超出测算金额" in text and "每年上限" in text
    assert 'id="policy-analysis-data"' in text  # the chart's data, not an inline script
    assert "<script>" not in text
    context = page.context
    for table in context["result"].breakdowns.values():
        assert table.total.promised == Decimal("420") and table.total.paid == Decimal("265")


def test_a_district_office_never_sees_the_other_district(client, w, n):
    text = html(login(client, w.tongan_office).get(URL, QUERY))
    assert 'id="kpi-promised">500<small>' in text and 'id="kpi-paid">200<small>' in text
    for other in ("新能源电池", "物流中心", n.a1.code, "甲公司", "翔测〔2025〕2号"):
        assert other not in text
    book = load_workbook(io.BytesIO(client.get(EXPORT, QUERY).content))
    cells = {str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row}
    assert "甲公司" not in cells and n.a1.code not in cells and "新能源电池" not in cells
    assert n.t1.code in cells


def test_each_role_gets_its_area_and_others_are_refused(client, w, n):
    for user, promised in (
        (w.leader, "420"),
        (w.reviewer, "920"),
        (w.promoter, "370"),
        (w.other_promoter, "50"),
    ):
        text = html(login(client, user).get(URL, QUERY))
        assert f'id="kpi-promised">{promised}<small>' in text, user
    for user in (w.sys_admin, w.audit_admin, add_coordinating(w).coordinator):
        client.logout()
        assert login(client, user).get(URL).status_code == 403
        assert client.get(EXPORT).status_code == 403


def test_a_drill_lists_the_rows_behind_a_line(client, w, n):
    query = {**QUERY, "by": "unit", "key": str(w.town.pk)}
    page = login(client, w.office).get(URL, query)
    drill = page.context["drill"]
    assert [r.code for r in drill["promised"]] == [n.a8.code, n.a1.code, n.a2.code]
    assert sum(p.amount for p in drill["paid"]) == drill["line"].paid == Decimal("265")
    assert 'id="rows"' in html(page)
    # Another district's unit: the office's rows hold nothing of it.
    query["key"] = str(w.tongan_unit.pk)
    other = client.get(URL, query).context["drill"]
    assert other["promised"] == [] and other["paid"] == [] and other["line"] is None


def test_a_year_and_a_date_narrow_the_page(client, w, n):
    page = login(client, w.office).get(URL, {"year": "2025", "as_of": D.isoformat()})
    result = page.context["result"]
    assert (result.since, result.as_of) == (dt.date(2025, 1, 1), D)
    assert (result.total.promised, result.total.paid) == (Decimal("380"), Decimal("225"))
    year_only = client.get(URL, {"year": "2024"}).context["result"]
    assert year_only.as_of == dt.date(2024, 12, 31) and year_only.total.paid == Decimal("40")


@pytest.mark.parametrize(
    "query, message",
    [
        ({"as_of": "2025-02-30"}, "日期格式不正确"),
        ({"as_of": "2999-01-01"}, "晚于今天"),
        ({"year": "abc"}, "年度应为四位数字"),
        ({"year": "1999"}, "年度不能早于 2000 年"),
        ({"year": "2999"}, "年度不能晚于今年"),
        ({"by": "nothing", "key": "1"}, "所选项不存在"),
        ({"by": "policy", "key": "1 OR 1=1"}, "所选项不存在"),
    ],
)
def test_bad_input_is_refused_in_chinese(client, w, query, message):
    page = login(client, w.office).get(URL, query)
    assert page.status_code == 400 and message in html(page)
    assert login(client, w.office).get(EXPORT, query).status_code == 403


def test_an_empty_area_says_so(client, w):
    text = html(login(client, w.office).get(URL, QUERY))
    assert "没有核定或兑付记录" in text and "截至该日没有落地项目" in text


def test_it_rejects_the_wrong_method(client, w):
    assert login(client, w.office).post(URL).status_code == 405
    assert client.post(EXPORT).status_code == 405


def _sum(sheet, formula: str) -> Decimal:
    match = re.fullmatch(r"=SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)", formula)
    assert match, formula
    column, first, last = match[1], int(match[2]), int(match[4])
    return sum(
        (Decimal(str(sheet[f"{column}{row}"].value or 0)) for row in range(first, last + 1)),
        Decimal(0),
    )


def test_the_workbook_sums_to_the_page_totals(client, w, n):
    login(client, w.office)
    page = client.get(URL, QUERY).context["result"]
    response = client.get(EXPORT, QUERY)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "汇总",
        "核定明细",
        "兑付明细",
        "超上限",
        "未使用政策",
        "落地项目申报",
    ]
    summary = book["汇总"]
    totals = [row for row in summary.iter_rows() if row[0].value == "合计"]
    assert len(totals) == len(page.breakdowns) == 5
    for row in totals:
        sheet_totals = [_sum(summary, row[i].value) for i in (2, 3, 4, 5)]
        expected = [page.total.promised_count, page.total.promised]
        expected += [page.total.paid_count, page.total.paid]
        assert sheet_totals == expected
        assert row[6].value.startswith("=IF(")
    for name, column in (("核定明细", "K"), ("兑付明细", "L")):
        sheet = book[name]
        last = [r for r in sheet.iter_rows() if r[0].value == "合计"][-1]
        cell = next(c for c in last if c.column_letter == column)
        expected = page.total.promised if name == "核定明细" else page.total.paid
        assert _sum(sheet, cell.value) == expected
    assert AuditRecord.objects.filter(object_type="policy_analysis").count() == 1


def test_the_workbook_neutralises_text(client, w, n):
    n.a1.beneficiary_name = '=HYPERLINK("http://x")'
    n.a1.save()
    book = load_workbook(io.BytesIO(login(client, w.office).get(EXPORT, QUERY).content))
    values = [c.value for row in book["核定明细"].iter_rows() for c in row]
    assert '\'=HYPERLINK("http://x")' in values
