"""The figures of the batches — 生成一批、洽谈一批、签约一批、建设一批、投产生效一批 — as of any
date, the outcomes of the projects in production, 亩均 rankings and promise compliance.

The batches read the library as it stood at the end of the date (``projects.asof.
library_at``: the admitted projects' periods, each with the stage, unit, industry and
amount it had then) and the milestones dated by then, as the monthly figures do:

- 生成一批: at the first rung of the ladder (策划);
- 洽谈一批: at the rungs between (意向, 在谈);
- 签约一批: landed (a rung that allows milestones), not yet started;
- 建设一批: landed and started (开工), not yet in production;
- 投产生效一批: landed and in production (投产).

Stopped projects (a terminal rung) are in none. The outcomes after 投产 are the figures of
the last full year ended by the date (``measure.year_figure``) of the 投产生效 projects,
with 亩均 on their land (``measure.lands``). The same sets give the rows each number
opens, so a list shows exactly the projects a figure counts.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User
from baton.projects.asof import library_at
from baton.projects.models import Industry, Milestone, Project, ProjectPeriod, Stage
from baton.projects.selectors import project_list

from . import measure
from .models import Promise, Result

BATCHES = {
    "generated": "生成一批",
    "talks": "洽谈一批",
    "signed": "签约一批",
    "building": "建设一批",
    "producing": "投产生效一批",
}
ZERO = Decimal(0)


def user_where(user: User) -> Q:
    """The condition on ``ProjectPeriod`` of what ``user`` may see (a district or a city:
    its area; a unit: the projects it sees)."""
    area = area_of(user)
    if area.level in (Level.DISTRICT, Level.CITY):
        return area.district_q()
    if area.level is Level.UNIT and not user.is_coordinating:
        return Q(project_id__in=project_list(user=user).values("pk"))
    return Q(pk__in=[])


def _reached(kind: str, as_of: dt.date) -> Exists:
    return Exists(
        Milestone.objects.filter(project_id=OuterRef("project_id"), kind=kind, date__lte=as_of)
    )


def batch_sets(*, as_of: dt.date, where: Q) -> dict[str, QuerySet[ProjectPeriod]]:
    periods = library_at(as_of=as_of, where=where)
    ladder = list(Stage.objects.filter(is_terminal=False).order_by("order"))
    if not ladder:
        return {key: periods.none() for key in BATCHES}
    first = ladder[0].pk
    landed = [s.pk for s in ladder if s.allows_milestones]
    between = [s.pk for s in ladder if s.pk != first and not s.allows_milestones]
    started = _reached(Milestone.Kind.STARTED, as_of)
    producing = _reached(Milestone.Kind.IN_PRODUCTION, as_of) | _reached(
        Milestone.Kind.AT_CAPACITY, as_of
    )
    on_land = periods.filter(stage_id__in=landed)
    return {
        "generated": periods.filter(stage_id=first),
        "talks": periods.filter(stage_id__in=between),
        "signed": on_land.exclude(started).exclude(producing),
        "building": on_land.filter(started).exclude(producing),
        "producing": on_land.filter(producing),
    }


@dataclass
class Batch:
    key: str
    label: str
    count: int
    investment: Decimal  # 万元


@dataclass
class Produce:
    """The outcomes of the 投产生效 projects in the last full year ended by the date."""

    year: int
    projects: int = 0
    reporting: int = 0
    output: Decimal = ZERO
    tax: Decimal = ZERO
    jobs: int = 0
    area: Decimal = ZERO  # of the projects with output and land
    output_per_mu: Decimal | None = None
    tax_per_mu: Decimal | None = None


@dataclass
class Ranked:
    key: int | None
    name: str
    projects: int
    output: Decimal
    tax: Decimal
    area: Decimal
    output_per_mu: Decimal | None
    tax_per_mu: Decimal | None


@dataclass
class Compliance:
    unit_id: int
    name: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def rate(self) -> Decimal | None:
        """Kept ÷ (kept + broken): the promises whose check has come."""
        kept = self.counts.get(Promise.Status.KEPT, 0)
        decided = kept + self.counts.get(Promise.Status.BROKEN, 0)
        if not decided:
            return None
        return (Decimal(kept) * 100 / decided).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def batches(sets: dict[str, QuerySet[ProjectPeriod]]) -> list[Batch]:
    out = []
    for key, label in BATCHES.items():
        totals = sets[key].aggregate(n=Count("pk"), yuan=Sum("investment"))
        out.append(Batch(key, label, totals["n"], totals["yuan"] or ZERO))
    return out


def _ratio(amount: Decimal, area: Decimal) -> Decimal | None:
    if not area:
        return None
    return (amount / area).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class _Fig:
    project: Project
    industry_id: int | None
    unit_id: int
    output: Decimal | None
    tax: Decimal | None
    jobs: Decimal | None
    land: measure.Land

    @property
    def output_per_mu(self) -> Decimal | None:
        return (
            _ratio(self.output, self.land.mu) if self.output is not None and self.land.mu else None
        )


def _figures(periods: QuerySet[ProjectPeriod], year: int) -> list[_Fig]:
    rows = list(periods.select_related("project").order_by("project_id"))
    projects = [p.project for p in rows]
    land = measure.lands(projects)
    results: dict[int, list[Result]] = {}
    for result in Result.objects.filter(project_id__in=[p.pk for p in projects], year=year):
        results.setdefault(result.project_id, []).append(result)
    out = []
    for period in rows:
        mine = results.get(period.project_id, [])
        out.append(
            _Fig(
                period.project,
                period.industry_id,
                period.unit_id,
                measure.year_figure(mine, year, "output"),
                measure.year_figure(mine, year, "tax"),
                measure.year_figure(mine, year, "jobs"),
                land[period.project_id],
            )
        )
    return out


def produce(periods: QuerySet[ProjectPeriod], as_of: dt.date) -> tuple[Produce, list[_Fig]]:
    year = measure.last_full_year(as_of)
    figs = _figures(periods, year)
    total = Produce(year=year, projects=len(figs))
    for fig in figs:
        if fig.output is None and fig.tax is None:
            continue
        total.reporting += 1
        total.output += fig.output or ZERO
        total.tax += fig.tax or ZERO
        total.jobs += int(fig.jobs or 0)
        if fig.land.mu:
            total.area += fig.land.mu
    # 亩均 over the projects with both figures and land (a project without land has none).
    with_land = [f for f in figs if f.land.mu and (f.output is not None or f.tax is not None)]
    area = sum((f.land.mu for f in with_land if f.land.mu), ZERO)
    total.output_per_mu = _ratio(sum((f.output or ZERO for f in with_land), ZERO), area)
    total.tax_per_mu = _ratio(sum((f.tax or ZERO for f in with_land), ZERO), area)
    return total, figs


def rankings(figs: list[_Fig], by: str, names: dict[int | None, str]) -> list[Ranked]:
    """亩均 by industry (``by`` "industry") or unit: the sums of the projects with output
    and land, ranked by 亩均产值."""
    groups: dict[int | None, list[_Fig]] = {}
    for fig in figs:
        if fig.land.mu and fig.output is not None:
            groups.setdefault(getattr(fig, f"{by}_id"), []).append(fig)
    out = []
    for key, rows in groups.items():
        output = sum((f.output or ZERO for f in rows), ZERO)
        tax = sum((f.tax or ZERO for f in rows), ZERO)
        area = sum((f.land.mu for f in rows if f.land.mu), ZERO)
        out.append(
            Ranked(
                key,
                names.get(key, "未分类"),
                len(rows),
                output,
                tax,
                area,
                _ratio(output, area),
                _ratio(tax, area),
            )
        )
    return sorted(out, key=lambda r: (-(r.output_per_mu or ZERO), r.name))


def compliance(promises: QuerySet[Promise]) -> list[Compliance]:
    """The promises' current states by the unit holding the project."""
    lines: dict[int, Compliance] = {}
    rows = promises.values("project__unit_id", "project__unit__name", "status").annotate(
        n=Count("pk")
    )
    for row in rows:
        unit = row["project__unit_id"]
        line = lines.setdefault(unit, Compliance(unit, row["project__unit__name"]))
        line.counts[row["status"]] = row["n"]
    return sorted(lines.values(), key=lambda c: (-c.counts.get("broken", 0), c.name))


