"""The rule language of policy clauses: parse, check, evaluate with a trace, explain.

Pure Python over ``Decimal`` — no Django, no ``eval``. A clause's condition and amount
are expressions such as::

    fixed_investment >= 5000 and industry_code in ["C39", "C38"]
    min(tiers_marginal(fixed_investment, [[5000, 2‰], [30000, 3‰], [inf, 1‰]]), 300)

Values are numbers (``Decimal``; amounts in 万元), text ("C39"), true/false, dates
(``date("2024-08-01")``) and lists. ``3‰`` is 0.003 and ``30%`` is 0.3. Operators:
``+ - * /``, ``< <= > >= == !=``, ``and or not``, ``in`` / ``not in``. Functions:
``min``, ``max``, ``if(cond, a, b)``, ``tiers_marginal(base, [[upto, rate], ...])``
(each part of ``base`` at its band's rate, bands up to and including ``upto``),
``tiers_flat(base, [[upto, rate], ...])`` (all of ``base`` at the rate of the band it
falls in), ``steps(base, [[from, value], ...])`` (the value of the highest band whose
``from`` ``base`` reaches — "3亿元（含）以上奖励10万元"), ``date("YYYY-MM-DD")``.
``inf`` is an open upper bound.

``a in [..]`` is true when ``a`` equals an element or, for text, begins with one
(industry codes match by prefix: "C3911" in ["C39"]); ``"世界500强" in tags`` tests a
list; a list on the left is in when any of its elements is.

``parse`` checks syntax only; ``compile_rule`` checks names, types, tiers and cycles
among a clause's variables and raises ``ExprError`` in Chinese naming the place.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal

NUM, BOOL, STR, LIST, DATE, ANY = "数值", "逻辑值", "文本", "列表", "日期", "任意"


#: Where a value (a number, a name, a bracket…) should stand and does not.
MISSING_VALUE = "此处缺少一个值。"


@dataclass(frozen=True)
class Field:
    label: str
    type: str
    unit: str = ""


#: The facts a rule may name. Amounts are 万元.
FIELDS: dict[str, Field] = {
    "investment": Field("总投资", NUM, "万元"),
    "fixed_investment": Field("固定资产投资", NUM, "万元"),
    "registered_capital": Field("注册资本", NUM, "万元"),
    "paid_in_capital": Field("实际到位资金", NUM, "万元"),
    "foreign_paid_in_capital": Field("外资实际到位资金（折人民币）", NUM, "万元"),
    "foreign_paid_in_usd": Field("外资实际到位资金", NUM, "万美元"),
    "agreed_reward": Field("协议约定奖励", NUM, "万元"),
    "leads_given": Field("提供的有效项目信息", NUM, "条"),
    "land_min_price_per_mu": Field("全国工业用地出让最低价标准", NUM, "万元/亩"),
    "annual_output": Field("预计年产值", NUM, "万元"),
    "annual_tax": Field("预计年税收", NUM, "万元"),
    "revenue_3y": Field("落地后三年累计产值或营业收入", NUM, "万元"),
    "land_mu": Field("用地面积", NUM, "亩"),
    "intensity_per_mu": Field("投资强度（固定资产投资/亩）", NUM, "万元/亩"),
    "industry_code": Field("行业代码", STR),
    "industry": Field("行业", STR),
    "project_type": Field("项目类型", STR),
    "land_use": Field("用地性质", STR),
    "tags": Field("企业标签", LIST),
    "company_name": Field("企业名称", STR),
    "credit_code": Field("统一社会信用代码", STR),
    "district": Field("所属区代码", STR),
    "investor_region": Field("投资方所在地代码", STR),
    "stage": Field("项目阶段", STR),
    "signed_on": Field("签约日期", DATE),
    "registered_on": Field("注册日期", DATE),
    "land_supplied_on": Field("供地日期", DATE),
    "started_on": Field("开工日期", DATE),
    "in_production_on": Field("投产日期", DATE),
    "at_capacity_on": Field("达产日期", DATE),
    "intermediary_filed_on": Field("中介备案日期", DATE),
    "on": Field("计算日期", DATE),
}

FUNCTIONS = {
    "min": "取较小值",
    "max": "取较大值",
    "if": "条件取值",
    "tiers_marginal": "分段累进",
    "tiers_flat": "分档全额",
    "steps": "按档取值",
    "date": "日期",
}
KEYWORDS = {"and", "or", "not", "in", "true", "false", "inf"}
INF = Decimal("Infinity")
COMPARE = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "!=": "≠"}


class ExprError(ValueError):
    """A rule error in Chinese, with where it is: line, column and the token."""

    def __init__(self, message: str, *, pos=None, token: str = "", place: str = ""):
        self.message, self.pos, self.token, self.place = message, pos, token, place
        super().__init__(str(self))

    def at(self, place: str) -> ExprError:
        return ExprError(self.message, pos=self.pos, token=self.token, place=place)

    def __str__(self) -> str:
        where = self.place
        if self.pos:
            where += f"{' ' if where else ''}第 {self.pos[0]} 行第 {self.pos[1]} 列"
        if self.token:
            where += f"“{self.token}”"
        return f"{where}：{self.message}" if where else self.message


class MissingFact(Exception):
    """The project lacks a fact the rule needs (e.g. no 固定资产投资 entered)."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(name)

    @property
    def label(self) -> str:
        return FIELDS[self.name].label if self.name in FIELDS else self.name


