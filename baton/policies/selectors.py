"""Reads of the policy library for the pages: each policy with its clauses explained.

Policies are public documents: every signed-in user reads the whole library."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from baton.core.money import plain

from . import fair
from .evaluate import explain_rule
from .expr import ExprError, compile_rule
from .models import Clause, Payable, Policy, PolicyEvent, Status

#: The 文号 of a policy whose excerpt gave none: to be checked before it is relied on.
PENDING_NUMBER = "待核-"


@dataclass
class ClauseView:
    clause: Clause
    condition: str  # in plain Chinese
    amount: str
    payments: list[str]  # "开工 30%"
    error: str = ""
    #: The caps and the time limit in words: "每年最高 100 万元", "投产起 365 天内申报".
    limits: list[str] = field(default_factory=list)
    legacy: bool = False  # the policy is 存量: its flags are to be cleaned up, not blocking

    @property
    def open_flags(self) -> bool:
        return bool(self.clause.fair_flags) and not self.clause.fair_review.strip()


def policy_rows(filters: dict | None = None) -> QuerySet[Policy]:
    """Return the library: 现行 first, then 已修订 and 已废止; the "1" before the "N".

    ``filters`` (``forms.FilterForm.filters``): kind, level, status, region (the policy's
    region begins with it, or it with the policy's: a 市 filter finds the city's 区
    policies and the province's), state (draft, published), review (flagged, open)."""
    rank = Case(
        When(status=Status.CURRENT, then=Value(0)),
        When(status=Status.REVISED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    rows = Policy.objects.select_related("successor").prefetch_related("clauses")
    filters = filters or {}
    for key in ("kind", "level", "status"):
        if filters.get(key):
            rows = rows.filter(**{key: filters[key]})
    region = filters.get("region")
    if region:
        prefixes = [region[:n] for n in (2, 4, 6) if n <= len(region)]
        rows = rows.filter(Q(region__startswith=region) | Q(region__in=["", *prefixes]))
    if filters.get("state"):
        rows = rows.filter(is_draft=filters["state"] == "draft")
    review = filters.get("review")
    if review:
        flagged = Clause.objects.filter(policy=OuterRef("pk")).exclude(fair_flags=[])
        if review == "open":
            flagged = flagged.filter(fair_review="")
        rows = rows.filter(Exists(flagged))
    return rows.annotate(rank=rank).order_by("rank", "kind", "-effective_on", "number")


def policy_get(pk: int) -> Policy:
    """Return one policy (every signed-in user reads the library), or 404."""
    return get_object_or_404(Policy.objects.select_related("successor"), pk=pk)


def pending_number(policy: Policy) -> bool:
    return policy.number.startswith(PENDING_NUMBER)


def versions(policy: Policy) -> list[tuple[str, list[ClauseView]]]:
    """The clauses by number, each number's versions by date (the oldest first)."""
    legacy = fair.is_legacy(policy.effective_on)
    by_number: dict[str, list[ClauseView]] = {}
    for clause in policy.clauses.order_by("order", "valid_from", "id"):
        by_number.setdefault(clause.number, []).append(clause_view(clause, legacy=legacy))
    return list(by_number.items())


def events(policy: Policy) -> list[tuple[PolicyEvent, list[str]]]:
    """The policy's timeline, newest first: each event with what it changed, in words."""
    rows = policy.events.select_related("actor").order_by("-at", "-id")
    return [(event, changes(event)) for event in rows]


#: The file's keys as the timeline names them.
_KEY_LABELS = {
    "title": "标题",
    "level": "发文层级",
    "department": "发文部门",
    "region": "适用地区",
    "kind": "1或N",
    "topic": "专项主题",
    "effective_on": "施行日期",
    "expires_on": "失效日期",
    "status": "状态",
    "successor": "修订或替代为",
    "source": "来源",
    "text": "全文",
    "draft": "草案",
    "delivery_days": "兑现时限",
}


def _say(value: object) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _version(clause: dict) -> str:
    return f"{clause['number']}（{clause.get('valid_from') or '随政策'} 起）"


def changes(event: PolicyEvent) -> list[str]:
    """What a load changed: the policy's fields, and the clause versions added, removed
    or changed; a review and a publication say what they recorded."""
    old, new = event.old or {}, event.new or {}
    if event.kind == PolicyEvent.Kind.REVIEWED:
        return [f"{new.get('clause', '')}：{new.get('fair_review', '')}"]
    if event.kind == PolicyEvent.Kind.PUBLISHED:
        return ["草案发布，测算和兑现开始使用"]
    if event.kind == PolicyEvent.Kind.CREATED:
        return [
            f"导入 {len(new.get('clauses', []))} 个条款版本{'（草案）' if new.get('draft') else ''}"
        ]
    out = [
        f"{label}：{_say(old.get(key))} → {_say(new.get(key))}"
        if key not in ("text",)
        else "全文有修改"
        for key, label in _KEY_LABELS.items()
        if old.get(key) != new.get(key)
    ]
    before = {_version(c): c for c in old.get("clauses", [])}
    after = {_version(c): c for c in new.get("clauses", [])}
    out += [f"新增条款 {v}" for v in after if v not in before]
    out += [f"删除条款 {v}" for v in before if v not in after]
    out += [f"修改条款 {v}" for v in after if v in before and after[v] != before[v]]
    return out


def _share(share: str) -> str:
    return f"{plain(Decimal(share) * 100)}%"


def limits(clause: Clause) -> list[str]:
    """The caps and the application time limit, as the explanation states them."""
    out = []
    for value, label in (
        (clause.cap_item, "单项最高"),
        (clause.cap_project, "单个项目累计最高"),
        (clause.cap_year, "每年最高"),
    ):
        if value is not None:
            out.append(f"{label} {plain(Decimal(value))} 万元")
    if clause.time_limit_days:
        start = Payable(clause.time_limit_from).label if clause.time_limit_from else "审核通过"
        out.append(f"{start}起 {clause.time_limit_days} 天内申报")
    return out


def clause_view(clause: Clause, *, legacy: bool = False) -> ClauseView:
    payments = [f"{Payable(p['milestone']).label} {_share(p['share'])}" for p in clause.payments]
    try:
        rule = compile_rule(
            condition=clause.condition, amount=clause.amount, variables=clause.variables
        )
    except ExprError as exc:  # stored before a change of the language: say so, not crash
        return ClauseView(clause, "", "", payments, error=str(exc), legacy=legacy)
    text = explain_rule(rule)
    return ClauseView(
        clause, text["condition"], text["amount"], payments, limits=limits(clause), legacy=legacy
    )
