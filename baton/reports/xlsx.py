"""The pack as an Excel workbook (openpyxl), one sheet a block, the charts as images.

Every amount and count is a number cell with a number format, never text.
"""

import io

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from baton.core.xlsx import BOLD, TITLE, column_widths, neutralize

from . import tables
from .charts import funnel_png, trend_png


def _write(sheet, table: tables.Table, *, title: str | None = None) -> int:
    """Append an optional title, the header and the rows; return the next free row.

    Amounts and counts are numbers with a number format (``tables.NUMBER_FORMATS``); a
    totals row sums the rows above it with ``SUM`` formulas, so the sheet adds up in Excel
    as it does here.
    """
    if title:
        sheet.append([title])
        sheet.cell(sheet.max_row, 1).font = BOLD
    sheet.append(table.header)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    kinds = table.kinds or [None] * len(table.header)
    first = sheet.max_row + 1
    body = table.rows[:-1] if table.total else table.rows
    for row in body or ([] if table.total else [["无"]]):
        sheet.append([neutralize(v) if isinstance(v, str) else v for v in row])
        _formats(sheet, kinds)
    if table.total:
        last = sheet.max_row
        total = table.rows[-1]
        sheet.append(
            [
                f"=SUM({letter}{first}:{letter}{last})" if kind and last >= first else value
                for value, kind, letter in zip(
                    total, kinds, [get_column_letter(i + 1) for i in range(len(total))], strict=True
                )
            ]
        )
        _formats(sheet, kinds)
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD
    sheet.append([])
    return sheet.max_row + 1


def _formats(sheet, kinds: list[str | None]) -> None:
    for cell, kind in zip(sheet[sheet.max_row], kinds, strict=False):
        if kind is not None:
            cell.number_format = tables.NUMBER_FORMATS[kind]


def _image(png: bytes, width: int) -> Image:
    image = Image(io.BytesIO(png))
    ratio = width / image.width
    image.width, image.height = width, int(image.height * ratio)
    return image


def pack_xlsx(pack) -> bytes:
    """Return the pack as an .xlsx file's bytes: 汇总, 分单位, 本月动态, 无进展项目, 存在问题,
    投资信息, 政策兑现, 招商工作."""
    book = Workbook()
    summary = book.active
    summary.title = "汇总"
    summary.append([pack.title])
    summary["A1"].font = TITLE
    summary.append([tables.as_of_text(pack)])
    summary.append([pack.paragraph])
    summary["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    summary.merge_cells("A3:F3")
    summary.row_dimensions[3].height = 90
    summary.append([])
    row = _write(summary, tables.stage_table(pack))
    column_widths(summary, [16, 14, 16, 14, 14, 14])
    summary.add_image(_image(funnel_png(pack), 560), f"A{row}")
    summary.add_image(_image(trend_png(pack), 640), f"A{row + 20}")

    units = book.create_sheet("分单位")
    _write(units, tables.unit_table(pack))
    column_widths(units, [22] + [12] * (2 * len(pack.stage_names) + 2))

    moves = book.create_sheet("本月动态")
    for heading, table in tables.movement_blocks(pack):
        _write(moves, table, title=f"{heading}（{len(table.rows)}个）")
    column_widths(moves, [12, 18, 36, 18, 16, 24])

    idle = book.create_sheet("无进展项目")
    _write(idle, tables.idle_table(pack))
    column_widths(idle, [18, 36, 18, 10, 16, 12, 12])

    problems = book.create_sheet("存在问题")
    _write(problems, tables.problem_table(pack))
    column_widths(problems, [18, 30, 14, 40, 18, 12, 10, 10])

    if pack.leads_year is not None:
        leads = book.create_sheet("投资信息")
        leads.append(["投资信息（第一棒）"])
        leads["A1"].font = TITLE
        leads.append([tables.leads_paragraph(pack)])
        leads["A2"].alignment = Alignment(wrap_text=True, vertical="top")
        leads.merge_cells("A2:F2")
        leads.row_dimensions[2].height = 75
        leads.append([])
        for heading, table in tables.lead_blocks(pack):
            _write(leads, table, title=heading)
        column_widths(leads, [18, 12, 16, 12, 12, 14])

    if pack.policies is not None:
        policies = book.create_sheet("政策兑现")
        policies.append(["政策兑现"])
        policies["A1"].font = TITLE
        policies.append([tables.policies_paragraph(pack)])
        policies["A2"].alignment = Alignment(wrap_text=True, vertical="top")
        policies.merge_cells("A2:F2")
        policies.row_dimensions[2].height = 60
        policies.append([])
        for heading, table in tables.policy_blocks(pack):
            _write(policies, table, title=heading)
        column_widths(policies, [30, 22, 12, 18, 12, 18])

    if pack.work_year is not None:
        work = book.create_sheet("招商工作")
        work.append(["招商工作"])
        work["A1"].font = TITLE
        work.append([tables.work_paragraph(pack)])
        work["A2"].alignment = Alignment(wrap_text=True, vertical="top")
        work.merge_cells("A2:N2")
        work.row_dimensions[2].height = 60
        work.append([])
        for heading, table in tables.work_blocks(pack):
            _write(work, table, title=heading)
        column_widths(work, [22, *[11] * 14])

    if pack.outcomes is not None:
        outcomes = book.create_sheet("履约与效益")
        outcomes.append(["履约与效益"])
        outcomes["A1"].font = TITLE
        outcomes.append([pack.outcomes.paragraph()])
        outcomes["A2"].alignment = Alignment(wrap_text=True, vertical="top")
        outcomes.merge_cells("A2:E2")
        outcomes.row_dimensions[2].height = 75
        outcomes.append([])
        for heading, table in tables.outcome_blocks(pack):
            _write(outcomes, table, title=heading)
        column_widths(outcomes, [24, 12, 14, 12, 12])

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
