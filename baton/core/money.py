"""Money in 万元 as ``Decimal``, stored exactly as whole 元.

SQLite keeps DECIMAL columns as floats, so sums drift; integers do not. One 万元 is
10,000 元, so an amount in 万元 may carry at most four decimals.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

YUAN_PER_WAN = 10_000
WAN_PER_YI = Decimal(10_000)
#: 1 万亿元 — far above any single project, well inside a 64-bit integer of 元.
MAX_WAN = Decimal("100000000")


#: An amount over the largest the library takes (1 万亿元).
TOO_LARGE = _("金额超出合理范围（不超过 1 万亿元）。")


def to_wan(value) -> Decimal:
    """Return ``value`` (str, int or Decimal, in 万元) as a Decimal, or raise ValidationError."""
    if isinstance(value, float):
        raise ValidationError(_("金额不能是浮点数，请以文本或 Decimal 传入。"))
    amount: Decimal | None
    try:
        amount = (
            value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
        )
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError(_("“%(v)s”不是有效的金额（万元）。") % {"v": value})
    if amount < 0:
        raise ValidationError(_("金额不能为负数。"))
    if amount > MAX_WAN:
        raise ValidationError(TOO_LARGE)
    if (amount * YUAN_PER_WAN) != (amount * YUAN_PER_WAN).to_integral_value():
        raise ValidationError(_("金额以万元为单位，最多保留 4 位小数（精确到元）。"))
    return amount.quantize(Decimal("0.0001"))


def wan_to_yuan(amount: Decimal) -> int:
    return int(to_wan(amount) * YUAN_PER_WAN)


def yuan_to_wan(yuan) -> Decimal:
    return Decimal(int(yuan)).scaleb(-4)


def plain(amount: Decimal) -> str:
    """Return an amount as a plain decimal string without trailing zeros: 1181520, 0.5."""
    text = format(amount, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def wan_to_yi(amount: Decimal) -> Decimal:
    return amount / WAN_PER_YI


def yi_exact(amount_wan: Decimal) -> str:
    """Return 万元 as 亿元 with as many decimals as the amount has: 1126.106."""
    return plain(wan_to_yi(amount_wan))


def yi_2(amount_wan: Decimal) -> str:
    """Return 万元 as 亿元 rounded half-up to two decimals: 118.15."""
    return str(wan_to_yi(amount_wan).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


class MoneyField(models.BigIntegerField):
    """An amount in 万元, a ``Decimal`` in Python, whole 元 in the database."""

    description = _("金额（万元，按元整数存储）")

    def from_db_value(self, value, expression, connection):
        return None if value is None else yuan_to_wan(value)

    def to_python(self, value):
        if value is None or isinstance(value, Decimal):
            return value if value is None else to_wan(value)
        return to_wan(value)

    def get_prep_value(self, value):
        if value is None:
            return None
        if hasattr(value, "resolve_expression"):
            return value
        return wan_to_yuan(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        return value

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.DecimalField,
            "max_digits": 14,
            "decimal_places": 4,
            "min_value": 0,
        }
        return models.Field.formfield(self, **{**defaults, **kwargs})

    @property
    def validators(self):
        # The integer range validators of BigIntegerField would compare 元 limits
        # with 万元 values; to_wan() already bounds the amount.
        return []
