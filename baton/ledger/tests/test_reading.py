"""Reading a workbook row by row gives what reading it whole gives, and the byte-level
tests that spare the second XML parse refuse what the parse refused."""

import io
import random
import zipfile

import python_calamine
from openpyxl import Workbook

from baton.ledger.reading import LedgerRefused, Limits, Sheet, read_book

from .helpers import row, xlsx

_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _sheet(wb: Workbook) -> Sheet:
    buffer = io.BytesIO()
    wb.save(buffer)
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue()))
    return Sheet("s", source=book.get_sheet_by_name(wb.active.title))


def test_rows_one_at_a_time_are_the_rows_at_once():
    rng = random.Random(7)
    for _ in range(150):
        wb = Workbook()
        for _ in range(rng.randrange(0, 14)):
            cell = wb.active.cell(row=rng.randrange(1, 10), column=rng.randrange(1, 8))
            cell.value = rng.choice(["a", 1.5, "", None, "项目 A", 0])
        assert list(_sheet(wb).iter_rows()) == _sheet(wb).rows


def test_a_released_sheet_is_read_again_from_the_file():
    book = read_book(xlsx([row(), row(项目编号="X-2")]), Limits())
    first = list(book.main.iter_rows())
    book.main.release()
    assert book.main.rows == first and book.main.rows[2][0] == "X-2"


def _with_sheet_xml(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(info, content)
    return out.getvalue()


def _refusal(data: bytes) -> list[str]:
    try:
        read_book(data, Limits())
    except LedgerRefused as exc:
        return [e.reason for e in exc.errors]
    return []


def test_a_formula_with_a_namespace_prefix_is_found():
    data = _with_sheet_xml(
        xlsx([row()]),
        lambda xml: xml.replace(
            b'<c r="L2"', b'<c r="L2"><x:f xmlns:x="' + _MAIN + b'">1+1</x:f></c><c r="Z2"', 1
        ),
    )
    assert any("公式" in reason for reason in _refusal(data))


def test_text_that_looks_like_a_tag_is_not_a_formula():
    # ":f>" in a typed value is escaped in the XML but ":f " is not: the sheet is then
    # parsed to be sure, and found clean.
    assert _refusal(xlsx([row(备注="see a:f b <f> tag")])) == []


def test_a_dtd_deep_in_a_sheet_is_refused():
    data = _with_sheet_xml(
        xlsx([row()]),
        lambda xml: xml.replace(
            b"<sheetData>", b"<sheetData>" + b" " * 70000 + b"<!ENTITY x 'y'>", 1
        ),
    )
    assert any("DTD" in reason for reason in _refusal(data))