# ── the tree ────────────────────────────────────────────────────────────────────


def _pos():
    return field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Num:
    value: Decimal
    unit: str = ""  # "", "%" or "‰": how it is written
    pos: tuple | None = _pos()


@dataclass(frozen=True)
class Str:
    value: str
    pos: tuple | None = _pos()


@dataclass(frozen=True)
class Bool:
    value: bool
    pos: tuple | None = _pos()


@dataclass(frozen=True)
class Inf:
    pos: tuple | None = _pos()


@dataclass(frozen=True)
class Name:
    name: str
    pos: tuple | None = _pos()


@dataclass(frozen=True)
class Call:
    fn: str
    args: tuple
    pos: tuple | None = _pos()


@dataclass(frozen=True)
class List:
    items: tuple
    pos: tuple | None = _pos()


@dataclass(frozen=True)
class Unary:
    op: str  # "-" or "not"
    operand: object
    pos: tuple | None = _pos()


@dataclass(frozen=True)
class BinOp:
    op: str  # + - * / < <= > >= == != and or in notin
    left: object
    right: object
    pos: tuple | None = _pos()


SCALE = {"": Decimal(1), "%": Decimal(100), "‰": Decimal(1000)}

# ── tokens ──────────────────────────────────────────────────────────────────────

_TOKEN = re.compile(
    r"""(?P<ws>\s+)|(?P<comment>\#[^\n]*)
    |(?P<num>\d+(?:\.\d+)?(?:%|‰)?)
    |(?P<str>"[^"\n]*"|“[^”\n]*”)
    |(?P<name>[A-Za-z_][A-Za-z_0-9]*)
    |(?P<op><=|>=|==|!=|[-+*/()\[\],<>])""",
    re.X,
)
_FULL_WIDTH = {"（": "(", "）": ")", "，": ",", "【": "[", "】": "]", "＋": "+", "－": "-"}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: tuple


def tokenize(text: str) -> list[Token]:
    tokens, i, line, line_start = [], 0, 1, 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        pos = (line, i - line_start + 1)
        if m is None:
            ch = text[i]
            hint = f"，请改用半角“{_FULL_WIDTH[ch]}”" if ch in _FULL_WIDTH else ""
            raise ExprError(f"无法识别的字符{hint}。", pos=pos, token=ch)
        kind, chunk = m.lastgroup, m.group()
        if kind not in ("ws", "comment"):
            tokens.append(Token(kind, chunk, pos))
        newlines = chunk.count("\n")
        if newlines:
            line += newlines
            line_start = i + chunk.rindex("\n") + 1
        i = m.end()
    tokens.append(Token("end", "", (line, len(text) - line_start + 1)))
    return tokens


