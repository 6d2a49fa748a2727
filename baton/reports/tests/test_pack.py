"""The monthly report pack: its blocks for a constructed month, and the Word and Excel files."""

import datetime as dt
import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import load_workbook

from baton.demo.tests.test_demo import SEED_PARAGRAPH
from baton.projects import services
from baton.reports import render
from baton.reports.docx import pack_docx
from baton.reports.pack import month_ends_up_to, pack_build
from baton.reports.selectors import Scope
from baton.reports.xlsx import pack_xlsx
from baton.supervision import services as supervision_services
from baton.supervision.models import Problem
from baton.testing import admit, at, make_project, stage

D = dt.date(2019, 8, 31)


@pytest.fixture
def month(w):
    """A 翔安 library with one of each movement in 2019-08, an idle project and problems."""
    n = {}
    n["moved"] = make_project(w, name="锂电池隔膜生产基地", investment="10000", at=at(2019, 6, 1))
    admit(w, n["moved"], when=at(2019, 6, 5))
    services.project_move(
        project=n["moved"], stage=stage("intent"), actor=w.promoter, at=at(2019, 8, 10)
    )
    services.project_handoff(
        project=n["moved"],
        to_unit=w.other_town,
        actor=w.office,
        reason="项目选址调整到新店",
        at=at(2019, 8, 20),
    )
    n["new"] = make_project(w, name="航空发动机维修基地", investment="5000", at=at(2019, 7, 1))
    admit(w, n["new"], when=at(2019, 8, 3))
    n["landed"] = make_project(
        w,
        name="第三代半导体衬底项目",
        investor="厦门芯光半导体股份有限公司",
        investment="100000",
        stage=stage("negotiating"),
        at=at(2019, 5, 1),
    )
    admit(w, n["landed"], when=at(2019, 5, 2))
    services.project_move(
        project=n["landed"],
        stage=stage("landed"),
        actor=w.promoter,
        fields={"signed_on": dt.date(2019, 8, 14)},
        at=at(2019, 8, 15),
    )
    solved = supervision_services.problem_open(
        project=n["landed"],
        actor=w.promoter,
        category=Problem.Category.LAND,
        description="用地指标未落实",
        responsible_unit=w.department,
        deadline=dt.date(2019, 9, 30),
        at=at(2019, 8, 16),
    )
    supervision_services.problem_update(
        problem=solved, actor=w.office, status="resolved", note="已调剂指标", at=at(2019, 8, 20)
    )
    n["idle"] = make_project(w, name="冷链物流园", investment="8000", at=at(2019, 3, 1))
    admit(w, n["idle"], when=at(2019, 3, 2))
    supervision_services.problem_open(
        project=n["idle"],
        actor=w.promoter,
        category=Problem.Category.APPROVAL,
        description="环评批复未下达",
        responsible_unit=w.department,
        deadline=dt.date(2019, 7, 31),
        at=at(2019, 7, 1),
    )
    later = supervision_services.problem_open(
        project=n["idle"],
        actor=w.promoter,
        category=Problem.Category.FUNDS,
        description="融资未到位",
        responsible_unit=w.town,
        deadline=dt.date(2019, 10, 31),
        at=at(2019, 7, 2),
    )
    supervision_services.problem_update(
        problem=later, actor=w.office, status="resolved", note="银行已放款", at=at(2019, 9, 5)
    )
    # Admitted after D: in no block of August.
    n["late"] = make_project(w, name="海洋生物医药产业园", investment="6000", at=at(2019, 8, 1))
    admit(w, n["late"], when=at(2019, 9, 2))
    return n


