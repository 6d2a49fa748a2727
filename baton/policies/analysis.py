"""政策梳理和分析: what was promised (核定) and paid (兑付) under the policies, as of a date.

As of D, for an area (a user's, or a report's scope):

- promised: the applications approved on or before D (``decided_on``, an
  ``approved_amount``), less those rejected or withdrawn by D — an application
  withdrawn after D still counts at D (its ending event is dated after D);
- paid: the instalments paid on or before D (``paid_on``), at the amount paid (the
  instalment's amount when the payment does not say); a held instalment is not paid;
- by policy, clause (version), industry and unit (of the project: its holder unit now)
  and by year (of the approval, of the payment); a ``since`` day narrows both to a window;
- the policies never used: published, in force some day of the window, applying in the
  area (their region), and no application received in the area in the window;
- the promises over a cap: an approval over the clause's 单项上限 or over its estimate,
  a project's approvals under a clause over 单个项目累计上限, a beneficiary's in a year
  over 每年上限 — cumulative to D whatever the window;
- the landed projects at D (``projects.asof.library_at`` at a stage that keeps
  milestones: 落地 or beyond, as the cockpit and the project list count them) and those
  of them that applied (an application received by D, whatever became of it).

Every figure keeps the rows behind it (``PromisedRow``, ``PaidRow``, ``ProjectRow``), so
the page and the workbook list exactly what a number adds up.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User
from baton.core.dates import end_of_day
from baton.org.models import City, District, Unit
from baton.projects.asof import library_at
from baton.projects.models import Industry

from .models import Application, ApplicationEvent, Clause, Instalment, Payable, Policy

ZERO = Decimal("0.0000")
ENDED = (Application.Status.REJECTED, Application.Status.WITHDRAWN)
ENDING_EVENTS = (ApplicationEvent.Kind.REJECTED, ApplicationEvent.Kind.WITHDRAWN)
NO_INDUSTRY = "未填行业"

#: The breakdowns of the page and the workbook: key → (title, the column's name).
BREAKDOWNS = {
    "policy": ("分政策", "政策"),
    "clause": ("分条款", "条款"),
    "industry": ("分行业", "行业"),
    "unit": ("分责任单位", "责任单位"),
    "year": ("分年度", "年度"),
}


# --- the area ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """Where the analysis looks: a city, a district or a unit (its projects), optionally
    one industry; ``codes`` are its districts' division codes (for a policy's region)."""

    name: str
    city_id: int | None = None
    district_id: int | None = None
    unit_id: int | None = None
    industry_id: int | None = None
    codes: tuple[str, ...] = ()

    def applications(self) -> Q:
        """The condition on ``Application``."""
        if self.unit_id is not None:
            q = Q(project__unit_id=self.unit_id)
        elif self.district_id is not None:
            q = Q(district_id=self.district_id)
        else:
            q = Q(district__city_id=self.city_id)
        if self.industry_id is not None:
            q &= Q(project__industry_id=self.industry_id)
        return q

    def periods(self) -> Q:
        """The condition on ``ProjectPeriod`` (the holder unit at the period's time)."""
        if self.unit_id is not None:
            q = Q(unit_id=self.unit_id)
        elif self.district_id is not None:
            q = Q(district_id=self.district_id)
        else:
            q = Q(district__city_id=self.city_id)
        if self.industry_id is not None:
            q &= Q(industry_id=self.industry_id)
        return q

    def project_filters(self) -> dict:
        """The project list's filters that stand for the area (a city needs none)."""
        filters: dict = {}
        if self.unit_id is not None:
            filters["unit"] = self.unit_id
        elif self.district_id is not None:
            filters["district"] = self.district_id
        if self.industry_id is not None:
            filters["industry"] = self.industry_id
        return filters

    def covers_region(self, region: str) -> bool:
        """Whether a policy of ``region`` (a prefix of division codes) applies here."""
        return any(code.startswith(region) for code in self.codes)

    @property
    def is_unit(self) -> bool:
        return self.unit_id is not None

    @property
    def is_city(self) -> bool:
        return self.unit_id is None and self.district_id is None


def area_for(
    *,
    city: City | None = None,
    district: District | None = None,
    unit: Unit | None = None,
    industry: Industry | None = None,
) -> Area:
    """Return the area of a city, a district or a unit (a report's scope)."""
    industry_id = industry.pk if industry else None
    suffix = f"{industry.name}行业" if industry else ""
    if unit is not None:
        return Area(
            f"{unit.district.full_name}{unit.name}{suffix}",
            unit_id=unit.pk,
            district_id=unit.district_id,
            industry_id=industry_id,
            codes=(unit.district.code,),
        )
    if district is not None:
        return Area(
            f"{district.full_name}{suffix}",
            district_id=district.pk,
            industry_id=industry_id,
            codes=(district.code,),
        )
    if city is None:
        raise ValueError("an area is a city, a district or a unit")
    codes = tuple(city.districts.values_list("code", flat=True)) or (city.code,)
    return Area(f"{city.name}{suffix}", city_id=city.pk, industry_id=industry_id, codes=codes)


def area_of_user(user: User) -> Area | None:
    """Return the area the user analyses (the one area rule), or None: a district office
    and a district's leader their district, the city reviewer and a city's leader their
    city, a unit's staff their unit's projects; the administrators and a 协调部门 none."""
    area = area_of(user)
    if area.level is Level.UNIT and not user.is_coordinating:
        return area_for(unit=user.unit)
    if area.level is Level.DISTRICT:
        return area_for(district=user.district)
    if area.level is Level.CITY:
        return area_for(city=user.city)
    return None


# --- the rows behind every figure ---------------------------------------------------------


@dataclass(frozen=True)
class PromisedRow:
    """One approval counted as promised."""

    pk: int
    code: str
    project_code: str
    project_name: str
    beneficiary: str
    policy: tuple[int, str, str]  # pk, 文号, title
    clause: tuple[int, str, str]  # pk, number, title
    industry: tuple[int, str]  # pk (0: none), name
    unit: tuple[int, str, str]  # pk, name, the district's name
    decided_on: dt.date
    amount: Decimal
    estimate: Decimal | None
    status: str


@dataclass(frozen=True)
class PaidRow:
    """One instalment counted as paid."""

    pk: int
    code: str  # the application's
    project_code: str
    project_name: str
    beneficiary: str
    policy: tuple[int, str, str]
    clause: tuple[int, str, str]
    industry: tuple[int, str]
    unit: tuple[int, str, str]  # pk, name, the district's name
    order: int
    milestone: str
    paid_on: dt.date
    amount: Decimal


def promised_applications(area: Area, *, until: dt.date) -> QuerySet[Application]:
    """Return the applications promised at the end of ``until`` (see the module)."""
    ended_later = ApplicationEvent.objects.filter(
        application_id=OuterRef("pk"), kind__in=ENDING_EVENTS, at__gte=end_of_day(until)
    )
    return Application.objects.filter(
        area.applications(),
        Q(~Q(status__in=ENDED)) | Q(Exists(ended_later)),
        approved_amount__isnull=False,
        decided_on__lte=until,
    )


def paid_instalments(area: Area, *, until: dt.date) -> QuerySet[Instalment]:
    """Return the instalments paid on or before ``until``, of the area's applications."""
    return Instalment.objects.filter(
        application__in=Application.objects.filter(area.applications()).values("pk"),
        paid_on__isnull=False,
        paid_on__lte=until,
    )


def _wan(value: object) -> Decimal:
    """A MoneyField's value (typed ``int`` by the stubs; a ``Decimal`` in 万元 in fact)."""
    if not isinstance(value, Decimal):
        raise TypeError(f"not an amount: {value!r}")
    return value


def _day(value: dt.date | None) -> dt.date:
    if value is None:
        raise TypeError("a counted approval or payment without its date")
    return value


_RELATED = (
    "project",
    "project__unit",
    "project__district",
    "project__industry",
    "policy",
    "clause",
)


def _facts(app: Application) -> dict:
    project = app.project
    industry = project.industry
    return {
        "project_code": project.code,
        "project_name": project.name,
        "beneficiary": app.beneficiary_name,
        "policy": (app.policy_id, app.policy.number, app.policy.title),
        "clause": (app.clause_id, app.clause.number, app.clause.title),
        "industry": (industry.pk, industry.name) if industry else (0, NO_INDUSTRY),
        "unit": (project.unit_id, project.unit.name, project.district.name),
    }


def promised_rows(area: Area, *, until: dt.date) -> list[PromisedRow]:
    apps = (
        promised_applications(area, until=until)
        .select_related(*_RELATED)
        .order_by("decided_on", "code")
    )
    return [
        PromisedRow(
            pk=app.pk,
            code=app.code,
            decided_on=_day(app.decided_on),
            amount=_wan(app.approved_amount),
            estimate=None if app.estimate_amount is None else _wan(app.estimate_amount),
            status=app.get_status_display(),
            **_facts(app),
        )
        for app in apps
    ]


def paid_rows(area: Area, *, until: dt.date) -> list[PaidRow]:
    instalments = (
        paid_instalments(area, until=until)
        .annotate(paid=Coalesce("paid_amount", "amount"))
        .select_related(*(f"application__{name}" for name in _RELATED), "application")
        .order_by("paid_on", "application__code", "order")
    )
    return [
        PaidRow(
            pk=i.pk,
            code=i.application.code,
            order=i.order,
            milestone=str(Payable(i.milestone).label),
            paid_on=_day(i.paid_on),
            amount=_wan(i.paid),
            **_facts(i.application),
        )
        for i in instalments
    ]


# --- the breakdowns ----------------------------------------------------------------------


@dataclass
class Line:
    """A row of a breakdown (or its total): what was promised and what was paid."""

    key: str
    label: str
    detail: str = ""
    promised: Decimal = ZERO
    promised_count: int = 0
    paid: Decimal = ZERO
    paid_count: int = 0

    @property
    def rate(self) -> Decimal | None:
        """兑付率: paid over promised, as a fraction (None when nothing was promised)."""
        if not self.promised:
            return None
        return self.paid / self.promised

    @property
    def rate_text(self) -> str:
        rate = self.rate
        if rate is None:
            return "—"
        return f"{(rate * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"

    @property
    def outstanding(self) -> Decimal:
        return self.promised - self.paid


@dataclass
class Breakdown:
    by: str
    title: str
    column: str
    lines: list[Line]
    total: Line


def _keys(by: str) -> tuple[Callable, Callable]:
    """(the promised row's key, the paid row's key) of a breakdown: (key, label, detail)."""
    if by == "year":
        return (
            lambda r: (str(r.decided_on.year), f"{r.decided_on.year}年", ""),
            lambda r: (str(r.paid_on.year), f"{r.paid_on.year}年", ""),
        )

    def pick(r) -> tuple[str, str, str]:
        value = getattr(r, by)
        if by == "policy":
            return str(value[0]), value[2], value[1]
        if by == "clause":
            return str(value[0]), f"{r.policy[1]} {value[1]}", value[2]
        if by == "unit":
            return str(value[0]), value[1], value[2]
        return str(value[0]), value[1], ""

    return pick, pick


def breakdown(by: str, promised: list[PromisedRow], paid: list[PaidRow]) -> Breakdown:
    """Return the rows added up by ``by``; the total is the sum of the lines."""
    title, column = BREAKDOWNS[by]
    of_promised, of_paid = _keys(by)
    lines: dict[str, Line] = {}
    for row in promised:
        key, label, detail = of_promised(row)
        line = lines.setdefault(key, Line(key, label, detail))
        line.promised += row.amount
        line.promised_count += 1
    for payment in paid:
        key, label, detail = of_paid(payment)
        line = lines.setdefault(key, Line(key, label, detail))
        line.paid += payment.amount
        line.paid_count += 1
    if by == "year":
        ordered = sorted(lines.values(), key=lambda line: line.key)
    else:
        ordered = sorted(lines.values(), key=lambda line: (-line.promised, -line.paid, line.label))
    total = Line("", "合计")
    for line in ordered:
        total.promised += line.promised
        total.promised_count += line.promised_count
        total.paid += line.paid
        total.paid_count += line.paid_count
    return Breakdown(by, title, column, ordered, total)


def rows_behind(
    by: str, key: str, promised: list[PromisedRow], paid: list[PaidRow]
) -> tuple[list[PromisedRow], list[PaidRow]]:
    """Return the approvals and payments that make up the line ``key`` of ``by``."""
    of_promised, of_paid = _keys(by)
    return (
        [r for r in promised if of_promised(r)[0] == key],
        [r for r in paid if of_paid(r)[0] == key],
    )


# --- policies never used, promises over a cap, landed projects that applied -----------------


def unused_policies(area: Area, *, until: dt.date, since: dt.date | None = None) -> list[Policy]:
    """Return the published policies in force some day of the window that apply in the
    area (their region) and have no application received in it in the window."""
    received = Application.objects.filter(area.applications(), received_on__lte=until)
    policies = Policy.objects.filter(
        Q(effective_on__isnull=True) | Q(effective_on__lte=until),
        Q(published_at__isnull=True) | Q(published_at__lt=end_of_day(until)),
        is_draft=False,
    )
    if since is not None:
        received = received.filter(received_on__gte=since)
        policies = policies.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=since))
    policies = policies.exclude(pk__in=received.values("policy_id")).order_by(
        "kind", "-effective_on", "number"
    )
    return [p for p in policies if area.covers_region(p.region)]


