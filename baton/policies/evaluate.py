"""Evaluate a clause's rule over a project's facts, with the formula and its numbers,
what a near miss lacks, and the rule in plain Chinese."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from .expr import (
    COMPARE,
    FIELDS,
    INF,
    BinOp,
    Bool,
    Call,
    ExprError,
    Inf,
    List,
    MissingFact,
    Name,
    Num,
    Rule,
    Str,
    Unary,
    _plain,
    _prec,
    to_text,
)

# ── evaluation with a trace ─────────────────────────────────────────────────────


def fmt(value) -> str:
    """Return a value for people: 12,000 / 0.5 / 是 / 2024-08-01."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        if value.is_infinite():
            return "不限"
        text = _plain(value)
        whole, _, frac = text.partition(".")
        sign = "-" if whole.startswith("-") else ""
        whole = f"{int(whole.lstrip('-')):,}"
        return sign + whole + (f".{frac}" if frac else "")
    if isinstance(value, list):
        return "、".join(fmt(v) for v in value) or "（无）"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _member(item, collection: list) -> bool:
    if isinstance(item, list):
        return any(_member(i, collection) for i in item)
    for element in collection:
        if item == element:
            return True
        if (
            isinstance(item, str)
            and isinstance(element, str)
            and element
            and item.startswith(element)
        ):
            return True
    return False


def tiers_marginal(base: Decimal, bands) -> tuple[Decimal, list]:
    """Return the sum of each band's part of ``base`` × its rate, and the parts."""
    total, lower, parts = Decimal(0), Decimal(0), []
    for upto, rate in bands:
        if base <= lower:
            break
        part = min(base, upto) - lower
        total += part * rate
        parts.append((lower, upto, part, rate))
        lower = upto
    return total, parts


def tiers_flat(base: Decimal, bands) -> tuple[Decimal, tuple | None]:
    lower = Decimal(0)
    for upto, rate in bands:
        if base <= upto:
            return base * rate, (lower, upto, rate)
        lower = upto
    return Decimal(0), None


def steps(base: Decimal, bands) -> tuple[Decimal, tuple | None]:
    found = None
    for lower, value in bands:
        if base >= lower:
            found = (lower, value)
    return (found[1], found) if found else (Decimal(0), None)


class Evaluator:
    """Evaluate trees over ``facts``; ``text(node)`` also returns the formula with numbers."""

    def __init__(self, facts: dict, variables: dict):
        self.facts, self.variables = facts, variables
        self.memo: dict[str, tuple] = {}
        self.steps: list[str] = []

    def value(self, node):
        return self.eval(node)[0]

    def eval(self, node) -> tuple:
        if isinstance(node, Num):
            return node.value, (to_text(node) if node.unit else fmt(node.value))
        if isinstance(node, Inf):
            return INF, "不限"
        if isinstance(node, Str | Bool):
            return node.value, to_text(node)
        if isinstance(node, List):
            pairs = [self.eval(i) for i in node.items]
            return [v for v, _ in pairs], "[" + ", ".join(t for _, t in pairs) + "]"
        if isinstance(node, Name):
            return self.name(node.name)
        if isinstance(node, Unary):
            value, text = self.eval(node.operand)
            if node.op == "not":
                return (not value), f"非（{text}）"
            return -value, f"-{text}"
        if isinstance(node, Call):
            return self.call(node)
        op = node.op
        if op == "and":
            left, lt = self.eval(node.left)
            if not left:
                return False, lt
            right, rt = self.eval(node.right)
            return bool(right), f"{lt} 且 {rt}"
        if op == "or":
            left, lt = self.eval(node.left)
            if left:
                return True, lt
            right, rt = self.eval(node.right)
            return bool(right), f"{lt} 或 {rt}"
        (left, lt), (right, rt) = self.eval(node.left), self.eval(node.right)
        if op in ("in", "notin"):
            found = _member(left, right)
            return (
                found if op == "in" else not found
            ), f"{lt} {'属于' if op == 'in' else '不属于'} {rt}"
        if op in COMPARE:
            result = {
                "<": lambda: left < right,
                "<=": lambda: left <= right,
                ">": lambda: left > right,
                ">=": lambda: left >= right,
                "==": lambda: left == right,
                "!=": lambda: left != right,
            }[op]()
            return result, f"{lt} {COMPARE[op]} {rt}"
        if _prec(node.left) < _prec(node):
            lt = f"({lt})"
        if _prec(node.right) <= _prec(node):
            rt = f"({rt})"
        if op == "/" and right == 0:
            raise ExprError(f"除数为零（{rt}）。", pos=node.pos, token="/")  # noqa: S106 - the operator, not a secret
        with localcontext() as ctx:
            ctx.prec = 34
            result = {"+": left + right, "-": left - right, "*": left * right}.get(op)
            if op == "/":
                result = left / right
        sign = {"+": "+", "-": "−", "*": "×", "/": "÷"}[op]
        return result, f"{lt} {sign} {rt}"

    def name(self, name: str) -> tuple:
        if name in self.variables:
            if name not in self.memo:
                value, text = self.eval(self.variables[name])
                self.memo[name] = (value, text)
                self.steps.append(f"{name} = {text} = {fmt(value)}")
            return self.memo[name][0], f"{name} {fmt(self.memo[name][0])}"
        value = self.facts.get(name)
        if value is None:
            raise MissingFact(name)
        spec = FIELDS.get(name)
        label = spec.label if spec else name
        unit = f" {spec.unit}" if spec and spec.unit else ""
        return value, f"{label} {fmt(value)}{unit}"

    def call(self, node: Call) -> tuple:
        fn, args = node.fn, node.args
        if fn == "date":
            return dt.date.fromisoformat(args[0].value), args[0].value
        if fn == "if":
            cond, ct = self.eval(args[0])
            value, text = self.eval(args[1] if cond else args[2])
            self.steps.append(f"{ct}：{'成立' if cond else '不成立'}")
            return value, text
        if fn in ("min", "max"):
            pairs = [self.eval(a) for a in args]
            values = [v for v, _ in pairs]
            pick = min(values) if fn == "min" else max(values)
            return pick, f"{fn}({', '.join(t for _, t in pairs)})"
        base, bt = self.eval(args[0])
        bands = [(self.value(b.items[0]), self.value(b.items[1])) for b in args[1].items]
        if fn == "tiers_marginal":
            total, parts = tiers_marginal(base, bands)
            shown = " + ".join(
                f"{fmt(part)} × {_rate(rate, b)}"
                for (_, _, part, rate), b in zip(parts, args[1].items, strict=False)
            )
            for (low, up, part, rate), band in zip(parts, args[1].items, strict=False):
                self.steps.append(
                    f"{_band(low, up)}部分 {fmt(part)} × {_rate(rate, band)} = {fmt(part * rate)}"
                )
            return total, f"{bt} 分段累进：({shown or '0'})"
        if fn == "tiers_flat":
            total, band = tiers_flat(base, bands)
            if band is None:
                return total, f"{bt} 超出各档"
            rate_node = args[1].items[[b[0] for b in bands].index(band[1])]
            return total, f"{bt} × {_rate(band[2], rate_node)}（{_band(band[0], band[1])}档）"
        total, band = steps(base, bands)
        if band is None:
            return total, f"{bt} 未达最低档"
        return total, f"{fmt(total)}（{bt} 达到 {fmt(band[0])} 档）"


