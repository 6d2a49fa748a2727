"""Workbooks built in the tests, and a dump of the whole database to prove "unchanged"."""

import io

from django.apps import apps
from openpyxl import Workbook

from baton.ledger.columns import COLUMNS

HEADERS = [c.header for c in COLUMNS]


def row(**values) -> dict:
    """Return a valid ledger row of the test world (翔安区, 马巷街道), overridden by values."""
    base = {
        "项目编号": "350213-2019-0901",
        "项目名称": "翔安新能源电池项目",
        "投资方": "鹭岛新能源科技有限公司",
        "所属区": "350213",
        "责任单位": "马巷街道",
        "挂钩领导": "陈立新",
        "行业": "新能源",
        "项目阶段": "在谈",
        "阶段日期": "2019-05-01",
        "入库状态": "已入库",
        "入库日期": "2019/4/1",
        "总投资(万元)": 52000.5,
        "拟用地面积(亩)": 80,
        "信息来源": "招商推介会",
        "进展情况": "已完成第二轮洽谈",
        "存在问题": "",
        "联系人": "张先生",
        "联系电话": "13812345678",
        "备注": "",
    }
    base.update(values)
    return base


def xlsx(rows, *, headers=None, sheet="项目台账", history=None, extra=None) -> bytes:
    """Return an .xlsx (bytes) with ``rows`` (dicts by header, or lists) under ``headers``."""
    headers = headers or HEADERS
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers] if isinstance(r, dict) else list(r))
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, as a user may type it
    if history is not None:
        hs = wb.create_sheet("阶段记录")
        hs.append(["项目编号", "阶段", "日期", "说明"])
        for h in history:
            hs.append(list(h))
    if extra:
        extra(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def dump() -> dict:
    """Return every row of every table, by model, ordered by primary key.

    The audit log is left out: it records every import, the refused ones too.
    """
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label != "audit"
    }
