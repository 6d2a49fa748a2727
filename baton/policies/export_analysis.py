"""The analysis as an Excel workbook: the page's tables, and every row behind them.

Amounts are numbers in 万元 and dates date cells; each table's 合计 row adds up the rows
above it with ``SUM`` formulas and each 兑付率 is a formula of its row, so the workbook
adds up in Excel as the page does. Text cells are neutralised (``baton.core.xlsx``).
"""

import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from baton.core.xlsx import BOLD, TITLE, column_widths, neutralize

from .analysis import Analysis, Breakdown

COUNT, WAN, DATE, RATE = "count", "wan", "date", "rate"
FORMATS = {COUNT: "#,##0", WAN: "#,##0.####", DATE: "yyyy-mm-dd", RATE: "0.0%"}
LINE_HEADER = ["核定（件）", "核定金额（万元）", "兑付（笔）", "兑付金额（万元）", "兑付率"]


class Formula(str):
    """A formula this module wrote; every other text is neutralised."""

    __slots__ = ()


def _append(sheet, values: list, kinds: list, *, bold: bool = False) -> None:
    sheet.append(
        [neutralize(v) if isinstance(v, str) and not isinstance(v, Formula) else v for v in values]
    )
    for cell, kind in zip(sheet[sheet.max_row], kinds, strict=False):
        if kind is not None:
            cell.number_format = FORMATS[kind]
        if bold:
            cell.font = BOLD


def _head(sheet, title: str, header: list[str]) -> None:
    sheet.append([neutralize(title)])
    sheet.cell(sheet.max_row, 1).font = BOLD
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD


def _total(sheet, first: int, kinds: list, label_columns: int) -> None:
    """The 合计 row: a SUM of each count and amount column over the rows ``first``.. above."""
    last = sheet.max_row
    values: list = ["合计"] + [""] * (label_columns - 1)
    for i, kind in enumerate(kinds[label_columns:], start=label_columns + 1):
        letter = get_column_letter(i)
        values.append(
            Formula(f"=SUM({letter}{first}:{letter}{last})") if kind in (COUNT, WAN) else None
        )
    _append(sheet, values, kinds, bold=True)


def _rate(columns: int, row: int) -> str:
    """兑付率 of a row: paid over promised, empty when nothing was promised."""
    promised, paid = get_column_letter(columns + 2), get_column_letter(columns + 4)
    return Formula(f'=IF({promised}{row}=0,"",{paid}{row}/{promised}{row})')


def write_breakdown(sheet, table: Breakdown) -> None:
    """A breakdown: its lines, and its 合计 of SUM formulas."""
    labels = [table.column, "说明"]
    kinds = [None, None, COUNT, WAN, COUNT, WAN, RATE]
    _head(sheet, table.title, [*labels, *LINE_HEADER])
    first = sheet.max_row + 1
    for line in table.lines:
        row = sheet.max_row + 1
        values = [line.label, line.detail, line.promised_count, line.promised]
        _append(sheet, [*values, line.paid_count, line.paid, _rate(2, row)], kinds)
    if not table.lines:
        sheet.append(["无"])
        first = sheet.max_row + 1
    _total(sheet, first, kinds, 2)
    total = sheet.max_row
    sheet.cell(total, 7).value = _rate(2, total)
    sheet.append([])


