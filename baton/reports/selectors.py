"""Point-in-time figures: the official library as it stood at the end of a date.

"截至 D" counts the projects admitted on or before D, each with the stage, amount,
unit and industry it had at the end of D, read from ``ProjectPeriod`` in one statement,
or for a closed month end from its snapshot (``baton.reports.snapshots``).
"""

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Q, QuerySet

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User
from baton.core.dates import end_of_day
from baton.core.money import yuan_to_wan
from baton.org.models import City, District, Unit
from baton.projects.asof import IDLE_DAYS, idle_at
from baton.projects.models import Industry, Milestone, Project, ProjectPeriod, ReviewState, Stage
from baton.projects.selectors import project_scope

from .snapshots import live_rows, snapshot_rows

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
        if district is not None:
            return "区招商办" if district.review_levels == 1 else "市招商办"
        if self.city is not None:
            # A city whose districts differ: some admit at the district, some at the city.
            levels = set(self.city.districts.values_list("review_levels", flat=True))
            if levels == {1}:
                return "区招商办"
            if levels == {1, 2}:
                return "区、市招商办"
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


def periods_as_of(
    *, as_of: dt.date, scope: Scope, user: User | None = None
) -> QuerySet[ProjectPeriod]:
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


def idle_as_of(
    *, as_of: dt.date, scope: Scope, user: User | None = None, days: int = IDLE_DAYS
) -> QuerySet[ProjectPeriod]:
    """Return the periods of the projects of ``scope`` idle at the end of ``as_of``, by the
    one definition (``baton.projects.asof.idle_at``) the 工作台, the cockpit and the
    monthly pack count by."""
    if user is not None and user_covers(user, scope):
        user = None
    return idle_at(periods_as_of(as_of=as_of, scope=scope, user=user), as_of=as_of, days=days)


def figures_as_of(*, as_of: dt.date, scope: Scope, user: User | None = None) -> Figures:
    """Return counts and 万元 totals by stage and by milestone, as of the end of a date.

    A closed month end is read from its snapshot when that is fresh; any other date, or
    a stale snapshot, from the periods in one statement (``baton.reports.snapshots``).
    ``user`` narrows to what the user may see; when the user's scope already covers
    ``scope`` (a district office on its district, the city reviewer on the city) the
    narrowing is a no-op and is skipped.
    """
    if user is not None and user_covers(user, scope):
        user = None
    with connection.cursor() as cursor:
        cursor.execute(*_ladder_sql())
        ladder = [
            _Rung(pk, code, name, bool(terminal), bool(milestones))  # SQLite: 0/1
            for pk, code, name, terminal, milestones in cursor.fetchall()
        ]
    rows = snapshot_rows(as_of=as_of, scope=scope) if user is None else None
    if rows is None:
        rows = live_rows(
            as_of=as_of,
            scope=scope,
            user=user,
            milestone_stages=[s.pk for s in ladder if s.allows_milestones],
        )
    return _figures(as_of, scope, ladder, rows)


@functools.cache
def _ladder_sql() -> tuple[str, tuple]:
    """The ladder's query, compiled once: a month end's figures take half a millisecond
    from their snapshot, and compiling this query each time took another 0.16 ms."""
    stages = Stage.objects.order_by("order").values_list(
        "pk", "code", "name", "is_terminal", "allows_milestones"
    )
    return stages.query.sql_with_params()


class _Rung(NamedTuple):
    """What the figures need of a stage (reading five columns, not model instances)."""

    pk: int
    code: str
    name: str
    is_terminal: bool
    allows_milestones: bool


def _figures(as_of: dt.date, scope: Scope, ladder: list, rows: dict) -> Figures:
    stages: list[Line] = []
    exits: list[Line] = []
    for stage in ladder:
        n, yuan = rows.get(("", stage.pk), (0, 0))
        line = Line(stage.code, stage.name, n, yuan_to_wan(yuan))
        (exits if stage.is_terminal else stages).append(line)
    allowing = {s.pk for s in ladder if s.allows_milestones}
    milestones = []
    for kind in Milestone.Kind:
        n = yuan = 0
        for stage_id in allowing:
            count, amount = rows.get((kind.value, stage_id), (0, 0))
            n, yuan = n + count, yuan + amount
        milestones.append(Line(kind.value, str(kind.label), n, yuan_to_wan(yuan)))
    return Figures(
        as_of=as_of,
        scope=scope,
        count=sum(line.count for line in stages),
        investment=sum((line.investment for line in stages), ZERO),
        stages=stages,
        milestones=milestones,
        exits=exits,
    )


def user_covers(user: User, scope: Scope) -> bool:
    """Return whether everything in ``scope`` is inside what ``user`` may see.

    Only a district's or a city's area covers a scope whole; a unit's (whose projects
    follow its co-units and relay legs) covers none.
    """
    area = area_of(user)
    district = scope.unit.district if scope.unit else scope.district
    if district is not None:
        return area.covers_district(district)
    return area.level is Level.CITY and scope.city is not None and scope.city.pk == area.city_id
