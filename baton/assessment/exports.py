"""A ranking as an Excel workbook (openpyxl, write-only) and as a Word document (python-docx).

Both hold exactly the stored lines of the ranking — for a published one, the record —
never a fresh computation: the ranking sheet (名次, 单位, 分组, each indicator's score,
总分), the red and black lists and every score's formula with its numbers. Text cells
are neutralised against formula injection (``baton.core.xlsx.neutralize``).
"""

import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, PatternFill

from baton.core.docx import BODY_FONT, HEAD_FONT, east_asian
from baton.core.xlsx import BOLD, TITLE, column_widths, neutralize

from .engine import num
from .models import Ranking, RankingLine
from .periods import period_label
from .selectors import honor_roll, ranking_lines
from .services import plain

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMATS = {"xlsx": XLSX, "docx": DOCX}
HONOR_SIZE = 3


@dataclass
class Sheet:
    """What both formats print, read once from the stored lines."""

    title: str
    subtitle: str
    columns: list[str]  # the indicators' names, in the scheme's order
    lines: list[RankingLine]
    red: list[RankingLine]
    black: list[RankingLine]

    @property
    def header(self) -> list[str]:
        return ["名次", "单位", "分组", "总分", *self.columns]

    def row(self, line: RankingLine) -> list:
        scores = [Decimal(s["score"]) for s in line.scores]
        return [line.rank, line.party_name, line.group or "", line.total, *scores]


def bounded_text(score: dict) -> str:
    """ "1.08 → 封顶 0.5" when the rule's cap (or floor) changed the item's score, else ""."""
    raw, kept = score.get("raw"), score.get("score")
    if raw is None or Decimal(raw) == Decimal(kept):
        return ""
    word = "封顶" if Decimal(raw) > Decimal(kept) else "保底"
    return f"{num(Decimal(raw))} → {word} {num(Decimal(kept))}"


def entered_text(score: dict) -> str:
    """The entered figures an item counted, each with its source and reason."""
    return "；".join(
        f"{e['name']} {e['value']}（{e['source']}，{e['period']}）：{e['reason']}"
        for e in score.get("entered", [])
    )


def explained(score: dict) -> str:
    """The item's formula, its cap if it bit, and the entered figures behind it."""
    text = score["formula"]
    if bounded_text(score):
        text += f"（{bounded_text(score)}）"
    if score.get("entered"):
        text += f"\n录入数据：{entered_text(score)}"
    return text


def scheme_title(scheme) -> str:
    """The scheme's name led by its district's (or city's), unless the name says it already."""
    district = scheme.owner_name
    return scheme.name if scheme.name.startswith(district) else f"{district}{scheme.name}"


def ranking_title(ranking: Ranking) -> str:
    label = period_label(ranking.period_start, ranking.period_end)
    return f"{scheme_title(ranking.scheme)}考核排名（{label}）"


def ranking_sheet(ranking: Ranking) -> Sheet:
    lines = ranking_lines(ranking=ranking)
    roll = honor_roll(lines, HONOR_SIZE)
    columns = [s["name"] for s in lines[0].scores] if lines else []
    scheme = ranking.scheme
    parts = [f"考核方案：{scheme.name}（第 {scheme.version} 版）"]
    if ranking.status == Ranking.Status.PUBLISHED:
        published = timezone.localtime(ranking.published_at)
        parts.append(f"{published:%Y年%m月%d日}发布")
    else:
        computed = timezone.localtime(ranking.computed_at)
        parts.append(f"试算结果，未发布（{computed:%Y-%m-%d %H:%M} 计算）")
    return Sheet(
        title=ranking_title(ranking),
        subtitle="　".join(parts),
        columns=columns,
        lines=lines,
        red=roll.red,
        black=roll.black,
    )


def file_name(ranking: Ranking, fmt: str) -> str:
    draft = "" if ranking.status == Ranking.Status.PUBLISHED else "（试算）"
    return f"{ranking_title(ranking)}{draft}.{fmt}"


# --- Excel -------------------------------------------------------------------------------

_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_RED_FILL = PatternFill("solid", fgColor="FDE2E1")
_BLACK_FILL = PatternFill("solid", fgColor="E9ECEF")
_WRAP = Alignment(wrap_text=True, vertical="top")
_SCORE = "0.00"


def _cell(sheet, value, *, font=None, fill=None, number_format=None, alignment=None):
    cell = WriteOnlyCell(sheet, value=neutralize(value) if isinstance(value, str) else value)
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    if alignment:
        cell.alignment = alignment
    return cell


def _head(sheet, names: list[str]) -> list:
    return [_cell(sheet, name, font=BOLD, fill=_HEAD_FILL, alignment=_WRAP) for name in names]


def _scored(sheet, row: list, fill=None) -> list:
    return [
        _cell(sheet, v, fill=fill, number_format=_SCORE if isinstance(v, Decimal) else None)
        for v in row
    ]


