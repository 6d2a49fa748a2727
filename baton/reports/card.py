"""打印项目卡片: one A4 page about a project, with its relay timeline, as a PDF.

Drawn with reportlab in a Chinese face from Debian's packages, embedded so the page
prints the same anywhere: AR PL UMing (fonts-arphic-uming), else WenQuanYi Zen Hei
(fonts-wqy-zenhei), else reportlab's built-in STSong-Light (a CID font the reader
supplies). The page holds what the project page shows for a meeting on paper: the
fields, the relay of units, the milestones, progress and problems, and the newest
events of the timeline (the oldest are dropped, and the page says how many, so that it
stays one page). A contact's phone is always masked on paper.
"""

import functools
import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Frame, KeepInFrame, Paragraph, Spacer, Table, TableStyle

from baton.accounts import privacy
from baton.core.dates import chinese_date
from baton.projects.duplicates import candidates_shown
from baton.projects.events import Names, describe
from baton.projects.models import Milestone, Project
from baton.projects.selectors import project_events

from .tables import WAN, number_text

#: Debian's TrueType Chinese faces, in order of preference: (file, face in the collection).
FONT_FILES = (
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
)
FALLBACK_FONT = "STSong-Light"
#: The newest events the page lists.
TIMELINE_ROWS = 18
MARGIN = 15 * mm


@functools.cache
def card_font() -> str:
    """Register and return the name of the face the card is drawn in."""
    for path, index in FONT_FILES:
        if Path(path).exists():
            try:
                pdfmetrics.registerFont(TTFont("BatonCJK", path, subfontIndex=index))
            except Exception:  # noqa: S112 — a damaged file: try the next one
                continue
            return "BatonCJK"
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5),
        "label": ParagraphStyle("label", parent=base, textColor=colors.HexColor("#444444")),
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, alignment=TA_CENTER),
        "kicker": ParagraphStyle(
            "kicker", parent=base, fontSize=9, alignment=TA_CENTER, textColor=colors.grey
        ),
        "head": ParagraphStyle("head", parent=base, fontSize=11.5, leading=16, spaceBefore=6),
    }


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _show(value) -> str:
    return "—" if value in (None, "") else str(value)


def _grid(rows, widths, styles) -> Table:
    table = Table(rows, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#f2f2f2")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _fields(project: Project, styles) -> Table:
    label, body = styles["label"], styles["body"]
    pairs = [
        ("项目编号", project.code),
        ("原编号", project.original_code or "—"),
        ("项目名称", project.name),
        ("投资方", _show(project.investor)),
        ("所属区", project.district),
        ("所属行业", _show(project.industry)),
        ("总投资", f"{number_text(project.investment, WAN)} 万元"),
        ("项目阶段", project.stage),
        ("审核状态", project.get_review_state_display()),
        ("责任单位", project.unit),
        ("挂钩领导", _show(project.leader)),
        ("联系人", _show(project.contact_name)),
        ("信息提供单位", _show(project.info_unit)),
        ("洽谈单位", _show(project.talks_unit)),
        ("落地单位", _show(project.landing_unit)),
        ("协作单位", "、".join(sorted(str(u) for u in project.co_units.all())) or "—"),
    ]
    rows = [
        [_p(a, label), _p(b, body), _p(c, label), _p(d, body)]
        for (a, b), (c, d) in zip(pairs[::2], pairs[1::2], strict=True)
    ]
    return _grid(rows, [27 * mm, 63 * mm, 27 * mm, 63 * mm], styles)


def _milestones(project: Project, styles) -> Table:
    dates = {m.kind: m.date for m in project.milestones.all()}
    head = [_p(kind.label, styles["label"]) for kind in Milestone.Kind]
    days = [
        _p(f"{dates[kind]:%Y-%m-%d}" if kind in dates else "—", styles["body"])
        for kind in Milestone.Kind
    ]
    width = 180 * mm / len(head)
    table = Table([head, days], colWidths=[width] * len(head))
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ]
        )
    )
    return table


def card_timeline(project: Project, user) -> list[dict]:
    """The project's events worded as on its page, newest first, phones masked."""
    events = list(project_events(project=project))
    for event in events:
        event.old = privacy.masked_values(event.old)
        event.new = privacy.masked_values(event.new)
    candidates_shown(user, events)
    names = Names(events)
    return [describe(event, names) for event in reversed(events)]


def _timeline(entries: list[dict], styles) -> list:
    shown = entries[:TIMELINE_ROWS]
    head = f"接力动态（共{len(entries)}条"
    head += f"，列最近{len(shown)}条）" if len(shown) < len(entries) else "）"
    flow: list = [_p(head, styles["head"])]
    if not shown:
        return [*flow, _p("暂无动态。", styles["body"])]
    small = styles["small"]
    rows = [[_p("时间", small), _p("事项", small), _p("经办", small)]]
    for e in shown:
        what = e["title"]
        if e.get("baton"):
            what += f"：{e['baton'][0]} → {e['baton'][1]}"
        lines = [what, *e.get("lines", [])]
        if e.get("text"):
            lines.append(e["text"])
        when = timezone.localtime(e["at"])
        rows.append(
            [_p(f"{when:%Y-%m-%d %H:%M}", small), _p("\n".join(lines), small), _p(e["who"], small)]
        )
    table = Table(rows, colWidths=[28 * mm, 127 * mm, 25 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#aaaaaa")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return [*flow, table]


def project_card_pdf(project: Project, user) -> bytes:
    """Return the project's card as a one-page A4 PDF's bytes."""
    from reportlab.pdfgen.canvas import Canvas

    font = card_font()
    styles = _styles(font)
    story = [
        _p("招商引资项目卡片", styles["kicker"]),
        _p(project.name, styles["title"]),
        Spacer(1, 3 * mm),
        _fields(project, styles),
        _p("里程碑", styles["head"]),
        _milestones(project, styles),
        _p("进展情况", styles["head"]),
        _p(_show(project.progress), styles["body"]),
        _p("存在问题", styles["head"]),
        _p(_show(project.issues_text), styles["body"]),
        *_timeline(card_timeline(project, user), styles),
    ]
    out = io.BytesIO()
    width, height = A4
    canvas = Canvas(out, pagesize=A4, invariant=True)
    canvas.setTitle(f"{project.code} {project.name} 项目卡片")
    canvas.setAuthor("接力棒")
    frame = Frame(MARGIN, MARGIN + 6 * mm, width - 2 * MARGIN, height - 2 * MARGIN - 6 * mm)
    # Whatever is too long shrinks to fit: a card is one page.
    frame.addFromList([KeepInFrame(frame._aW, frame._aH, story, mode="shrink")], canvas)
    canvas.setFont(font, 8)
    canvas.setFillColor(colors.grey)
    printed = timezone.localtime()
    canvas.drawString(
        MARGIN,
        MARGIN,
        f"{project.code} · 打印：{user.display_name} · {chinese_date(printed.date())} {printed:%H:%M} · 接力棒",
    )
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def print_card(request, project: Project) -> str:
    """The project page's side card that offers the printable card."""
    return render_to_string("reports/_print_card.html", {"project": project}, request)