@dataclass
class Summary:
    """The figures other pages show of outcomes (the cockpit's card, the monthly pack)."""

    as_of: dt.date
    batches: list[Batch]
    produce: Produce
    by_industry: list[Ranked]
    compliance: list[Compliance]

    def count(self, status: str) -> int:
        return sum(c.counts.get(status, 0) for c in self.compliance)

    @property
    def promises(self) -> int:
        return sum(c.total for c in self.compliance)

    @property
    def rate(self) -> Decimal | None:
        kept, broken = self.count(Promise.Status.KEPT), self.count(Promise.Status.BROKEN)
        if not kept + broken:
            return None
        return (Decimal(kept) * 100 / (kept + broken)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    def paragraph(self) -> str:
        """The batches and outcomes in words (the pack's section, the cockpit's note)."""
        parts = "，".join(
            f"{b.label}{b.count}个、总投资{_yi(b.investment)}亿元" for b in self.batches
        )
        p = self.produce
        text = f"截至{self.as_of.year}年{self.as_of.month}月{self.as_of.day}日，{parts}。"
        if p.reporting:
            text += (
                f"投产生效项目{p.year}年实现产值{_yi(p.output)}亿元、税收{_yi(p.tax)}亿元"
                + (
                    f"，亩均产值{p.output_per_mu}万元、亩均税收{p.tax_per_mu}万元"
                    if p.output_per_mu is not None
                    else ""
                )
                + "。"
            )
        if self.promises:
            text += (
                f"签约项目登记投资协议承诺{self.promises}项，已履约{self.count('kept')}项，"
                f"有风险{self.count('at_risk')}项，未履约{self.count('broken')}项"
                + (f"，履约率{self.rate}%" if self.rate is not None else "")
                + "。"
            )
        return text


def _yi(amount_wan: Decimal) -> str:
    return str((amount_wan / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def outcome_summary(*, as_of: dt.date, where: Q) -> Summary:
    """The batches, the outcomes after 投产 and the promises' compliance of the projects
    ``where`` (a condition on ``ProjectPeriod``: a report's scope) as of ``as_of``."""
    sets = batch_sets(as_of=as_of, where=where)
    total, figs = produce(sets["producing"], as_of)
    industries = dict(
        Industry.objects.filter(pk__in={f.industry_id for f in figs}).values_list("pk", "name")
    )
    in_scope = library_at(as_of=as_of, where=where).values("project_id")
    return Summary(
        as_of=as_of,
        batches=batches(sets),
        produce=total,
        by_industry=rankings(figs, "industry", industries),
        compliance=compliance(Promise.objects.filter(project_id__in=in_scope)),
    )
