"""Fair competition review of clause rules under 《公平竞争审查条例》 (in force 2024-08-01).

A clause's rule is read as a tree (``expr``), not as text: ``flags`` walks its
condition, amount and the variables they use, and returns what the 条例 forbids a
policy to contain and a rule can express —

- rewards tied to tax (第十条第（一）项 税收优惠, 第（二）项 选择性、差异化的财政奖励):
  a rule reading ``annual_tax`` or a variable named for tax (``local_tax_retained``,
  ``difang_liucheng``…);
- rewards to a named operator (第十条第（二）项): a test of ``company_name`` or
  ``credit_code`` against a given value; with a land price in the amount also
  第十条第（三）项 要素获取 and 第十一条第（二）项 为特定经营者提供优惠价格;
- treatment by where the investor comes from (第九条第（三）项 排斥、限制外地经营者在
  本地投资经营): a rule that rewards only investors of given regions, or shuts out
  investors of regions outside the policy's own.

A rule that requires *outside* investment (``investor_region`` not local) is what a
招商 reward is for and is not flagged. Each flag is resolved by a review conclusion
(第十二条: the exception and why); policies in force before 2024-08-01 (存量) are kept
as records of what was promised, their flags shown as 存量政策需清理.
"""

from __future__ import annotations

import datetime as dt
import re

from .expr import FIELDS, BinOp, List, Name, Rule, Str, Unary, _children

#: The day 《公平竞争审查条例》 came into force.
IN_FORCE = dt.date(2024, 8, 1)
TITLE = "《公平竞争审查条例》"

TAX_FIELDS = frozenset({"annual_tax"})
#: Words of a variable's name that mean tax (English and pinyin): ``local_tax_retained``,
#: ``difang_liucheng`` (地方留成), ``shuishou_fanhuan`` (税收返还).
TAX_WORDS = frozenset(
    {
        "tax",
        "taxes",
        "vat",
        "shui",
        "shuishou",
        "nashui",
        "shuikuan",
        "liucheng",
        "fanhuan",
        "rebate",
        "retained",
        "retention",
    }
)
OPERATOR_FIELDS = frozenset({"company_name", "credit_code"})
PRICE_FIELDS = frozenset({"land_min_price_per_mu"})
REGION_FIELD = "investor_region"

#: How a 存量 policy's flags are shown: kept as a record, to be cleaned up.
LEGACY = "存量政策需清理"
#: The 12th article's exceptions, for the review form and the documentation.
EXCEPTIONS = (
    ("security", "第十二条第（一）项：为维护国家安全和发展利益"),
    ("innovation", "第十二条第（二）项：为促进科学技术进步、增强国家自主创新能力"),
    ("public", "第十二条第（三）项：为实现节约能源、保护环境、救灾救助等社会公共利益"),
    ("law", "第十二条第（四）项：法律、行政法规规定的其他情形"),
    ("none", "经审查不具有排除、限制竞争效果（不属于第八条至第十一条所列情形）"),
)
#: A conclusion is a real sentence: this many Chinese characters at least.
REVIEW_MIN_CJK = 15
_CJK = re.compile(r"[\u3400-\u9fff]")


def review_problem(text: str) -> str:
    """Return why ``text`` is not a review conclusion, or "" when it is one."""
    if len(_CJK.findall(text or "")) < REVIEW_MIN_CJK:
        return (
            f"公平竞争审查结论应写明适用的例外情形（第十二条）或不构成限制竞争的理由，"
            f"至少 {REVIEW_MIN_CJK} 个汉字。"
        )
    return ""


def is_legacy(effective_on: dt.date | None) -> bool:
    """Return whether a policy took effect before the 条例 (存量政策)."""
    return effective_on is not None and effective_on < IN_FORCE


def _tax_named(name: str) -> bool:
    parts = {p for p in re.split(r"[_\d]+|(?<=[a-z])(?=[A-Z])", name) if p}
    return "tax" in name.lower() or any(p.lower() in TAX_WORDS for p in parts)


class _Reader:
    """What a rule reads, following its variables."""

    def __init__(self, rule: Rule):
        self.variables = rule.variables

    def names(self, node, seen: frozenset = frozenset()) -> set[str]:
        """Every field and variable ``node`` reads, through the variables it uses."""
        out: set[str] = set()
        stack = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, Name):
                out.add(n.name)
                if n.name in self.variables and n.name not in seen:
                    out |= self.names(self.variables[n.name], seen | {n.name})
            stack.extend(_children(n))
        return out

    def tax(self, node) -> list[str]:
        """The tax fields and tax-named variables ``node`` reads, as the reviewer reads them."""
        found = []
        for name in sorted(self.names(node)):
            if name in TAX_FIELDS:
                found.append(FIELDS[name].label)
            elif name in self.variables and _tax_named(name):
                found.append(f"变量 {name}")
        return found

    def trees(self, node) -> list:
        """``node`` and the trees of the variables it uses."""
        return [node, *(self.variables[n] for n in sorted(self.names(node)) if n in self.variables)]


