"""The monthly pack's 政策兑现: the month's and the year's promised and paid, in Word and Excel."""

import io
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook

from baton.reports import tables
from baton.reports.docx import pack_docx
from baton.reports.pack import pack_build
from baton.reports.selectors import Scope
from baton.reports.xlsx import pack_xlsx

from .analysis_world import D, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def n(w):
    return build(w)


def test_the_pack_says_the_month_the_year_and_the_share(w, n):
    pack = pack_build(scope=Scope(district=w.district), as_of=D)
    assert tables.policies_paragraph(pack) == (
        "本月核定政策兑现1件，金额180万元；兑付1笔，金额180万元。"
        "本年累计核定3件，金额380万元，兑付2笔，金额225万元。"
        "截至2025年6月30日，落地项目3个，其中申报政策兑现的2个，占66.7%。"
    )
    tongan = pack_build(scope=Scope(district=w.other_district), as_of=D)
    assert tongan.policies.year.promised == Decimal("500")
    assert tongan.policies.share.share_text == "100.0%"


def test_the_docx_has_the_policies_block(w, n):
    pack = pack_build(scope=Scope(district=w.district), as_of=D)
    document = Document(io.BytesIO(pack_docx(pack)))
    texts = [p.text for p in document.paragraphs]
    start = texts.index("（六）政策兑现")
    assert texts[start + 1].startswith("本月核定政策兑现1件")
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert {"本月", "本年累计", "历年累计", "厦测〔2025〕1号", "380"} <= cells


def test_the_xlsx_sheet_sums_to_the_year(w, n):
    pack = pack_build(scope=Scope(district=w.district), as_of=D)
    sheet = load_workbook(io.BytesIO(pack_xlsx(pack)))["政策兑现"]
    rows = list(sheet.iter_rows())
    head = next(r[0].row for r in rows if r[0].value == "政策")
    total = sheet[head + 3]  # two policies, then 合计
    assert total[0].value == "合计"
    assert total[3].value == f"=SUM(D{head + 1}:D{head + 2})"
    amounts = [sheet.cell(head + i, 4).value for i in (1, 2)]
    assert sum(Decimal(str(a)) for a in amounts) == pack.policies.year.promised == 380
