"""Amounts in 万元: reading, refusing and converting (``baton.core.money``)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from baton.core.money import MAX_WAN, plain, to_wan, wan_to_yi, wan_to_yuan, yuan_to_wan


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        ("1234.5678", Decimal("1234.5678")),
        (" 1,234.5 ", Decimal("1234.5")),
        (5, Decimal("5")),
        (Decimal("0.0001"), Decimal("0.0001")),
        ("1.23450000", Decimal("1.2345")),
        ("0", Decimal("0")),
        ("100000000", MAX_WAN),
    ],
)
def test_it_reads_an_amount(value, amount):
    result = to_wan(value)

    assert result == amount
    assert result.as_tuple().exponent == -4


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1.5, "金额不能是浮点数，请以文本或 Decimal 传入。"),
        (0.0, "金额不能是浮点数，请以文本或 Decimal 传入。"),
        ("-0.0001", "金额不能为负数。"),
        (Decimal("-1"), "金额不能为负数。"),
        ("1.00001", "金额以万元为单位，最多保留 4 位小数（精确到元）。"),
        ("100000000.0001", "金额超出合理范围（不超过 1 万亿元）。"),
        ("abc", "“abc”不是有效的金额（万元）。"),
        ("", "“”不是有效的金额（万元）。"),
        (None, "“None”不是有效的金额（万元）。"),
        ("NaN", "“NaN”不是有效的金额（万元）。"),
        ("Infinity", "“Infinity”不是有效的金额（万元）。"),
        (Decimal("sNaN"), "“sNaN”不是有效的金额（万元）。"),
    ],
)
def test_it_refuses_a_bad_amount(value, message):
    with pytest.raises(ValidationError) as info:
        to_wan(value)
    assert info.value.messages == [message]


def test_it_converts_between_units():
    assert wan_to_yuan(Decimal("1234.5678")) == 12_345_678
    assert yuan_to_wan(12_345_678) == Decimal("1234.5678")
    assert yuan_to_wan(Decimal("12345678")) == Decimal("1234.5678")
    assert wan_to_yi(Decimal("1181520")) == Decimal("118.152")
    assert plain(Decimal("1181520.0000")) == "1181520"
    assert plain(Decimal("0.5000")) == "0.5"
    assert plain(Decimal("0.0000")) == "0"
