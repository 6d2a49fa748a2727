"""Dates as an office counts them: local days, month ends, strict 年-月-日, working days.

Days are the deployment's local days (``TIME_ZONE``, Asia/Shanghai): "截至 D" means up
to the first instant after D there, whatever the server's clock zone.

Working days follow mainland China's official schedule: the statutory holidays and the
调休 arrangements that the State Council's General Office publishes each year (holidays
moved onto weekdays, weekends worked in exchange). The schedule comes from the
``holidays`` package (its China calendar, the Office's notices from 2001 on); each
release carries the years announced so far (holidays 0.108: 2001–2026). A year without
an announced schedule counts Monday to Friday as working days and nothing else — not
even 1 October — until the package that knows it is installed: ``has_official_schedule``
tells which case a date is in, for a page that must say its deadline is provisional.
"""

import calendar
import datetime as dt
import re
from functools import cache

from django.core.management.base import CommandError
from django.utils import timezone

#: Exactly YYYY-MM-DD in ASCII digits (``\d`` would take other scripts' digits too).
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
ISO_DATE_FORMAT = "日期格式不正确，应为 YYYY-MM-DD。"


# --- local days and month ends -----------------------------------------------------------


def end_of_day(day: dt.date) -> dt.datetime:
    """Return the first instant after ``day`` in the deployment's time zone."""
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(midnight, timezone.get_default_timezone())


def start_of_day(day: dt.date) -> dt.datetime:
    """Return the first instant of ``day`` in the deployment's time zone."""
    return end_of_day(day - dt.timedelta(days=1))


def local_date(moment: dt.datetime) -> dt.date:
    """Return the local day an aware ``moment`` falls on."""
    return timezone.localtime(moment).date()


def month_end(day: dt.date) -> dt.date:
    """Return the last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def chinese_date(day: dt.date) -> str:
    """Return a date as Chinese documents write it: 2019年8月31日."""
    return f"{day.year}年{day.month}月{day.day}日"


def last_month_end(today: dt.date | None = None) -> dt.date:
    """Return the last day of the month before ``today``'s (default: the local today)."""
    today = today or timezone.localdate()
    return today.replace(day=1) - dt.timedelta(days=1)


# --- how long: a span of days, and how long ago ------------------------------------------


def days_text(days: float) -> str:
    """Return a span given in days as an office writes it: 不足1天, 3天, 146天."""
    return "不足1天" if days < 1 else f"{int(days)}天"


def span_text(start: dt.date, end: dt.date) -> str:
    """Return the time from ``start`` to ``end`` in whole calendar units: 不足1天, 3天,
    2个月, 1年, 7年3个月.

    Days until a full month has passed, then months until a full year, then years and
    months (days no longer matter at that distance). A month is full on the same day of
    the next month, or on its last day when that day does not exist (1月31日 → 2月28日).
    """
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day and end != month_end(end):
        months -= 1
    if months < 1:
        return days_text((end - start).days)
    years, months = divmod(months, 12)
    if not years:
        return f"{months}个月"
    return f"{years}年{months}个月" if months else f"{years}年"


def ago_text(moment: dt.datetime | dt.date, today: dt.date | None = None) -> str:
    """Return how long ago ``moment`` was, counted in local days: 今天, 3天前, 2个月前,
    7年3个月前 (``today`` defaults to the local today)."""
    day = local_date(moment) if isinstance(moment, dt.datetime) else moment
    today = today or timezone.localdate()
    if day >= today:
        return "今天"
    return f"{span_text(day, today)}前"


# --- reading a date ----------------------------------------------------------------------


def parse_iso_date(value) -> dt.date:
    """Return the date written ``value`` as exactly YYYY-MM-DD, or raise ValueError.

    The message says what is wrong in Chinese: the form (“应为 YYYY-MM-DD”) or a day
    that does not exist (2025-02-30). Only the 10-character form is taken: Python's
    ``fromisoformat`` would also take 20250101 or 2025-W01-1.
    """
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise ValueError(ISO_DATE_FORMAT)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} 不是有效的日期。") from None


def command_date(text: str) -> dt.date:
    """Return the date a management command was given as YYYY-MM-DD, or stop it (exit 2)."""
    try:
        return parse_iso_date(text)
    except ValueError:
        raise CommandError(f"日期格式不正确：{text}（应为 YYYY-MM-DD）", returncode=2) from None


def future_refusal(day: dt.date, written: str | None = None) -> str | None:
    """Why figures cannot be asked for as of ``day`` (a day after today), or None."""
    if day <= timezone.localdate():
        return None
    return f"统计日期 {written or day.isoformat()} 晚于今天，不能统计未来。"


# --- working days ------------------------------------------------------------------------


@cache
def _schedule_years() -> range:
    from holidays.countries.china import ChinaStaticHolidays

    years = ChinaStaticHolidays.special_public_holidays
    return range(min(years), max(years) + 1)


@cache
def _calendar(year: int):
    from holidays.countries.china import China

    return China(years=year)


def has_official_schedule(day: dt.date) -> bool:
    """Return whether ``day``'s year has an announced holiday schedule in the data."""
    return day.year in _schedule_years()


def is_working_day(day: dt.date) -> bool:
    """Return whether offices in mainland China work on ``day``.

    A weekday that is not a holiday, or a weekend day worked in exchange (调休上班). In
    a year without an announced schedule: Monday to Friday.
    """
    if not has_official_schedule(day):
        return day.weekday() < 5
    return _calendar(day.year).is_working_day(day)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """Return the ``n``-th working day after ``day`` (before it if ``n`` < 0; ``day`` if 0).

    A deadline of 5 working days from a request made on ``day`` is
    ``add_working_days(day, 5)``, whether or not ``day`` itself is a working day.
    """
    step = dt.timedelta(days=1 if n > 0 else -1)
    left = abs(n)
    while left:
        day += step
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Return the working days after ``start`` up to and including ``end``.

    The inverse of ``add_working_days``: ``working_days_between(d, add_working_days(d, n))
    == n`` for n ≥ 0. Negative when ``end`` is before ``start``; 0 on the same day.
    """
    if end < start:
        return -working_days_between(end, start)
    days = (end - start).days
    return sum(is_working_day(start + dt.timedelta(days=i)) for i in range(1, days + 1))