def analysis_xlsx(result: Analysis) -> bytes:
    """Return the workbook: 汇总, 核定明细, 兑付明细, 超上限, 未使用政策, 落地项目申报."""
    book = Workbook()
    summary = book.active
    summary.title = "汇总"
    summary.append([neutralize(f"{result.area.name}政策兑现分析")])
    summary["A1"].font = TITLE
    summary.append([f"统计口径：{result.window_text}；金额单位：万元"])
    summary.append([])
    for table in result.breakdowns.values():
        write_breakdown(summary, table)
    column_widths(summary, [30, 30, 12, 18, 12, 18, 10])

    promised = book.create_sheet("核定明细")
    header = ["兑现编号", "项目编号", "项目名称", "受益人", "政策文号", "条款", "行业"]
    header += ["责任单位", "核定日期", "状态", "核定金额（万元）"]
    kinds: list = [None] * 8 + [DATE, None, WAN]
    _head(promised, f"核定（{result.window_text}）", header)
    first = promised.max_row + 1
    for r in result.promised:
        values: list = [r.code, r.project_code, r.project_name, r.beneficiary, r.policy[1]]
        values += [r.clause[1], r.industry[1], r.unit[1], r.decided_on, r.status, r.amount]
        _append(promised, values, kinds)
    _total(promised, first, kinds, 10)
    column_widths(promised, [20, 18, 30, 24, 22, 10, 12, 14, 12, 8, 16])

    paid = book.create_sheet("兑付明细")
    header = ["兑现编号", "期次", "兑付节点", "项目编号", "项目名称", "受益人", "政策文号"]
    header += ["条款", "行业", "责任单位", "支付日期", "兑付金额（万元）"]
    kinds = [None] * 10 + [DATE, WAN]
    _head(paid, f"兑付（{result.window_text}）", header)
    first = paid.max_row + 1
    for p in result.paid:
        values = [p.code, f"第{p.order}期", p.milestone, p.project_code, p.project_name]
        values += [p.beneficiary, p.policy[1], p.clause[1], p.industry[1], p.unit[1]]
        _append(paid, [*values, p.paid_on, p.amount], kinds)
    _total(paid, first, kinds, 11)
    column_widths(paid, [20, 8, 10, 18, 30, 24, 22, 10, 12, 14, 12, 16])

    excess = book.create_sheet("超上限")
    header = ["类型", "项目编号", "项目名称", "受益人", "政策文号", "条款", "年度"]
    header += ["核定金额（万元）", "上限（万元）", "超出（万元）", "兑现编号"]
    kinds = [None] * 7 + [WAN, WAN, WAN, None]
    _head(excess, f"核定金额超过政策上限（截至{result.as_of:%Y-%m-%d}）", header)
    for e in result.excess:
        row = excess.max_row + 1
        values = [e.kind, e.project_code, e.project_name, e.beneficiary, e.policy_number]
        values += [e.clause_number, e.year or "", e.promised, e.cap, Formula(f"=H{row}-I{row}")]
        _append(excess, [*values, "、".join(e.codes)], kinds)
    if not result.excess:
        excess.append(["无"])
    column_widths(excess, [16, 18, 30, 24, 22, 10, 8, 16, 14, 14, 30])

    unused = book.create_sheet("未使用政策")
    _head(
        unused,
        f"从未使用的政策（{result.window_text}）",
        ["政策文号", "标题", "层级", "施行日期", "失效日期"],
    )
    for policy in result.unused:
        values = [policy.number, policy.title, policy.get_level_display()]
        _append(
            unused, [*values, policy.effective_on, policy.expires_on], [None] * 3 + [DATE, DATE]
        )
    if not result.unused:
        unused.append(["无"])
    column_widths(unused, [24, 44, 8, 12, 12])

    landed = book.create_sheet("落地项目申报")
    share = result.share
    landed.append(
        [
            f"截至{result.as_of:%Y-%m-%d}落地项目{len(share.landed)}个，其中申报政策兑现的{len(share.applied)}个，占比{share.share_text}"
        ]
    )
    landed.append([])
    _head(
        landed, "落地项目", ["项目编号", "项目名称", "责任单位", "阶段", "申报（件）", "是否申报"]
    )
    first = landed.max_row + 1
    for project in share.landed:
        answer = "是" if project.applications else "否"
        values = [project.code, project.name, project.unit, project.stage]
        values += [project.applications, answer]
        _append(landed, values, [None] * 4 + [COUNT, None])
    last = landed.max_row
    landed.append(
        ["落地项目（个）", "", "", "", Formula(f"=COUNTA(A{first}:A{last})") if share.landed else 0]
    )
    landed.append(
        [
            "已申报（个）",
            "",
            "",
            "",
            Formula(f'=COUNTIF(F{first}:F{last},"是")') if share.landed else 0,
        ]
    )
    column_widths(landed, [18, 30, 14, 8, 12, 10])

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