# ── the parser (precedence climbing) ────────────────────────────────────────────

MAX_DEPTH = 40
PREC = {"or": 1, "and": 2, "not": 3, "cmp": 4, "+": 5, "-": 5, "*": 6, "/": 6, "neg": 7}
_CMP = set(COMPARE) | {"in", "notin"}


class _Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def is_word(self, word: str, ahead: int = 0) -> bool:
        tok = self.tokens[min(self.i + ahead, len(self.tokens) - 1)]
        return tok.kind == "name" and tok.text == word

    def expect(self, text: str) -> Token:
        if self.tok.text != text or self.tok.kind == "str":
            raise self.error(f"此处应为“{text}”。")
        return self.take()

    def error(self, message: str) -> ExprError:
        return ExprError(message, pos=self.tok.pos, token=self.tok.text or "（结尾）")

    def parse(self):
        if self.tok.kind == "end":
            raise self.error("表达式为空。")
        node = self.or_()
        if self.tok.kind != "end":
            raise self.error("多余的内容。")
        return node

    def or_(self):
        self.nest()
        node = self.and_()
        while self.is_word("or"):
            pos = self.take().pos
            node = BinOp("or", node, self.and_(), pos)
        self.depth -= 1
        return node

    def nest(self) -> None:
        # Python's own stack would overflow long before 4,000 characters of brackets.
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"嵌套过深（不超过 {MAX_DEPTH} 层）。")

    def and_(self):
        node = self.not_()
        while self.is_word("and"):
            pos = self.take().pos
            node = BinOp("and", node, self.not_(), pos)
        return node

    def not_(self):
        if self.is_word("not"):
            pos = self.take().pos
            self.nest()
            node = Unary("not", self.not_(), pos)
            self.depth -= 1
            return node
        return self.cmp()

    def cmp(self):
        node = self.add()
        op = None
        if self.tok.kind == "op" and self.tok.text in COMPARE:
            op = self.tok.text
        elif self.is_word("in"):
            op = "in"
        elif self.is_word("not") and self.is_word("in", 1):
            self.take()
            op = "notin"
        if op is None:
            return node
        pos = self.take().pos
        node = BinOp(op, node, self.add(), pos)
        if (self.tok.kind == "op" and self.tok.text in COMPARE) or self.is_word("in"):
            raise self.error("比较不能连写，请用 and 连接。")
        return node

    def add(self):
        node = self.mul()
        while self.tok.kind == "op" and self.tok.text in "+-":
            tok = self.take()
            node = BinOp(tok.text, node, self.mul(), tok.pos)
        return node

    def mul(self):
        node = self.unary()
        while self.tok.kind == "op" and self.tok.text in "*/":
            tok = self.take()
            node = BinOp(tok.text, node, self.unary(), tok.pos)
        return node

    def unary(self):
        if self.tok.kind == "op" and self.tok.text == "-":
            pos = self.take().pos
            self.nest()
            node = Unary("-", self.unary(), pos)
            self.depth -= 1
            return node
        return self.primary()

    def primary(self):
        tok = self.tok
        if tok.kind == "num":
            self.take()
            unit = tok.text[-1] if tok.text[-1] in "%‰" else ""
            digits = tok.text[:-1] if unit else tok.text
            return Num(Decimal(digits) / SCALE[unit], unit, tok.pos)
        if tok.kind == "str":
            self.take()
            return Str(tok.text[1:-1], tok.pos)
        if tok.kind == "name":
            if tok.text in ("true", "false"):
                self.take()
                return Bool(tok.text == "true", tok.pos)
            if tok.text == "inf":
                self.take()
                return Inf(tok.pos)
            if tok.text in KEYWORDS:
                raise self.error(MISSING_VALUE)
            self.take()
            if self.tok.text == "(" and self.tok.kind == "op":
                self.take()
                return Call(tok.text, tuple(self.items(")")), tok.pos)
            return Name(tok.text, tok.pos)
        if tok.text == "(" and tok.kind == "op":
            self.take()
            node = self.or_()
            self.expect(")")
            return node
        if tok.text == "[" and tok.kind == "op":
            self.take()
            return List(tuple(self.items("]")), tok.pos)
        raise self.error(MISSING_VALUE if tok.kind != "end" else "表达式不完整。")

    def items(self, close: str) -> list:
        out = []
        if self.tok.text == close and self.tok.kind == "op":
            self.take()
            return out
        while True:
            out.append(self.or_())
            if self.tok.text == "," and self.tok.kind == "op":
                self.take()
                continue
            self.expect(close)
            return out


