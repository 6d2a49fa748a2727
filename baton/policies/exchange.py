"""Policies as JSON files (``docs/policies.md``, ``docs/policy.schema.json``).

``policy_clean`` checks a file's data and returns it in the form the database keeps, or
the list of every error, each naming the policy, the clause and the place in its rule;
``policy_dump`` writes a policy back in the file form, so that loading a dump changes
nothing.
"""

import datetime as dt
import itertools
from decimal import Decimal, InvalidOperation

from . import fair
from .expr import ExprError, compile_rule
from .models import Beneficiary, Clause, Kind, Level, Payable, Policy, Status

POLICY_KEYS = {
    "number",
    "title",
    "level",
    "department",
    "region",
    "kind",
    "topic",
    "effective_on",
    "expires_on",
    "status",
    "successor",
    "source",
    "text",
    "draft",
    "delivery_days",
    "clauses",
}
CLAUSE_KEYS = {
    "number",
    "title",
    "valid_from",
    "valid_to",
    "beneficiary",
    "variables",
    "condition",
    "amount",
    "cap_item_wan",
    "cap_project_wan",
    "cap_year_wan",
    "payments",
    "time_limit",
    "stackable",
    "exclusive_group",
    "no_application",
    "fair_review",
    "note",
}
#: The most clauses a policy may bring.
MAX_CLAUSES = 200
_LABEL = {
    "level": {str(c.label): c.value for c in Level},
    "kind": {str(c.label): c.value for c in Kind},
    "status": {str(c.label): c.value for c in Status},
    "beneficiary": {str(c.label): c.value for c in Beneficiary},
}


def unknown_key(key: str) -> str:
    return f"未知的字段“{key}”。"


def _label(choices, value) -> str:
    return str(choices(value).label)


def _text(value, limit: int) -> str | None:
    if value is None:
        return ""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if len(value) <= limit else None


def _date(value) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() and number >= 0 else None


def _money(value) -> Decimal | None:
    number = _decimal(value)
    if number is None or number > Decimal("100000000"):
        return None
    if number != number.quantize(Decimal("0.0001")):
        return None
    return number.quantize(Decimal("0.0001"))


def _bool(item: dict, key: str, default: bool, bad) -> bool:
    value = item.get(key, default)
    if not isinstance(value, bool):
        bad(f"{key} 应为 true 或 false。")
        return default
    return value


def policy_clean(data) -> tuple[dict | None, list[str]]:
    """Return (the policy's fields with ``clauses``, []) or (None, the errors)."""
    if not isinstance(data, dict):
        return None, ["文件格式不对：应为一个政策对象（见 docs/policies.md）。"]
    errors: list[str] = []
    number = _text(data.get("number"), 80)
    name = number or "（缺少文号）"

    def bad(message: str) -> None:
        errors.append(f"{name}：{message}")

    for key in sorted(set(data) - POLICY_KEYS):
        bad(unknown_key(key))
    if not number:
        bad("缺少文号（number），或超过 80 个字符。")
    out: dict = {"number": number}
    for key, limit, required in (
        ("title", 200, True),
        ("department", 100, False),
        ("topic", 60, False),
        ("source", 500, False),
        ("text", 200_000, False),
    ):
        value = _text(data.get(key), limit)
        if value is None or (required and not value):
            bad(f"{key} 应为文本{'且不能为空' if required else ''}（不超过 {limit} 个字符）。")
        out[key] = value or ""
    region = _text(data.get("region"), 6)
    if region is None or not (region == "" or (region.isdigit() and len(region) in (2, 4, 6))):
        bad("region 应为行政区划代码的前 2、4 或 6 位（全国适用则为空）。")
    out["region"] = region or ""
    for key, default in (("level", None), ("kind", None), ("status", "现行")):
        value = data.get(key, default)
        if value not in _LABEL[key]:
            bad(f"{key} 应为 {'、'.join(_LABEL[key])} 之一。")
        out[key] = _LABEL[key].get(value)
    effective = data.get("effective_on")
    out["effective_on"] = None if effective is None else _date(effective)
    if effective is not None and out["effective_on"] is None:
        bad("effective_on（施行日期）应为 YYYY-MM-DD，原文未载时为 null。")
    expires = data.get("expires_on")
    out["expires_on"] = None if expires is None else _date(expires)
    if expires is not None and out["expires_on"] is None:
        bad("expires_on（失效日期）应为 YYYY-MM-DD 或 null。")
    if out["effective_on"] and out["expires_on"] and out["expires_on"] < out["effective_on"]:
        bad("失效日期早于施行日期。")
    successor = data.get("successor")
    out["successor"] = None
    if successor not in (None, ""):
        found = (
            Policy.objects.filter(number=successor).first() if isinstance(successor, str) else None
        )
        if found is None:
            bad(f"继任政策“{successor}”尚未导入，请先导入它。")
        elif found.number == number:
            bad("继任政策不能是它自己。")
        out["successor"] = found
    if out["status"] == Status.REVISED and not out["successor"]:
        bad("已修订的政策须写明修订后的政策（successor）。")
    out["is_draft"] = _bool(data, "draft", False, bad)
    days = data.get("delivery_days", 60)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
        bad("delivery_days（兑现时限）应为 1–365 个工作日。")
        days = 60
    out["delivery_days"] = days
    clauses = data.get("clauses")
    if not isinstance(clauses, list) or not clauses or len(clauses) > MAX_CLAUSES:
        bad(f"clauses 应为 1 到 {MAX_CLAUSES} 个条款的列表。")
        clauses = []
    out["clauses"] = []
    for index, item in enumerate(clauses, start=1):
        clause, clause_errors = _clause(item, index, out["effective_on"], out["region"])
        errors.extend(f"{name} › {e}" for e in clause_errors)
        if clause:
            out["clauses"].append(clause)
    errors.extend(f"{name} › {e}" for e in _overlaps(out["clauses"]))
    if not out["is_draft"] and not errors:
        errors.extend(
            fair.unresolved_message(name, clause, item)
            + '可先以草案（"draft": true）导入，写明审查结论（fair_review）后再发布。'
            for clause, item in fair.blocking(out["effective_on"], out["clauses"])
        )
    return (None, errors) if errors else (out, [])


