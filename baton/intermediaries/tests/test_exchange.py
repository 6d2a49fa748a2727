"""The register's workbook: export → import gives the same register, the same file twice
changes nothing, a bad row writes nothing and names sheet, row, column and reason."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from baton.intermediaries import rules
from baton.intermediaries.exchange import HEADERS, SHEET, export_register, import_register
from baton.intermediaries.models import Intermediary

from .helpers import AGENCY_USCC, register, state

pytestmark = pytest.mark.django_db


def book(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    sheet = wb.active
    sheet.title = SHEET
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(**over):
    values = dict.fromkeys(HEADERS, "")
    values.update(
        {"类型": "中介机构", "名称或姓名": "厦门鹭招企业管理咨询有限公司", "统一社会信用代码": AGENCY_USCC,
         "联系人": "林经理", "联系电话": "13800001234", "备案日期": "2025-06-01",
         "备案材料": "营业执照复印件；利益冲突声明书", "是否公职人员": "否"},
    )  # fmt: skip
    values.update(over)
    return [values[h] for h in HEADERS]


def test_it_imports_a_sheet_and_the_same_sheet_again_changes_nothing(w):
    data = book([row(), row(类型="引荐人", 名称或姓名="陈建国", 统一社会信用代码="")])
    result = import_register(data=data, actor=w.office, district=w.district)
    assert result.ok and len(result.created) == 2, result.errors
    agency = Intermediary.objects.get(kind="agency")
    assert agency.documents == ["营业执照复印件", "利益冲突声明书"]
    assert agency.declared_on == agency.filed_on
    before = state()
    again = import_register(data=data, actor=w.office, district=w.district)
    assert again.ok and len(again.unchanged) == 2
    assert state() == before


def test_a_bad_row_writes_nothing_and_says_where(w):
    data = book(
        [
            row(),
            row(
                名称或姓名="林某",
                类型="个人",
                统一社会信用代码="",
                是否公职人员="是",
                备案日期="2025-13-01",
            ),
        ]
    )
    before = state()
    result = import_register(data=data, actor=w.office, district=w.district)
    assert not result.ok
    assert f"{SHEET} 第 3 行 是否公职人员：不符合规定（{rules.RULE_OFFICIAL}）。" in result.errors
    assert any(e.startswith(f"{SHEET} 第 3 行 备案日期：") for e in result.errors)
    assert state() == before


def test_a_sheet_without_its_headers_or_not_a_workbook_is_refused(w):
    result = import_register(
        data=book([["x"]], headers=["备注"]), actor=w.office, district=w.district
    )
    assert result.errors == [
        f"工作表“{SHEET}”第 1 行应为表头，缺少列：类型、名称或姓名、备案日期。"
    ]
    assert not import_register(data=b"PK\x03\x04 broken", actor=w.office, district=w.district).ok


def test_only_the_office_imports(w):
    result = import_register(data=book([row()]), actor=w.promoter, district=w.district)
    assert result.errors == [rules.NOT_THE_OFFICE]


def test_the_export_reads_back_and_masks_phones_for_the_units(w):
    register(w, name="=HYPERLINK(1)")
    out = io.BytesIO()
    count = export_register(out=out, user=w.promoter, rows=Intermediary.objects.all())
    assert count == 1
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    values = [c.value for c in sheet[2]]
    assert values[HEADERS.index("联系电话")] == "138****1234"
    assert values[HEADERS.index("名称或姓名")] == "'=HYPERLINK(1)"
    office = io.BytesIO()
    export_register(out=office, user=w.office, rows=Intermediary.objects.all())
    before = state()
    result = import_register(data=office.getvalue(), actor=w.office, district=w.district)
    assert result.ok and result.unchanged == ["=HYPERLINK(1)"], result.errors
    assert state() == before