def parse(text: str):
    """Return the tree of ``text``, or raise ExprError naming line, column and token."""
    if not isinstance(text, str):
        raise ExprError("规则应为文本。")
    if len(text) > 4000:
        raise ExprError("规则过长（不超过 4000 个字符）。")
    return _Parser(text).parse()


# ── printing (the inverse of parse) ─────────────────────────────────────────────


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _prec(node) -> int:
    if isinstance(node, BinOp):
        return PREC["cmp"] if node.op in _CMP else PREC[node.op]
    if isinstance(node, Unary):
        return PREC["not"] if node.op == "not" else PREC["neg"]
    return 9


def to_text(node) -> str:
    """Return the rule as text that parses back to the same tree."""
    if isinstance(node, Num):
        return _plain(node.value * SCALE[node.unit]) + node.unit
    if isinstance(node, Str):
        return f'"{node.value}"'
    if isinstance(node, Bool):
        return "true" if node.value else "false"
    if isinstance(node, Inf):
        return "inf"
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Call):
        return f"{node.fn}({', '.join(to_text(a) for a in node.args)})"
    if isinstance(node, List):
        return f"[{', '.join(to_text(a) for a in node.items)}]"
    if isinstance(node, Unary):
        inner = to_text(node.operand)
        if _prec(node.operand) < _prec(node):
            inner = f"({inner})"
        return f"not {inner}" if node.op == "not" else f"-{inner}"
    p = _prec(node)
    left, right = to_text(node.left), to_text(node.right)
    if _prec(node.left) < p or (p == PREC["cmp"] and _prec(node.left) == p):
        left = f"({left})"
    if _prec(node.right) <= p:
        right = f"({right})"
    op = "not in" if node.op == "notin" else node.op
    return f"{left} {op} {right}"


# ── checking ────────────────────────────────────────────────────────────────────


def _err(node, message: str) -> ExprError:
    token = ""
    if isinstance(node, Name):
        token = node.name
    elif isinstance(node, Call):
        token = node.fn
    elif isinstance(node, BinOp | Unary):
        token = "not in" if node.op == "notin" else node.op
    elif isinstance(node, Num | Str | Bool | Inf):
        token = to_text(node)
    return ExprError(message, pos=node.pos, token=token)


def _constant(node) -> bool:
    if isinstance(node, Num):
        return True
    if isinstance(node, Unary):
        return _constant(node.operand)
    if isinstance(node, BinOp) and node.op in "+-*/":
        return _constant(node.left) and _constant(node.right)
    return False


def _constant_value(node) -> Decimal:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Unary):
        return -_constant_value(node.operand)
    left, right = _constant_value(node.left), _constant_value(node.right)
    if node.op == "/":
        return left / right if right else Decimal(0)
    return {"+": left + right, "-": left - right, "*": left * right}[node.op]


