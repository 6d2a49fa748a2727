"""What an indicator's ``config`` may say, per kind, and its validation (messages in Chinese).

Every number in a config is a decimal string ("0.5") or an integer, never a float.

- ``ratio``: ``{"parts": [{"metric", "measure", "share", "over"?, filters…}]}`` or one
  part's keys at the top level. Each part is actual ÷ target (the unit's ``Target`` with
  that part number) or ÷ the ``over`` metric; parts are weighted by ``share`` (summing
  to 1) and the sum × weight, capped by ``cap``.
- ``tiers``: ``{"metric", "by": "amount"|"industry"|"each", …}`` — points per counted
  project: ``"tiers": [{"min": "100000", "points": "4"}, …]`` (the highest tier whose
  ``min`` ≤ the project's 万元 amount), ``"points": {"新能源": "15"}, "default": "0"``
  by industry, or ``"points": "0.5"`` each (``"beyond_target": true`` counts only what
  exceeds the unit's target). Capped by ``cap``.
- ``deduction``: ``{"metric", "per": "2", "days"?}`` — weight − per × cases, floored at
  ``floor`` (0 unless set).
- ``efficacy``: ``{"metric", "measure", "scope": "all"|"group"}`` — 功效系数法.
- ``group_share``: ``{"metric", "measure", "scope": "group"|"all"}`` — value ÷ maximum.
- ``manual``: ``{"combine": "single"|"mean"|"weighted", "weights": {"园区": "0.7", …}}``.
- ``deduction`` of several cases: ``{"cases": [{"metric", "per", …}, …]}`` — weight −
  Σ per × cases, floored at ``floor`` (0 unless set).
- ``weighted_sum``: ``{"terms": [{"metric", "points", …}, …]}`` — Σ count × points,
  capped by ``cap`` (none: the score may exceed the weight).
- ``bracket_shortfall``: ``{"metric", "per", "brackets": [{"min", "max"?, "required"}, …]}``
  — weight − per × Σ max(required − projects with min ≤ 万元 < max, 0), floored at 0; a
  unit's target of part *i* replaces bracket *i*'s ``required``. Counted whole to the
  holder unless ``credit`` says otherwise.

Every counted metric may have a time window: ``"window": "period"`` (the counted event —
for ``not_started`` the signing — falls in the assessed period; the default of every
metric but ``not_started``), ``"year"`` (from 1 January of the period end's year) or
``"all"`` (ever, up to the period end: the default of ``not_started``); or
``"window_days": N`` (the N days up to the period end).

Common keys of a metric: ``min_amount``/``max_amount`` (万元, ≥ / <), ``industries``
(names), ``credit``: ``relay`` (split by the scheme's shares, the default), ``holder``
(the responsible unit at the period end) or ``info`` (the information provider).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

METRICS = {
    "admitted": "本期入库项目",
    "signed": "本期签约项目",
    "landed": "本期落地项目",
    "started": "本期开工项目",
    "in_production": "本期投产项目",
    "leader_acts": "本期领导招商活动",
    "info_provided": "本期入库项目中本单位提供信息的",
    "not_started": "签约后逾期未开工项目",
    **{
        "activities_held": "本期举办招商活动",
        "activity_signed": "本期活动签约计入项目",
        "trips": "本期外出招商批次",
        "companies_met": "本期外出拜访企业（家次）",
        "receptions": "本期来访接待批次",
        "leads_reported": "本期首报投资信息",
        "leads_converted": "本期投资信息转化",
        "intermediary_projects": "本期中介引进项目",
    },
    "policy_applied": "本期受理的政策兑现申请",
    "policy_approved": "本期核定的政策兑现",
    "policy_paid": "本期兑付完毕的政策兑现",
    "entered": "录入数据",
}
#: Policy applications (``baton.policies``), one case per application, credited through
#: its project (to the holder unless ``credit`` says otherwise); counted, not summed:
#: applied = received in the window (withdrawn ones not); approved = 核定 in the window
#: (核定 or 已兑付 now); paid = every instalment paid, the last in the window.
POLICY_METRICS = ("policy_applied", "policy_approved", "policy_paid")
#: Metrics credited to the holder unless ``credit`` says otherwise.
HOLDER_METRICS = ("not_started", *POLICY_METRICS)
#: A figure entered per party and period (``EnteredFact``): not projects, not counted.
ENTERED = "entered"
#: The metrics of the relay's everyday work (``baton.reports.work``): counts credited to
#: the unit that did the work, not projects (no amount, no industry, no relay shares).
WORK_METRICS = {
    "activities_held": "activities",
    "activity_signed": "signed",
    "trips": "trips",
    "companies_met": "companies_met",
    "receptions": "receptions",
    "leads_reported": "leads",
    "leads_converted": "converted",
    "intermediary_projects": "introduced",
}
MEASURES = {"count": "个数", "amount": "金额（万元）", "amount_yi": "金额（亿元）"}
CREDITS = {"relay": "按接力分成", "holder": "归责任单位", "info": "归信息提供单位"}
SCOPES = {"all": "全部被考核单位", "group": "同组单位"}
COMBINES = {"single": "单一评分", "mean": "取平均值", "weighted": "按评分方加权"}
WINDOWS = {"period": "本考核期内", "year": "本年度内（1月1日起）", "all": "不限时间"}
TIER_BY = {"amount": "按金额档次", "industry": "按行业类型", "each": "每个项目"}


# A number as a form, a workbook or the JSON config gives it, before it is cleaned.
Number = Decimal | str | int


def bad_kind(kind: object) -> str:
    return f"计分方式“{kind}”无效。"


def number(value: object, label: str) -> Decimal:
    """Return a config number as a Decimal; floats and text that is no number are refused."""
    if isinstance(value, bool | float):
        raise ValidationError(f'{label}须写成文本形式的数字（如 "0.5"），不能是浮点数。')
    result: Decimal | None
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        result = None
    if result is None or not result.is_finite():
        raise ValidationError(f"{label}“{value}”不是有效的数字。")
    return result


def _metric(spec, where: str, *, measure: bool) -> None:
    if not isinstance(spec, dict):
        raise ValidationError(f"{where}的配置必须是对象。")
    metric = spec.get("metric")
    if metric not in METRICS:
        raise ValidationError(
            f"{where}的统计口径“{metric or '（空）'}”无效，可选：{'、'.join(METRICS)}。"
        )
    if metric == ENTERED:
        name = spec.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 40:
            raise ValidationError(f"{where}的录入数据须以 name 写明指标名称（不超过 40 个字）。")
    counted_only = metric in WORK_METRICS or metric in POLICY_METRICS or metric == ENTERED
    if counted_only and spec.get("measure", "count") != "count":
        raise ValidationError(f"{where}的统计口径“{METRICS[metric]}”只能按个数计量。")
    if (metric in WORK_METRICS or metric == ENTERED) and any(
        spec.get(key) not in (None, "", []) for key in ("min_amount", "max_amount", "industries")
    ):
        raise ValidationError(
            f"{where}的统计口径“{METRICS[metric]}”不是项目，不能按金额或行业筛选。"
        )
    if measure and spec.get("measure", "count") not in MEASURES:
        raise ValidationError(
            f"{where}的计量“{spec.get('measure')}”无效，可选：count、amount、amount_yi。"
        )
    if spec.get("credit", "relay") not in CREDITS:
        raise ValidationError(
            f"{where}的归属方式“{spec.get('credit')}”无效，可选：relay、holder、info。"
        )
    for key, label in (("min_amount", "金额下限"), ("max_amount", "金额上限")):
        if key in spec and number(spec[key], f"{where}的{label}") < 0:
            raise ValidationError(f"{where}的{label}不能为负数。")
    if "window" in spec and spec["window"] not in WINDOWS:
        raise ValidationError(f"{where}的时间范围 window 只能是 period、year 或 all。")
    if "window_days" in spec:
        days = spec["window_days"]
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 3660:
            raise ValidationError(f"{where}的 window_days 应为 1–3660 天（整数）。")
        if "window" in spec:
            raise ValidationError(f"{where}不能同时写 window 和 window_days。")
    industries = spec.get("industries", [])
    if not isinstance(industries, list) or not all(isinstance(i, str) for i in industries):
        raise ValidationError(f"{where}的行业须为行业名称列表。")
    if metric == "not_started":
        days = spec.get("days")
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise ValidationError(f"{where}须以 days 写明签约后多少天未开工计为逾期（非负整数）。")


def _shares_sum_to_one(shares: list[Decimal], where: str) -> None:
    if any(s < 0 for s in shares) or sum(shares, Decimal(0)) != 1:
        raise ValidationError(f"{where}的各项比例之和必须等于 1（100%）。")


def metric_specs(kind: str, config: dict) -> list[dict]:
    """Every metric an indicator's config counts (parts, their denominators, cases, terms)."""
    if kind == "manual" or not isinstance(config, dict):
        return []
    if kind == "ratio":
        specs = []
        for part in ratio_parts(config):
            specs.append(part)
            if isinstance(part.get("over"), dict):
                specs.append(part["over"])
        return specs
    for key in ("cases", "terms"):
        if isinstance(config.get(key), list):
            return [c for c in config[key] if isinstance(c, dict)]
    return [config] if "metric" in config else []