def _clause(item, index: int, effective_on, region: str) -> tuple[dict | None, list[str]]:
    if not isinstance(item, dict):
        return None, [f"第 {index} 个条款应为对象。"]
    label = _text(item.get("number"), 30) or f"第 {index} 个条款"
    errors: list[str] = []

    def bad(message: str) -> None:
        errors.append(f"{label}：{message}")

    for key in sorted(set(item) - CLAUSE_KEYS):
        bad(unknown_key(key))
    out: dict = {"number": _text(item.get("number"), 30), "order": index}
    if not out["number"]:
        bad("缺少条款号（number），或超过 30 个字符。")
    for key, limit in (
        ("title", 200),
        ("exclusive_group", 60),
        ("note", 5000),
        ("fair_review", 5000),
    ):
        value = _text(item.get(key), limit)
        if value is None:
            bad(f"{key} 应为文本（不超过 {limit} 个字符）。")
        out[key] = value or ""
    valid_from = item.get("valid_from")
    out["valid_from"] = effective_on if valid_from is None else _date(valid_from)
    if valid_from is not None and out["valid_from"] is None:
        bad("valid_from 应为 YYYY-MM-DD 或 null（随政策施行日期）。")
    valid_to = item.get("valid_to")
    out["valid_to"] = None if valid_to is None else _date(valid_to)
    if valid_to is not None and out["valid_to"] is None:
        bad("valid_to 应为 YYYY-MM-DD 或 null。")
    if out["valid_from"] and out["valid_to"] and out["valid_to"] < out["valid_from"]:
        bad("本版本截止日早于起始日。")
    beneficiary = item.get("beneficiary", "企业")
    if beneficiary not in _LABEL["beneficiary"]:
        bad(f"beneficiary 应为 {'、'.join(_LABEL['beneficiary'])} 之一。")
    out["beneficiary"] = _LABEL["beneficiary"].get(beneficiary)
    variables = item.get("variables") or {}
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        bad('variables 应为 {"名称": "表达式"}。')
        variables = {}
    condition, amount = item.get("condition") or "", item.get("amount")
    if not isinstance(condition, str) or not isinstance(amount, str) or not amount.strip():
        bad("condition 应为表达式文本，amount 应为非空的表达式文本。")
    else:
        try:
            rule = compile_rule(condition=condition, amount=amount, variables=variables)
        except ExprError as exc:
            bad(str(exc))
        else:
            out["fair_flags"] = fair.flags(rule, region=region)
    if out["fair_review"] and fair.review_problem(out["fair_review"]):
        bad(f"fair_review：{fair.review_problem(out['fair_review'])}")
    out.update(variables=variables, condition=condition, amount=amount or "")
    for key in ("cap_item", "cap_project", "cap_year"):
        value = item.get(f"{key}_wan")
        out[key] = None if value is None else _money(value)
        if value is not None and out[key] is None:
            bad(f"{key}_wan 应为不超过 1 万亿的金额（万元，最多 4 位小数）或 null。")
    out["payments"] = _payments(item.get("payments"), bad)
    limit = item.get("time_limit")
    out["time_limit_days"], out["time_limit_from"] = None, ""
    if limit is not None:
        days = limit.get("days") if isinstance(limit, dict) else None
        start = limit.get("from") if isinstance(limit, dict) else None
        if not isinstance(days, int) or isinstance(days, bool) or not 0 < days <= 3650:
            bad('time_limit 应为 {"days": 天数, "from": 起算节点}，天数 1–3650。')
        elif start not in Payable.values:
            bad(f"time_limit.from 应为 {'、'.join(Payable.values)} 之一。")
        else:
            out["time_limit_days"], out["time_limit_from"] = days, start
    out["stackable"] = _bool(item, "stackable", True, bad)
    out["no_application"] = _bool(item, "no_application", False, bad)
    return (None, errors) if errors else (out, [])


