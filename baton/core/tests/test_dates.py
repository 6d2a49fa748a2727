import datetime as dt

import pytest
from django.core.management.base import CommandError
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from baton.core.dates import (
    add_working_days,
    ago_text,
    command_date,
    days_text,
    end_of_day,
    has_official_schedule,
    is_working_day,
    last_month_end,
    local_date,
    month_end,
    parse_iso_date,
    span_text,
    start_of_day,
    working_days_between,
)

D = dt.date

#: The State Council General Office's notices for 2024, 2025 and 2026, as published:
#: (first, last) days off, and the weekend days worked in exchange (调休上班).
SCHEDULES = {
    2024: {
        "off": [
            (D(2024, 1, 1), D(2024, 1, 1)),  # 元旦
            (D(2024, 2, 10), D(2024, 2, 17)),  # 春节
            (D(2024, 4, 4), D(2024, 4, 6)),  # 清明节
            (D(2024, 5, 1), D(2024, 5, 5)),  # 劳动节
            (D(2024, 6, 10), D(2024, 6, 10)),  # 端午节
            (D(2024, 9, 15), D(2024, 9, 17)),  # 中秋节
            (D(2024, 10, 1), D(2024, 10, 7)),  # 国庆节
        ],
        "worked": [
            D(2024, 2, 4),
            D(2024, 2, 18),
            D(2024, 4, 7),
            D(2024, 4, 28),
            D(2024, 5, 11),
            D(2024, 9, 14),
            D(2024, 9, 29),
            D(2024, 10, 12),
        ],
    },
    2025: {
        "off": [
            (D(2025, 1, 1), D(2025, 1, 1)),
            (D(2025, 1, 28), D(2025, 2, 4)),
            (D(2025, 4, 4), D(2025, 4, 6)),
            (D(2025, 5, 1), D(2025, 5, 5)),
            (D(2025, 5, 31), D(2025, 6, 2)),
            (D(2025, 10, 1), D(2025, 10, 8)),  # 国庆节、中秋节
        ],
        "worked": [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)],
    },
    2026: {
        "off": [
            (D(2026, 1, 1), D(2026, 1, 3)),
            (D(2026, 2, 15), D(2026, 2, 23)),
            (D(2026, 4, 4), D(2026, 4, 6)),
            (D(2026, 5, 1), D(2026, 5, 5)),
            (D(2026, 6, 19), D(2026, 6, 21)),
            (D(2026, 9, 25), D(2026, 9, 27)),
            (D(2026, 10, 1), D(2026, 10, 7)),
        ],
        "worked": [
            D(2026, 1, 4),
            D(2026, 2, 14),
            D(2026, 2, 28),
            D(2026, 5, 9),
            D(2026, 9, 20),
            D(2026, 10, 10),
        ],
    },
}


def _days(year: int):
    day = D(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("year", sorted(SCHEDULES))
def test_it_follows_the_official_schedule_every_day_of_the_year(year):
    schedule = SCHEDULES[year]
    off = {d for first, last in schedule["off"] for d in _days(year) if first <= d <= last}
    worked = set(schedule["worked"])
    assert all(d.weekday() >= 5 for d in worked)

    wrong = [
        d
        for d in _days(year)
        if is_working_day(d) != (d in worked or (d.weekday() < 5 and d not in off))
    ]

    assert has_official_schedule(D(year, 6, 1))
    assert wrong == []


def test_the_weekends_worked_in_2025_are_working_days():
    assert is_working_day(D(2025, 1, 26))  # a Sunday before 春节
    assert is_working_day(D(2025, 2, 8))  # a Saturday after it
    assert not any(is_working_day(D(2025, 10, d)) for d in range(1, 9))


def test_a_deadline_skips_the_golden_week():
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)  # the Sunday worked
    assert add_working_days(D(2025, 9, 26), 3) == D(2025, 9, 30)
    assert add_working_days(D(2025, 9, 26), 4) == D(2025, 10, 9)
    assert add_working_days(D(2025, 1, 24), 1) == D(2025, 1, 26)
    assert add_working_days(D(2025, 1, 27), 1) == D(2025, 2, 5)


def test_a_request_on_a_holiday_counts_from_the_next_working_day():
    assert add_working_days(D(2025, 10, 3), 1) == D(2025, 10, 9)
    assert add_working_days(D(2025, 10, 3), 3) == D(2025, 10, 11)  # the Saturday worked


def test_zero_and_negative_steps():
    assert add_working_days(D(2025, 10, 3), 0) == D(2025, 10, 3)
    assert add_working_days(D(2025, 10, 9), -1) == D(2025, 9, 30)
    assert add_working_days(D(2025, 2, 5), -1) == D(2025, 1, 27)


def test_it_counts_working_days_between_two_dates():
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 9)) == 1
    assert working_days_between(D(2025, 9, 26), D(2025, 10, 9)) == 4
    assert working_days_between(D(2025, 10, 9), D(2025, 9, 26)) == -4
    assert working_days_between(D(2025, 10, 9), D(2025, 10, 9)) == 0
    # A handoff made on the last working day before the holiday waits 3 working days
    # on 10 October, not on 3 October.
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 10)) == 2
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 11)) == 3