def ranking_xlsx(ranking: Ranking) -> bytes:
    """Return the ranking as .xlsx bytes: sheets 考核排名, 红黑榜 and 计算过程."""
    data = ranking_sheet(ranking)
    book = Workbook(write_only=True)

    main = book.create_sheet("考核排名")
    column_widths(main, [6, 26, 12, 10, *[14] * len(data.columns)])
    main.freeze_panes = "E4"
    main.append([_cell(main, data.title, font=TITLE)])
    main.append([_cell(main, data.subtitle)])
    main.append(_head(main, data.header))
    red = {line.pk for line in data.red}
    black = {line.pk for line in data.black}
    for line in data.lines:
        fill = _RED_FILL if line.pk in red else _BLACK_FILL if line.pk in black else None
        main.append(_scored(main, data.row(line), fill))

    honor = book.create_sheet("红黑榜")
    column_widths(honor, (10, 6, 26, 10, 10))
    honor.append([_cell(honor, data.title, font=TITLE)])
    honor.append(_head(honor, ["榜单", "名次", "单位", "分组", "总分"]))
    for label, lines, fill in (("红榜", data.red, _RED_FILL), ("黑榜", data.black, _BLACK_FILL)):
        for line in lines:
            honor.append(
                _scored(honor, [label, line.rank, line.party_name, line.group, line.total], fill)
            )

    steps = book.create_sheet("计算过程")
    column_widths(steps, (6, 26, 10, 24, 60, 10))
    steps.append([_cell(steps, data.title, font=TITLE)])
    steps.append(_head(steps, ["名次", "单位", "分组", "指标", "计算过程", "得分"]))
    for line in data.lines:
        for score in line.scores:
            steps.append(
                _scored(
                    steps,
                    [
                        line.rank,
                        line.party_name,
                        line.group,
                        score["name"],
                        explained(score),
                        Decimal(score["score"]),
                    ],
                )
            )
        steps.append(
            _scored(
                steps, [line.rank, line.party_name, line.group, "总分", "各项得分之和", line.total]
            )
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Word --------------------------------------------------------------------------------


def _table(document, header: list[str], rows: list[list], *, size: float = 9, widths=None):
    table = document.add_table(rows=1, cols=len(header), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(table.rows[0].cells, header, strict=True):
        run = cell.paragraphs[0].add_run(name)
        run.bold = True
        run.font.size = Pt(size)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            # Stored text may carry control characters Word cannot write.
            shown = f"{value:.2f}" if isinstance(value, Decimal) else plain(value)
            paragraph = cell.paragraphs[0]
            paragraph.add_run(shown).font.size = Pt(size)
            if isinstance(value, Decimal | int):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if widths:
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)
    return table


def _merge_runs(table, column: int) -> None:
    """Merge the cells of ``column`` that repeat the one above (a unit's block of rows)."""
    rows = table.rows
    start = 1
    for i in range(2, len(rows) + 1):
        if i < len(rows) and rows[i].cells[column].text == rows[start].cells[column].text:
            continue
        if i - 1 > start:
            text = rows[start].cells[column].text
            merged = rows[start].cells[column].merge(rows[i - 1].cells[column])
            for paragraph in merged.paragraphs[1:]:
                paragraph._element.getparent().remove(paragraph._element)
            merged.paragraphs[0].runs[0].text = text
        start = i


def ranking_docx(ranking: Ranking) -> bytes:
    """Return the ranking as .docx bytes (A4 landscape, CJK fonts set on the styles)."""
    data = ranking_sheet(ranking)
    document = Document()
    for name, font in (("Normal", BODY_FONT), ("Title", HEAD_FONT), ("Heading 1", HEAD_FONT)):
        east_asian(document.styles[name], font)
    east_asian(document.styles["Table Grid"], BODY_FONT)
    document.styles["Normal"].font.size = Pt(10.5)
    for name in ("Title", "Heading 1"):
        document.styles[name].font.color.rgb = RGBColor(0, 0, 0)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(1.8)
    section.top_margin = section.bottom_margin = Cm(1.6)

    title = document.add_heading(data.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in title.runs:
        run.font.size = Pt(18)
    document.add_paragraph(data.subtitle).alignment = WD_ALIGN_PARAGRAPH.CENTER

    document.add_heading("一、红黑榜", level=1)
    honor = [["红榜", line.rank, line.party_name, line.total] for line in data.red]
    honor += [["黑榜", line.rank, line.party_name, line.total] for line in data.black]
    _table(document, ["榜单", "名次", "单位", "总分"], honor, size=10.5, widths=[2.5, 2, 9, 3])

    document.add_heading("二、考核排名", level=1)
    size = 9 if len(data.columns) <= 6 else 7.5
    fixed = [1.1, 4.6, 2.4, 1.7]
    rest = max(1.2, (26 - sum(fixed)) / max(1, len(data.columns)))
    rows = [data.row(line) for line in data.lines]
    _table(document, data.header, rows, size=size, widths=fixed + [rest] * len(data.columns))

    document.add_heading("三、计算过程", level=1)
    document.add_paragraph(
        "各项得分按考核办法计算，保留两位小数；总分由各项未取整的得分相加后再取两位小数，"
        "因此可能与各项得分之和相差 0.01。"
    )
    rows = []
    for line in data.lines:
        for score in line.scores:
            rows.append(
                [
                    f"{line.rank}. {line.party_name}",
                    score["name"],
                    explained(score),
                    Decimal(score["score"]),
                ]
            )
        rows.append([f"{line.rank}. {line.party_name}", "总分", "", line.total])
    steps = _table(
        document, ["单位", "指标", "计算过程", "得分"], rows, size=8.5, widths=[5.5, 5.5, 12.5, 2.5]
    )
    _merge_runs(steps, 0)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def ranking_export(ranking: Ranking, fmt: str) -> bytes:
    return ranking_xlsx(ranking) if fmt == "xlsx" else ranking_docx(ranking)
