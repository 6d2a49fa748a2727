"""Trips, receptions and the monthly 考勤 table as Excel workbooks, scoped by the caller.

Every text cell is neutralised against formula injection (``core.xlsx``); dates are date
cells. The 考勤 workbook's total rows are SUM formulas over the rows above them, so that a
district that adds a row by hand keeps a right total.
"""

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from baton.core.xlsx import BOLD, TITLE, column_widths, neutralize

from .selectors import Monthly

DATE = "yyyy-mm-dd"

TRIP_COLUMNS = (
    ("出发日期", 12), ("返回日期", 12), ("组织单位", 18), ("组别", 16), ("出访事由", 30),
    ("目的地", 18), ("小分队成员", 24), ("带队领导", 18), ("拜访企业", 36), ("洽谈项目", 24),
    ("洽谈情况", 40), ("产生线索", 24), ("报送时限", 12), ("报送时间", 16), ("出访信息", 40),
)  # fmt: skip
RECEPTION_COLUMNS = (
    ("来访日期", 12), ("接待单位", 18), ("来访人员", 24), ("来访企业", 36), ("接待领导", 18),
    ("陪同人员", 18), ("考察地块", 30), ("考察载体", 30), ("洽谈项目", 24), ("洽谈情况", 40),
    ("产生线索", 24),
)  # fmt: skip
TOTAL_HEADS = ("外出次数", "外出人次", "外出天数", "拜访企业（家次）", "产生线索")


def _text(value) -> str:
    return neutralize(str(value or ""))


def _names(rows) -> str:
    return _text("、".join(str(getattr(r, "name", r)) for r in rows))


def _head(sheet, columns) -> None:
    sheet.append([title for title, _ in columns])
    for cell in sheet[1]:
        cell.font = BOLD
    column_widths(sheet, [width for _, width in columns])
    sheet.freeze_panes = "A2"


def _dates(sheet, columns: tuple[int, ...]) -> None:
    for row in sheet.iter_rows(min_row=2):
        for index in columns:
            row[index].number_format = DATE


def trips_workbook(out, trips) -> int:
    book = Workbook()
    sheet = book.active
    sheet.title = "外出招商"
    _head(sheet, TRIP_COLUMNS)
    count = 0
    rows = trips.select_related("unit").prefetch_related(
        "members", "leaders", "companies", "projects", "leads"
    )
    for trip in rows.order_by("start", "id"):
        reported = trip.reported_at.replace(tzinfo=None) if trip.reported_at else None
        sheet.append(
            [
                trip.start, trip.end, _text(trip.unit.name), _text(trip.group),
                _text(trip.title), _text(trip.destinations), _names(trip.members.all()),
                _names(trip.leaders.all()), _names(trip.companies.all()),
                _names(trip.projects.all()), _text(trip.talks),
                _text("、".join(lead.code for lead in trip.leads.all())), trip.report_due,
                reported, _text(trip.report),
            ]
        )  # fmt: skip
        count += 1
    _dates(sheet, (0, 1, 12))
    book.save(out)
    return count


def receptions_workbook(out, receptions) -> int:
    book = Workbook()
    sheet = book.active
    sheet.title = "来访接待"
    _head(sheet, RECEPTION_COLUMNS)
    count = 0
    rows = receptions.select_related("unit").prefetch_related(
        "companies", "leaders", "parcels", "buildings", "projects", "leads"
    )
    for r in rows.order_by("date", "id"):
        sheet.append(
            [
                r.date, _text(r.unit.name), _text(r.visitors), _names(r.companies.all()),
                _names(r.leaders.all()), _text(r.hosts),
                _text("、".join(f"{p.code} {p.name}" for p in r.parcels.all())),
                _text("、".join(f"{b.code} {b.name}" for b in r.buildings.all())),
                _names(r.projects.all()), _text(r.talks),
                _text("、".join(lead.code for lead in r.leads.all())),
            ]
        )  # fmt: skip
        count += 1
    _dates(sheet, (0,))
    book.save(out)
    return count


def _block(sheet, start: int, title: str, first: str, rows, width: int, work=False) -> int:
    """A table of rows (name, unit, totals) with a SUM total row; returns the next row."""
    sheet.cell(start, 1, title).font = BOLD
    heads = (first, "单位", *TOTAL_HEADS)
    if work:
        heads = (*heads, "工作开展情况")
    for col, head in enumerate(heads, start=1):
        sheet.cell(start + 1, col, head).font = BOLD
    row = start + 2
    for item in rows:
        t = item.totals
        values = (_text(item.name), _text(item.unit), t.trips, t.person_times, t.days)
        for col, value in enumerate((*values, t.companies, t.leads), start=1):
            sheet.cell(row, col, value)
        if work:
            sheet.cell(row, width + 1, _text("；".join(item.work)))
        row += 1
    sheet.cell(row, 1, "合计").font = BOLD
    for col in range(3, width + 1):
        letter = get_column_letter(col)
        formula = f"=SUM({letter}{start + 2}:{letter}{row - 1})" if row > start + 2 else 0
        sheet.cell(row, col, formula).font = BOLD
    return row + 2


def monthly_workbook(out, monthly: Monthly, scope: str) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{monthly.year}年{monthly.month}月"
    sheet.cell(1, 1, _text(f"{scope}{monthly.year}年{monthly.month}月外出招商考勤表")).font = TITLE
    width = 2 + len(TOTAL_HEADS)
    column_widths(sheet, (24, 20, 10, 10, 10, 16, 10, 60))
    after = _block(sheet, 3, "按组别", "组别", monthly.groups, width, work=True)
    _block(sheet, after, "按人员", "姓名", monthly.people, width)
    book.save(out)
