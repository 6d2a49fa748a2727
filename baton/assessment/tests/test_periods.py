"""Periods as offices write them, and the picker's way back from a period."""

import datetime as dt

import pytest

from baton.assessment.periods import last_closed, period_label, period_of, period_parts

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (D(2019, 8, 1), D(2019, 8, 31), "2019年8月"),
        (D(2019, 1, 1), D(2019, 8, 31), "2019年1-8月"),
        (D(2019, 7, 1), D(2019, 9, 30), "2019年第三季度"),
        (D(2019, 1, 1), D(2019, 12, 31), "2019年度"),
        (D(2024, 2, 1), D(2024, 2, 29), "2024年2月"),
        (D(2019, 8, 5), D(2019, 9, 4), "2019年8月5日至2019年9月4日"),
    ],
)
def test_it_labels_periods(start, end, label):
    assert period_label(start, end) == label


def test_it_turns_a_choice_into_a_period_and_back():
    assert period_of("month", 2019, 8) == period_of("month", 2019, 8, cumulative=False)
    ytd = period_of("month", 2019, 8, cumulative=True)
    assert (ytd.start, ytd.end, ytd.label) == (D(2019, 1, 1), D(2019, 8, 31), "2019年1-8月")
    q = period_of("quarter", 2024, 4)
    assert (q.start, q.end) == (D(2024, 10, 1), D(2024, 12, 31))
    assert period_parts(ytd.start, ytd.end, "month") == {
        "year": 2019,
        "part": 8,
        "cumulative": True,
    }
    assert period_parts(q.start, q.end, "quarter") == {"year": 2024, "part": 4, "cumulative": False}
    assert period_parts(D(2019, 8, 5), D(2019, 9, 4), "month") == {}


def test_it_offers_the_last_period_that_has_ended():
    assert last_closed("month", D(2026, 1, 15)) == (2025, 12)
    assert last_closed("quarter", D(2026, 2, 1)) == (2025, 4)
    assert last_closed("quarter", D(2026, 8, 1)) == (2026, 2)
    assert last_closed("year", D(2026, 8, 1)) == (2025, None)
