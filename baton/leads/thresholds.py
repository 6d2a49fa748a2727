"""Entry thresholds and exclusions (入库门槛, 不纳入情形): which leads are counted.

A district's rules are data (``LeadSettings.thresholds`` and ``.exclusions``):

- a threshold ``{"label", "industry": [code prefixes], "investment_min", "fixed_min"}``
  applies to a lead whose GB/T 4754 code starts with one of the prefixes (a section
  letter such as ``C`` covers its divisions); the first that applies decides, and one
  with no prefixes applies to every lead; amounts in 万元, blank for no minimum;
- an exclusion ``{"label", "industry": [prefixes], "kinds": [项目性质]}`` matches a lead
  by its code or by its kind (技改扩建).

A lead under its threshold or excluded is kept as 储备 with the reason, and not counted.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from baton.companies.industry import clean_industry_code

from .models import Kind


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _covers(prefixes: list[str], code: str) -> bool:
    return any(code.startswith(prefix) for prefix in prefixes)


def reserve_reason(rules, industry_code: str, kind: str, investment, fixed) -> str:
    """Why a lead is kept as 储备 under ``rules`` (a ``LeadSettings``), or blank."""
    code = industry_code or ""
    for exclusion in rules.exclusions or []:
        by_code = code and _covers(exclusion.get("industry") or [], code)
        if by_code or kind in (exclusion.get("kinds") or []):
            return f"属于不纳入情形：{exclusion.get('label', '')}"
    for threshold in rules.thresholds or []:
        prefixes = threshold.get("industry") or []
        if prefixes and not _covers(prefixes, code):
            continue
        label = threshold.get("label", "")
        least = _amount(threshold.get("investment_min"))
        if least is not None and (investment or 0) < least:
            return f"低于{label}入库门槛：总投资不低于 {least:f} 万元"
        least = _amount(threshold.get("fixed_min"))
        if least is not None and (fixed is None or fixed < least):
            return f"低于{label}入库门槛：固定资产投资不低于 {least:f} 万元"
        return ""
    return ""


def clean_rules(thresholds, exclusions) -> tuple[list[dict], list[dict]]:
    """Return the two lists checked (codes, kinds, amounts), or raise by field."""
    errors: dict[str, list[str]] = {}

    def codes(entry: dict, field: str) -> list[str]:
        out = []
        for code in entry.get("industry") or []:
            try:
                out.append(clean_industry_code(code))
            except ValidationError as exc:
                errors.setdefault(field, []).extend(exc.messages)
        return out

    clean_thresholds = []
    for entry in thresholds or []:
        if not isinstance(entry, dict) or not str(entry.get("label", "")).strip():
            errors.setdefault("thresholds", []).append("每条入库门槛都要有名称。")
            continue
        row = {"label": str(entry["label"]).strip(), "industry": codes(entry, "thresholds")}
        for key in ("investment_min", "fixed_min"):
            value = entry.get(key, "")
            amount = _amount(value)
            if value not in (None, "") and (amount is None or amount < 0):
                errors.setdefault("thresholds", []).append(
                    f"{row['label']}：门槛金额“{value}”不是有效的万元金额。"
                )
            row[key] = "" if amount is None else f"{amount:f}"
        clean_thresholds.append(row)
    clean_exclusions = []
    for entry in exclusions or []:
        if not isinstance(entry, dict) or not str(entry.get("label", "")).strip():
            errors.setdefault("exclusions", []).append("每条不纳入情形都要有名称。")
            continue
        kinds = [k for k in entry.get("kinds") or [] if k in Kind.values]
        if len(kinds) != len(entry.get("kinds") or []):
            errors.setdefault("exclusions", []).append("项目性质只能是：新建、技改扩建、增资。")
        clean_exclusions.append(
            {
                "label": str(entry["label"]).strip(),
                "industry": codes(entry, "exclusions"),
                "kinds": kinds,
            }
        )
    if errors:
        raise ValidationError(errors)
    return clean_thresholds, clean_exclusions
