"""Numbers as Chinese reports write them: 1126.106亿元, 1,200万元, 一百二十亿元, 5千万元.

Amounts become 万元 as exact ``Decimal``; nothing here touches a float.
"""

import re
from decimal import Decimal, InvalidOperation

_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "两": 2,
    "贰": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CN_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS)
#: A number: Arabic digits (with thousands commas and decimals) or a run of Chinese numerals.
NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{CN_CHARS}]+)"
#: What one unit of the amount's unit is in 万元.
UNIT_WAN = {
    "万亿": Decimal(100_000_000),
    "千亿": Decimal(10_000_000),
    "百亿": Decimal(1_000_000),
    "亿": Decimal(10_000),
    "千万": Decimal(1_000),
    "百万": Decimal(100),
    "十万": Decimal(10),
    "万": Decimal(1),
}


def cn_to_int(text: str) -> int | None:
    """Return the value of a run of Chinese numerals (一百二十 → 120, 两千零五 → 2005,
    一二三 → 123 read digit by digit), or None when it is not a number."""
    if not text:
        return None
    if all(c in _DIGITS for c in text):
        return int("".join(str(_DIGITS[c]) for c in text))
    total = section = 0
    digit: int | None = None
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[char]
            digit = None
        elif char in _BIG_UNITS:
            section += digit or 0
            total = (total + section) * _BIG_UNITS[char]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def to_number(text: str) -> Decimal | None:
    """Return ``text`` (digits or Chinese numerals) as a Decimal, or None."""
    text = text.replace(",", "")
    if not text:
        return None
    if text[0].isdigit():
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    value = cn_to_int(text)
    return None if value is None else Decimal(value)


def to_count(text: str) -> int | None:
    number = to_number(text)
    if number is None or number != number.to_integral_value() or number < 0:
        return None
    return int(number)


def to_wan(number: str, unit: str) -> Decimal | None:
    """Return ``number`` of ``unit`` (亿, 万, 万亿, 千万 …) in 万元, exact, or None."""
    value = to_number(number)
    if value is None or unit not in UNIT_WAN:
        return None
    amount = value * UNIT_WAN[unit]
    # 万元 carry at most four decimals (whole 元); a finer figure is rounded to the 元.
    return amount.quantize(Decimal("0.0001")) if amount.as_tuple().exponent < -4 else amount


def plain_wan(amount: Decimal | None) -> str | None:
    """Return an amount in 万元 as a plain string without trailing zeros (JSON)."""
    if amount is None:
        return None
    text = format(amount, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


AMOUNT = re.compile(
    rf"(?P<approx>约|近|逾|超过|超|达到|达|共计|合计|累计|总计)?"
    rf"(?P<num>{NUMBER})\s*(?P<unit>万亿|千亿|百亿|千万|百万|十万|亿|万)"
    rf"(?:(?P<wan>\d+(?:\.\d+)?)\s*万)?\s*(?P<yuan>元|美元|港元|港币|欧元|日元)?"
)
