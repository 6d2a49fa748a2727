"""The pack as an Excel workbook (openpyxl), one sheet a block, the charts as images."""

import io

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment

from baton.core.xlsx import BOLD, TITLE, column_widths, neutralize

from . import tables
from .charts import funnel_png, trend_png


def _write(sheet, header: list[str], rows: list[list], *, title: str | None = None) -> int:
    """Append an optional title, the header and the rows; return the next free row."""
    if title:
        sheet.append([title])
        sheet.cell(sheet.max_row, 1).font = BOLD
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    for row in rows or [["无"]]:
        sheet.append([neutralize(v) if isinstance(v, str) else v for v in row])
    sheet.append([])
    return sheet.max_row + 1


def _image(png: bytes, width: int) -> Image:
    image = Image(io.BytesIO(png))
    ratio = width / image.width
    image.width, image.height = width, int(image.height * ratio)
    return image


def pack_xlsx(pack) -> bytes:
    """Return the pack as an .xlsx file's bytes: 汇总, 分单位, 本月动态, 无进展项目, 存在问题."""
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
    row = _write(summary, *tables.stage_table(pack))
    column_widths(summary, [16, 14, 16, 14, 14, 14])
    summary.add_image(_image(funnel_png(pack), 560), f"A{row}")
    summary.add_image(_image(trend_png(pack), 640), f"A{row + 20}")

    units = book.create_sheet("分单位")
    _write(units, *tables.unit_table(pack))
    column_widths(units, [22] + [12] * (2 * len(pack.stage_names) + 2))

    moves = book.create_sheet("本月动态")
    for heading, rows in tables.movement_blocks(pack):
        _write(moves, tables.MOVEMENT_HEADER, rows, title=f"{heading}（{len(rows)}个）")
    column_widths(moves, [12, 18, 36, 18, 16, 24])

    idle = book.create_sheet("无进展项目")
    _write(idle, *tables.idle_table(pack))
    column_widths(idle, [18, 36, 18, 10, 16, 12, 12])

    problems = book.create_sheet("存在问题")
    _write(problems, *tables.problem_table(pack))
    column_widths(problems, [18, 30, 14, 40, 18, 12, 10, 10])

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
