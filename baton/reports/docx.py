"""The pack as a Word document in the layout of 党政机关公文格式 (GB/T 9704-2012).

- A4, margins 上 37 mm, 下 35 mm, 左 28 mm, 右 26 mm: a 156 × 225 mm 版心.
- 正文 in 仿宋 三号 (16 pt), 22 lines a page (a fixed 28.95 pt line) of 28 characters
  (0.2 pt condensed); first-level headings 一、 in 黑体, second-level （一） in 楷体,
  the title in 小标宋 二号 (22 pt), centred.
- 页码 in 宋体 四号 as "— 1 —", 7 mm under the 版心, odd pages on the right and even
  pages on the left, one character in from the edge of the 版心.
- At the end the issuing office (发文机关署名) and the date as 公文 write it
  (2019年9月5日), four characters in from the right.
- Numbers in the tables with thousands separators (``tables.number_text``).

The styles name the faces a government office has (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312,
黑体); the font table gives each the face Windows ships under it (``w:altName``) for a
Word without them. Where neither is installed the renderer substitutes: on Debian,
``scripts/fonts/gongwen.conf`` maps them to Noto Serif CJK SC (fonts-noto-cjk) for
小标宋 and 仿宋, AR PL UKai (fonts-arphic-ukai) for 楷体 and Noto Sans CJK SC for 黑体.
"""

import datetime as dt
import io

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from baton.core.dates import chinese_date
from baton.core.docx import LATIN_FONT
from baton.projects.asof import IDLE_DAYS

from . import tables
from .charts import funnel_png, trend_png

#: The 公文 faces, as the styles name them, and the Windows face Word falls back to.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
KAI_FONT = "楷体_GB2312"
HEI_FONT = "黑体"
SONG_FONT = "宋体"
ALT_NAMES = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", KAI_FONT: "楷体", HEI_FONT: "SimHei"}

BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
#: 225 mm of 版心 in 22 lines.
LINE_PITCH = Pt(28.95)
#: 156 mm of 版心 in 28 characters of 16 pt: each 0.2 pt closer.
CONDENSE_TWIPS = -4
#: Characters of 二号 on one line of the 版心.
TITLE_CHARS = 20
TABLE_SIZE = Pt(10.5)  # 五号
TABLE_SMALL = Pt(8)
INDENT = 2 * BODY_SIZE  # 首行缩进二字


def _fonts(rpr, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Name the East Asian and Latin fonts on a run's or a style's ``w:rPr``, dropping the
    theme fonts that would otherwise win over them."""
    fonts = rpr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{attr}"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _style(style, east_asia: str, size, *, bold: bool = False) -> None:
    _fonts(style.element.get_or_add_rPr(), east_asia)
    style.font.size = size
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = fmt.space_after = Pt(0)


def _styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _style(normal, BODY_FONT, BODY_SIZE)
    normal.paragraph_format.first_line_indent = INDENT
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CONDENSE_TWIPS))
    normal.element.get_or_add_rPr().append(spacing)
    normal.paragraph_format.widow_control = True
    for name, face in (("Heading 1", HEI_FONT), ("Heading 2", KAI_FONT)):
        heading = styles[name]
        _style(heading, face, BODY_SIZE)
        heading.paragraph_format.first_line_indent = INDENT
        heading.paragraph_format.keep_with_next = True
    _fonts(styles["Table Grid"].element.get_or_add_rPr(), BODY_FONT)
    _font_table(document)


def _font_table(document) -> None:
    """Give each 公文 face its Windows fallback in the document's font table."""
    part = next(
        (r.target_part for r in document.part.rels.values() if r.reltype == RT.FONT_TABLE), None
    )
    if part is None:
        return
    root = etree.fromstring(part.blob)
    for name, alt in ALT_NAMES.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        etree.SubElement(font, qn("w:altName")).set(qn("w:val"), alt)
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")  # GB2312
        family = "modern" if name == HEI_FONT else "roman"
        etree.SubElement(font, qn("w:family")).set(qn("w:val"), family)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page(section) -> None:
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # The number's top 7 mm under the 版心: its 四号 line (with the face's leading) is
    # about 6.5 mm high, measured in LibreOffice.
    section.footer_distance = Mm(35 - 7 - 6.5)


def _page_number(paragraph, *, odd: bool) -> None:
    """ "— n —" in 宋体 四号, one character in from the outside edge of the 版心."""
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    if odd:
        fmt.right_indent = PAGE_NUMBER_SIZE
    else:
        fmt.left_indent = PAGE_NUMBER_SIZE

    def run(text: str = ""):
        r = paragraph.add_run(text)
        r.font.size = PAGE_NUMBER_SIZE
        _fonts(r._r.get_or_add_rPr(), SONG_FONT, SONG_FONT)
        return r

    run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1")):
        r = run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            r._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            r._r.append(instr)
        else:
            r.text = text
    end = run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end._r.append(char)
    run(" —")


def _footers(document, section) -> None:
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], odd=True)
    _page_number(section.even_page_footer.paragraphs[0], odd=False)


