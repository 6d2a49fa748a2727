"""The derived figures: a project's land (亩), its yearly figures and 亩均, and each promise
kept / at risk / broken at a date, with the gap. Reads only; the services save what
``evaluate`` finds.

**Land.** A project's area is the sum of the parcels it holds (its open reservations in
``land``, kept when the parcel is sold); a project holding none falls back on its own
拟用地面积 (``Project.land_area_mu``), and the figures say so (``Land.basis``).

**A year's figure.** A year's row (quarter 0) if it has the figure, else the sum of its
quarters' (jobs: the last quarter's head count). Investment (到位资金) accumulates: the
years and quarters that ended by the date.

**A promise at a date** (``evaluate``):

- On or after its check date, the figure measured at the check date — the cumulative
  investment (or investment ÷ 亩 for 投资强度) of the periods ended by then, or the annual
  figure of the last full year ended by then (output, tax, jobs) — is compared with the
  promise: at least the promise is **kept**, less is **broken**, with the gap. With no
  figure yet, it waits for the figures (待核查) for ``GRACE_DAYS`` after the check date,
  then it is broken (逾期未报送).
- Before its check date the promise is **at risk** when the figure at the end of the
  last quarter is below ``AT_RISK_SHARE`` (80%) of the promise pro-rated over the time
  from signing (or from the promise's recording) to the check date; otherwise 待核查 (or
  already kept, for an amount reached early). Measured by quarter, the state changes at
  most once a quarter, so the daily check writes no event on the days between.
- A start or production deadline is kept when 开工 / 投产 is recorded on or before it,
  broken when it is recorded later (the gap in days) or not at all by the check date,
  and at risk in the last ``DEADLINE_WARNING_DAYS`` days before the deadline.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from baton.land.models import ParcelReservation
from baton.projects.models import Milestone, Project

from .models import Promise, Result

AT_RISK_SHARE = Decimal("0.8")
DEADLINE_WARNING_DAYS = 90
GRACE_DAYS = 90
QUANT = Decimal("0.0001")
ZERO = Decimal(0)

Kind = Promise.Kind
Status = Promise.Status

#: The milestone a deadline promise waits for.
DEADLINE_MILESTONES = {
    Kind.START: Milestone.Kind.STARTED,
    Kind.PRODUCTION: Milestone.Kind.IN_PRODUCTION,
}
#: The result field an amount promise is measured by.
FIELDS = {
    Kind.FIXED_INVESTMENT: "investment",
    Kind.INTENSITY: "investment",
    Kind.OUTPUT: "output",
    Kind.TAX: "tax",
    Kind.JOBS: "jobs",
}
QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


@dataclass(frozen=True)
class Land:
    """A project's area in 亩 and where it comes from."""

    mu: Decimal | None
    basis: str  # "地块" (its parcels), "拟用地面积", or "" (none)
    parcels: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        if self.mu is None:
            return "无用地面积（未预留地块，也未填拟用地面积）"
        if self.basis == "地块":
            return f"{_fmt(self.mu)} 亩（地块 {'、'.join(self.parcels)}）"
        return f"{_fmt(self.mu)} 亩（未关联地块，按项目拟用地面积）"


def project_land(project: Project) -> Land:
    rows = ParcelReservation.objects.filter(project=project, released_at__isnull=True)
    parcels = list(rows.select_related("parcel").order_by("parcel__code"))
    if parcels:
        area = sum((r.parcel.area_mu for r in parcels), ZERO)
        return Land(Decimal(area), "地块", tuple(r.parcel.code for r in parcels))
    if project.land_area_mu:
        return Land(Decimal(project.land_area_mu), "拟用地面积")
    return Land(None, "")


def period_end(result: Result) -> dt.date:
    month, day = QUARTER_END[result.quarter or 4]
    return dt.date(result.year, month, day)


def per_mu(amount: Decimal | int | None, land: Land) -> Decimal | None:
    """Return ``amount`` ÷ 亩, to 4 decimals (half up), or None without both."""
    if amount is None or not land.mu:
        return None
    return (Decimal(amount) / land.mu).quantize(QUANT, rounding=ROUND_HALF_UP)


