"""The fields real ledgers keep, through the workbook: their headers and aliases, their
values as offices write them, the export that reads back the same, and refusals that
write nothing."""

import datetime as dt
import io
from decimal import Decimal

import pytest

from baton.ledger.exporter import ledger_export
from baton.ledger.importer import ledger_import
from baton.projects.models import Project

from .helpers import HEADERS, dump, row, xlsx

#: Real published codes (宁德时代, 华为技术).
CATL = "91350900587527783P"
HUAWEI = "914403001922038216"

FIELDS = {
    "项目类型": "港资",
    "是否世界500强": "是",
    "是否中国500强": "√",
    "是否上市公司": "否",
    "投资方所在地": "深圳市",
    "统一社会信用代码": CATL,
    "固定资产投资(万元)": 30000,
    "预计年产值(万元)": "120,000",
    "预计年税收(万元)": 6000.5,
    "计划开工日期": "2030-03-01",
    "计划投产日期": "2031年6月30日",
    "规划用途": "工业用地",
}


def _import(fields: dict, **values):
    headers = [*HEADERS[:19], *fields]
    return ledger_import(data=xlsx([{**row(**values), **fields}], headers=headers))


def test_it_reads_the_fields_under_the_headers_real_ledgers_use(w):
    result = _import(FIELDS)
    assert result.ok, [e.line() for e in result.errors]
    project = Project.objects.get(original_code="350213-2019-0901")
    assert project.project_type == Project.Type.HMT
    assert (project.is_global500, project.is_china500, project.is_listed) == (True, True, False)
    assert project.investor_region == "440300"
    assert project.investor_uscc == CATL
    assert project.fixed_investment == Decimal("30000")
    assert project.annual_output == Decimal("120000")
    assert project.annual_tax == Decimal("6000.5")
    assert project.planned_start_on == dt.date(2030, 3, 1)
    assert project.planned_production_on == dt.date(2031, 6, 30)
    assert project.land_use == Project.LandUse.INDUSTRIAL
    before = dump()
    assert _import(FIELDS).events == 0
    assert dump() == before


def test_a_deqing_ledger_gives_its_fixed_investment_as_the_amount(w):
    # 德清县驻点招商项目信息采集表: 固定资产投资 is the only amount it has.
    headers = ["项目编号", "项目名称", "投资方", "固定资产投资", "需用土地", "企业联系人"]
    line = ["DQ-1", "德清智能装备项目", "浙江某装备有限公司", 52000, 80, "王先生"]
    result = ledger_import(data=xlsx([line], headers=headers), district=w.district)
    assert result.ok, [e.line() for e in result.errors]
    project = Project.objects.get(original_code="DQ-1")
    assert project.investment == project.fixed_investment == Decimal("52000")


def test_a_change_of_a_field_is_one_update_with_old_and_new(w):
    _import(FIELDS)
    project = Project.objects.get(original_code="350213-2019-0901")
    result = _import({**FIELDS, "项目类型": "外资", "统一社会信用代码": HUAWEI})
    assert result.ok and result.updated == [project.code]
    event = project.events.latest("at", "id")
    assert event.old == {"project_type": "hmt", "investor_uscc": CATL}
    assert event.new == {"project_type": "foreign", "investor_uscc": HUAWEI}


def test_the_export_reads_back_unchanged(w):
    _import(FIELDS)
    out = io.BytesIO()
    ledger_export(out=out, district=w.district)
    before = dump()
    result = ledger_import(data=out.getvalue())
    assert result.ok and result.events == 0 and len(result.unchanged) == 1
    assert dump() == before


@pytest.mark.parametrize(
    ("header", "value", "reason"),
    [
        ("统一社会信用代码", "91350900587527783X", "校验位"),
        ("统一社会信用代码", "9135090058752778", "18 位"),
        ("统一社会信用代码", "91350900587527783I", "不含 I"),
        ("投资方所在地", "火星市", "找不到地区"),
        ("投资方所在地", "999900", "行政区划代码"),
        ("固定资产投资(万元)", -5, "负数"),
        ("预计年产值(万元)", "1000000000", "超出合理范围"),
        ("预计年税收(万元)", "很多", "数字"),
        ("项目类型", "合资", "只能是"),
        ("是否世界500强", "也许", "是”或“否"),
        ("计划开工日期", "2101-01-01", "2100"),
        ("规划用途", "住宅", "只能是"),
    ],
)
def test_it_refuses_a_bad_value_and_writes_nothing(w, header, value, reason):
    before = dump()
    result = _import({**FIELDS, header: value})
    assert not result.ok
    assert any(reason in e.reason and e.row == 2 for e in result.errors), [
        e.line() for e in result.errors
    ]
    assert dump() == before


def test_it_refuses_a_planned_production_before_the_start(w):
    before = dump()
    result = _import({**FIELDS, "计划开工日期": "2031-01-01", "计划投产日期": "2030-01-01"})
    assert not result.ok
    assert any("不能早于计划开工日期" in e.reason for e in result.errors)
    assert dump() == before
