"""An indicator's rule in the words of a 考核办法, for the scheme page and the exports."""

from decimal import Decimal

from .config import (
    COMBINES,
    CREDITS,
    HOLDER_METRICS,
    MEASURES,
    METRICS,
    SCOPES,
    WINDOWS,
    number,
    ratio_parts,
)
from .engine import bracket_label, brackets_of, num, pct
from .models import Indicator

Kind = Indicator.Kind
TEN_THOUSAND = Decimal(10_000)


def money(wan) -> str:
    """万元 as offices say it: whole 亿元 as 亿元, the rest in 万元."""
    amount = number(wan, "金额")
    if amount and amount % TEN_THOUSAND == 0:
        return f"{num(amount / TEN_THOUSAND)}亿元"
    return f"{num(amount)}万元"


def subject(spec: dict, *, measure: bool = True) -> str:
    """Return what a metric counts: 本期入库项目（总投资≥1亿元，新能源、先进制造）个数."""
    text = METRICS.get(spec.get("metric"), spec.get("metric", ""))
    limits = []
    if "min_amount" in spec:
        limits.append(f"总投资≥{money(spec['min_amount'])}")
    if "max_amount" in spec:
        limits.append(f"总投资<{money(spec['max_amount'])}")
    if spec.get("industries"):
        limits.append("、".join(spec["industries"]))
    if spec.get("metric") == "not_started" and "days" in spec:
        limits.append(f"签约满{spec['days']}天")
    if spec.get("metric") == "entered":
        text = f"录入数据“{spec.get('name', '')}”"
    if "window_days" in spec:
        limits.append(f"近{spec['window_days']}天内")
    elif "window" in spec:
        what = "签约" if spec.get("metric") == "not_started" else ""
        limits.append(f"{what}{WINDOWS.get(spec['window'], '')}")
    if limits:
        text += f"（{'，'.join(limits)}）"
    if measure and spec.get("metric") != "entered":
        text += MEASURES.get(spec.get("measure", "count"), "")
    return text


def credit(spec: dict) -> str:
    if spec.get("metric") == "info_provided":
        return CREDITS["info"]
    default = "holder" if spec.get("metric") in HOLDER_METRICS else "relay"
    return CREDITS.get(spec.get("credit", default), "")


def describe(indicator: Indicator) -> str:
    """Return the rule, e.g. 本期入库项目（总投资≥1亿元）个数 ÷ 目标任务 × 30分，按接力分成."""
    config, weight = indicator.config or {}, num(indicator.weight)
    kind = indicator.kind
    if kind == Kind.RATIO:
        parts = ratio_parts(config)
        texts = []
        for part in parts:
            below = subject(part["over"]) if "over" in part else "目标任务"
            text = f"{subject(part)} ÷ {below}"
            texts.append(
                text if len(parts) == 1 else f"（{text}）×{pct(number(part['share'], ''))}"
            )
        rule = f"{' + '.join(texts)} × {weight}分；{credit(parts[0])}"
    elif kind == Kind.TIERS:
        rule = _tiers(config)
    elif kind == Kind.DEDUCTION:
        floor = num(indicator.floor) if indicator.floor is not None else "0"
        cases = config.get("cases", [config])
        each = "；".join(
            f"{subject(c, measure=False)}每个扣{num(number(c['per'], ''))}分" for c in cases
        )
        rule = f"{weight}分起，{each}，最低{floor}分；{credit(cases[0])}"
    elif kind == Kind.WEIGHTED_SUM:
        terms = " + ".join(
            f"{subject(t, measure=False)}×{num(number(t['points'], ''))}分"
            for t in config.get("terms", [])
        )
        rule = f"{terms}（分值{weight}分）"
    elif kind == Kind.BRACKET_SHORTFALL:
        brackets = "、".join(
            f"{bracket_label(low, high)} ≥ {required}个"
            for low, high, required in brackets_of(config)
        )
        rule = (
            f"{subject(config, measure=False)}按总投资分档：{brackets}；{weight}分起，"
            f"每少一个扣{num(number(config['per'], ''))}分，最低0分"
        )
    elif kind == Kind.EFFICACY:
        scope = SCOPES.get(config.get("scope", "all"), "")
        rule = (
            f"功效系数法：按{subject(config)}在{scope}中排序，最大值计100、最小值计60，"
            f"其余 (本单位值−最小值)÷(最大值−最小值)×40+60，再折算为{weight}分；{credit(config)}"
        )
    elif kind == Kind.GROUP_SHARE:
        scope = SCOPES.get(config.get("scope", "group"), "")
        rule = f"{subject(config)} ÷ {scope}最高值 × {weight}分；{credit(config)}"
    else:
        combine = config.get("combine", "single")
        rule = f"人工评分，满分{weight}分，{COMBINES.get(combine, '')}"
        if combine == "weighted":
            weights = sorted(
                ((k, number(v, "")) for k, v in config.get("weights", {}).items()),
                key=lambda kv: (-kv[1], kv[0]),
            )
            rule += "：" + "、".join(f"{k} {pct(v)}" for k, v in weights)
        rule += "；须写明评分理由"
    limits = []
    if indicator.is_bonus:
        limits.append("加分项，不计入总分值")
    if indicator.cap is not None:
        limits.append(f"最高{num(indicator.cap)}分")
    elif kind in (Kind.RATIO, Kind.WEIGHTED_SUM, Kind.TIERS):
        limits.append("不封顶")
    if indicator.floor is not None and kind != Kind.DEDUCTION:
        limits.append(f"最低{num(indicator.floor)}分")
    return rule + (f"；{'，'.join(limits)}" if limits else "")


def _tiers(config: dict) -> str:
    by = config.get("by")
    what = subject(config, measure=False)
    if by == "amount":
        tiers = sorted(
            ((number(t["min"], ""), number(t["points"], "")) for t in config.get("tiers", [])),
            reverse=True,
        )
        steps = "、".join(f"≥{money(low)}的{num(points)}分" for low, points in tiers)
        text = f"{what}每个按总投资计分：{steps}（取最高一档，不重复加分）"
    elif by == "industry":
        points = sorted(
            ((name, number(v, "")) for name, v in config.get("points", {}).items()),
            key=lambda kv: (-kv[1], kv[0]),
        )
        steps = "、".join(f"{name}{num(v)}分" for name, v in points)
        text = f"{what}每个按行业计分：{steps}，其他行业{num(number(config.get('default', '0'), ''))}分"
    else:
        text = f"{what}每个{num(number(config.get('points', '0'), ''))}分"
        if config.get("beyond_target"):
            text += "，只计超出目标任务的部分"
    return f"{text}；{credit(config)}"
