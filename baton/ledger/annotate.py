"""The error report as a workbook: the ledger's cells with the bad ones marked.

The annotated copy is rebuilt from the values python-calamine read (the uploaded file
itself is never re-opened by a second parser): bad cells get a red fill and a comment
with the reason, each sheet gets a last column 错误说明, and a sheet 错误清单 lists every
error (sheet, row, column, value, reason) — the only sheet when the file could not be
read at all.
"""

import datetime as dt
from collections import defaultdict

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter

from baton.core.xlsx import neutralize

from .importer import ImportResult

_BAD = PatternFill("solid", fgColor="FFC7CE")
_BOLD = Font(bold=True)


def _value(value):
    if isinstance(value, str):
        return neutralize(value) if value else None
    if isinstance(value, bool | int | float | dt.date | dt.datetime):
        return value
    return None if value is None else neutralize(str(value))


def error_workbook(result: ImportResult, out) -> None:
    """Write the annotated workbook of ``result``'s errors to ``out`` (path or file)."""
    wb = Workbook()
    listing = wb.active
    listing.title = "错误清单"
    listing.append(["工作表", "行", "列", "值", "原因"])
    for cell in listing[1]:
        cell.font = _BOLD
    for e in result.errors:
        column = f"{e.column}（{e.letter}）" if e.letter else e.column
        listing.append(
            [_value(e.sheet), e.row or None, _value(column), _value(e.value), _value(e.reason)]
        )
    for letter, width in zip("ABCDE", (12, 6, 22, 24, 80), strict=True):
        listing.column_dimensions[letter].width = width
    book = result.book
    if book is not None:
        for sheet in (book.main, book.history):
            if sheet is not None:
                _annotated(wb, sheet, [e for e in result.errors if e.sheet == sheet.name])
    wb.save(out)


def _annotated(wb: Workbook, sheet, errors) -> None:
    ws = wb.create_sheet(sheet.name[:31])
    by_cell = defaultdict(list)
    by_row = defaultdict(list)
    for e in errors:
        if e.row:
            by_row[e.row].append(f"{e.column}：{e.reason}" if e.column else e.reason)
            if e.letter:
                by_cell[(e.row, column_index_from_string(e.letter))].append(e.reason)
    width = max((len(r) for r in sheet.rows), default=0)
    note_col = width + 1
    for r, values in enumerate(sheet.rows, start=1):
        for c, value in enumerate(values, start=1):
            if value not in ("", None):
                ws.cell(row=r, column=c, value=_value(value))
        for (row, col), reasons in by_cell.items():
            if row == r:
                cell = ws.cell(row=r, column=col)
                cell.fill = _BAD
                cell.comment = Comment("\n".join(reasons), "接力棒")
        if r in by_row:
            ws.cell(row=r, column=note_col, value=_value("；".join(by_row[r])))
    header = ws.cell(row=1, column=note_col, value="错误说明")
    header.font = _BOLD
    ws.column_dimensions[get_column_letter(note_col)].width = 60
