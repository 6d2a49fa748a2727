"""The pack as a Word document (python-docx), with East Asian fonts set on the styles."""

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from baton.core.docx import BODY_FONT, HEAD_FONT, east_asian
from baton.projects.asof import IDLE_DAYS

from . import tables
from .charts import funnel_png, trend_png


def _styles(document) -> None:
    styles = document.styles
    east_asian(styles["Normal"], BODY_FONT)
    styles["Normal"].font.size = Pt(11)
    for name in ("Title", "Heading 1", "Heading 2"):
        east_asian(styles[name], HEAD_FONT)
    east_asian(styles["Table Grid"], BODY_FONT)


def _table(document, header: list[str], rows: list[list], size: float = 9) -> None:
    if not rows:
        document.add_paragraph("无。")
        return
    table = document.add_table(rows=1, cols=len(header), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(size)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run("" if value is None else str(value))
            run.font.size = Pt(size)


def pack_docx(pack) -> bytes:
    """Return the pack as a .docx file's bytes."""
    document = Document()
    _styles(document)
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    title = document.add_heading(pack.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(tables.as_of_text(pack)).alignment = WD_ALIGN_PARAGRAPH.CENTER

    document.add_heading("一、总体情况", level=1)
    document.add_paragraph(pack.paragraph)
    _table(document, *tables.stage_table(pack), size=10.5)
    document.add_picture(io.BytesIO(funnel_png(pack)), width=Cm(14))
    document.add_picture(io.BytesIO(trend_png(pack)), width=Cm(16))

    document.add_heading("二、分单位情况", level=1)
    _table(document, *tables.unit_table(pack), size=8)

    document.add_heading("三、本月项目动态", level=1)
    for heading, rows in tables.movement_blocks(pack):
        document.add_heading(f"{heading}（{len(rows)}个）", level=2)
        _table(document, tables.MOVEMENT_HEADER, rows)

    document.add_heading(f"四、连续{IDLE_DAYS}天无进展项目（{len(pack.idle)}个）", level=1)
    _table(document, *tables.idle_table(pack))

    document.add_heading(
        f"五、存在问题（未解决{len(pack.problems)}个，其中逾期{pack.overdue_count}个）", level=1
    )
    _table(document, *tables.problem_table(pack))

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
