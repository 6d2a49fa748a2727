"""What a project would get: every clause in force on a date that applies to it, the
amount with its formula, the instalments, the near misses, stacking resolved.

The facts come from the project (and its investor's record in the 客商库), or from a
lead (投资信息) and its company; facts Baton does not keep (注册资本, 实际到位资金 …)
are given by the caller.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.utils import timezone

from baton.companies.models import Company
from baton.companies.models import Tag as CompanyTag
from baton.leads.models import Lead
from baton.projects.models import Milestone, Project

from .evaluate import explain_rule, fmt, run, shortfalls
from .expr import FIELDS, ExprError, MissingFact, compile_rule
from .models import Clause, Payable, clauses_in_force

YUAN = Decimal("0.0001")
MILESTONE_FACTS = {kind: f"{kind}_on" for kind in Milestone.Kind.values}


def _intensity(fixed: Decimal | None, land: Decimal | None) -> Decimal | None:
    """Return 投资强度 (固定资产投资 per 亩), None when either is unknown or no land."""
    if fixed is None or not land:
        return None
    with localcontext() as ctx:
        ctx.prec = 34
        return (fixed / land).quantize(YUAN, rounding=ROUND_HALF_UP)


def _facts(*, on: dt.date, company: Company | None, tags: set[str], **values) -> dict:
    """Return the facts the rule language names (None when unknown): ``values`` (amounts,
    land, names), the 投资强度 they give, and the investor's 行业代码, 所在地 and tags."""
    facts: dict = dict.fromkeys(FIELDS)
    facts.update(values, on=on)
    facts["intensity_per_mu"] = _intensity(values.get("fixed_investment"), values.get("land_mu"))
    tags = set(tags)
    if company:
        facts["industry_code"] = facts["industry_code"] or company.industry_code or None
        facts["investor_region"] = facts["investor_region"] or company.region or None
        facts["company_name"] = facts["company_name"] or company.name
        facts["credit_code"] = facts["credit_code"] or company.uscc or None
        tags |= {str(CompanyTag(t).label) for t in company.tags if t in CompanyTag.values}
    facts["tags"] = sorted(tags)
    return facts


def project_facts(project: Project, *, on: dt.date) -> dict:
    """Return the facts of ``project`` the rule language names (None when unknown)."""
    company = None
    if project.investor_uscc:
        company = Company.objects.filter(
            district=project.district, uscc=project.investor_uscc, merged_into__isnull=True
        ).first()
    flags = (
        ("is_global500", CompanyTag.GLOBAL_500),
        ("is_china500", CompanyTag.CHINA_500),
        ("is_listed", CompanyTag.LISTED),
    )
    facts = _facts(
        on=on,
        company=company,
        tags={str(tag.label) for flag, tag in flags if getattr(project, flag)},
        investment=project.investment,
        fixed_investment=project.fixed_investment,
        annual_output=project.annual_output,
        annual_tax=project.annual_tax,
        land_mu=project.land_area_mu,
        industry=project.industry.name if project.industry_id else None,
        project_type=project.get_project_type_display() if project.project_type else None,
        land_use=project.get_land_use_display() if project.land_use else None,
        district=project.district.code,
        investor_region=project.investor_region or None,
        company_name=project.investor or None,
        credit_code=project.investor_uscc or None,
        stage=project.stage.name,
    )
    for milestone in project.milestones.all():
        facts[MILESTONE_FACTS[milestone.kind]] = milestone.date
    return facts


def lead_facts(lead: Lead, *, on: dt.date) -> dict:
    """Return the facts of ``lead`` (投资信息) and its company the rule language names.

    A lead has no milestones, 项目类型 or 用地性质 yet: those stay unknown (a clause that
    needs them says so). Its 项目性质 (新建, 技改扩建, 增资) has no field in the language."""
    return _facts(
        on=on,
        company=lead.company,
        tags=set(),
        investment=lead.investment,
        fixed_investment=lead.fixed_investment,
        annual_output=lead.annual_output,
        annual_tax=lead.annual_tax,
        land_mu=lead.land_mu,
        industry_code=lead.industry_code or None,
        industry=lead.industry.name if lead.industry_id else None,
        district=lead.district.code,
    )


def with_facts(base: dict, given: dict) -> dict:
    """Return ``base`` facts with ``given`` ones over them (a what-if, or what a project's
    record lacks); 投资强度 follows a given 固定资产投资 or 用地 unless given itself."""
    facts = {**base, **given}
    if "intensity_per_mu" not in given and {"fixed_investment", "land_mu"} & given.keys():
        facts["intensity_per_mu"] = _intensity(facts.get("fixed_investment"), facts.get("land_mu"))
    return facts


