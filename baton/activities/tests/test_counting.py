"""The counting rule, exhaustively: first signing, re-signing, upgrade, increase, both,
order by date not by entry, projects and companies apart."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from ..counting import FIRST, INCREASE, REPEAT, UPGRADE, credits

D = Decimal


def line(pk, activity, day, kind, amount, subject=("project", 1)):
    return SimpleNamespace(
        pk=pk,
        activity_id=activity,
        activity=SimpleNamespace(start_on=dt.date(2026, 1, day)),
        kind=kind,
        amount=D(amount),
        subject=subject,
    )


def test_it_credits_the_first_signing_in_full():
    c = credits([line(1, 10, 5, "contract", "5000")])[1]
    assert (c.status, c.counted, c.upgraded, c.amount, c.credited_to) == (
        FIRST, True, False, D("5000"), 10
    )  # fmt: skip


def test_it_does_not_count_a_re_signing_twice():
    c = credits([line(1, 10, 5, "contract", "5000"), line(2, 11, 9, "contract", "5000")])
    assert c[2].status == REPEAT and not c[2].counted and c[2].amount == 0
    assert c[2].credited_to == 10


def test_it_counts_an_upgrade_only_as_an_upgrade():
    c = credits([line(1, 10, 5, "intent", "5000"), line(2, 11, 9, "contract", "5000")])
    assert (c[2].status, c[2].counted, c[2].upgraded, c[2].amount) == (UPGRADE, False, True, 0)


def test_it_counts_an_increase_only_by_the_increase():
    c = credits([line(1, 10, 5, "contract", "5000"), line(2, 11, 9, "contract", "8000")])
    assert (c[2].status, c[2].counted, c[2].amount) == (INCREASE, False, D("3000"))


def test_an_upgrade_with_more_money_counts_the_upgrade_and_the_increase():
    c = credits([line(1, 10, 5, "intent", "5000"), line(2, 11, 9, "agreement", "6000")])
    assert (c[2].status, c[2].upgraded, c[2].amount) == (UPGRADE, True, D("1000"))


def test_a_weaker_or_smaller_later_document_counts_nothing():
    c = credits(
        [
            line(1, 10, 5, "contract", "9000"),
            line(2, 11, 6, "intent", "9500"),  # weaker kind, more money: the increase only
            line(3, 12, 7, "agreement", "4000"),  # weaker and smaller: nothing
        ]
    )
    assert (c[2].status, c[2].amount) == (INCREASE, D("500"))
    assert (c[3].status, c[3].amount, c[3].upgraded) == (REPEAT, 0, False)


def test_the_ladder_counts_each_step_once():
    c = credits(
        [
            line(1, 10, 1, "intent", "1000"),
            line(2, 11, 2, "agreement", "1000"),
            line(3, 12, 3, "contract", "3000"),
            line(4, 13, 4, "contract", "3000"),
        ]
    )
    assert [c[i].status for i in (1, 2, 3, 4)] == [FIRST, UPGRADE, UPGRADE, REPEAT]
    assert sum(c[i].amount for i in c) == D("3000")
    assert sum(c[i].counted for i in c) == 1


def test_the_date_decides_not_the_order_of_entry():
    later_entered_earlier_held = line(9, 20, 1, "contract", "5000")
    c = credits([line(1, 10, 5, "contract", "5000"), later_entered_earlier_held])
    assert c[9].status == FIRST and c[1].status == REPEAT and c[1].credited_to == 20


def test_same_day_goes_by_activity_then_line():
    c = credits([line(2, 11, 5, "contract", "1"), line(1, 10, 5, "contract", "1")])
    assert c[1].status == FIRST and c[2].status == REPEAT


@pytest.mark.parametrize(
    "subjects", [(("project", 1), ("project", 2)), (("project", 1), ("company", 1))]
)
def test_different_subjects_are_counted_apart(subjects):
    a, b = subjects
    c = credits([line(1, 10, 5, "contract", "5", a), line(2, 11, 9, "contract", "5", b)])
    assert c[1].counted and c[2].counted