CAP_ITEM, CAP_PROJECT, CAP_YEAR, OVER_ESTIMATE = (
    "单项上限",
    "单个项目累计上限",
    "每年上限",
    "超出测算金额",
)


@dataclass(frozen=True)
class Excess:
    """Promises over a cap: ``promised`` against ``cap``, with the approvals behind."""

    kind: str
    project_code: str
    project_name: str
    beneficiary: str
    policy_number: str
    clause_number: str
    clause_title: str
    year: int | None
    promised: Decimal
    cap: Decimal
    codes: tuple[str, ...]

    @property
    def excess(self) -> Decimal:
        return self.promised - self.cap


def over_caps(area: Area, promised: list[PromisedRow]) -> list[Excess]:
    """Return the promises over their clause's caps or over their estimate, the largest
    excess first (``promised``: every promise to D, whatever the page's window)."""
    clauses = {c.pk: c for c in Clause.objects.filter(pk__in={r.clause[0] for r in promised})}
    found: list[Excess] = []

    def add(kind: str, rows: list[PromisedRow], cap: Decimal, year: int | None = None) -> None:
        total = sum((r.amount for r in rows), ZERO)
        if total > cap:
            first = rows[0]
            found.append(
                Excess(
                    kind,
                    first.project_code,
                    first.project_name,
                    first.beneficiary,
                    first.policy[1],
                    first.clause[1],
                    first.clause[2],
                    year,
                    total,
                    cap,
                    tuple(r.code for r in rows),
                )
            )

    per_project: dict[tuple, list[PromisedRow]] = defaultdict(list)
    per_year: dict[tuple, list[PromisedRow]] = defaultdict(list)
    for row in promised:
        clause = clauses[row.clause[0]]
        if clause.cap_item is not None:
            add(CAP_ITEM, [row], _wan(clause.cap_item))
        if row.estimate is not None:
            add(OVER_ESTIMATE, [row], row.estimate)
        per_project[(row.clause[0], row.project_code)].append(row)
        per_year[(row.clause[0], row.beneficiary, row.decided_on.year)].append(row)
    for (clause_id, _code), rows in per_project.items():
        cap = clauses[clause_id].cap_project
        if cap is not None:
            add(CAP_PROJECT, rows, _wan(cap))
    for (clause_id, _name, year), rows in per_year.items():
        cap = clauses[clause_id].cap_year
        if cap is not None:
            add(CAP_YEAR, rows, _wan(cap), year)
    return sorted(found, key=lambda e: (-e.excess, e.project_code, e.kind))