def test_it_builds_each_block_of_the_month(w, month):
    pack = pack_build(scope=Scope(district=w.district), as_of=D)
    assert pack.title == "厦门翔安区招商引资项目月报（2019年8月）"
    assert pack.paragraph.startswith(
        "截至2019年8月31日，厦门翔安区上报并经市招商办审核入库招商项目4个，投资总额12.3亿元。"
    )
    assert pack.stage_names == ["策划", "意向", "在谈", "落地"]
    zero = (0, Decimal("0.0000"))
    assert [(u.name, u.cells) for u in pack.units] == [
        ("马巷街道", [(2, Decimal("13000.0000")), zero, zero, (1, Decimal("100000.0000"))]),
        ("新店街道", [zero, (1, Decimal("10000.0000")), zero, zero]),
    ]
    assert [(m.day, m.name, m.detail) for m in pack.admissions] == [
        (dt.date(2019, 8, 3), "航空发动机维修基地", "")
    ]
    assert [(m.day, m.name, m.detail) for m in pack.advances] == [
        (dt.date(2019, 8, 10), "锂电池隔膜生产基地", "策划→意向")
    ]
    assert [(m.day, m.name, m.detail, m.investment) for m in pack.landings] == [
        (dt.date(2019, 8, 15), "第三代半导体衬底项目", "在谈→落地", Decimal("100000.0000"))
    ]
    assert [(m.day, m.name, m.unit, m.detail) for m in pack.handoffs] == [
        (dt.date(2019, 8, 20), "锂电池隔膜生产基地", "新店街道", "马巷街道→新店街道")
    ]
    assert [(r.name, r.last_day, r.days) for r in pack.idle] == [
        ("冷链物流园", dt.date(2019, 7, 2), 60)
    ]
    # Open at D: the overdue 环评 problem and the 融资 one (resolved only in September).
    assert [(p.description, p.status, p.overdue) for p in pack.problems] == [
        ("环评批复未下达", "待解决", True),
        ("融资未到位", "待解决", False),
    ]
    assert pack.overdue_count == 1
    assert [p.day for p in pack.trend] == month_ends_up_to(D)
    assert [(p.count, p.investment) for p in pack.trend[-7:]] == [
        (0, Decimal("0.0000")),
        (1, Decimal("8000.0000")),
        (1, Decimal("8000.0000")),
        (2, Decimal("108000.0000")),
        (3, Decimal("118000.0000")),
        (3, Decimal("118000.0000")),
        (4, Decimal("123000.0000")),
    ]


def test_it_narrows_the_pack_to_what_the_user_sees(w, month):
    pack = pack_build(scope=Scope(unit=w.other_town), as_of=D, user=w.other_promoter)
    assert [u.name for u in pack.units] == ["新店街道"]
    assert [m.name for m in pack.handoffs] == ["锂电池隔膜生产基地"]
    assert pack.admissions == [] and pack.landings == [] and pack.problems == []


def test_month_ends_up_to_a_mid_month_day():
    days = month_ends_up_to(dt.date(2020, 3, 15), 4)
    assert days == [
        dt.date(2019, 12, 31),
        dt.date(2020, 1, 31),
        dt.date(2020, 2, 29),
        dt.date(2020, 3, 15),
    ]


def _docx_text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _east_asian(element) -> str:
    return element.rPr.rFonts.get(f"{W}eastAsia")


def test_the_docx_holds_the_paragraph_the_tables_and_two_charts(w, month):
    pack = pack_build(scope=Scope(district=w.district), as_of=D)
    document = Document(io.BytesIO(pack_docx(pack, signed_on=dt.date(2019, 9, 5))))
    text = _docx_text(document)
    assert pack.title in text and pack.paragraph in text
    assert len(document.inline_shapes) == 2
    headers = [[c.text for c in t.rows[0].cells] for t in document.tables]
    assert headers[0] == ["项目阶段", "项目数（个）", "总投资（亿元）"]
    assert headers[1][:3] == ["责任单位", "策划（个）", "策划（亿元）"]
    stage_rows = [[c.text for c in row.cells] for row in document.tables[0].rows[1:]]
    assert stage_rows[-1] == ["合计", "4", "12.30"]
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert {"航空发动机维修基地", "在谈→落地", "马巷街道→新店街道", "环评批复未下达"} <= cells
    # 万元 with thousands separators, exactly as stored.
    assert {"5,000", "10,000", "100,000", "8,000"} <= cells
    # The office's sections, still empty, and the signature: office and 成文日期.
    assert text.index("六、工作亮点") < text.index("七、下步工作")
    assert text.count("（未填写）") == 2
    assert text.rstrip().endswith("翔安区招商办\n2019年9月5日")


