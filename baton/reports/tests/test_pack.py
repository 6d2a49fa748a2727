"""The monthly report pack: its blocks for a constructed month, and the Word and Excel files."""

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from baton.demo.tests.test_demo import SEED_PARAGRAPH
from baton.projects import services
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


def test_the_docx_holds_the_paragraph_the_tables_and_two_charts(w, month):
    pack = pack_build(scope=Scope(district=w.district), as_of=D)
    document = Document(io.BytesIO(pack_docx(pack)))
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
    east_asian = document.styles["Normal"].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    )
    assert east_asian == "宋体"


def test_the_xlsx_has_its_sheets_and_two_charts(w, month):
    pack = pack_build(scope=Scope(district=w.district), as_of=D)
    book = load_workbook(io.BytesIO(pack_xlsx(pack)))
    assert book.sheetnames == ["汇总", "分单位", "本月动态", "无进展项目", "存在问题"]
    assert book["汇总"]["A3"].value == pack.paragraph
    assert sum(len(sheet._images) for sheet in book.worksheets) == 2
    values = {c.value for row in book["本月动态"].iter_rows() for c in row}
    assert {"本月新入库项目（1个）", "航空发动机维修基地", "马巷街道→新店街道"} <= values
    assert book["无进展项目"]["B2"].value == "冷链物流园"
    assert book["存在问题"]["H2"].value == "逾期"


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
    from baton.demo.seed import load_demo
    from baton.org.models import District

    load_demo()
    pack = pack_build(scope=Scope(district=District.objects.get(code="350213")), as_of=D)
    assert pack.paragraph == SEED_PARAGRAPH
    document = Document(io.BytesIO(pack_docx(pack)))
    assert SEED_PARAGRAPH in _docx_text(document)
    assert len(document.inline_shapes) == 2


ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "report-pack"


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("soffice", "pdftoppm", "pdftotext", "pdfimages")),
    reason="LibreOffice (soffice) and poppler-utils are not installed",
)
def test_libreoffice_renders_the_demo_pack(db, tmp_path):
    """The demo's 2019-08 pack, as Word → PDF → PNG pages saved to be looked at."""
    from baton.demo.seed import load_demo
    from baton.org.models import District

    load_demo()
    district = District.objects.select_related("city").get(code="350213")
    pack = pack_build(scope=Scope(district=district), as_of=D)
    (tmp_path / "pack.docx").write_bytes(pack_docx(pack))
    run = {"check": True, "capture_output": True}
    subprocess.run(  # noqa: S603
        [
            shutil.which("soffice"),
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "pack.docx"),
        ],
        timeout=180,
        **run,
    )
    text = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext"), str(tmp_path / "pack.pdf"), "-"], timeout=60, text=True, **run
    ).stdout
    squashed = "".join(text.split())
    assert "".join(SEED_PARAGRAPH.split()) in squashed
    assert "二、分单位情况" in squashed
    images = subprocess.run(  # noqa: S603
        [shutil.which("pdfimages"), "-list", str(tmp_path / "pack.pdf")],
        timeout=60,
        text=True,
        **run,
    ).stdout
    assert len(images.strip().splitlines()) - 2 >= 2  # the funnel and the trend charts
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("page*.png"):
        old.unlink()
    subprocess.run(  # noqa: S603
        [
            shutil.which("pdftoppm"),
            "-r",
            "60",
            "-png",
            str(tmp_path / "pack.pdf"),
            str(ARTIFACTS / "page"),
        ],
        timeout=60,
        **run,
    )
    pages = sorted(ARTIFACTS.glob("page*.png"))
    assert len(pages) >= 2 and all(p.stat().st_size > 5000 for p in pages)