@dataclass(frozen=True)
class ProjectRow:
    code: str
    name: str
    unit: str
    stage: str
    applications: int  # received by D


@dataclass
class LandedShare:
    """The landed projects at D (the denominator) and those that applied (the numerator)."""

    landed: list[ProjectRow]

    @property
    def applied(self) -> list[ProjectRow]:
        return [p for p in self.landed if p.applications]

    @property
    def not_applied(self) -> list[ProjectRow]:
        return [p for p in self.landed if not p.applications]

    @property
    def share(self) -> Decimal | None:
        if not self.landed:
            return None
        return Decimal(len(self.applied)) / Decimal(len(self.landed))

    @property
    def share_text(self) -> str:
        share = self.share
        if share is None:
            return "—"
        return f"{(share * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def landed_share(area: Area, *, as_of: dt.date) -> LandedShare:
    """Return the landed projects at ``as_of`` with how many applications each had by then."""
    periods = (
        library_at(as_of=as_of, where=area.periods())
        .filter(stage__allows_milestones=True)
        .select_related("project", "unit", "stage")
        .order_by("project__code")
    )
    rows = list(periods)
    counts: dict[int, int] = defaultdict(int)
    for project_id in Application.objects.filter(
        project_id__in=[p.project_id for p in rows], received_on__lte=as_of
    ).values_list("project_id", flat=True):
        counts[project_id] += 1
    return LandedShare(
        [
            ProjectRow(
                p.project.code, p.project.name, p.unit.name, p.stage.name, counts[p.project_id]
            )
            for p in rows
        ]
    )


