"""Score every assessed unit of a scheme for a period, with the formula behind each score.

Scores are exact ``Decimal`` (40 significant digits) until stored: each indicator's score
and the total are rounded ROUND_HALF_UP to 0.01 only then, the total from the exact
sum, so the printed item scores may differ from the total by a cent.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from .config import ENTERED, metric_specs, number, ratio_parts
from .facts import Facts, value
from .models import Indicator, ManualScore, Scheme, Target

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
Kind = Indicator.Kind


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def num(amount: Decimal) -> str:
    """Return a number as printed in a formula: 27, 177.7, 0.5 (at most 4 decimals)."""
    amount = amount.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    text = format(amount.normalize(), "f")
    return "0" if text in ("-0", "") else text


def pct(share: Decimal) -> str:
    return f"{num(share * HUNDRED)}%"


@dataclass
class Score:
    indicator: Indicator
    exact: Decimal
    formula: str
    #: The score before its cap or floor (None: not bounded, the same as ``exact``).
    unbounded: Decimal | None = None
    #: The entered figures (``EnteredFact`` ids) the score counts.
    entered: list[int] = field(default_factory=list)

    @property
    def score(self) -> Decimal:
        return cents(self.exact)

    @property
    def raw(self) -> Decimal:
        return cents(self.exact if self.unbounded is None else self.unbounded)


@dataclass
class Line:
    #: The assessed party: a unit's id, or for a city scheme a district's.
    unit_id: int
    group: str
    scores: list[Score] = field(default_factory=list)
    rank: int = 0

    @property
    def exact(self) -> Decimal:
        return sum((s.exact for s in self.scores), Decimal(0))

    @property
    def total(self) -> Decimal:
        return cents(self.exact)


#: ``progress(done, total, phase)``: told before each indicator and when all are scored
#: (a ranking run's job: ``baton.jobs.services.Progress``).
ProgressFn = Callable[[int, int, str], None]
SCORING = "正在计算指标得分"


def compute(
    *,
    scheme: Scheme,
    period_start: dt.date,
    period_end: dt.date,
    progress: ProgressFn | None = None,
) -> list[Line]:
    """Return one line per assessed unit, ranked by total (ties share a rank)."""
    with localcontext() as ctx:
        ctx.prec = 40
        facts = Facts(
            district=scheme.district,
            city=scheme.city,
            shares=scheme.relay_shares(),
            start=period_start,
            end=period_end,
        )
        members = list(
            scheme.units.select_related("unit", "district").order_by(
                "unit__order", "district__code", "unit_id"
            )
        )
        lines = [Line(m.party_id, m.group) for m in members]
        indicators = list(scheme.indicators.order_by("order", "id"))
        for done, indicator in enumerate(indicators):
            if progress is not None:
                progress(done, len(indicators), SCORING)
            scorer = _SCORERS[indicator.kind]
            entered = _entered(indicator, facts)
            for line, score in zip(
                lines, scorer(indicator, lines, facts, period_start, period_end), strict=True
            ):
                score.entered = entered.get(line.unit_id, [])
                line.scores.append(score)
        if progress is not None:
            progress(len(indicators), len(indicators), SCORING)
        _rank(lines)
        return lines


def _entered(indicator: Indicator, facts: Facts) -> dict[int, list[int]]:
    """The entered figures an indicator counts, per party."""
    out: dict[int, list[int]] = {}
    for spec in metric_specs(indicator.kind, indicator.config):
        if spec.get("metric") == ENTERED:
            for case in facts.cases(spec):
                for party in case.credit:
                    if case.entered_id not in out.setdefault(party, []):
                        out[party].append(case.entered_id)
    return out


def _rank(lines: list[Line]) -> None:
    ordered = sorted(lines, key=lambda line: -line.exact)
    for i, line in enumerate(ordered):
        same = i and ordered[i - 1].exact == line.exact
        line.rank = ordered[i - 1].rank if same else i + 1
    lines.sort(key=lambda line: line.rank)


def _bounded(indicator: Indicator, raw: Decimal, formula: str, *, floor=None) -> Score:
    cap = indicator.cap
    floor = indicator.floor if indicator.floor is not None else floor
    if cap is not None and raw > cap:
        return Score(indicator, cap, f"{formula}，封顶{num(cap)}", raw)
    if floor is not None and raw < floor:
        return Score(indicator, floor, f"{formula}，保底{num(floor)}", raw)
    return Score(indicator, raw, formula)


def _ratio(indicator, lines, facts, start, end):
    parts = ratio_parts(indicator.config)
    targets = {(t.party_id, t.part): t.value for t in Target.objects.filter(indicator=indicator)}
    part_cases = [facts.cases(p) for p in parts]
    over_cases = [facts.cases(p["over"]) if "over" in p else None for p in parts]
    weight = indicator.weight
    for line in lines:
        raw, texts, entered_rate = Decimal(0), [], False
        for i, part in enumerate(parts):
            actual = value(part_cases[i], line.unit_id, part.get("measure", "count"))
            if over_cases[i] is not None:
                target = value(over_cases[i], line.unit_id, part["over"].get("measure", "count"))
            else:
                target = targets.get((line.unit_id, i))
            share = number(part.get("share", "1"), "分项比例")
            if target and part.get("metric") == ENTERED and len(parts) == 1:
                # An office's figure reads as a rate: 4.8÷5=96%，96%×0.5=0.48.
                rate = actual / target
                raw += rate * share
                text = f"{num(actual)}÷{num(target)}={pct(rate)}，{pct(rate)}"
                texts.append(text)
                entered_rate = True
                continue
            if target:
                raw += actual / target * share
                text = f"({num(actual)}÷{num(target)})"
            else:
                # Nothing to divide by: the part scores 0, and the formula says why.
                text = f"({num(actual)}÷{'目标为0' if target is not None else '未设目标'})"
            texts.append(text if len(parts) == 1 else f"{text}×{pct(share)}")
        body = texts[0] if len(parts) == 1 else f"[{'+'.join(texts)}]"
        formula = f"{body}×{num(weight)}"
        if entered_rate:
            formula += f"={num(cents(raw * weight))}"
        yield _bounded(indicator, raw * weight, formula)


def _tier_points(config: dict, case) -> Decimal:
    by = config["by"]
    if by == "amount":
        tiers = sorted(
            (
                (number(t["min"], "档次下限"), number(t["points"], "档次分值"))
                for t in config["tiers"]
            ),
            reverse=True,
        )
        return next((points for low, points in tiers if case.amount >= low), Decimal(0))
    if by == "industry":
        points = config["points"]
        return number(points.get(case.industry, config.get("default", "0")), "行业分值")
    return number(config["points"], "每个项目的分值")


def _tiers(indicator, lines, facts, start, end):
    config = indicator.config
    cases = facts.cases(config)
    targets = {t.party_id: t.value for t in Target.objects.filter(indicator=indicator, part=0)}
    for line in lines:
        if config["by"] == "each" and config.get("beyond_target"):
            points = number(config["points"], "每个项目的分值")
            actual = value(cases, line.unit_id, "count")
            target = targets.get(line.unit_id, Decimal(0))
            beyond = max(actual - target, Decimal(0))
            formula = f"{num(points)}×({num(actual)}−{num(target)})" if beyond else "0"
            yield _bounded(indicator, points * beyond, formula)
            continue
        by_points: dict[Decimal, Decimal] = {}
        for case in cases:
            share = case.credit.get(line.unit_id)
            if share:
                points = _tier_points(config, case)
                by_points[points] = by_points.get(points, Decimal(0)) + share
        raw = sum((p * n for p, n in by_points.items()), Decimal(0))
        terms = [f"{num(p)}×{num(n)}" for p, n in sorted(by_points.items(), reverse=True) if p]
        yield _bounded(indicator, raw, "+".join(terms) or "0")


def _deduction(indicator, lines, facts, start, end):
    """weight − Σ per × cases (one case kind, or several each with its own ``per``),
    floored at 0 (or ``floor``)."""
    config = indicator.config
    kinds = config.get("cases", [config])
    pers = [number(k["per"], "每件扣分") for k in kinds]
    counted = [facts.cases(k) for k in kinds]
    weight = indicator.weight
    for line in lines:
        ns = [value(cases, line.unit_id, "count") for cases in counted]
        terms = "−".join(f"{num(per)}×{num(n)}" for per, n in zip(pers, ns, strict=True))
        formula = f"{num(weight)}−{terms}" if weight else f"−{terms}"
        raw = weight - sum((per * n for per, n in zip(pers, ns, strict=True)), Decimal(0))
        yield _bounded(indicator, raw, formula, floor=Decimal(0) if weight else None)


def _weighted_sum(indicator, lines, facts, start, end):
    """Σ count × points over the terms: n₁×0.2+n₂×0.2+n₃×0.1, capped by ``cap``."""
    terms = indicator.config["terms"]
    points = [number(t["points"], "计数项分值") for t in terms]
    counted = [facts.cases(t) for t in terms]
    for line in lines:
        ns = [value(cases, line.unit_id, "count") for cases in counted]
        raw = sum((n * p for n, p in zip(ns, points, strict=True)), Decimal(0))
        formula = "+".join(f"{num(n)}×{num(p)}" for n, p in zip(ns, points, strict=True))
        yield _bounded(indicator, raw, formula)


def brackets_of(config: dict) -> list[tuple[Decimal, Decimal | None, int]]:
    return [
        (
            number(b["min"], "档次下限"),
            number(b["max"], "档次上限") if "max" in b else None,
            b["required"],
        )
        for b in config["brackets"]
    ]


def bracket_spec(config: dict) -> dict:
    """The counted metric of a bracket item: whole projects to the holder by default."""
    return {"credit": "holder", **{k: v for k, v in config.items() if k != "brackets"}}


def _bracket_shortfall(indicator, lines, facts, start, end):
    """weight − per × (each one short of a bracket's required count), floored at 0."""
    config = indicator.config
    per = number(config["per"], "每少一个扣分")
    cases = facts.cases(bracket_spec(config))
    brackets = brackets_of(config)
    targets = {(t.party_id, t.part): t.value for t in Target.objects.filter(indicator=indicator)}
    weight = indicator.weight
    for line in lines:
        short, notes = Decimal(0), []
        for i, (low, high, required) in enumerate(brackets):
            need = targets.get((line.unit_id, i), Decimal(required))
            have = sum(
                (
                    c.credit.get(line.unit_id, Decimal(0))
                    for c in cases
                    if c.amount >= low and (high is None or c.amount < high)
                ),
                Decimal(0),
            )
            short += max(need - have, Decimal(0))
            notes.append(f"{bracket_label(low, high)}{num(have)}/{num(need)}")
        formula = f"{num(weight)}−{num(per)}×{num(short)}（{'，'.join(notes)}）"
        yield _bounded(indicator, weight - per * short, formula, floor=Decimal(0))


def bracket_label(low: Decimal, high: Decimal | None) -> str:
    """A bracket as offices write it, in 亿元: 3–10亿元, >20亿元."""
    yi = Decimal(10_000)
    if high is None:
        return f"≥{num(low / yi)}亿元"
    return f"{num(low / yi)}–{num(high / yi)}亿元"


def _values(indicator, lines, facts):
    config = indicator.config
    cases = facts.cases(config)
    return [value(cases, line.unit_id, config.get("measure", "count")) for line in lines]


def _peers(indicator, lines, default_scope):
    scope = indicator.config.get("scope", default_scope)
    return [
        [j for j, other in enumerate(lines) if scope == "all" or other.group == line.group]
        for line in lines
    ]


def _efficacy(indicator, lines, facts, start, end):
    values = _values(indicator, lines, facts)
    weight = indicator.weight
    for i, peers in enumerate(_peers(indicator, lines, "all")):
        v = values[i]
        low, high = min(values[j] for j in peers), max(values[j] for j in peers)
        if high == low:
            # Everyone is the largest value: 最大的计100分.
            yield _bounded(indicator, weight, f"100×{num(weight)}÷100")
            continue
        coefficient = (v - low) / (high - low) * 40 + 60
        formula = f"[({num(v)}−{num(low)})÷({num(high)}−{num(low)})×40+60]×{num(weight)}÷100"
        yield _bounded(indicator, coefficient * weight / HUNDRED, formula)


def _group_share(indicator, lines, facts, start, end):
    values = _values(indicator, lines, facts)
    weight = indicator.weight
    for i, peers in enumerate(_peers(indicator, lines, "group")):
        high = max(values[j] for j in peers)
        if high <= 0:
            yield _bounded(
                indicator, Decimal(0), f"({num(values[i])}÷{num(high)})×{num(weight)}，本组无有效值"
            )
            continue
        yield _bounded(
            indicator, values[i] / high * weight, f"({num(values[i])}÷{num(high)})×{num(weight)}"
        )


def _manual(indicator, lines, facts, start, end):
    config = indicator.config
    combine = config.get("combine", "single")
    entered: dict[int, dict[str, Decimal]] = {}
    for m in ManualScore.objects.filter(indicator=indicator, period_start=start, period_end=end):
        entered.setdefault(m.party_id, {})[m.rater] = m.score
    for line in lines:
        scores = entered.get(line.unit_id)
        if not scores:
            yield Score(indicator, Decimal(0), "未评分")
            continue
        if combine == "weighted":
            # PostgreSQL's jsonb does not keep key order: print the largest share first.
            weights = dict(
                sorted(
                    ((k, number(v, "评分方比例")) for k, v in config["weights"].items()),
                    key=lambda kv: (-kv[1], kv[0]),
                )
            )
            raw = sum((scores.get(r, Decimal(0)) * w for r, w in weights.items()), Decimal(0))
            formula = "+".join(
                f"{num(scores.get(r, Decimal(0)))}×{pct(w)}" for r, w in weights.items()
            )
        elif combine == "mean":
            values = [scores[r] for r in sorted(scores)]
            raw = sum(values, Decimal(0)) / len(values)
            formula = f"({'+'.join(num(v) for v in values)})÷{len(values)}"
        else:
            raw = next(iter(scores.values()))
            formula = f"人工评分{num(raw)}"
        yield _bounded(indicator, raw, formula)


_SCORERS = {
    Kind.RATIO: _ratio,
    Kind.TIERS: _tiers,
    Kind.DEDUCTION: _deduction,
    Kind.EFFICACY: _efficacy,
    Kind.GROUP_SHARE: _group_share,
    Kind.MANUAL: _manual,
    Kind.WEIGHTED_SUM: _weighted_sum,
    Kind.BRACKET_SHORTFALL: _bracket_shortfall,
}
