import io

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook

from baton.core.docx import BODY_FONT, LATIN_FONT, east_asian
from baton.core.xlsx import BOLD, column_widths, neutralize, unneutralize


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        ("翔安\x00区\x1f", "翔安区"),
        ("", ""),
    ],
)
def test_it_neutralises_what_a_spreadsheet_would_run(text, safe):
    assert neutralize(text) == safe


@pytest.mark.parametrize("text", ["=1+1", "+86 592", "-5", "@home", "'quoted", "plain", "'"])
def test_unneutralize_gives_the_text_back(text):
    assert unneutralize(neutralize(text)) == text


def test_a_workbook_keeps_the_widths_and_the_neutralised_text():
    book = Workbook()
    sheet = book.active
    column_widths(sheet, [30, 12])
    sheet.append([neutralize("=cmd|' /C calc'!A0"), "x"])
    sheet["A1"].font = BOLD
    out = io.BytesIO()
    book.save(out)

    read = load_workbook(io.BytesIO(out.getvalue())).active
    assert read.column_dimensions["A"].width == 30
    assert read.column_dimensions["B"].width == 12
    assert read["A1"].data_type == "s" and read["A1"].value == "'=cmd|' /C calc'!A0"


def test_a_word_style_names_its_chinese_font():
    style = Document().styles["Normal"]
    east_asian(style, BODY_FONT)

    fonts = style.element.rPr.rFonts
    assert style.font.name == LATIN_FONT
    assert (
        fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == BODY_FONT
    )