def _tiers(node, fn: str) -> None:
    """Check the band list of tiers_* and steps: literal, ascending, rates within 100 %."""
    if not isinstance(node, List) or not node.items:
        raise _err(node, f"{fn} 的第二个参数应为分段列表，如 [[5000, 2‰], [inf, 3‰]]。")
    last = None
    for index, band in enumerate(node.items, start=1):
        ok = isinstance(band, List) and len(band.items) == 2
        bound, rate = band.items if ok else (None, None)
        if not ok or not isinstance(bound, Num | Inf) or not isinstance(rate, Num):
            raise _err(band, f"第 {index} 段应写成 [界限, 数值]，且都是数字。")
        value = INF if isinstance(bound, Inf) else bound.value
        if last is not None and value <= last:
            raise _err(bound, f"第 {index} 段的界限应大于上一段（{_plain(last)}），分段须递增。")
        if fn != "steps" and rate.value > 1:
            raise _err(rate, f"第 {index} 段的费率超过 100%。")
        if rate.value < 0:
            raise _err(rate, f"第 {index} 段的数值不能为负。")
        last = value
    if fn == "steps" and isinstance(node.items[0].items[0], Inf):
        raise _err(node.items[0], "steps 的第一段需要一个下限。")


class Checker:
    """Infer types over a tree; ``names`` maps a variable of the clause to its type."""

    def __init__(self, names: dict[str, str]):
        self.names = names

    def need(self, node, want: str, what: str) -> None:
        got = self.type(node)
        if got != want and got != ANY:
            raise _err(node, f"{what}应为{want}，这里是{got}。")

    def type(self, node) -> str:
        if isinstance(node, Inf):
            raise _err(node, "inf 只能用作分段的上限。")
        if isinstance(node, Num):
            return NUM
        if isinstance(node, Str):
            return STR
        if isinstance(node, Bool):
            return BOOL
        if isinstance(node, List):
            for item in node.items:
                self.type(item)
            return LIST
        if isinstance(node, Name):
            if node.name in self.names:
                return self.names[node.name]
            if node.name in FIELDS:
                return FIELDS[node.name].type
            known = [*FIELDS, *self.names]
            close = difflib.get_close_matches(node.name, known, n=1)
            hint = f"（是否是“{close[0]}”？）" if close else ""
            raise _err(node, f"未知的字段或变量{hint}。")
        if isinstance(node, Unary):
            if node.op == "not":
                self.need(node.operand, BOOL, "not 的对象")
                return BOOL
            self.need(node.operand, NUM, "负号的对象")
            return NUM
        if isinstance(node, Call):
            return self.call(node)
        op = node.op
        if op in ("and", "or"):
            self.need(node.left, BOOL, f"{op} 的左边")
            self.need(node.right, BOOL, f"{op} 的右边")
            return BOOL
        if op in ("in", "notin"):
            self.type(node.left)
            self.need(node.right, LIST, "in 的右边")
            return BOOL
        left, right = self.type(node.left), self.type(node.right)
        if op in COMPARE:
            if ANY not in (left, right) and left != right:
                raise _err(node, f"不能比较{left}与{right}。")
            if op not in ("==", "!=") and left not in (NUM, DATE, ANY):
                raise _err(node, f"{left}不能比较大小。")
            return BOOL
        for side, t in (("左边", left), ("右边", right)):
            if t not in (NUM, ANY):
                raise _err(node, f"“{op}”的{side}应为数值，这里是{t}。")
        if op == "/" and _constant(node.right) and _constant_value(node.right) == 0:
            raise _err(node, "除数为零。")
        return NUM

    def call(self, node: Call) -> str:
        fn, args = node.fn, node.args
        if fn not in FUNCTIONS:
            close = difflib.get_close_matches(fn, FUNCTIONS, n=1)
            hint = f"（是否是“{close[0]}”？）" if close else ""
            raise _err(node, f"未知的函数{hint}；可用：{'、'.join(FUNCTIONS)}。")
        if fn in ("min", "max"):
            if len(args) < 2:
                raise _err(node, f"{fn} 至少需要两个参数。")
            for arg in args:
                self.need(arg, NUM, f"{fn} 的参数")
            return NUM
        if fn == "if":
            if len(args) != 3:
                raise _err(node, "if 需要三个参数：if(条件, 成立时的值, 否则的值)。")
            self.need(args[0], BOOL, "if 的条件")
            a, b = self.type(args[1]), self.type(args[2])
            if ANY not in (a, b) and a != b:
                raise _err(node, f"if 的两个取值类型不同（{a}、{b}）。")
            return a
        if fn == "date":
            if len(args) != 1 or not isinstance(args[0], Str):
                raise _err(node, 'date 需要一个日期文本，如 date("2024-08-01")。')
            try:
                dt.date.fromisoformat(args[0].value)
            except ValueError:
                raise _err(args[0], "不是有效的日期（应为 YYYY-MM-DD）。") from None
            return DATE
        if len(args) != 2:
            raise _err(node, f"{fn} 需要两个参数：{fn}(基数, [[界限, 数值], ...])。")
        self.need(args[0], NUM, f"{fn} 的基数")
        _tiers(args[1], fn)
        return NUM