def test_the_docx_is_laid_out_as_gb_t_9704(w, month):
    pack = pack_build(scope=Scope(district=w.district), as_of=D)
    document = Document(io.BytesIO(pack_docx(pack)))
    section = document.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.1)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [m.mm for m in margins] == pytest.approx([37, 35, 28, 26], abs=0.1)
    normal = document.styles["Normal"]
    assert _east_asian(normal.element) == "仿宋_GB2312"
    assert normal.font.size.pt == 16  # 三号
    assert normal.paragraph_format.line_spacing.pt == pytest.approx(28.95, abs=0.05)
    # 22 lines in the 225 mm of 版心.
    assert 225 / (normal.paragraph_format.line_spacing.pt * 25.4 / 72) == pytest.approx(
        22, abs=0.05
    )
    assert _east_asian(document.styles["Heading 1"].element) == "黑体"
    assert _east_asian(document.styles["Heading 2"].element) == "楷体_GB2312"
    theme = document.styles["Heading 1"].element.rPr.rFonts.get(f"{W}eastAsiaTheme")
    assert theme is None  # a theme font would win over the named one
    title = document.paragraphs[0]
    assert title.text == pack.title
    assert {_east_asian(r._r) for r in title.runs} == {"方正小标宋简体"}
    assert {r.font.size.pt for r in title.runs} == {22}  # 二号
    # The fallbacks Word uses where the 公文 faces are not installed.
    table = next(
        r.target_part for r in document.part.rels.values() if r.reltype.endswith("/fontTable")
    )
    assert "方正小标宋简体" in table.blob.decode() and 'w:val="仿宋"' in table.blob.decode()
    # Page numbers "— n —": odd pages right, even pages left, each its own footer.
    assert document.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for footer in (odd, even):
        assert footer.text.startswith("— ") and footer.text.endswith(" —")
        assert "PAGE" in footer._p.xml and "fldChar" in footer._p.xml
        assert {r.font.size.pt for r in footer.runs} == {14}  # 四号
    assert (odd.alignment, even.alignment) == (WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT)


def test_a_long_title_breaks_before_its_month(w, month):
    long = Scope(unit=w.town)
    pack = pack_build(scope=long, as_of=D)
    assert len(pack.title) > 20
    title = Document(io.BytesIO(pack_docx(pack))).paragraphs[0]
    head, month_line = title.text.split("\n")
    assert month_line == "（2019年8月）" and head + month_line == pack.title


