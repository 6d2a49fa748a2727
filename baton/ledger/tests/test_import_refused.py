"""The bad-workbook corpus: each is refused with sheet, row, column and reason, and the
database is exactly as it was (RELIABILITY 12)."""

import io
import zipfile

import pytest

from baton.ledger.importer import ledger_import
from baton.ledger.reading import Limits
from baton.testing import make_project

from .helpers import HEADERS, dump, row, xlsx

GOOD = row()
SECOND = row(项目编号="350213-2019-0902", 项目名称="翔安光伏组件项目")


def _formula(wb):
    wb["项目台账"]["L2"] = "=1000+2000"


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return buffer.getvalue()


CASES = {
    # name: (data, limits, (sheet, row, column contains, reason contains))
    "wrong headers": (
        lambda: xlsx([["a", "b"]], headers=["编码", "名称"]),
        None,
        ("项目台账", 1, "项目编号", "找不到表头行"),
    ),
    "missing required column": (
        lambda: xlsx(
            [GOOD], headers=[h for h in HEADERS if h not in ("总投资(万元)", "固定资产投资(万元)")]
        ),
        None,
        ("项目台账", 1, "总投资(万元)", "缺少必填列"),
    ),
    "bad date": (
        lambda: xlsx([row(阶段日期="2019-13-01")]),
        None,
        ("项目台账", 2, "阶段日期", "不存在"),
    ),
    "date as text garbage": (
        lambda: xlsx([row(入库日期="去年五月")]),
        None,
        ("项目台账", 2, "入库日期", "日期格式不正确"),
    ),
    "future date": (
        lambda: xlsx([row(阶段日期="2999-01-01")]),
        None,
        ("项目台账", 2, "阶段日期", "晚于今天"),
    ),
    "negative amount": (
        lambda: xlsx([row(**{"总投资(万元)": -5})]),
        None,
        ("项目台账", 2, "总投资", "负数"),
    ),
    "five decimals": (
        lambda: xlsx([row(**{"总投资(万元)": 1234.56789})]),
        None,
        ("项目台账", 2, "总投资", "4 位小数"),
    ),
    "float drift": (
        lambda: xlsx([row(**{"总投资(万元)": "0.30000000000000004"})]),
        None,
        ("项目台账", 2, "总投资", "4 位小数"),
    ),
    "amount text": (
        lambda: xlsx([row(**{"总投资(万元)": "五千万"})]),
        None,
        ("项目台账", 2, "总投资", "数字"),
    ),
    "unknown stage": (
        lambda: xlsx([row(项目阶段="搁置")]),
        None,
        ("项目台账", 2, "项目阶段", "未知项目阶段"),
    ),
    "unknown unit": (
        lambda: xlsx([row(责任单位="火星街道")]),
        None,
        ("项目台账", 2, "责任单位", "没有这个单位"),
    ),
    "unit of another district": (
        lambda: xlsx([row(责任单位="同安区招商办")]),
        None,
        ("项目台账", 2, "责任单位", "没有这个单位"),
    ),
    "unknown district": (
        lambda: xlsx([row(所属区="999999")]),
        None,
        ("项目台账", 2, "所属区", "找不到这个区"),
    ),
    "unknown industry": (
        lambda: xlsx([row(行业="炼金术")]),
        None,
        ("项目台账", 2, "行业", "新能源"),
    ),
    "unknown leader": (
        lambda: xlsx([row(挂钩领导="张三")]),
        None,
        ("项目台账", 2, "挂钩领导", "领导"),
    ),
    "bad review state": (
        lambda: xlsx([row(入库状态="通过")]),
        None,
        ("项目台账", 2, "入库状态", "只能是"),
    ),
    "bad phone": (
        lambda: xlsx([row(联系电话="call me")]),
        None,
        ("项目台账", 2, "联系电话", "格式"),
    ),
    "empty name": (lambda: xlsx([row(项目名称="")]), None, ("项目台账", 2, "项目名称", "不能为空")),
    "duplicate codes": (
        lambda: xlsx([GOOD, row(项目名称="另一个")]),
        None,
        ("项目台账", 3, "项目编号", "第 2 行重复"),
    ),
    "only the last row bad": (
        lambda: xlsx([GOOD, SECOND, row(项目编号="350213-2019-0903", 项目阶段="不存在")]),
        None,
        ("项目台账", 4, "项目阶段", "未知项目阶段"),
    ),
    "landing without signing date": (
        lambda: xlsx([row(项目阶段="落地")]),
        None,
        ("项目台账", 2, "项目阶段", "签约日期"),
    ),
    "milestone before landing": (
        lambda: xlsx([row(开工日期="2019-06-01")]),
        None,
        ("项目台账", 2, "开工日期", "落地后"),
    ),
    "history of an unknown project": (
        lambda: xlsx([GOOD], history=[("X-1", "策划", "2019-01-01", "")]),
        None,
        ("阶段记录", 2, "项目编号", "没有这个项目编号"),
    ),
    "history with a bad date": (
        lambda: xlsx([GOOD], history=[(GOOD["项目编号"], "策划", "2019.2.30", "")]),
        None,
        ("阶段记录", 2, "日期", "不存在"),
    ),
    "formula": (lambda: xlsx([GOOD], extra=_formula), None, ("项目台账", 2, "", "公式")),
    "truncated": (lambda: xlsx([GOOD])[:-200], None, ("", 0, "", "损坏")),
    "corrupt part": (
        lambda: xlsx([GOOD]).replace(b"xl/worksheets/sheet1.xml", b"xl/worksheets/sheetX.xml"),
        None,
        ("", 0, "", "损坏"),
    ),
    "not a zip": (lambda: "项目编号,项目名称\n".encode(), None, ("", 0, "", "不是有效的 .xlsx")),
    "old xls": (
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        None,
        ("", 0, "", ".xls"),
    ),
    "zip bomb": (_zip_bomb, None, ("", 0, "", "压缩炸弹")),
    "too large": (lambda: xlsx([GOOD]), Limits(max_bytes=1000), ("", 0, "", "文件过大")),
    "too many entries": (lambda: xlsx([GOOD]), Limits(max_entries=3), ("", 0, "", "部件")),
    "too much uncompressed": (
        lambda: xlsx([GOOD]),
        Limits(max_uncompressed=2000),
        ("", 0, "", "解压后"),
    ),
    "too many rows": (
        lambda: xlsx([row(项目编号=f"X-{i}") for i in range(30)]),
        Limits(max_rows=20),
        ("项目台账", 0, "", "上限 20 行"),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_it_refuses_and_writes_nothing(w, case):
    existing = make_project(w, name="已有项目")
    assert existing.pk
    make_data, limits, (sheet, line, column, reason) = CASES[case]
    data = make_data()
    before = dump()
    result = ledger_import(data=data, limits=limits)
    assert not result.ok
    assert dump() == before
    assert any(
        e.sheet == sheet and e.row == line and column in e.column and reason in e.reason
        for e in result.errors
    ), [e.line() for e in result.errors]
    assert result.created == result.updated == []


def test_it_reports_every_bad_cell_not_only_the_first(w):
    data = xlsx([row(阶段日期="x", 责任单位="火星", **{"总投资(万元)": -1})])
    result = ledger_import(data=data)
    columns = {e.column for e in result.errors}
    assert {"阶段日期", "责任单位", "总投资(万元)"} <= columns
    assert all(e.letter for e in result.errors)


def test_it_refuses_a_dry_run_the_same_way_and_a_service_error_rolls_back(w):
    # 中止 then back to 在谈 without a reason is fine (the importer gives one); an
    # admitted project cannot go back to 草稿: the second row fails after the first wrote.
    first = xlsx([GOOD])
    assert ledger_import(data=first).ok
    before = dump()
    data = xlsx([SECOND, row(入库状态="草稿")])
    for dry_run in (True, False):
        result = ledger_import(data=data, dry_run=dry_run)
        assert [e.column for e in result.errors] == ["入库状态"]
        assert "不能改为“草稿”" in result.errors[0].reason
        assert dump() == before