@hypothesis_settings(deadline=None)  # the first example loads the holiday calendar
@given(
    st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 1)),
    st.integers(min_value=0, max_value=30),
)
def test_counting_undoes_adding(day, n):
    assert working_days_between(day, add_working_days(day, n)) == n


def test_a_year_without_a_schedule_counts_monday_to_friday():
    # No notice exists for 2100: its 1 October (a Friday) counts as a working day, its
    # weekends do not. A page that must be exact asks has_official_schedule first.
    assert not has_official_schedule(D(2100, 10, 1))
    assert is_working_day(D(2100, 10, 1))
    assert not is_working_day(D(2100, 10, 2))
    assert add_working_days(D(2100, 10, 1), 1) == D(2100, 10, 4)


def test_the_local_day_is_shanghai_s(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    cutoff = end_of_day(D(2025, 1, 31))

    assert cutoff == dt.datetime(2025, 1, 31, 16, 0, tzinfo=dt.UTC)
    assert start_of_day(D(2025, 2, 1)) == cutoff
    assert local_date(dt.datetime(2025, 1, 31, 16, 0, tzinfo=dt.UTC)) == D(2025, 2, 1)
    assert local_date(dt.datetime(2025, 1, 31, 15, 59, tzinfo=dt.UTC)) == D(2025, 1, 31)


def test_month_ends():
    assert month_end(D(2024, 2, 10)) == D(2024, 2, 29)
    assert month_end(D(2025, 2, 28)) == D(2025, 2, 28)
    assert last_month_end(D(2025, 3, 1)) == D(2025, 2, 28)
    assert last_month_end(D(2025, 1, 31)) == D(2024, 12, 31)
    assert last_month_end() == timezone.localdate().replace(day=1) - dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025/01/01", "日期格式不正确，应为 YYYY-MM-DD。"),
        ("20250101", "日期格式不正确，应为 YYYY-MM-DD。"),
        ("2025-1-1", "日期格式不正确，应为 YYYY-MM-DD。"),
        ("２０２５-01-01", "日期格式不正确，应为 YYYY-MM-DD。"),
        ("2025-01-01\n", "日期格式不正确，应为 YYYY-MM-DD。"),
        (20250101, "日期格式不正确，应为 YYYY-MM-DD。"),
        ("2025-02-30", "2025-02-30 不是有效的日期。"),
    ],
)
def test_it_refuses_a_date_not_written_yyyy_mm_dd(value, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        parse_iso_date(value)


def test_it_reads_a_date():
    assert parse_iso_date("2024-02-29") == D(2024, 2, 29)
    assert command_date("2024-02-29") == D(2024, 2, 29)


def test_a_command_stops_on_a_bad_date():
    with pytest.raises(CommandError, match="日期格式不正确：2025-13-01（应为 YYYY-MM-DD）") as info:
        command_date("2025-13-01")
    assert info.value.returncode == 2


# --- how long ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "text"), [(0, "不足1天"), (0.4, "不足1天"), (1, "1天"), (3.6, "3天"), (146, "146天")]
)
def test_a_span_of_days_is_written_with_its_unit(days, text):
    assert days_text(days) == text


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (dt.date(2026, 3, 5), dt.date(2026, 3, 5), "不足1天"),
        (dt.date(2026, 3, 5), dt.date(2026, 3, 8), "3天"),
        (dt.date(2026, 3, 5), dt.date(2026, 4, 4), "30天"),
        (dt.date(2026, 3, 5), dt.date(2026, 4, 5), "1个月"),
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28), "1个月"),  # February has no 31st
        (dt.date(2026, 1, 30), dt.date(2026, 2, 27), "28天"),
        (dt.date(2026, 3, 5), dt.date(2026, 5, 20), "2个月"),
        (dt.date(2025, 3, 5), dt.date(2026, 3, 4), "11个月"),
        (dt.date(2025, 3, 5), dt.date(2026, 3, 5), "1年"),
        (dt.date(2018, 9, 1), dt.date(2026, 12, 6), "8年3个月"),
        (dt.date(2019, 9, 10), dt.date(2026, 12, 6), "7年2个月"),
    ],
)
def test_a_span_of_dates_is_written_in_whole_calendar_units(start, end, text):
    assert span_text(start, end) == text


def test_how_long_ago_counts_local_days():
    today = dt.date(2026, 12, 6)
    assert ago_text(dt.date(2026, 12, 6), today) == "今天"
    assert ago_text(dt.date(2026, 12, 3), today) == "3天前"
    assert ago_text(dt.date(2026, 10, 1), today) == "2个月前"
    assert ago_text(dt.date(2019, 9, 1), today) == "7年3个月前"
    # 2026-12-05 17:00 UTC is already 12月6日 01:00 in Shanghai: today, not a day ago.
    late = dt.datetime(2026, 12, 5, 17, 0, tzinfo=dt.UTC)
    assert ago_text(late, today) == "今天"
