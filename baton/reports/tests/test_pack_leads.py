"""The monthly pack's leads (投资信息): the month's and the year's figures, Word and Excel."""

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from baton.leads import services
from baton.leads.tests.helpers import POINTS, byd, company, register
from baton.reports.docx import pack_docx
from baton.reports.pack import pack_build
from baton.reports.selectors import Scope
from baton.reports.xlsx import pack_xlsx

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()
D = dt.date(2026, 3, 31)


@pytest.fixture
def leads(w, monkeypatch):
    """February: one lead; March: two more, one assessed and converted, one reserve."""
    now = [timezone.make_aware(dt.datetime(2026, 2, 10, 10), TZ)]
    monkeypatch.setattr(timezone, "now", lambda: now[0])
    february = register(w, source="referrer")
    now[0] = timezone.make_aware(dt.datetime(2026, 3, 2, 10), TZ)
    march = register(
        w,
        actor=w.other_promoter,
        comp=byd(w),
        source="visit",
        investment="30000",
        fixed_investment="20000",
    )
    register(w, comp=company(w, name="小作坊", uscc=""), investment="500", fixed_investment="")
    services.lead_respond(lead=march, actor=w.other_promoter)
    services.lead_assess(lead=february, actor=w.promoter, points=POINTS, conclusion="follow")
    services.lead_convert(lead=february, actor=w.promoter)
    now[0] = timezone.make_aware(dt.datetime(2026, 4, 2, 10), TZ)  # after the month
    services.lead_update(lead=march, actor=w.other_promoter, changes={"investment": "90000"})
    return february, march


def test_the_pack_holds_the_month_and_the_year(w, leads):
    pack = pack_build(scope=Scope(district=w.district), as_of=D)
    month, year = pack.leads_month, pack.leads_year
    assert month.flows["registered"].count == 1 and month.flows["converted"].count == 1
    assert year.flows["registered"].count == 2
    assert year.flows["registered"].investment == Decimal("230000")  # April's edit not in it
    assert year.reserve.count == 1
    from baton.reports import tables

    text = tables.leads_paragraph(pack)
    assert text.startswith("本月新登记投资信息1条，总投资3.00亿元；研判1条，转化为项目1条")
    assert "本年累计登记2条，总投资23.00亿元" in text and "储备信息1条" in text


def test_the_docx_has_the_leads_block(w, leads):
    pack = pack_build(scope=Scope(district=w.district), as_of=D)
    document = Document(io.BytesIO(pack_docx(pack, signed_on=dt.date(2026, 4, 3))))
    texts = [p.text for p in document.paragraphs]
    start = texts.index("（五）投资信息（第一棒）")
    assert texts[start + 1].startswith("本月新登记投资信息1条")
    assert texts.index("四、连续30天无进展项目（0个）") > start
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert {"引荐人", "企业来访", "马巷街道", "新店街道", "已转化", "响应"} <= cells


def test_the_xlsx_sheet_sums(w, leads, tmp_path):
    pack = pack_build(scope=Scope(district=w.district), as_of=D)
    data = pack_xlsx(pack)
    sheet = load_workbook(io.BytesIO(data))["投资信息"]
    rows = list(sheet.iter_rows())
    heads = [r[0].row for r in rows if r[0].value == "信息来源"]
    assert len(heads) == 1
    head = heads[0]
    assert [c.value for c in sheet[head + 1]][:3] == ["引荐人", 1, 20]
    assert sheet.cell(head + 1, 3).number_format == "#,##0.00"
    total = sheet[head + 3]
    assert total[0].value == "合计" and total[1].value == f"=SUM(B{head + 1}:B{head + 2})"
    assert total[2].value == f"=SUM(C{head + 1}:C{head + 2})"
    if not shutil.which("soffice") or not Path("/usr/lib/libreoffice/program/libsclo.so").exists():
        return
    (tmp_path / "pack.xlsx").write_bytes(data)
    subprocess.run(  # noqa: S603
        [
            shutil.which("soffice"),
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "pack.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    lines = (tmp_path / "pack-投资信息.csv").read_text(encoding="utf-8").splitlines()
    totals = [line.split(",") for line in lines if line.startswith("合计,")]
    # 状态, 来源, 单位: each totals row adds up to the pack's figures.
    assert int(totals[0][1]) == pack.leads_year.counted.count == 2
    for row in totals[1:3]:
        assert int(row[1]) == 2 and Decimal(row[2]) * 10_000 == Decimal("230000")
