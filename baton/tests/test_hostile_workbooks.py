"""Hostile workbooks (issue 13, point 8): a formula, a DTD or a binary sheet hidden where
the scan did not look — a part under another name, another workbook, another format —
is refused, and the database is exactly as it was.

The workbooks are written by hand: a good ledger from the test helpers, taken apart
and put together again with one thing changed. Each carries a formula whose cached
value (3000) differs from what a person typed, so a pass would show in the database.
"""

import io
import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl.utils import get_column_letter

from baton.ledger.importer import ledger_import
from baton.ledger.tests.helpers import HEADERS, dump, row, xlsx
from baton.projects.models import Project

SHEET = "xl/worksheets/sheet1.xml"
WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CONTENT_TYPES = "[Content_Types].xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
DTD = b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY big "3000">]>'
#: The column of 总投资(万元), the cell the formula computes.
L = get_column_letter(HEADERS.index("总投资(万元)") + 1)


def unpack(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def pack(parts, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """Return a zip of ``parts`` (a dict, or (name, bytes) pairs to allow duplicates)."""
    buffer = io.BytesIO()
    items = parts.items() if isinstance(parts, dict) else parts
    with zipfile.ZipFile(buffer, "w", compression) as z:
        for name, body in items:
            z.writestr(name, body)
    return buffer.getvalue()


def good() -> dict[str, bytes]:
    return unpack(xlsx([row()]))


def with_formula(sheet: bytes) -> bytes:
    """Return the sheet with 总投资 (row 2) computed by a formula, its cached value 3000."""
    cell = re.search(rf'<c r="{L}2"[^>]*>.*?</c>'.encode(), sheet).group(0)
    return sheet.replace(cell, f'<c r="{L}2"><f>1000+2000</f><v>3000</v></c>'.encode())


def edit(parts: dict, name: str, old: bytes, new: bytes) -> None:
    assert old in parts[name], (name, old)
    parts[name] = parts[name].replace(old, new)


def moved(to: str, *, body: bytes | None = None, content_type: str | None = WORKSHEET) -> bytes:
    """Return the ledger with its sheet (holding a formula) stored as ``to``; declared
    in [Content_Types].xml with ``content_type`` (None: not declared)."""
    parts = good()
    sheet = parts.pop(SHEET)
    parts[to] = with_formula(sheet) if body is None else body
    edit(parts, WORKBOOK_RELS, f"/{SHEET}".encode(), f"/{to}".encode())
    override = f'<Override PartName="/{SHEET}" ContentType="{WORKSHEET}"/>'.encode()
    declared = (
        f'<Override PartName="/{to}" ContentType="{content_type}"/>'.encode()
        if content_type
        else b""
    )
    edit(parts, CONTENT_TYPES, override, declared)
    return pack(parts)


def dtd_in_renamed_part() -> bytes:
    body = with_formula(good()[SHEET]).replace(b"<v>3000</v>", b"<v>&big;</v>")
    return moved("xl/worksheets/sheet1.dat", body=DTD + body)


def dtd_in_an_image() -> bytes:
    parts = good()
    parts["xl/media/image1.png"] = DTD + b"<worksheet/>"
    edit(
        parts,
        CONTENT_TYPES,
        b"<Default ",
        b'<Default Extension="png" ContentType="image/png"/><Default ',
    )
    return pack(parts)


def another_workbook() -> bytes:
    """The package points at a second workbook under evil/; xl/ is a clean decoy."""
    parts = good()
    parts["evil/workbook.xml"] = parts["xl/workbook.xml"]
    parts["evil/_rels/workbook.xml.rels"] = parts[WORKBOOK_RELS].replace(
        f"/{SHEET}".encode(), b"/evil/worksheets/sheet1.xml"
    )
    parts["evil/worksheets/sheet1.xml"] = with_formula(parts[SHEET])
    parts["evil/styles.xml"] = parts["xl/styles.xml"]
    parts["evil/theme/theme1.xml"] = parts["xl/theme/theme1.xml"]
    edit(parts, "_rels/.rels", b'Target="xl/workbook.xml"', b'Target="evil/workbook.xml"')
    return pack(parts)


def twin_sheets() -> bytes:
    """Two sheets named 项目台账: the first, read by calamine, holds the formula."""
    parts = good()
    parts["xl/worksheets/sheet2.xml"] = with_formula(parts[SHEET])
    edit(
        parts,
        WORKBOOK_RELS,
        b"</Relationships>",
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/worksheet" Target="/xl/worksheets/sheet2.xml" Id="rId9"/>'
        b"</Relationships>",
    )
    sheet = re.search(rb"<sheet [^>]*/>", parts["xl/workbook.xml"]).group(0)
    edit(
        parts,
        "xl/workbook.xml",
        sheet,
        sheet.replace(b"rId1", b"rId9") + sheet.replace(b'sheetId="1"', b'sheetId="2"'),
    )
    edit(
        parts,
        CONTENT_TYPES,
        b"</Types>",
        f'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{WORKSHEET}"/></Types>'.encode(),
    )
    return pack(parts)


def foreign_twin_sheet() -> bytes:
    """A second 项目台账 in another namespace, first in the workbook: calamine reads
    sheets by local name, and takes the first of a name."""
    parts = good()
    parts["xl/worksheets/sheet2.xml"] = with_formula(parts[SHEET])
    edit(
        parts,
        WORKBOOK_RELS,
        b"</Relationships>",
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/worksheet" Target="/xl/worksheets/sheet2.xml" Id="rId9"/>'
        b"</Relationships>",
    )
    edit(
        parts,
        "xl/workbook.xml",
        b"<sheets>",
        b'<sheets><o:sheet xmlns:o="urn:other" name="\xe9\xa1\xb9\xe7\x9b\xae\xe5\x8f\xb0\xe8\xb4\xa6" '
        b'o:id="rId9"/>',
    )
    edit(
        parts,
        CONTENT_TYPES,
        b"</Types>",
        f'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{WORKSHEET}"/></Types>'.encode(),
    )
    return pack(parts)


def foreign_namespace_formula() -> bytes:
    """The sheet in another namespace (as ISO strict files are): cells by local name."""
    parts = good()
    sheet = with_formula(parts[SHEET]).replace(
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        b"http://purl.oclc.org/ooxml/spreadsheetml/main",
    )
    parts[SHEET] = sheet
    return pack(parts)


def formula_without_reference() -> bytes:
    parts = good()
    sheet = parts[SHEET]
    cell = re.search(rf'<c r="{L}2"[^>]*>'.encode(), sheet).group(0)
    parts[SHEET] = sheet.replace(cell, b'<c t="n"><f>1000+2000</f>', 1)
    before = re.findall(rb'<c r="[A-Z]+2"', parts[SHEET].split(b"<f>")[0])
    assert before[-1] == f'<c r="{get_column_letter(HEADERS.index("总投资(万元)"))}2"'.encode()
    return pack(parts)


def case_twins() -> bytes:
    """sheet1.xml is clean; SHEET1.xml, written after it, holds the formula."""
    parts = good()
    parts["xl/worksheets/SHEET1.xml"] = with_formula(parts[SHEET])
    return pack(parts)


def duplicate_entries() -> bytes:
    parts = good()
    clean = parts.pop(SHEET)
    return pack([*parts.items(), (SHEET, clean), (SHEET, with_formula(clean))])


def utf16_sheet() -> bytes:
    text = with_formula(good()[SHEET]).decode()
    body = ('<?xml version="1.0" encoding="UTF-16"?>' + text).encode("utf-16")
    parts = good()
    parts[SHEET] = body
    return pack(parts)


def binary_sheet() -> bytes:
    """An .xlsb sheet (BIFF12 records) declared as what it is."""
    return moved(
        "xl/worksheets/sheet1.bin",
        body=b"\x81\x01\x00\x93\x01\x00",
        content_type="application/vnd.ms-excel.worksheet",
    )


def xlsb_beside() -> bytes:
    parts = good()
    parts["xl/workbook.bin"] = b"\x83\x01\x00"
    parts["xl/_rels/workbook.bin.rels"] = parts[WORKBOOK_RELS]
    return pack(parts)


ODS_CELL = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'


def ods_behind() -> bytes:
    """An OpenDocument sheet behind an xlsx that calamine cannot open (a bad sheet
    state): calamine falls back to it, and its formulas are attributes, not <f>."""
    parts = good()
    edit(parts, "xl/workbook.xml", b'state="visible"', b'state="bogus"')
    values = row()
    headers = list(values)
    cells = []
    for name in headers:
        value = values[name]
        if name == "总投资(万元)":
            cells.append(
                '<table:table-cell table:formula="of:=1000+2000" office:value-type="float" '
                'office:value="3000"><text:p>3000</text:p></table:table-cell>'
            )
        else:
            cells.append(ODS_CELL.format("" if value is None else value))
    header_row = "".join(ODS_CELL.format(h) for h in headers)
    parts["mimetype"] = b"application/vnd.oasis.opendocument.spreadsheet"
    parts["META-INF/manifest.xml"] = (
        b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        b"</manifest:manifest>"
    )
    parts["content.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        '<office:spreadsheet><table:table table:name="项目台账">'
        f"<table:table-row>{header_row}</table:table-row>"
        f"<table:table-row>{''.join(cells)}</table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    ).encode()
    return pack(parts)


def missing_part() -> bytes:
    parts = good()
    del parts["xl/theme/theme1.xml"]
    return pack(parts)


def undeclared_part() -> bytes:
    parts = good()
    parts["xl/notes"] = b"<notes/>"
    return pack(parts)


CASES = {
    # name: (workbook, what the refusal says)
    "sheet stored as sheet1.bin": (lambda: moved("xl/worksheets/sheet1.bin"), "公式"),
    "sheet stored as sheet1.XML": (lambda: moved("xl/worksheets/sheet1.XML"), "公式"),
    "sheet stored without an extension": (lambda: moved("xl/worksheets/sheet1"), "公式"),
    "sheet1.bin not declared": (
        lambda: moved("xl/worksheets/sheet1.bin", content_type=None),
        "没有声明类型",
    ),
    "sheet declared as an image": (
        lambda: moved("xl/worksheets/sheet1.png", content_type="image/png"),
        "不是工作表",
    ),
    "DTD and entity in a renamed sheet": (dtd_in_renamed_part, "DTD"),
    "DTD in an XML part named .png": (dtd_in_an_image, "DTD"),
    "another workbook behind the package": (another_workbook, "xl/workbook.xml"),
    "two sheets of the same name": (twin_sheets, "重名"),
    "a twin sheet in another namespace": (foreign_twin_sheet, "重名"),
    "a formula in another namespace": (foreign_namespace_formula, "公式"),
    "a formula cell without its reference": (formula_without_reference, "公式"),
    "part names differing only in case": (case_twins, "大小写"),
    "the same part twice": (duplicate_entries, "重复"),
    "sheet in UTF-16": (utf16_sheet, "UTF-8"),
    "binary (xlsb) sheet": (binary_sheet, ".xlsb"),
    "xlsb workbook beside the xlsx one": (xlsb_beside, ".xlsb"),
    "OpenDocument sheet behind a broken xlsx": (ods_behind, ".ods"),
    "referenced part missing": (missing_part, "xl/theme/theme1.xml"),
    "part without a content type": (undeclared_part, "没有声明类型"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_it_refuses_a_hidden_formula_or_part_and_writes_nothing(w, case):
    make, reason = CASES[case]
    data = make()
    before = dump()
    result = ledger_import(data=data, actor=w.office, district=w.district)
    assert not result.ok, f"imported: {[(p.code, p.investment) for p in Project.objects.all()]}"
    assert dump() == before
    assert any(reason in e.reason for e in result.errors), [e.line() for e in result.errors]


@pytest.mark.parametrize(
    "to", ["xl/worksheets/sheet1.bin", "xl/worksheets/sheet1.XML", "xl/worksheets/sheet1"]
)
def test_it_names_the_formula_cell_whatever_the_part_is_called(w, to):
    result = ledger_import(data=moved(to), actor=w.office, district=w.district)
    assert [(e.sheet, e.row, e.letter) for e in result.errors] == [("项目台账", 2, L)]


def test_it_still_imports_a_workbook_with_ordinary_binary_parts(w):
    """An Excel-like workbook: printer settings (binary), an image, shared strings, a
    sheet's own relationships with a relative target, custom properties."""
    parts = good()
    parts["xl/printerSettings/printerSettings1.bin"] = b"\x00\x01binary DEVMODE\x00" * 20
    parts["xl/media/image1.png"] = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    parts["xl/worksheets/_rels/sheet1.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/printerSettings" Target="../printerSettings/printerSettings1.bin"/>'
        b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/hyperlink" Target="https://example.org/" TargetMode="External"/>'
        b"</Relationships>"
    )
    edit(
        parts,
        CONTENT_TYPES,
        b"<Default ",
        b'<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.printerSettings"/><Default Extension="PNG" ContentType="image/png"/>'
        b"<Default ",
    )
    result = ledger_import(data=pack(parts), district=w.district)  # as the command line
    assert result.ok, [e.line() for e in result.errors]
    [code] = result.created
    assert Project.objects.get(code=code).investment == Decimal("52000.5")


def test_the_parcel_importer_reads_no_workbook(w):
    """The land importer takes GeoJSON or the land bureau's text only: a workbook, even
    one holding the text's section names, is refused as a file of unknown format."""
    from baton.land.importer import parcel_import
    from baton.land.models import Parcel

    parts = good()
    parts["notes.txt"] = "[属性描述]\n[地块坐标]\n".encode("gb18030")
    for data in (moved("xl/worksheets/sheet1.bin"), pack(parts, zipfile.ZIP_STORED)):
        result = parcel_import(data=data, actor=w.office, district=w.district)
        assert result.errors and not Parcel.objects.exists()
        assert any("无法识别" in e.reason for e in result.errors), result.errors