def year_figure(results: list[Result], year: int, name: str) -> Decimal | None:
    rows = [r for r in results if r.year == year]
    whole = next((r for r in rows if r.quarter == 0), None)
    if whole is not None and getattr(whole, name) is not None:
        return Decimal(getattr(whole, name))
    quarters = sorted(
        (r for r in rows if r.quarter and getattr(r, name) is not None), key=lambda r: r.quarter
    )
    if not quarters:
        return None
    if name == "jobs":
        return Decimal(quarters[-1].jobs)
    return sum((Decimal(getattr(r, name)) for r in quarters), ZERO)


def cumulative_investment(results: list[Result], by: dt.date) -> Decimal | None:
    """到位资金 of the periods ended by ``by``; a year's row counts for the year, else its
    quarters'."""
    total, seen = ZERO, False
    for year in sorted({r.year for r in results}):
        rows = [r for r in results if r.year == year and period_end(r) <= by]
        whole = next((r for r in rows if r.quarter == 0 and r.investment is not None), None)
        parts = [whole] if whole else [r for r in rows if r.quarter and r.investment is not None]
        for row in parts:
            total += row.investment
            seen = True
    return total if seen else None


def last_quarter_end(day: dt.date) -> dt.date:
    """The last day of the latest quarter ended on or before ``day``."""
    for quarter in (4, 3, 2, 1):
        month, last = QUARTER_END[quarter]
        if (day.month, day.day) >= (month, last):
            return dt.date(day.year, month, last)
    return dt.date(day.year - 1, 12, 31)


def last_full_year(day: dt.date) -> int:
    return day.year if (day.month, day.day) == (12, 31) else day.year - 1


@dataclass
class YearLine:
    year: int
    investment: Decimal | None
    output: Decimal | None
    tax: Decimal | None
    jobs: Decimal | None
    output_per_mu: Decimal | None
    tax_per_mu: Decimal | None
    sources: list[str] = field(default_factory=list)
    rows: list[Result] = field(default_factory=list)


def year_lines(results: list[Result], land: Land) -> list[YearLine]:
    """The project's figures by year, newest first, with 亩均产值 and 亩均税收."""
    lines = []
    for year in sorted({r.year for r in results}, reverse=True):
        output = year_figure(results, year, "output")
        tax = year_figure(results, year, "tax")
        sources = sorted({r.get_source_display() for r in results if r.year == year})
        lines.append(
            YearLine(
                year,
                year_figure(results, year, "investment"),
                output,
                tax,
                year_figure(results, year, "jobs"),
                per_mu(output, land),
                per_mu(tax, land),
                sources,
                sorted((r for r in results if r.year == year), key=lambda r: r.quarter),
            )
        )
    return lines


@dataclass(frozen=True)
class Facts:
    """What evaluating a project's promises reads, gathered once per project."""

    results: list[Result]
    land: Land
    milestones: dict[str, dt.date]
    signed_on: dt.date | None

    @classmethod
    def of(cls, project: Project) -> "Facts":
        marks = dict(project.milestones.values_list("kind", "date"))
        return cls(
            results=list(project.results.all()),
            land=project_land(project),
            milestones=marks,
            signed_on=marks.get(Milestone.Kind.SIGNED),
        )


@dataclass(frozen=True)
class Finding:
    status: str
    actual: Decimal | None
    gap: Decimal | None
    text: str


