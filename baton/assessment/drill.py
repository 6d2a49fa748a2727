"""The projects behind an item score of a ranking, as the engine counts them.

The project list's drill-down filter ``credited`` (``<ranking>-<indicator>-<unit>`` and,
for a 完成率 indicator of several parts, ``-<part>``) keeps the projects that
``Facts.cases`` — the engine's own counting, never a copy of it — credits to the unit
for that indicator in the ranking's period. Registered in ``apps.ready``.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode

from baton.accounts.models import User
from baton.core.dates import month_end

from .config import CREDITS, ENTERED, METRICS, WORK_METRICS, metric_specs, number, ratio_parts
from .engine import bracket_spec, num
from .facts import Facts, credit_mode
from .models import Indicator, Ranking
from .periods import period_label
from .selectors import ranking_get

#: Metrics that count projects (a leader's acts open the projects visited; policy
#: applications the projects applied for).
PROJECT_METRICS = tuple(m for m in METRICS if m != ENTERED and m not in WORK_METRICS)
NOT_COUNTED = "该项得分不是按项目计数得出的，没有对应的项目列表。"
NO_ITEM = "考核排名中没有这一项得分。"


def _parse(key: str) -> tuple[int, int, int, int]:
    ranking, indicator, unit, *part = (int(p) for p in key.split("-"))
    return ranking, indicator, unit, part[0] if part else 0


def counted_specs(indicator: Indicator) -> list[dict | None]:
    """Return, per part of the indicator (one unless a 完成率 of several), the metric it
    counts projects by, or None where its score is no count of projects."""
    config = indicator.config or {}
    if indicator.kind == Indicator.Kind.MANUAL:
        return [None]
    if indicator.kind == Indicator.Kind.RATIO:
        specs = ratio_parts(config)
    elif indicator.kind == Indicator.Kind.BRACKET_SHORTFALL:
        # The projects of any bracket: from the lowest bracket's amount up.
        low = min((number(b["min"], "档次下限") for b in config.get("brackets", [])), default=None)
        specs = [{**bracket_spec(config), **({"min_amount": num(low)} if low is not None else {})}]
    else:
        specs = metric_specs(indicator.kind, config) or [config]
    return [s if s.get("metric") in PROJECT_METRICS else None for s in specs]


def _item(key: str, user: User | None):
    """Return (ranking, indicator, unit, the metric) a key names, or raise
    ValidationError; with ``user``, only of a ranking the user may read."""
    ranking_id, indicator_id, unit_id, part = _parse(key)
    ranking: Ranking | None
    if user is not None:
        try:
            ranking = ranking_get(user=user, pk=ranking_id)
        except Http404 as exc:
            raise ValidationError({"credited": str(exc)}) from None
    else:
        ranking = Ranking.objects.select_related("scheme").filter(pk=ranking_id).first()
    indicator = None
    if ranking is not None:
        indicator = ranking.scheme.indicators.filter(pk=indicator_id).first()
    line = None
    if ranking is not None:
        party = {"district_id" if ranking.scheme.is_city else "unit_id": unit_id}
        line = ranking.lines.select_related("unit", "district").filter(**party).first()
    on_line = line is not None
    specs = counted_specs(indicator) if indicator is not None else []
    if not on_line or part >= len(specs):
        raise ValidationError({"credited": NO_ITEM})
    if specs[part] is None:
        raise ValidationError({"credited": NOT_COUNTED})
    assert line is not None  # on_line
    return ranking, indicator, line.party, specs[part]


def credited_projects(*, user: User | None, key: str) -> list[int]:
    """Return the ids of the projects the engine credits to the unit for the item score."""
    if user is None:
        raise ValidationError({"credited": "考核计分项目须按查看人的权限列出。"})
    ranking, _indicator, unit, spec = _item(key, user)
    facts = ranking_facts(ranking)
    return sorted({case.project_id for case in facts.cases(spec) if case.credit.get(unit.pk)})


def ranking_facts(ranking: Ranking) -> Facts:
    """The engine's facts of the ranking's scheme and period, as a run reads them."""
    scheme = ranking.scheme
    return Facts(
        district=scheme.district,
        city=scheme.city,
        shares=scheme.relay_shares(),
        start=ranking.period_start,
        end=ranking.period_end,
    )


def work_specs(indicator: Indicator) -> list[dict | None]:
    """Return, per metric the indicator counts (``metric_specs``), the spec where it
    counts the relay's everyday work (``WORK_METRICS``), else None: the ``part`` of the
    计分记录 page."""
    specs = metric_specs(indicator.kind, indicator.config or {})
    return [s if s.get("metric") in WORK_METRICS else None for s in specs]


def credited_caption(*, key: str) -> str:
    """Return the item score in words, for the list's 列表口径."""
    ranking, indicator, unit, spec = _item(key, None)
    period = period_label(ranking.period_start, ranking.period_end)
    part = f"第 {_parse(key)[3] + 1} 项，" if len(counted_specs(indicator)) > 1 else ""
    return (
        f"“{ranking.scheme.name}”{period}“{indicator.name}”（{part}{METRICS[spec['metric']]}，"
        f"{'计入全区' if ranking.scheme.is_city else CREDITS[credit_mode(spec)]}）"
        f"计入{unit.name}的项目，按当前数据"
    )


def _short(spec: dict) -> str:
    return METRICS[spec["metric"]].removeprefix("本期")


def item_links(ranking: Ranking, indicator: Indicator, unit_id: int) -> list[tuple[str, str]]:
    """Return (label, address) of each counted part of an item score: the project list of
    exactly the projects credited; for the relay's everyday work its 计分记录 (the records
    counted, whatever the period and window), and the 招商工作统计 of the same window,
    where the page has it (a month, or a year to its end)."""
    url = reverse("projects:list")
    specs = counted_specs(indicator)
    links = [
        (
            "计分项目" if len(specs) == 1 else _short(spec),
            f"{url}?credited={ranking.pk}-{indicator.pk}-{unit_id}" + (f"-{i}" if i else ""),
        )
        for i, spec in enumerate(specs)
        if spec is not None
    ]
    records = reverse("assessment:ranking_records", args=[ranking.pk])
    parts = work_specs(indicator)
    links += [
        (
            "计分记录" if len(parts) == 1 else f"计分记录（{_short(spec)}）",
            f"{records}?{urlencode({'item': indicator.pk, 'party': unit_id, 'part': i})}",
        )
        for i, spec in enumerate(parts)
        if spec is not None
    ]
    work = [s for s in parts if s is not None and "window" not in s and "window_days" not in s]
    window = _work_window(ranking)
    if work and window:
        scheme = ranking.scheme
        scope = f"city:{scheme.city.code}" if scheme.is_city else f"district:{scheme.district.code}"
        query = urlencode(
            {"scope": scope, "as_of": ranking.period_end.isoformat(), "period": window}
        )
        links.append(("工作统计", f"{reverse('reports:work')}?{query}"))
    return links


def _work_window(ranking: Ranking) -> str | None:
    """The 招商工作统计 page's period that is the ranking's: a month, or a year to date."""
    start, end = ranking.period_start, ranking.period_end
    if (
        start.day == 1
        and (start.year, start.month) == (end.year, end.month)
        and end == month_end(end)
    ):
        return "month"
    if (start.month, start.day) == (1, 1) and start.year == end.year:
        return "year"
    return None