def ratio_parts(config: dict) -> list[dict]:
    return config["parts"] if "parts" in config else [{**config, "share": config.get("share", "1")}]


def validate_config(kind: str, config) -> None:
    """Raise ValidationError (in Chinese) unless ``config`` is valid for an indicator ``kind``."""
    if not isinstance(config, dict):
        raise ValidationError("计分配置必须是 JSON 对象。")
    if kind == "ratio":
        parts = ratio_parts(config)
        if not isinstance(parts, list) or not parts:
            raise ValidationError("完成率指标至少要有一个分项。")
        for i, part in enumerate(parts, start=1):
            where = f"第 {i} 个分项"
            _metric(part, where, measure=True)
            if "over" in part:
                _metric(part["over"], f"{where}的分母", measure=True)
        _shares_sum_to_one([number(p.get("share", "1"), "分项比例") for p in parts], "完成率指标")
    elif kind == "tiers":
        _metric(config, "按项目计分指标", measure=False)
        by = config.get("by")
        if by not in TIER_BY:
            raise ValidationError("按项目计分指标须以 by 写明计分依据：amount、industry 或 each。")
        if (
            config.get("metric") in WORK_METRICS or config.get("metric") == ENTERED
        ) and by != "each":
            raise ValidationError(
                f"统计口径“{METRICS[config['metric']]}”不是项目，只能按个数（each）计分。"
            )
        if by == "amount":
            tiers = config.get("tiers")
            if not isinstance(tiers, list) or not tiers:
                raise ValidationError("按金额档次计分须列出档次（tiers）。")
            for tier in tiers:
                if not isinstance(tier, dict) or "min" not in tier or "points" not in tier:
                    raise ValidationError("每个金额档次须有 min（万元）和 points（分）。")
                number(tier["min"], "档次下限")
                number(tier["points"], "档次分值")
        elif by == "industry":
            points = config.get("points")
            if not isinstance(points, dict) or not points:
                raise ValidationError("按行业类型计分须列出各行业的分值（points）。")
            for name, value in points.items():
                number(value, f"行业“{name}”的分值")
            number(config.get("default", "0"), "其他行业的分值")
        else:
            number(config.get("points"), "每个项目的分值")
    elif kind == "deduction":
        cases = config.get("cases", [config])
        if not isinstance(cases, list) or not cases:
            raise ValidationError("扣分指标至少要有一种扣分情形（cases）。")
        for i, case in enumerate(cases, start=1):
            where = "扣分指标" if "cases" not in config else f"第 {i} 种扣分情形"
            _metric(case, where, measure=False)
            if number(case.get("per"), f"{where}的每件扣分") <= 0:
                raise ValidationError(f"{where}的每件扣分必须大于 0。")
    elif kind == "weighted_sum":
        terms = config.get("terms")
        if not isinstance(terms, list) or not terms:
            raise ValidationError("加权计数指标须列出计数项（terms）。")
        for i, term in enumerate(terms, start=1):
            _metric(term, f"第 {i} 个计数项", measure=False)
            number(term.get("points"), f"第 {i} 个计数项的分值")
    elif kind == "bracket_shortfall":
        _metric(config, "分档数量指标", measure=False)
        if config.get("metric") in WORK_METRICS or config.get("metric") == ENTERED:
            raise ValidationError("分档数量指标须按项目金额分档，统计口径须是项目。")
        if number(config.get("per"), "每少一个扣分") <= 0:
            raise ValidationError("每少一个扣分必须大于 0。")
        brackets = config.get("brackets")
        if not isinstance(brackets, list) or not brackets:
            raise ValidationError("分档数量指标须列出各档（brackets）。")
        for i, bracket in enumerate(brackets, start=1):
            where = f"第 {i} 档"
            if not isinstance(bracket, dict) or "min" not in bracket:
                raise ValidationError(f"{where}须有 min（万元）和 required（个数）。")
            low = number(bracket["min"], f"{where}的下限")
            if "max" in bracket and number(bracket["max"], f"{where}的上限") <= low:
                raise ValidationError(f"{where}的上限须大于下限。")
            required = bracket.get("required")
            if not isinstance(required, int) or isinstance(required, bool) or required < 0:
                raise ValidationError(f"{where}须以 required 写明要求的个数（非负整数）。")
    elif kind in ("efficacy", "group_share"):
        _metric(config, "相对评分指标", measure=True)
        if config.get("scope", "all") not in SCOPES:
            raise ValidationError("比较范围只能是 all（全部单位）或 group（同组单位）。")
    elif kind == "manual":
        combine = config.get("combine", "single")
        if combine not in COMBINES:
            raise ValidationError("人工评分的汇总方式只能是 single、mean 或 weighted。")
        if combine == "weighted":
            weights = config.get("weights")
            if not isinstance(weights, dict) or not weights:
                raise ValidationError("按评分方加权须列出各评分方的比例（weights）。")
            shares = [number(v, f"评分方“{k}”的比例") for k, v in weights.items()]
            _shares_sum_to_one(shares, "人工评分")
    else:
        raise ValidationError(bad_kind(kind))
