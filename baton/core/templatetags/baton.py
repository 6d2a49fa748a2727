"""Template filters for money and dates as Chinese offices write them (``{% load baton %}``)."""

import re
from decimal import Decimal

from django import template

from baton.core.dates import ago_text, chinese_date, local_date
from baton.core.money import plain, yi_2

register = template.Library()

#: A whole number as written on a page: digits with +, spaces, hyphens or brackets, and
#: an extension after 转. A masked number (138****1234) is not one.
_DIALABLE = re.compile(r"^(\+?[0-9()\-\s]{5,})(?:转([0-9]+))?$")


@register.filter
def yi(amount_wan) -> str:
    """万元 → 亿元 with two decimals: 1181520 → 118.15."""
    return "—" if amount_wan is None else yi_2(Decimal(amount_wan))


@register.filter
def wan(amount_wan) -> str:
    """万元 with thousands separators, decimals only when there are any: 12,345.5."""
    if amount_wan is None:
        return "—"
    text = plain(Decimal(amount_wan))
    whole, _, frac = text.partition(".")
    whole = f"{int(whole):,}"
    return f"{whole}.{frac}" if frac else whole


@register.filter
def cdate(value) -> str:
    """A date (or an aware datetime, in local time) as 2019年8月31日."""
    if value is None:
        return "—"
    if hasattr(value, "tzinfo"):
        value = local_date(value)
    return chinese_date(value)


@register.filter
def ago(value) -> str:
    """A moment (or a date) as how long ago it was: 今天, 3天前, 2个月前, 7年3个月前."""
    return "—" if value is None else ago_text(value)


@register.filter
def tel(value) -> str:
    """A whole phone number as the target of a tap-to-call link, or "" for a masked or
    odd value: 0592-1234567转801 → tel:05921234567,801 (the comma waits, then dials the
    extension)."""
    match = _DIALABLE.fullmatch(str(value or "").strip())
    if not match:
        return ""
    number = re.sub(r"[^0-9+]", "", match[1])
    return f"tel:{number},{match[2]}" if match[2] else f"tel:{number}"
