"""Template filters for money and dates as Chinese offices write them (``{% load baton %}``)."""

from decimal import Decimal

from django import template

from baton.core.dates import ago_text, chinese_date, local_date
from baton.core.money import plain, yi_2

register = template.Library()


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