def _rate(rate: Decimal, band) -> str:
    node = band.items[1]
    return to_text(node) if isinstance(node, Num) else fmt(rate)


def _band(low: Decimal, up: Decimal) -> str:
    if low == 0:
        return f"{fmt(up)} 以内"
    if up.is_infinite():
        return f"超过 {fmt(low)} 的"
    return f"{fmt(low)}–{fmt(up)} "


@dataclass
class Outcome:
    applies: bool
    amount: Decimal  # 万元, rounded to 元
    formula: str  # the amount with its numbers: "固定资产投资 12,000 万元 × 3‰ = 36 万元"
    condition: str  # the condition with its numbers
    steps: list


#: 1 万亿元 in 万元, the bound of ``core.money``.
MAX_WAN = Decimal("100000000")


def run(rule: Rule, facts: dict) -> Outcome:
    """Evaluate ``rule`` over ``facts``; raise MissingFact when a fact it needs is absent."""
    ev = Evaluator(facts, rule.variables)
    ok, cond_text = ev.eval(rule.condition)
    if not ok:
        return Outcome(False, Decimal(0), "", cond_text, ev.steps)
    value, text = ev.eval(rule.amount)
    if not value.is_finite() or value > MAX_WAN:
        raise ExprError("计算出的金额超出合理范围（不超过 1 万亿元）。", place="金额")
    if value < 0:
        raise ExprError(f"金额为负（{fmt(value)}）。", place="金额")
    amount = value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    formula = f"{text} 万元" if text == fmt(amount) else f"{text} = {fmt(amount)} 万元"
    return Outcome(True, amount, formula, cond_text, ev.steps)


def shortfalls(
    rule: Rule, facts: dict, missing: list[str] | None = None
) -> list[tuple[str, Decimal, str]] | None:
    """Return what a failed condition lacks, when all it lacks is more of some numbers.

    Each item is (label, gap, unit) for a conjunct ``field >= N`` or ``field > N`` that
    fails; None when a failing part is not of that kind (or a fact is missing). Given a
    ``missing`` list, a conjunct that needs an absent fact adds the fact's name to it
    instead (the clause almost applies, and the fact is still to be given).
    """
    parts, node = [], rule.condition
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, BinOp) and n.op == "and":
            stack += [n.right, n.left]
        else:
            parts.append(n)
    out = []
    ev = Evaluator(facts, rule.variables)
    for part in parts:
        try:
            if ev.value(part):
                continue
        except MissingFact as exc:
            if missing is None:
                return None
            missing.append(exc.name)
            continue
        except (ExprError, InvalidOperation):
            return None
        if not (
            isinstance(part, BinOp)
            and part.op in (">=", ">")
            and isinstance(part.left, Name)
            and isinstance(part.right, Num)
        ):
            return None
        name = part.left.name
        spec = FIELDS.get(name)
        gap = part.right.value - ev.value(part.left)
        out.append((spec.label if spec else name, gap, spec.unit if spec else ""))
    return out


