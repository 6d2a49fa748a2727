"""会议纪要 as a Word document in the 公文 form (GB/T 9704-2012), as the monthly pack is.

A red 发文机关标志 (the district office's name and 纪要, red, centred) over the 文号 and a red
line (版头); the title; then the body: 时间、地点、主持, the attendance (出席, 缺席 with the
reason), the agenda, the minutes' text, and the decisions, each with its owner unit,
person and deadline (and the project of a 督办). The layout, faces and page numbers are
``reports.docx``'s.
"""

import io

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from baton.core.dates import chinese_date
from baton.reports import tables
from baton.reports.docx import (
    BODY_SIZE,
    TITLE_FONT,
    _fonts,
    _footers,
    _page,
    _styles,
    _table,
    _text,
    _title,
)

from .models import Meeting
from .services import plain

RED = RGBColor(0xE6, 0x00, 0x12)


def _red_head(document, meeting: Meeting) -> None:
    """版头: 发文机关标志 in red 小标宋, the 文号 centred under it, a red rule."""
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(48)
    run = paragraph.add_run(f"{meeting.district.name}招商工作领导小组办公室")
    run.font.size = Pt(26)
    run.font.color.rgb = RED
    _fonts(run._r.get_or_add_rPr(), TITLE_FONT)
    number = document.add_paragraph(meeting.number or "（纪要未定稿，无文号）")
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number.paragraph_format.first_line_indent = Pt(0)
    rule = document.add_paragraph()
    rule.paragraph_format.first_line_indent = Pt(0)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "18"), ("space", "1"), ("color", "E60012")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    rule._p.get_or_add_pPr().append(borders)


def _widths(grid, weights: list[float]) -> None:
    """Share the 版心's 156 mm among the columns: the decision's text the widest."""
    total = sum(weights)
    grid.autofit = False
    for column, weight in zip(grid.columns, weights, strict=True):
        width = Mm(156 * weight / total)
        column.width = width
        for cell in column.cells:
            cell.width = width


def _who(rows) -> str:
    names = []
    for row in rows:
        if row.person is not None:
            unit = row.unit.name if row.unit else (row.person.unit.name if row.person.unit else "")
            title = row.person.title
            name = f"{unit}{title}{row.person.name}" if (unit or title) else row.person.name
            names.append(plain(name))
        else:
            names.append(plain(row.unit.name))
    return "、".join(names)


def minutes_docx(meeting: Meeting) -> bytes:
    """Return the meeting's minutes (会议纪要) as a .docx file's bytes."""
    document = Document()
    _styles(document)
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    _page(section)
    _footers(document, section)
    _red_head(document, meeting)
    _title(document, plain(f"{meeting.title}会议纪要"))

    when = chinese_date(meeting.date) if meeting.date else "（未填写）"
    if meeting.time:
        when += meeting.time
    chair = meeting.chair
    document.add_paragraph(
        plain(
            f"{when}，{chair.title if chair else ''}{chair.name if chair else ''}"
            f"{'主持召开' if chair else '召开'}{meeting.month_label}招商工作例会"
            f"{'（' + meeting.place + '）' if meeting.place else ''}，"
            f"听取{meeting.month_label}全区招商项目推进情况汇报，研究部署下步工作。现将会议议定事项纪要如下："
        )
    ).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    document.add_heading("一、会议议程", level=1)
    for item in meeting.agenda.order_by("order", "id"):
        document.add_paragraph(
            plain(f"{item.order}．{item.text}")
        ).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    document.add_heading("二、会议纪要", level=1)
    _text(document, plain(meeting.minutes))

    document.add_heading("三、议定事项", level=1)
    decisions = list(
        meeting.decisions.select_related("owner_unit", "owner_person", "project", "supervision")
    )
    rows = []
    for d in decisions:
        person = d.owner_person.name if d.owner_person else ""
        if d.supervision_id and person:
            person = f"{person}（督办）"
        project = f"{d.project.code} {d.project.name}" if d.project_id else ""
        cells = [str(d.number), d.text, d.owner_unit.name, person, project]
        rows.append([*map(plain, cells), f"{d.deadline:%Y-%m-%d}"])
    _table(
        document,
        tables.Table(["序号", "决定事项", "责任单位", "责任人", "项目", "办结时限"], rows),
    )
    if rows:
        _widths(document.tables[-1], [0.8, 3.3, 1.5, 1.3, 2.0, 1.6])

    attendance = list(meeting.attendance.select_related("unit", "person", "person__unit"))
    present = [a for a in attendance if a.present]
    absent = [a for a in attendance if not a.present]
    document.add_paragraph().paragraph_format.first_line_indent = Pt(0)
    line = document.add_paragraph()
    line.paragraph_format.first_line_indent = Pt(0)
    head = line.add_run("出席：")
    _fonts(head._r.get_or_add_rPr(), "黑体")
    line.add_run(_who(present) or "（未登记）")
    if absent:
        line = document.add_paragraph()
        line.paragraph_format.first_line_indent = Pt(0)
        head = line.add_run("缺席：")
        _fonts(head._r.get_or_add_rPr(), "黑体")
        line.add_run(plain("、".join(f"{_who([a])}（{a.reason}）" for a in absent)))

    day = meeting.date or timezone.localdate()
    document.add_paragraph().paragraph_format.first_line_indent = Pt(0)
    for text, chars in ((f"{meeting.district.name}招商办", 4), (chinese_date(day), 4)):
        paragraph = document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.first_line_indent = Pt(0)
        paragraph.paragraph_format.right_indent = Pt(chars * BODY_SIZE.pt)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def file_name(meeting: Meeting) -> str:
    return f"{meeting.title}会议纪要.docx"