def _payments(value, bad) -> list:
    if value in (None, []):
        return [{"milestone": Payable.APPROVED.value, "share": "1"}]
    if not isinstance(value, list):
        bad('payments 应为 [{"milestone": 节点, "share": 比例}] 的列表。')
        return []
    out, total = [], Decimal(0)
    for index, row in enumerate(value, start=1):
        milestone = row.get("milestone") if isinstance(row, dict) else None
        share = _decimal(row.get("share")) if isinstance(row, dict) else None
        if milestone not in Payable.values:
            bad(f"第 {index} 笔兑付的 milestone 应为 {'、'.join(Payable.values)} 之一。")
            continue
        if share is None or share == 0 or share > 1:
            bad(f'第 {index} 笔兑付的 share 应为大于 0、不超过 1 的比例（如 "0.3"）。')
            continue
        total += share
        out.append({"milestone": milestone, "share": format(share.normalize(), "f")})
    if out and total != 1:
        bad(f"各笔兑付比例之和应为 1，现为 {format(total.normalize(), 'f')}。")
    return out


def _overlaps(clauses: list[dict]) -> list[str]:
    errors, by_number = [], {}
    for clause in clauses:
        by_number.setdefault(clause["number"], []).append(clause)
    for number, versions in by_number.items():
        versions.sort(key=lambda c: c["valid_from"] or dt.date.min)
        for before, after in itertools.pairwise(versions):
            if after["valid_from"] is None or (
                before["valid_to"] is None or before["valid_to"] >= after["valid_from"]
            ):
                errors.append(
                    f"{number}：各版本的有效期重叠（{after['valid_from']} 起的版本之前的版本"
                    "须在此前截止）。"
                )
    return errors


def _amount(value) -> str | None:
    if value is None:
        return None
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def clause_dump(clause: Clause) -> dict:
    return {
        "number": clause.number,
        "title": clause.title,
        "valid_from": clause.valid_from.isoformat() if clause.valid_from else None,
        "valid_to": clause.valid_to.isoformat() if clause.valid_to else None,
        "beneficiary": _label(Beneficiary, clause.beneficiary),
        "variables": dict(clause.variables),
        "condition": clause.condition,
        "amount": clause.amount,
        "cap_item_wan": _amount(clause.cap_item),
        "cap_project_wan": _amount(clause.cap_project),
        "cap_year_wan": _amount(clause.cap_year),
        "payments": list(clause.payments),
        "time_limit": (
            {"days": clause.time_limit_days, "from": clause.time_limit_from}
            if clause.time_limit_days
            else None
        ),
        "stackable": clause.stackable,
        "exclusive_group": clause.exclusive_group,
        "no_application": clause.no_application,
        "fair_review": clause.fair_review,
        "note": clause.note,
    }


def policy_dump(policy: Policy) -> dict:
    """Return the policy as the loader reads it."""
    return {
        "number": policy.number,
        "title": policy.title,
        "level": _label(Level, policy.level),
        "department": policy.department,
        "region": policy.region,
        "kind": _label(Kind, policy.kind),
        "topic": policy.topic,
        "effective_on": policy.effective_on.isoformat() if policy.effective_on else None,
        "expires_on": policy.expires_on.isoformat() if policy.expires_on else None,
        "status": _label(Status, policy.status),
        "successor": policy.successor.number if policy.successor_id else None,
        "source": policy.source,
        "text": policy.text,
        "draft": policy.is_draft,
        "delivery_days": policy.delivery_days,
        "clauses": [clause_dump(c) for c in policy.clauses.order_by("order", "valid_from", "id")],
    }