def what_if_facts(given: dict, *, on: dt.date) -> dict:
    """Return the facts of a project described by hand: ``given``, and nothing else known."""
    return with_facts(_facts(on=on, company=None, tags=set()), given)


def signed_on(project: Project) -> dt.date | None:
    row = project.milestones.filter(kind=Milestone.Kind.SIGNED).first()
    return row.date if row else None


@dataclass
class Item:
    clause: Clause
    amount: Decimal
    formula: str
    explanation: str = ""
    steps: list = field(default_factory=list)
    payments: list = field(default_factory=list)
    excluded: str = ""  # why stacking rules left it out

    def as_json(self) -> dict:
        return {
            "policy": self.clause.policy.number,
            "clause": self.clause.number,
            "beneficiary": str(self.clause.get_beneficiary_display()),
            "amount_wan": _dec(self.amount),
            "formula": self.formula,
            "payments": [
                {"milestone": p["milestone"], "share": p["share"], "amount_wan": _dec(p["amount"])}
                for p in self.payments
            ],
        }


@dataclass
class Miss:
    clause: Clause
    reason: str  # "固定资产投资再增加 2,000 万元即可适用" / "缺少数据：注册资本"
    fields: list[str] = field(default_factory=list)  # the facts still to be given
    explanation: str = ""


@dataclass
class Estimate:
    project: Project | None  # None for a what-if
    on: dt.date
    items: list[Item]
    excluded: list[Item]
    near: list[Miss]
    missing: list[Miss]
    #: The clauses in force for the place on the day (none: nothing could apply).
    considered: int = 0
    lead: Lead | None = None  # the lead estimated, if it was one
    #: The clauses in force whose condition fails, with the condition and its numbers.
    unmet: list[Miss] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.items), Decimal(0))

    def as_json(self) -> dict:
        return {
            "project": self.project.code if self.project else None,
            "on": self.on.isoformat(),
            "items": [i.as_json() for i in self.items],
            "total_wan": _dec(self.total),
        }