# ── explanation in Chinese ──────────────────────────────────────────────────────

_SAY = {"<": "低于", "<=": "不超过", ">": "超过", ">=": "不低于", "==": "为", "!=": "不为"}


def _unit_of(node, variables) -> str:
    if isinstance(node, Name) and node.name in FIELDS:
        return FIELDS[node.name].unit
    if isinstance(node, Name) and node.name in variables:
        return _unit_of(variables[node.name], variables)
    if isinstance(node, BinOp) and node.op in "+-":
        return _unit_of(node.left, variables)
    if isinstance(node, BinOp) and node.op == "*" and isinstance(node.right, Num):
        return _unit_of(node.left, variables)
    if isinstance(node, Call) and node.fn in ("min", "max", "tiers_marginal", "tiers_flat"):
        return _unit_of(node.args[0], variables)
    return ""


def explain(node, variables: dict | None = None, *, amount: bool = False) -> str:
    """Return the rule in plain Chinese."""
    variables = variables or {}

    def say(n, unit: str = "") -> str:
        if isinstance(n, Num):
            return (to_text(n) if n.unit else fmt(n.value)) + ("" if n.unit else unit)
        if isinstance(n, Inf):
            return "不限"
        if isinstance(n, Str):
            return f"“{n.value}”"
        if isinstance(n, Bool):
            return "是" if n.value else "否"
        if isinstance(n, Name):
            if n.name in FIELDS:
                return FIELDS[n.name].label
            return f"{n.name}（{say(variables[n.name])}）" if n.name in variables else n.name
        if isinstance(n, List):
            return "、".join(say(i, unit) for i in n.items)
        if isinstance(n, Unary):
            return f"并非{say(n.operand)}" if n.op == "not" else f"负{say(n.operand)}"
        if isinstance(n, Call):
            return call(n)
        op = n.op
        if op == "and":
            return f"{say(n.left)}，且{say(n.right)}"
        if op == "or":
            return f"{say(n.left)}，或{say(n.right)}"
        if op in ("in", "notin"):
            neg = "不" if op == "notin" else ""
            if isinstance(n.right, Name):
                return f"{say(n.right)}{neg}含{say(n.left)}"
            if isinstance(n.left, Name) and n.left.name == "industry_code":
                return f"行业代码{neg}以{say(n.right)}开头"
            return f"{say(n.left)}{neg}属于{say(n.right)}"
        if op in _SAY:
            return f"{say(n.left)}{_SAY[op]}{say(n.right, _unit_of(n.left, variables))}"
        if op == "*" and isinstance(n.right, Num) and n.right.unit:
            return f"{say(n.left)}的{say(n.right)}"
        word = {"+": "加", "-": "减", "*": "乘以", "/": "除以"}[op]
        return f"{say(n.left)}{word}{say(n.right)}"

    def call(n: Call) -> str:
        fn, args = n.fn, n.args
        if fn == "date":
            return args[0].value
        if fn == "if":
            return f"{say(args[0])}的，{say(args[1])}；否则{say(args[2])}"
        if fn == "min" and len(args) == 2 and isinstance(args[1], Num):
            return f"{say(args[0])}，最高不超过{say(args[1], '万元' if amount else '')}"
        if fn in ("min", "max"):
            word = "较小" if fn == "min" else "较大"
            return f"取{'与'.join(say(a) for a in args)}中{word}者"
        base = say(args[0])
        unit = _unit_of(args[0], variables)
        bands = [(b.items[0], b.items[1]) for b in args[1].items]
        if fn == "steps":
            parts = [
                f"达到{say(lo, unit)}的为{say(v, '万元' if amount else '')}" for lo, v in bands
            ]
            return f"按{base}分档：" + "；".join(parts)
        parts, low = [], None
        for up, rate in bands:
            if low is None:
                where = f"{say(up, unit)}以内" if not isinstance(up, Inf) else "全部"
            elif isinstance(up, Inf):
                where = f"超过{say(low, unit)}"
            else:
                where = f"{say(low, unit)}至{say(up, unit)}"
            parts.append(f"{where}{'部分' if fn == 'tiers_marginal' else '的'}按{say(rate)}")
            low = up
        how = "分段累进" if fn == "tiers_marginal" else "所在档次全额"
        return f"按{base}{how}计算：" + "，".join(parts)

    return say(node)


def explain_rule(rule: Rule) -> dict:
    """Return {"condition", "amount"} in plain Chinese."""
    return {
        "condition": explain(rule.condition, rule.variables),
        "amount": explain(rule.amount, rule.variables, amount=True),
    }
