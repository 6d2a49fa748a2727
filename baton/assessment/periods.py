"""Assessment periods: a month, a quarter or a year, optionally counted from 1 January.

Chinese offices rank units every month on what they did so far this year (“1-8月”) as
often as on the month alone; both are a (start, end) pair to the engine.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

from baton.core.dates import month_end

QUARTERS = ("一", "二", "三", "四")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return period_label(self.start, self.end)


def period_of(kind: str, year: int, part: int | None, *, cumulative: bool = False) -> Period:
    """Return the period ``part`` (month 1–12, quarter 1–4) of ``year`` for a scheme kind."""
    if kind == "month":
        start = dt.date(year, part, 1)
        end = month_end(start)
    elif kind == "quarter":
        start, end = dt.date(year, 3 * part - 2, 1), month_end(dt.date(year, 3 * part, 1))
    else:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return Period(dt.date(year, 1, 1) if cumulative else start, end)


def last_closed(kind: str, today: dt.date | None = None) -> tuple[int, int | None]:
    """Return (year, part) of the latest period of ``kind`` that has ended."""
    today = today or timezone.localdate()
    if kind == "month":
        last = today.replace(day=1) - dt.timedelta(days=1)
        return last.year, last.month
    if kind == "quarter":
        quarter = (today.month - 1) // 3  # the current one, 0-based: the previous is this
        return (today.year, quarter) if quarter else (today.year - 1, 4)
    return today.year - 1, None


def period_label(start: dt.date, end: dt.date) -> str:
    """Return a period as offices write it: 2019年8月, 2019年第三季度, 2019年1-8月, 2019年度."""
    whole_months = start.day == 1 and end == month_end(end)
    if whole_months and start.year == end.year:
        if start.month == end.month:
            return f"{end.year}年{end.month}月"
        if start.month == 1 and end.month == 12:
            return f"{end.year}年度"
        if start.month % 3 == 1 and end.month == start.month + 2:
            return f"{end.year}年第{QUARTERS[end.month // 3 - 1]}季度"
        return f"{end.year}年{start.month}-{end.month}月"
    return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"


def period_parts(start: dt.date, end: dt.date, kind: str) -> dict:
    """Return the picker's values (year, part, cumulative) that give this period, if any."""
    part = {"month": end.month, "quarter": (end.month + 2) // 3}.get(kind)
    for cumulative in (False, True):
        if period_of(kind, end.year, part, cumulative=cumulative) == Period(start, end):
            return {"year": end.year, "part": part, "cumulative": cumulative}
    return {}


_CN_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4}
_PERIOD = re.compile(
    r"^(?P<year>\d{4})(?:年度?)?"
    r"(?:"
    r"[-\s]?(?:Q|q|第)(?P<quarter>[1-4一二三四])(?:季度)?"
    r"|[-/.\s]?(?P<from>\d{1,2})(?:[-–~至](?P<to>\d{1,2}))?月?"
    r")?$"
)
BAD_PERIOD = "期间“{text}”无效：应写作 2024、2024-Q1、2024-03 或 2024-01~08（1至8月）。"


def parse_period(text: str) -> Period:
    """Return the period an office writes: 2024 / 2024年度, 2024-Q1 / 2024年第一季度,
    2024-03 / 2024年3月, 2024-01~08 / 2024年1-8月; ValueError (Chinese) otherwise."""
    raw = str(text or "").strip().replace(" ", "")
    match = _PERIOD.match(raw)
    if not match:
        raise ValueError(BAD_PERIOD.format(text=text))
    year = int(match["year"])
    if not 1990 <= year <= 2100:
        raise ValueError(BAD_PERIOD.format(text=text))
    if match["quarter"]:
        quarter = match["quarter"]
        return period_of("quarter", year, _CN_QUARTERS.get(quarter) or int(quarter))
    if match["from"]:
        first, last = int(match["from"]), int(match["to"] or match["from"])
        if not 1 <= first <= last <= 12:
            raise ValueError(BAD_PERIOD.format(text=text))
        return Period(dt.date(year, first, 1), month_end(dt.date(year, last, 1)))
    return period_of("year", year, None)