def _dec(value: Decimal) -> str:
    text = format(value.quantize(YUAN), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _payments(clause: Clause, amount: Decimal) -> list[dict]:
    rows = clause.payments or [{"milestone": Payable.APPROVED.value, "share": "1"}]
    out, paid = [], Decimal(0)
    for index, row in enumerate(rows):
        share = Decimal(row["share"])
        if index == len(rows) - 1:
            part = amount - paid  # the last instalment takes the rounding
        else:
            part = (amount * share).quantize(YUAN, rounding=ROUND_HALF_UP)
        paid += part
        out.append({"milestone": row["milestone"], "share": row["share"], "amount": part})
    return out


def _cap(clause: Clause, amount: Decimal, formula: str) -> tuple[Decimal, str]:
    for cap, label in ((clause.cap_item, "单项上限"), (clause.cap_project, "单个项目上限")):
        if cap is not None and amount > cap:
            amount = cap
            formula += f"，超过{label}，按 {fmt(cap)} 万元计"
    return amount, formula


def _label(name: str) -> str:
    return FIELDS[name].label if name in FIELDS else name


def _explanation(rule) -> str:
    text = explain_rule(rule)
    return f"{text['condition']}的，{text['amount']}" if text["condition"] else text["amount"]


def evaluate_clause(clause: Clause, facts: dict) -> Item | Miss | None:
    """Return the clause's Item when it applies, a Miss when it almost does, else None."""
    try:
        rule = compile_rule(
            condition=clause.condition, amount=clause.amount, variables=clause.variables
        )
    except ExprError as exc:
        return Miss(clause, f"无法计算：{exc}")
    explanation = _explanation(rule)
    try:
        outcome = run(rule, facts)
    except MissingFact as exc:
        return Miss(clause, f"缺少数据：{exc.label}", [exc.name], explanation)
    except ExprError as exc:
        return Miss(clause, f"无法计算：{exc}", explanation=explanation)
    if not outcome.applies:
        absent: list[str] = []
        gaps = shortfalls(rule, facts, absent)
        if not gaps:
            return None
        needs = "，".join(f"{label}再增加 {fmt(gap)} {unit}".rstrip() for label, gap, unit in gaps)
        reason = f"{needs}即可适用"
        if absent:
            reason += f"（另缺少数据：{'、'.join(_label(n) for n in absent)}）"
        return Miss(clause, reason, absent, explanation)
    amount, formula = _cap(clause, outcome.amount, outcome.formula)
    return Item(
        clause,
        amount,
        formula,
        explanation=explanation,
        steps=outcome.steps,
        payments=_payments(clause, amount),
    )


def _stack(items: list[Item]) -> tuple[list[Item], list[Item]]:
    """Keep the highest of each exclusive group; a clause that does not stack is kept
    alone only when it beats all the rest together."""
    kept, dropped, best = [], [], {}
    for item in items:
        group = item.clause.exclusive_group
        if not group:
            kept.append(item)
        elif group not in best or item.amount > best[group].amount:
            if group in best:
                best[group].excluded = f"与同组（{group}）条款就高不叠加"
                dropped.append(best[group])
            best[group] = item
        else:
            item.excluded = f"与同组（{group}）条款就高不叠加"
            dropped.append(item)
    kept += best.values()
    lone = [i for i in kept if not i.clause.stackable]
    if lone:
        top = max(lone, key=lambda i: i.amount)
        rest = [i for i in kept if i.clause.stackable]
        if top.amount >= sum((i.amount for i in rest), Decimal(0)):
            others = [i for i in kept if i is not top]
            kept = [top]
        else:
            others = lone
            kept = rest
        for item in others:
            item.excluded = "不可叠加的条款与其他条款就高享受"
        dropped += others
    order = {id(i): n for n, i in enumerate(items)}
    return sorted(kept, key=lambda i: order[id(i)]), dropped


def estimate(*, project: Project, on: dt.date | None = None, facts: dict | None = None) -> Estimate:
    """Return what ``project`` would get under the clauses in force on ``on`` (default:
    its signing date, else today); ``facts`` add or override the project's."""
    on = on or signed_on(project) or timezone.localdate()
    values = with_facts(project_facts(project, on=on), facts or {})
    result = estimate_facts(place=project.district.code, on=on, facts=values)
    result.project = project
    return result


def estimate_lead(*, lead: Lead, on: dt.date | None = None, facts: dict | None = None) -> Estimate:
    """Return what the project of ``lead`` (投资信息) would get under the clauses in force
    on ``on`` (default today); ``facts`` add or override the lead's."""
    on = on or timezone.localdate()
    values = with_facts(lead_facts(lead, on=on), facts or {})
    result = estimate_facts(place=lead.district.code, on=on, facts=values)
    result.lead = lead
    return result


def estimate_facts(*, place: str, on: dt.date, facts: dict) -> Estimate:
    """Return what a project at ``place`` (a district code) with ``facts`` would get on
    ``on`` — a what-if, or a project's facts."""
    values = {**dict.fromkeys(FIELDS), "district": place, **facts, "on": on}
    items, near, missing, unmet, considered = [], [], [], [], 0
    clauses = clauses_in_force(on).order_by("policy__number", "order", "id")
    for clause in clauses:
        if not place.startswith(clause.policy.region):
            continue
        considered += 1
        result = evaluate_clause(clause, values)
        if result is None:
            unmet.append(_unmet(clause, values))
        elif isinstance(result, Item):
            items.append(result)
        elif isinstance(result, Miss):
            (missing if result.reason.startswith(("缺少", "无法")) else near).append(result)
    kept, dropped = _stack(items)
    return Estimate(None, on, kept, dropped, near, missing, considered, unmet=unmet)


def _unmet(clause: Clause, facts: dict) -> Miss:
    """The clause whose condition fails (not for want of a number): its condition with
    the numbers, so that the page says why (“开工日期 2019-08-21 ≤ 计算日期 2019-07-22”)."""
    rule = compile_rule(
        condition=clause.condition, amount=clause.amount, variables=clause.variables
    )
    outcome = run(rule, facts)
    return Miss(clause, f"条件不成立：{outcome.condition}", explanation=_explanation(rule))


#: The fields by the names people give them (注册资本 → registered_capital).
_BY_LABEL = {field.label: name for name, field in FIELDS.items()}


def parse_fact(text: str) -> tuple[str, object]:
    """Return (name, value) of "name=value" as the rule language types it; raise ValueError.

    The field may be named as the rule language does (``registered_capital``) or as people
    do (注册资本), and the sign may be full-width (注册资本＝30000)."""
    name, sep, raw = text.replace("＝", "=").partition("=")
    name, raw = name.strip(), raw.strip()
    name = _BY_LABEL.get(name, name)
    if not sep or name not in FIELDS:
        labels = "、".join(field.label for field in FIELDS.values())
        raise ValueError(
            f"“{text}”应为“数据名称=值”，如 注册资本=30000；数据名称为 {labels} 之一。"
        )
    kind = FIELDS[name].type
    try:
        if kind == "数值":
            value = Decimal(raw.replace(",", ""))
            if not value.is_finite() or value < 0:
                raise ValueError
            return name, value
        if kind == "日期":
            return name, dt.date.fromisoformat(raw)
    except (ArithmeticError, ValueError):
        raise ValueError(f"“{text}”的值不是有效的{kind}。") from None
    if kind == "列表":
        return name, [part.strip() for part in raw.split(",") if part.strip()]
    return name, raw