# ── a clause's rule: variables, condition, amount ───────────────────────────────

_IDENT = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\Z")


def _names_in(node) -> set[str]:
    if isinstance(node, Name):
        return {node.name}
    out: set[str] = set()
    for child in _children(node):
        out |= _names_in(child)
    return out


def _children(node) -> tuple:
    if isinstance(node, Call):
        return node.args
    if isinstance(node, List):
        return node.items
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, BinOp):
        return (node.left, node.right)
    return ()


@dataclass
class Rule:
    """A checked clause rule: its variables (in dependency order), condition and amount."""

    condition: object
    amount: object
    variables: dict  # name -> tree, dependencies first


def compile_rule(*, condition: str = "", amount: str, variables: dict | None = None) -> Rule:
    """Parse and check a clause's rule; raise ExprError naming 条件/金额/变量 and the place."""
    variables = dict(variables or {})
    trees: dict[str, object] = {}
    for name, text in variables.items():
        if not isinstance(name, str) or not _IDENT.match(name):
            raise ExprError("变量名只能由字母、数字和下划线组成，且不以数字开头。", token=str(name))
        if name in FIELDS or name in FUNCTIONS or name in KEYWORDS:
            raise ExprError("变量名与字段、函数或关键字重名。", place=f"变量 {name}")
        try:
            trees[name] = parse(text)
        except ExprError as exc:
            raise exc.at(f"变量 {name}") from None
    order = _order(trees)
    types: dict[str, str] = {}
    for name in order:
        try:
            types[name] = Checker(types).type(trees[name])
        except ExprError as exc:
            raise exc.at(f"变量 {name}") from None
    checker = Checker(types)
    try:
        cond = parse(condition) if condition and condition.strip() else Bool(True)
        checker.need(cond, BOOL, "条件")
    except ExprError as exc:
        raise exc.at("条件") from None
    try:
        amt = parse(amount)
        checker.need(amt, NUM, "金额")
    except ExprError as exc:
        raise exc.at("金额") from None
    return Rule(cond, amt, {name: trees[name] for name in order})


def _order(trees: dict) -> list[str]:
    """Return the variables dependencies first; raise ExprError on a cycle."""
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = [*path[path.index(name) :], name]
            raise ExprError(f"变量之间循环引用：{' → '.join(cycle)}。", place=f"变量 {name}")
        state[name] = 1
        for dep in sorted(_names_in(trees[name])):
            if dep in trees:
                visit(dep, [*path, name])
        state[name] = 2
        order.append(name)

    for name in trees:
        visit(name, [])
    return order