def _sheet_numbers(sheet) -> list[tuple[str, object, str]]:
    return [
        (cell.coordinate, cell.value, cell.number_format)
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def test_the_xlsx_has_its_sheets_and_two_charts(w, month):
    pack = pack_build(scope=Scope(district=w.district), as_of=D)
    book = load_workbook(io.BytesIO(pack_xlsx(pack)))
    assert book.sheetnames == [
        "汇总",
        "分单位",
        "本月动态",
        "无进展项目",
        "存在问题",
        "投资信息",
        "政策兑现",
        "招商工作",
        "履约与效益",
    ]
    assert book["汇总"]["A3"].value == pack.paragraph
    assert sum(len(sheet._images) for sheet in book.worksheets) == 2
    values = {c.value for row in book["本月动态"].iter_rows() for c in row}
    assert {"本月新入库项目（1个）", "航空发动机维修基地", "马巷街道→新店街道"} <= values
    assert book["无进展项目"]["B2"].value == "冷链物流园"
    assert book["存在问题"]["H2"].value == "逾期"


def test_every_amount_in_the_xlsx_is_a_number_and_the_totals_sum(w, month):
    pack = pack_build(scope=Scope(district=w.district), as_of=D)
    book = load_workbook(io.BytesIO(pack_xlsx(pack)))
    summary = book["汇总"]
    header = next(r for r in summary.iter_rows() if r[0].value == "项目阶段")[0].row
    body = [[c for c in row] for row in summary.iter_rows(min_row=header + 1, max_row=header + 4)]
    total = summary[header + 5]
    assert [c.value for c in body[0][:3]] == ["策划", 2, 1.3]
    for row in body:
        assert isinstance(row[1].value, int) and row[1].number_format == "#,##0"
        assert isinstance(row[2].value, int | float) and row[2].number_format == "#,##0.00"
    assert total[0].value == "合计"
    assert total[1].value == f"=SUM(B{header + 1}:B{header + 4})"
    assert total[2].value == f"=SUM(C{header + 1}:C{header + 4})"
    # The cells sum to the pack's figures exactly (亿元 = 万元 ÷ 10,000, not rounded).
    assert sum(Decimal(str(row[2].value)) for row in body) * 10_000 == pack.figures.investment
    units = book["分单位"]
    last = units.max_row  # the totals row
    assert units.cell(last, 1).value == "合计"
    assert units.cell(last, 2).value == f"=SUM(B2:B{last - 1})"
    assert units.cell(2, 11).number_format == "#,##0.00"
    # No amount anywhere is text: every cell under a 万元 or 亿元 header is a number.
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                head = sheet.cell(1, cell.column).value or ""
                if cell.row > 1 and ("万元" in str(head) or "亿元" in str(head)):
                    if cell.value is None or str(cell.value).startswith("=SUM"):
                        continue
                    assert isinstance(cell.value, int | float), (sheet.title, cell.coordinate)
    moves = _sheet_numbers(book["本月动态"])
    amounts = [(v, f) for coord, v, f in moves if coord.startswith("E") and not isinstance(v, str)]
    assert (5000, "#,##0.####") in amounts and (100000, "#,##0.####") in amounts


@pytest.mark.skipif(
    not shutil.which("soffice") or not Path("/usr/lib/libreoffice/program/libsclo.so").exists(),
    reason="LibreOffice Calc (libreoffice-calc-nogui) is not installed",
)
def test_libreoffice_calc_sums_the_xlsx(w, month, tmp_path):
    """LibreOffice recalculates the totals rows: they equal the pack's figures."""
    pack = pack_build(scope=Scope(district=w.district), as_of=D)
    (tmp_path / "pack.xlsx").write_bytes(pack_xlsx(pack))
    subprocess.run(  # noqa: S603
        [
            shutil.which("soffice"),
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            # every sheet, values as stored (not as shown)
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "pack.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    summary = (tmp_path / "pack-汇总.csv").read_text(encoding="utf-8").splitlines()
    total = next(line for line in summary if line.startswith("合计,")).split(",")
    assert int(total[1]) == pack.figures.count
    assert Decimal(total[2]) * 10_000 == pack.figures.investment
    units = (tmp_path / "pack-分单位.csv").read_text(encoding="utf-8").splitlines()
    row = next(line for line in units if line.startswith("合计,")).split(",")
    assert int(row[-2]) == pack.figures.count
    assert Decimal(row[-1]) * 10_000 == pack.figures.investment
    stages = [Decimal(v) for v in row[2:-2:2]]
    assert [s * 10_000 for s in stages] == [line.investment for line in pack.figures.stages]


def test_the_command_writes_both_formats(w, month, tmp_path):
    for fmt in ("docx", "xlsx"):
        target = tmp_path / f"pack.{fmt}"
        err = io.StringIO()
        call_command(
            "report", district="350213", as_of="2019-08-31", fmt=fmt, output=str(target), stderr=err
        )
        assert target.read_bytes()[:2] == b"PK"
        assert "厦门翔安区招商引资项目月报（2019年8月）" in err.getvalue()


def test_the_demo_pack_has_the_seed_paragraph(db):
    from baton.demo.tests.snapshot import load_demo_once
    from baton.org.models import District

    load_demo_once()
    pack = pack_build(scope=Scope(district=District.objects.get(code="350213")), as_of=D)
    assert pack.paragraph == SEED_PARAGRAPH
    document = Document(io.BytesIO(pack_docx(pack)))
    assert SEED_PARAGRAPH in _docx_text(document)
    assert len(document.inline_shapes) == 2


ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "report-pack"
#: The 版心 of GB/T 9704 on A4, in PDF points (1 mm = 72 / 25.4 pt).
MM = 72 / 25.4
TEXT_LEFT, TEXT_RIGHT = 28 * MM, (210 - 26) * MM
TEXT_TOP, TEXT_BOTTOM = 37 * MM, (297 - 35) * MM


def _words(pdf: Path) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, word) of every word, from pdftotext -bbox."""
    from xml.etree import ElementTree

    html = render.pdf_text(pdf, bbox=True)
    root = ElementTree.fromstring(html.replace("<!DOCTYPE html>", ""))  # noqa: S314
    words = []
    for number, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), start=1):
        for word in page.iter("{http://www.w3.org/1999/xhtml}word"):
            box = [float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")]
            words.append((number, *box, word.text or ""))
    return words


@pytest.mark.skipif(bool(render.missing_tools()), reason="LibreOffice or poppler-utils missing")
def test_libreoffice_renders_the_demo_pack(db, tmp_path):
    """The demo's 2019-08 pack, as Word → PDF → PNG pages saved to be looked at."""
    from baton.demo.tests.snapshot import load_demo_once
    from baton.org.models import District

    load_demo_once()
    district = District.objects.select_related("city").get(code="350213")
    pack = pack_build(scope=Scope(district=district), as_of=D)
    pack.highlights = "一是强化项目接力。本月完成项目交接，平均用时3天。\n二是加快项目落地。"
    pack.next_steps = "一是紧盯审批事项，协调加快办理。\n二是做好下月项目推进会准备工作。"
    (tmp_path / "pack.docx").write_bytes(pack_docx(pack, signed_on=dt.date(2019, 9, 5)))
    pdf = render.to_pdf(tmp_path / "pack.docx", tmp_path)
    squashed = "".join(render.pdf_text(pdf).split())
    assert "".join(SEED_PARAGRAPH.split()) in squashed
    assert "二、分单位情况" in squashed and "六、工作亮点" in squashed
    assert "一是紧盯审批事项" in squashed
    assert re.search(r"翔安区招商办2019年9月5日—\d+—$", squashed)
    # The stand-ins of scripts/fonts/gongwen.conf, embedded: Noto Serif CJK for 仿宋 and
    # 小标宋, Noto Sans CJK for 黑体, AR PL UKai for 楷体.
    fonts = render.pdf_fonts(pdf)
    assert "NotoSerifCJK" in fonts and "NotoSansCJK" in fonts and "UKai" in fonts
    words = _words(pdf)
    pages = max(w[0] for w in words)
    assert pages >= 3
    for page in range(1, pages + 1):
        number = [w for w in words if w[0] == page and w[2] > TEXT_BOTTOM]
        text = [w for w in words if w[0] == page and w[2] <= TEXT_BOTTOM]
        # Everything inside the 版心 …
        assert (
            min(w[1] for w in text) >= TEXT_LEFT - 1 and max(w[3] for w in text) <= TEXT_RIGHT + 1
        )
        assert min(w[2] for w in text) >= TEXT_TOP - 1
        # … but the page number: "— n —" under it, odd pages right, even pages left.
        assert "".join(w[5] for w in number) == f"—{page}—"
        middle = (TEXT_LEFT + TEXT_RIGHT) / 2
        assert (min(w[1] for w in number) > middle) == (page % 2 == 1)
        assert 6.5 * MM <= min(w[2] for w in number) - TEXT_BOTTOM <= 8 * MM  # 7 mm under
    assert len(render.to_pngs(pdf, ARTIFACTS, dpi=60)) == pages
    assert all(p.stat().st_size > 5000 for p in ARTIFACTS.glob("page-*.png"))
