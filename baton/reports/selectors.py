"""Point-in-time figures: the official library as it stood at the end of a date.

"截至 D" counts the projects admitted on or before D, each with the stage, amount,
unit and industry it had at the end of D, read from ``ProjectPeriod`` in one grouped
query per figure set.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from baton.org.models import City, District, Unit
from baton.projects.models import Industry, Milestone, Project, ProjectPeriod, ReviewState, Stage
from baton.projects.selectors import project_scope

ZERO = Decimal("0.0000")


@dataclass(frozen=True)
class Scope:
    """What the figures cover: a city, a district, or a unit; optionally one industry."""

    city: City | None = None
    district: District | None = None
    unit: Unit | None = None
    industry: Industry | None = None

    @property
    def kind(self) -> str:
        if self.unit:
            return "unit"
        if self.district:
            return "district"
        if self.city:
            return "city"
        return "all"

    @property
    def name(self) -> str:
        if self.unit:
            base = f"{self.unit.district.full_name}{self.unit.name}"
        elif self.district:
            base = self.district.full_name
        elif self.city:
            base = self.city.name
        else:
            base = "全部"
        return f"{base}{self.industry.name}行业" if self.industry else base

    @property
    def code(self) -> str:
        if self.unit:
            return f"{self.unit.district.code}/{self.unit.pk}"
        if self.district:
            return self.district.code
        return self.city.code if self.city else ""

    @property
    def reviewer(self) -> str:
        """Return who admits projects into the library for this scope."""
        district = self.unit.district if self.unit else self.district
        if district is not None and district.review_levels == 1:
            return "区招商办"
        return "市招商办"

    def period_filter(self) -> Q:
        q = Q()
        if self.unit:
            q &= Q(unit_id=self.unit.pk)
        elif self.district:
            q &= Q(district_id=self.district.pk)
        elif self.city:
            q &= Q(district__city_id=self.city.pk)
        if self.industry:
            q &= Q(industry_id=self.industry.pk)
        return q


@dataclass(frozen=True)
class Line:
    """One row of figures: a stage or a milestone, with its count and amount in 万元."""

    code: str
    name: str
    count: int
    investment: Decimal


@dataclass(frozen=True)
class Figures:
    as_of: dt.date
    scope: Scope
    count: int
    investment: Decimal
    stages: list[Line] = field(default_factory=list)
    milestones: list[Line] = field(default_factory=list)
    exits: list[Line] = field(default_factory=list)


def end_of_day(day: dt.date) -> dt.datetime:
    """Return the first instant after ``day`` in the deployment's time zone."""
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(midnight, timezone.get_default_timezone())


def periods_as_of(*, as_of: dt.date, scope: Scope, user=None) -> QuerySet[ProjectPeriod]:
    """Return the admitted projects' periods that were current at the end of ``as_of``."""
    cutoff = end_of_day(as_of)
    periods = ProjectPeriod.objects.filter(
        scope.period_filter(),
        Q(valid_to__isnull=True) | Q(valid_to__gte=cutoff),
        review_state=ReviewState.ADMITTED,
        valid_from__lt=cutoff,
    )
    if user is not None:
        periods = periods.filter(
            project_id__in=Project.objects.filter(project_scope(user)).values("pk")
        )
    return periods


def figures_as_of(*, as_of: dt.date, scope: Scope, user=None) -> Figures:
    """Return counts and 万元 totals by stage and by milestone, as of the end of a date."""
    periods = periods_as_of(as_of=as_of, scope=scope, user=user)
    by_stage = {
        row["stage_id"]: row
        for row in periods.values("stage_id").annotate(n=Count("id"), amount=Sum("investment"))
    }
    milestone_rows = {
        row["project__milestones__kind"]: row
        for row in periods.filter(
            stage__allows_milestones=True, project__milestones__date__lte=as_of
        )
        .values("project__milestones__kind")
        .annotate(n=Count("id"), amount=Sum("investment"))
    }
    stages, exits = [], []
    for stage in Stage.objects.order_by("order"):
        row = by_stage.get(stage.pk, {})
        line = Line(stage.code, stage.name, row.get("n", 0), row.get("amount") or ZERO)
        (exits if stage.is_terminal else stages).append(line)
    milestones = [
        Line(kind.value, str(kind.label), row.get("n", 0), row.get("amount") or ZERO)
        for kind in Milestone.Kind
        for row in [milestone_rows.get(kind.value, {})]
    ]
    return Figures(
        as_of=as_of,
        scope=scope,
        count=sum(line.count for line in stages),
        investment=sum((line.investment for line in stages), ZERO),
        stages=stages,
        milestones=milestones,
        exits=exits,
    )