def _plain(paragraph):
    """A paragraph outside the text's grid (a table cell, a picture): single spacing, no
    indent."""
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    return paragraph


def _title(document, text: str) -> None:
    """The title in 小标宋 二号, centred; a long one breaks before its （…） so that each
    line keeps its words whole (回行时词意完整)."""
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing = Pt(35)  # a 二号 title's lines, a little wider than the text's
    head, bracket, tail = text.partition("（")
    lines = [head, bracket + tail] if bracket and _width(text) > TITLE_CHARS else [text]
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.font.size = TITLE_SIZE
        _fonts(run._r.get_or_add_rPr(), TITLE_FONT)
        if i < len(lines) - 1:
            run.add_break()
    document.add_paragraph().paragraph_format.first_line_indent = Pt(0)  # 空一行


def _width(text: str) -> float:
    """The width of ``text`` in characters: a half-width letter or digit counts half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def _centered(document, text: str) -> None:
    paragraph = document.add_paragraph(text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)


def _text(document, text: str) -> None:
    """Paragraphs of the office's text, one per line it wrote; 无 when it wrote nothing."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines or ["（未填写）"]:
        paragraph = document.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _table(document, table: tables.Table, size=TABLE_SIZE) -> None:
    if not table.rows:
        document.add_paragraph("无。")
        return
    grid = document.add_table(rows=1, cols=len(table.header), style="Table Grid")
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    kinds = table.kinds or [None] * len(table.header)

    def fill(cell, text: str, *, bold: bool = False, number: bool = False) -> None:
        cell.text = ""
        paragraph = _plain(cell.paragraphs[0])
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if number else WD_ALIGN_PARAGRAPH.LEFT
        run = paragraph.add_run(text)
        run.bold = bold
        run.font.size = size

    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        fill(cell, text, bold=True)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, row in enumerate(table.rows):
        last = table.total and i == len(table.rows) - 1
        cells = grid.add_row().cells
        for cell, value, kind in zip(cells, row, kinds, strict=True):
            fill(cell, tables.number_text(value, kind), bold=last, number=kind is not None)
    _widths(grid, table)
    # The header repeats on every page the table runs over.
    header = grid.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    header.append(repeat)


#: Relative widths of the columns by header; the others get 1.
WIDE = {
    "项目编号": 2.3,
    "项目名称": 2.4,
    "问题描述": 2.2,
    "说明": 2.0,
    "责任单位": 1.6,
    "总投资（万元）": 1.5,
    "问题类别": 1.5,
    "无进展天数": 1.2,
    "项目阶段": 1.2,
    "状态": 1.2,
    "信息来源": 1.4,
    "跟进单位": 1.6,
    "信息状态": 1.4,
    "办理环节": 1.2,
    "政策": 2.4,
    "文号": 2.0,
}
DATES = {"日期": 1.8, "最近动态": 1.8, "办结时限": 1.8}


def _widths(grid, table: tables.Table) -> None:
    """Share the 版心's 156 mm among the columns, the codes, names and dates wider."""
    weights = [WIDE.get(h, DATES.get(h, 1.0)) for h in table.header]
    if table.header[0] == "责任单位":  # the per-unit table: the units' names
        weights[0] = 2.0
    grid.autofit = False
    total = sum(weights)
    for column, weight in zip(grid.columns, weights, strict=True):
        width = Mm(156 * weight / total)
        column.width = width
        for cell in column.cells:
            cell.width = width


