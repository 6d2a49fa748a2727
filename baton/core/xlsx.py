"""Writing Excel workbooks the same way everywhere: safe text cells, bold heads, widths.

Every export of users' data (ledger, report pack, rankings, the audit log) writes its
text through ``neutralize``: a spreadsheet must never run a cell as a formula
(CSV/formula injection), and openpyxl refuses XML-illegal characters.
"""

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)

#: Characters a spreadsheet reads as the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """Return text safe to write in a cell: no formula start, no XML-illegal characters."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def unneutralize(text: str) -> str:
    """Undo ``neutralize`` so that export → import gives the same text back."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def column_widths(sheet, widths) -> None:
    """Set the widths of the sheet's first columns, in order."""
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