# --- the whole analysis ----------------------------------------------------------------------


@dataclass
class Analysis:
    area: Area
    as_of: dt.date
    since: dt.date | None
    promised: list[PromisedRow]
    paid: list[PaidRow]
    breakdowns: dict[str, Breakdown]
    total: Line
    unused: list[Policy]
    excess: list[Excess]
    share: LandedShare
    #: The window's year, when ``promised`` and ``paid`` are those of one year only.
    year: int | None = None

    @property
    def window_text(self) -> str:
        if self.since is None:
            return f"截至{self.as_of:%Y年%-m月%-d日}"
        return f"{self.since:%Y年%-m月%-d日}至{self.as_of:%Y年%-m月%-d日}"


def window(as_of: dt.date, year: int | None) -> tuple[dt.date, dt.date | None]:
    """Return (D, since) for a page's date and year: a year ends at D or on its 31 December."""
    if year is None:
        return as_of, None
    return min(as_of, dt.date(year, 12, 31)), dt.date(year, 1, 1)


def _within(rows: Iterable, since: dt.date | None, day: Callable) -> list:
    return list(rows) if since is None else [r for r in rows if day(r) >= since]


def analysis_build(*, area: Area, as_of: dt.date, since: dt.date | None = None) -> Analysis:
    """Return the analysis of ``area`` at the end of ``as_of``; ``since`` narrows the
    promised, the paid and the unused policies to a window (the caps and the landed share
    are as of ``as_of`` whatever the window)."""
    every_promise = promised_rows(area, until=as_of)
    promised = _within(every_promise, since, lambda r: r.decided_on)
    paid = _within(paid_rows(area, until=as_of), since, lambda r: r.paid_on)
    breakdowns = {by: breakdown(by, promised, paid) for by in BREAKDOWNS}
    return Analysis(
        area=area,
        as_of=as_of,
        since=since,
        promised=promised,
        paid=paid,
        breakdowns=breakdowns,
        total=breakdowns["policy"].total,
        unused=unused_policies(area, until=as_of, since=since),
        excess=over_caps(area, every_promise),
        share=landed_share(area, as_of=as_of),
        year=since.year if since else None,
    )


@dataclass(frozen=True)
class PackFigures:
    """What the monthly pack says of the policies: the month, the year to D, the share."""

    month: Line
    year: Line
    total: Line
    share: LandedShare
    policies: Breakdown  # the year's, by policy


def pack_figures(*, area: Area, as_of: dt.date) -> PackFigures:
    """Return the month's and the year's promised and paid, to D, and the landed share."""
    promised = promised_rows(area, until=as_of)
    paid = paid_rows(area, until=as_of)
    month_start, year_start = as_of.replace(day=1), as_of.replace(month=1, day=1)

    def total(since: dt.date | None) -> Line:
        rows = _within(promised, since, lambda r: r.decided_on)
        payments = _within(paid, since, lambda r: r.paid_on)
        return breakdown("policy", rows, payments).total

    policies = breakdown(
        "policy",
        _within(promised, year_start, lambda r: r.decided_on),
        _within(paid, year_start, lambda r: r.paid_on),
    )
    return PackFigures(
        month=total(month_start),
        year=policies.total,
        total=total(None),
        share=landed_share(area, as_of=as_of),
        policies=policies,
    )