def _caption(document, text: str) -> None:
    """A table's name, centred over it in 黑体."""
    paragraph = _plain(document.add_paragraph())
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.keep_with_next = True
    run = paragraph.add_run(text)
    run.font.size = TABLE_SIZE
    _fonts(run._r.get_or_add_rPr(), HEI_FONT)


def _picture(document, png: bytes, width) -> None:
    document.add_picture(io.BytesIO(png), width=width)
    paragraph = _plain(document.paragraphs[-1])
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = Pt(6)


def issuer(scope) -> str:
    """The office the pack is signed by: the district's or the city's 招商办, a unit itself."""
    if scope.unit:
        return f"{scope.unit.district.name}{scope.unit.name}"
    if scope.district:
        return f"{scope.district.name}招商办"
    if scope.city:
        return f"{scope.city.name}招商办"
    return "招商办"


def _signature(document, scope, day: dt.date) -> None:
    """成文日期 four characters in from the right (右空四字) one line under the text, and
    the issuing office centred over it."""
    document.add_paragraph().paragraph_format.first_line_indent = Pt(0)
    name, date = issuer(scope), chinese_date(day)
    offset = max(0.0, (_width(date) - _width(name)) / 2)
    for text, chars in ((name, 4 + offset), (date, 4)):
        paragraph = document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.first_line_indent = Pt(0)
        paragraph.paragraph_format.right_indent = Pt(chars * BODY_SIZE.pt)


def pack_docx(pack, *, signed_on: dt.date | None = None) -> bytes:
    """Return the pack as a .docx file's bytes; ``signed_on`` is the 成文日期 (default: the
    day the month was published, else today)."""
    document = Document()
    _styles(document)
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    _page(section)
    _footers(document, section)

    _title(document, pack.title)
    _centered(document, tables.as_of_text(pack))

    document.add_heading("一、总体情况", level=1)
    paragraph = document.add_paragraph(pack.paragraph)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _table(document, tables.stage_table(pack))
    _picture(document, funnel_png(pack), Mm(140))
    _picture(document, trend_png(pack), Mm(156))

    document.add_heading("二、分单位情况", level=1)
    _table(document, tables.unit_table(pack), size=TABLE_SMALL)

    document.add_heading("三、本月项目动态", level=1)
    for n, (heading, table) in enumerate(tables.movement_blocks(pack)):
        document.add_heading(f"（{'一二三四'[n]}）{heading}（{len(table.rows)}个）", level=2)
        _table(document, table)

    if pack.leads_year is not None:
        document.add_heading("（五）投资信息（第一棒）", level=2)
        paragraph = document.add_paragraph(tables.leads_paragraph(pack))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        for heading, table in tables.lead_blocks(pack):
            _caption(document, heading)
            _table(document, table)

    if pack.policies is not None:
        document.add_heading("（六）政策兑现", level=2)
        paragraph = document.add_paragraph(tables.policies_paragraph(pack))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        for heading, table in tables.policy_blocks(pack):
            _caption(document, heading)
            _table(document, table)

    if pack.work_year is not None:
        document.add_heading("（七）招商工作", level=2)
        paragraph = document.add_paragraph(tables.work_paragraph(pack))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        for heading, table in tables.work_blocks(pack, compact=True):
            _caption(document, heading)
            _table(document, table)

    if pack.outcomes is not None:
        document.add_heading("（八）履约与效益", level=2)
        paragraph = document.add_paragraph(pack.outcomes.paragraph())
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        for heading, table in tables.outcome_blocks(pack):
            _caption(document, heading)
            _table(document, table)

    document.add_heading(f"四、连续{IDLE_DAYS}天无进展项目（{len(pack.idle)}个）", level=1)
    _table(document, tables.idle_table(pack))

    document.add_heading(
        f"五、存在问题（未解决{len(pack.problems)}个，其中逾期{pack.overdue_count}个）", level=1
    )
    _table(document, tables.problem_table(pack))

    document.add_heading("六、工作亮点", level=1)
    _text(document, pack.highlights)
    document.add_heading("七、下步工作", level=1)
    _text(document, pack.next_steps)

    _signature(document, pack.scope, signed_on or pack.published_on or timezone.localdate())

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