def _walk(node, negated: bool = False):
    """Yield (node, negated) for every node, ``negated`` under an odd number of ``not``."""
    yield node, negated
    if isinstance(node, Unary) and node.op == "not":
        yield from _walk(node.operand, not negated)
        return
    for child in _children(node):
        yield from _walk(child, negated)


def _literals(node) -> list[str] | None:
    if isinstance(node, Str):
        return [node.value]
    if isinstance(node, List) and all(isinstance(i, Str) for i in node.items):
        return [i.value for i in node.items]
    return None


def _tests(node, field: str):
    """Yield (op, values) for each test of ``field`` against given text values:
    op "only" (==, in) or "except" (!=, not in), flipped under ``not``. ``values`` is
    None when compared with another field (``investor_region == district``)."""
    for n, negated in _walk(node):
        if not isinstance(n, BinOp) or n.op not in ("==", "!=", "in", "notin"):
            continue
        if isinstance(n.left, Name) and n.left.name == field:
            other = n.right
        elif isinstance(n.right, Name) and n.right.name == field and n.op in ("==", "!="):
            other = n.left
        else:
            continue
        values = _literals(other)
        if values is None and not (isinstance(other, Name) and other.name == "district"):
            continue
        only = n.op in ("==", "in")
        yield ("except" if only == negated else "only"), values


def _local(code: str, region: str) -> bool:
    return bool(region) and (code.startswith(region) or region.startswith(code))


def flag(code: str, text: str) -> dict:
    return {"code": code, "text": text}


def flags(rule: Rule, *, region: str = "") -> list[dict]:
    """Return the 条例's flags of a checked rule, for a policy applying in ``region``."""
    read = _Reader(rule)
    out: list[dict] = []
    taxed = read.tax(rule.amount)
    if taxed:
        out.append(
            flag(
                "tax_amount",
                f"奖励金额按纳税额计算（{'、'.join(taxed)}），相当于给予特定经营者税收优惠"
                f"（变相返还税收），属{TITLE}第十条第（一）项所列情形。",
            )
        )
    taxed = read.tax(rule.condition)
    if taxed:
        out.append(
            flag(
                "tax_condition",
                f"以纳税额作为享受条件（{'、'.join(taxed)}），按税收贡献给予选择性、差异化的"
                f"财政奖励，属{TITLE}第十条第（一）项、第（二）项所列情形。",
            )
        )
    named = []
    for tree in read.trees(rule.condition) + read.trees(rule.amount):
        for field in sorted(OPERATOR_FIELDS):
            for _op, values in _tests(tree, field):
                label = FIELDS[field].label
                named += [f"{label}“{v}”" for v in values or []]
    if named:
        out.append(
            flag(
                "specific_operator",
                f"规则点名特定经营者（{'、'.join(dict.fromkeys(named))}），属给予特定经营者"
                f"选择性、差异化的财政奖励或者补贴，{TITLE}第十条第（二）项。",
            )
        )
        if read.names(rule.amount) & PRICE_FIELDS:
            out.append(
                flag(
                    "specific_price",
                    f"对点名的经营者给予土地出让价格优惠，属{TITLE}第十条第（三）项"
                    "（要素获取优惠）、第十一条第（二）项（为特定经营者提供优惠价格）所列情形。",
                )
            )
    origin = _origin(read, rule, region)
    if origin:
        out.append(
            flag(
                "investor_origin",
                f"按投资方所在地区别对待：{origin}，排斥、限制外地经营者在本地投资经营，"
                f"属{TITLE}第九条第（三）项所列情形。",
            )
        )
    return out


def _origin(read: _Reader, rule: Rule, region: str) -> str:
    """Say how the rule treats investors by region, or "" when it does not discriminate."""
    for tree in read.trees(rule.condition) + read.trees(rule.amount):
        for op, values in _tests(tree, REGION_FIELD):
            if values is None:
                return "只奖励与项目同在一地的投资方" if op == "only" else ""
            codes = "、".join(values)
            if op == "only":
                if values and all(_local(v, region) for v in values):
                    return f"只奖励本地（{codes}）的投资方"
                return f"只奖励来自 {codes} 的投资方"
            if not all(_local(v, region) for v in values):
                return f"排除来自 {codes} 的投资方"
    return ""


def blocking(policy_effective_on: dt.date | None, clauses) -> list[tuple[str, dict]]:
    """Return (clause number, flag) for each flag that stops publication: a flag of a
    clause without a conclusion, in a policy that is not 存量."""
    if is_legacy(policy_effective_on):
        return []
    return [
        (c["number"] if isinstance(c, dict) else c.number, f)
        for c in clauses
        for f in (c["fair_flags"] if isinstance(c, dict) else c.fair_flags)
        if not (c["fair_review"] if isinstance(c, dict) else c.fair_review).strip()
    ]


def unresolved_message(policy: str, clause: str, item: dict) -> str:
    return f"{policy} › {clause}：{item['text']}尚无公平竞争审查结论，不能发布。"
