"""Export the company list as an Excel workbook that the import reads back.

One sheet, a header row with the import's own headers (``importing.COLUMNS``, the first
spelling of each) and one company a row, in the order of the list: export → import into
a district that does not have them registers the same companies. The values are written
as the import takes them: former names and tags joined with “、”, tags and size by their
labels, the region by its full name (its code where a name would not read back). The
contact's phone is shown as the list shows it (``rules.shown_phone``: masked for whoever
may not edit the company); the import ignores a masked number. Every text cell is
neutralised against formula injection (``baton.core.xlsx``).
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from baton.accounts.models import User
from baton.core.xlsx import BOLD, column_widths, neutralize
from baton.org import divisions

from .importing import COLUMNS
from .models import Company, Size, Tag
from .rules import shown_phone

SHEET = "客商库"
HEADERS = [names[0] for names in COLUMNS.values()]
_WIDTHS = {"name": 34, "former_names": 24, "uscc": 22, "region": 16, "note": 40}
_TAGS = dict(Tag.choices)
_SIZES = dict(Size.choices)


def region_text(code: str) -> str:
    """The region as the import reads it back: its full name, else its code."""
    if not code:
        return ""
    name = divisions.name_of(code)
    try:
        return name if divisions.clean_division(name) == code else code
    except ValidationError:
        return code


def row_values(user: User, company: Company) -> dict:
    """One company's cells (keys of ``COLUMNS``) as ``user`` may see them."""
    return {
        "name": company.name,
        "former_names": "、".join(company.former_names),
        "uscc": company.uscc,
        "region": region_text(company.region),
        "industry_code": company.industry_code,
        "tags": "、".join(str(_TAGS[t]) for t in company.tags if t in _TAGS),
        "size": str(_SIZES.get(company.size, company.size)),
        "contact_name": company.contact_name,
        "contact_phone": shown_phone(user, company),
        "note": company.note,
    }


def _cell(sheet, value: str, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=neutralize(value) if value else None)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def export_companies(*, out, user: User, companies: Iterable[Company]) -> int:
    """Write ``companies`` (already scoped to ``user``) to ``out``; return the row count."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.freeze_panes = "B2"
    column_widths(sheet, [_WIDTHS.get(key, 12) for key in COLUMNS])
    sheet.append([_cell(sheet, header, font=BOLD) for header in HEADERS])
    rows = 0
    for company in companies:
        values = row_values(user, company)
        sheet.append([_cell(sheet, values[key]) for key in COLUMNS])
        rows += 1
    book.save(out)
    return rows