def _fmt(value: Decimal) -> str:
    text = format(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _measure(promise: Promise, facts: Facts, day: dt.date) -> Decimal | None:
    name = FIELDS[promise.kind]
    if promise.kind == Kind.FIXED_INVESTMENT:
        return cumulative_investment(facts.results, day)
    if promise.kind == Kind.INTENSITY:
        return per_mu(cumulative_investment(facts.results, day), facts.land)
    return year_figure(facts.results, last_full_year(day), name)


def _what(promise: Promise, day: dt.date) -> str:
    if promise.kind in (Kind.FIXED_INVESTMENT, Kind.INTENSITY):
        return f"截至 {day:%Y-%m-%d} 累计"
    return f"{last_full_year(day)} 年"


def evaluate(promise: Promise, facts: Facts, as_of: dt.date) -> Finding:
    """State ``promise`` at the end of ``as_of`` (see the module's docstring)."""
    if promise.kind in DEADLINE_MILESTONES:
        return _deadline(promise, facts, as_of)
    target = Decimal(promise.target or 0)
    unit = promise.unit_label
    if promise.kind == Kind.INTENSITY and not facts.land.mu:
        return Finding(Status.PENDING, None, None, "无用地面积，无法计算投资强度。")
    if as_of >= promise.check_on:
        actual = _measure(promise, facts, promise.check_on)
        label = _what(promise, promise.check_on)
        if actual is None:
            if (as_of - promise.check_on).days > GRACE_DAYS:
                return Finding(
                    Status.BROKEN,
                    None,
                    target,
                    f"核查日后 {GRACE_DAYS} 天仍无{label}数据（逾期未报送），按未履约处理。",
                )
            return Finding(Status.PENDING, None, None, f"已到核查日期，等待{label}数据。")
        if actual >= target:
            return Finding(Status.KEPT, actual, None, f"{label} {_fmt(actual)} {unit}，达到承诺。")
        gap = target - actual
        return Finding(
            Status.BROKEN,
            actual,
            gap,
            f"{label} {_fmt(actual)} {unit}，低于承诺 {_fmt(target)} {unit}，差 {_fmt(gap)} {unit}。",
        )
    # Before the check, measured at the last quarter's end: the figures come by period,
    # and the state (its text, its gap) then changes once a quarter, not every day.
    as_of = last_quarter_end(as_of)
    actual = _measure(promise, facts, as_of)
    if actual is None:
        return Finding(Status.PENDING, None, None, "尚无效益数据。")
    label = _what(promise, as_of)
    if actual >= target and promise.kind in (Kind.FIXED_INVESTMENT, Kind.INTENSITY):
        return Finding(
            Status.KEPT, actual, None, f"{label} {_fmt(actual)} {unit}，已提前达到承诺。"
        )
    start = facts.signed_on or promise.created_at.date()
    span = (promise.check_on - start).days
    share = Decimal(min(max((as_of - start).days, 0), span)) / span if span > 0 else Decimal(1)
    expected = target * share
    if actual < expected * AT_RISK_SHARE:
        gap = (expected - actual).quantize(QUANT, rounding=ROUND_HALF_UP)
        return Finding(
            Status.AT_RISK,
            actual,
            gap,
            f"{label} {_fmt(actual)} {unit}，不足按进度应达 {_fmt(expected)} {unit}的 80%。",
        )
    return Finding(Status.PENDING, actual, None, f"{label} {_fmt(actual)} {unit}，进度正常。")


def _deadline(promise: Promise, facts: Facts, as_of: dt.date) -> Finding:
    kind = DEADLINE_MILESTONES[promise.kind]
    label = Milestone.Kind(kind).label
    reached = facts.milestones.get(kind)
    if reached is not None and reached > as_of:
        reached = None
    if reached is not None and reached <= promise.due_on:
        return Finding(Status.KEPT, None, None, f"{reached:%Y-%m-%d} {label}，在期限内。")
    if reached is not None:
        late = Decimal((reached - promise.due_on).days)
        if as_of >= promise.check_on:
            return Finding(
                Status.BROKEN, None, late, f"{reached:%Y-%m-%d} 才{label}，逾期 {late} 天。"
            )
        return Finding(Status.AT_RISK, None, late, f"{reached:%Y-%m-%d} {label}，晚于期限。")
    if as_of >= promise.check_on:
        return Finding(
            Status.BROKEN, None, None, f"期限 {promise.due_on:%Y-%m-%d} 已过，仍未{label}。"
        )
    if (promise.due_on - as_of).days <= DEADLINE_WARNING_DAYS:
        return Finding(
            Status.AT_RISK,
            None,
            None,
            f"距{label}期限 {promise.due_on:%Y-%m-%d} 不足 {DEADLINE_WARNING_DAYS} 天，尚未{label}。",
        )
    return Finding(Status.PENDING, None, None, f"期限 {promise.due_on:%Y-%m-%d}，尚未{label}。")


def lands(projects: list[Project]) -> dict[int, Land]:
    """``project_land`` for many projects at once (two queries, not one a project)."""
    held: dict[int, list] = {}
    rows = ParcelReservation.objects.filter(
        project_id__in=[p.pk for p in projects], released_at__isnull=True
    ).values_list("project_id", "parcel__code", "parcel__area_mu")
    for project_id, code, area in rows.order_by("parcel__code"):
        held.setdefault(project_id, []).append((code, Decimal(area)))
    out = {}
    for project in projects:
        parcels = held.get(project.pk)
        if parcels:
            out[project.pk] = Land(
                sum((a for _, a in parcels), ZERO), "地块", tuple(c for c, _ in parcels)
            )
        elif project.land_area_mu:
            out[project.pk] = Land(Decimal(project.land_area_mu), "拟用地面积")
        else:
            out[project.pk] = Land(None, "")
    return out
