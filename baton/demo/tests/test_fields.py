"""The demo's values of the fields real ledgers keep are plausible and pass every rule."""

import datetime as dt
from decimal import Decimal

import pytest

from baton.core.uscc import clean_uscc
from baton.demo.fields import ledger_fields
from baton.org.divisions import clean_division

NAMES = [f"示例{i}号项目" for i in range(200)]


@pytest.mark.parametrize("amount", [Decimal("3000"), Decimal("150000")])
def test_every_value_passes_the_rules_and_makes_sense(amount):
    created = dt.date(2019, 5, 1)
    for name in NAMES:
        fields = ledger_fields(name, amount, created, investor=True, land=True)
        if fields["investor_uscc"]:
            assert clean_uscc(fields["investor_uscc"]) == fields["investor_uscc"]
        if fields["investor_region"]:
            assert clean_division(fields["investor_region"]) == fields["investor_region"]
        assert 0 < fields["fixed_investment"] <= amount
        assert fields["annual_tax"] < fields["annual_output"]
        assert created < fields["planned_start_on"] < fields["planned_production_on"]
        assert fields["land_use"]
        if fields["project_type"] == "foreign":
            assert fields["investor_region"] == "" and fields["investor_uscc"] == ""
        if amount < 100_000:
            assert not fields["is_global500"] and not fields["is_china500"]


def test_the_kinds_are_mixed_and_the_values_repeat_for_a_name():
    kinds = {
        ledger_fields(n, Decimal(5000), dt.date(2020, 1, 1), investor=True, land=False)[
            "project_type"
        ]
        for n in NAMES
    }
    assert kinds == {"domestic", "foreign", "hmt"}
    one = ledger_fields("甲项目", Decimal(5000), dt.date(2020, 1, 1), investor=False, land=False)
    assert one == ledger_fields(
        "甲项目", Decimal(5000), dt.date(2020, 1, 1), investor=False, land=False
    )
    assert one["investor_uscc"] == "" and one["land_use"] == ""


def test_a_plan_long_past_when_the_demo_is_built_is_left_out():
    created = dt.date(2019, 1, 1)
    old = ledger_fields(
        "乙项目", Decimal(5000), created, investor=True, land=True, today=dt.date(2026, 1, 1)
    )
    assert old["planned_start_on"] is None and old["planned_production_on"] is None
    new = ledger_fields("乙项目", Decimal(5000), created, investor=True, land=True, today=created)
    assert new["planned_start_on"] > created
