"""A lead's fields as a user gives them: checked, normalised, refused by field."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from baton.companies.industry import clean_industry_code
from baton.core.messages import required, too_long
from baton.core.money import to_wan
from baton.projects.models import Industry

from .models import Kind, Source

#: The fields a user gives and edits, in the order events list them.
FIELDS = (
    "title",
    "source",
    "source_detail",
    "summary",
    "products",
    "industry_code",
    "industry",
    "kind",
    "investment",
    "fixed_investment",
    "land_mu",
    "energy_tce",
    "environment",
    "annual_output",
    "annual_tax",
    "coordination",
    "follower",
)
TEXT_LIMITS = {
    "title": 200,
    "source_detail": 200,
    "summary": 5000,
    "products": 2000,
    "environment": 200,
    "coordination": 2000,
    "follower": 50,
}
#: Why a fixed-asset investment is refused against the total.
FIXED_OVER_TOTAL = "固定资产投资不能大于总投资。"
AMOUNTS = ("investment", "fixed_investment", "annual_output", "annual_tax")
QUANTITIES = ("land_mu", "energy_tce")
LABELS = {
    "title": "项目名称",
    "investment": "总投资",
    "fixed_investment": "固定资产投资",
    "annual_output": "预计年产值",
    "annual_tax": "预计年税收",
    "land_mu": "用地需求",
    "energy_tce": "用能需求",
}


def _amount(field: str, value) -> Decimal | None:
    if value in (None, ""):
        if field == "investment":
            raise ValidationError(required("总投资"))
        return None
    try:
        amount = to_wan(value)
    except ValidationError as exc:
        raise ValidationError(f"{LABELS[field]}：{exc.messages[0]}") from None
    if amount < 0 or (field == "investment" and amount == 0):
        raise ValidationError(f"{LABELS[field]}必须大于 0。")
    return amount


def _quantity(field: str, value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(f"{LABELS[field]}应为数字。") from None
    if not number.is_finite() or number < 0 or number >= Decimal("1e10"):
        raise ValidationError(f"{LABELS[field]}应为不小于 0 的数字。")
    return number.quantize(Decimal("0.01"))


def _value(field: str, value):
    if field in AMOUNTS:
        return _amount(field, value)
    if field in QUANTITIES:
        return _quantity(field, value)
    if field == "industry_code":
        return clean_industry_code(value)
    if field == "industry":
        if value in (None, ""):
            return None
        if isinstance(value, Industry):
            return value
        try:
            return Industry.objects.get(pk=int(value))
        except (Industry.DoesNotExist, TypeError, ValueError):
            raise ValidationError("行业无效。") from None
    if field == "source":
        if value not in Source.values:
            raise ValidationError("请选择信息来源。")
        return value
    if field == "kind":
        value = value or Kind.NEW
        if value not in Kind.values:
            raise ValidationError("项目性质无效。")
        return value
    text = (
        " ".join(str(value or "").split())
        if field in ("title", "follower")
        else str(value or "").strip()
    )
    if field == "title" and not text:
        raise ValidationError(required("项目名称"))
    if len(text) > TEXT_LIMITS[field]:
        raise ValidationError(too_long(TEXT_LIMITS[field]))
    return text


def clean_values(values: dict, *, partial: bool = False) -> dict:
    """Return ``values`` checked; every field when not ``partial``; else raise by field."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValidationError(f"不能填写这些字段：{'、'.join(sorted(unknown))}。")
    fields = [f for f in FIELDS if f in values] if partial else FIELDS
    errors: dict[str, list[str]] = {}
    clean = {}
    for field in fields:
        try:
            clean[field] = _value(field, values.get(field))
        except ValidationError as exc:
            errors[field] = exc.messages
    fixed, total = clean.get("fixed_investment"), clean.get("investment")
    if not errors and fixed and total and fixed > total:
        errors["fixed_investment"] = [FIXED_OVER_TOTAL]
    if errors:
        raise ValidationError(errors)
    return clean


def as_json(field: str, value):
    """A value as an event keeps it: ids, 万元 strings, plain text."""
    if value is None:
        return None
    if field == "industry":
        return value.pk if isinstance(value, Industry) else value
    if isinstance(value, Decimal):
        return f"{value:f}"
    return value
