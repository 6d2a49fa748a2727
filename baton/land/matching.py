"""Match land and projects: parcels for a project's land demand, projects for a parcel.

A fit is scored out of 100 and every point has its reason:

- area (40): the parcel's area within ``tolerance`` of the demand (default ±20 %); closer
  scores more. Outside the tolerance the parcel is not a candidate.
- land use (30): GB 50137 class. The same class scores 30; a major class (M) offered for
  one of its classes, or a heavier industrial class for a lighter one (M2 land for an M1
  plant), 15–20. A lighter class for a heavier plant, or another major class, is not a
  candidate.
- industry direction (20): the parcel's 招商方向 include the project's industry; a parcel
  with no declared direction scores 5.
- district (10): the project's own district; candidates are listed same district first.

For a parcel, the projects in 意向 and 在谈 the user may see are ranked the same way, a
project's land use inferred from its industry (a logistics project needs W land), with a
few points for talks already under way and a caution for a project that holds land.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from baton.accounts.models import User
from baton.projects.models import Industry, Project
from baton.projects.selectors import project_list

from .models import LandUse, Parcel, ParcelReservation
from .selectors import ParcelFilters, parcel_list

DEFAULT_TOLERANCE = Decimal("0.20")
#: Stages whose projects are candidates for a parcel (the ladder's codes).
CANDIDATE_STAGES = ("intent", "negotiating")
#: The land a project of an industry needs, when nobody said: GB 50137 major classes.
INDUSTRY_LAND_USE = {
    "先进制造": "M",
    "电子信息": "M",
    "半导体与集成电路": "M",
    "新材料": "M",
    "新能源": "M",
    "生物医药": "M",
    "航空航天": "M",
    "现代物流": "W",
    "商贸服务": "B1",
    "金融服务": "B2",
    "总部经济": "B2",
}


@dataclass(frozen=True)
class Demand:
    """What a project asks for: area in 亩, a land-use class, an industry, its district."""

    area_mu: Decimal | None = None
    land_use: str | None = None
    industry: Industry | None = None
    district_id: int | None = None
    tolerance: Decimal = DEFAULT_TOLERANCE
    inferred_use: bool = False

    @property
    def land_use_label(self) -> str:
        return _label(self.land_use) if self.land_use else ""

    @classmethod
    def of(cls, project: Project, *, land_use: str | None = None, **overrides) -> "Demand":
        inferred = False
        if land_use is None and project.industry_id:
            land_use = INDUSTRY_LAND_USE.get(project.industry.name)
            inferred = land_use is not None
        values = {
            "area_mu": project.land_area_mu or None,
            "land_use": land_use,
            "industry": project.industry,
            "district_id": project.district_id,
            "inferred_use": inferred,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def demand_for(
    *,
    user: User,
    project: Project | None = None,
    area_mu: Decimal | None = None,
    land_use: str | None = None,
    industry: Industry | None = None,
    tolerance: Decimal = DEFAULT_TOLERANCE,
) -> Demand:
    """Return the demand 为项目找地 asks about: the project's, the values given overriding
    it; without a project, the values given, in the user's district."""
    land_use = land_use or None
    if project is not None:
        return Demand.of(
            project, land_use=land_use, area_mu=area_mu, industry=industry, tolerance=tolerance
        )
    return Demand(
        area_mu=area_mu,
        land_use=land_use,
        industry=industry,
        district_id=user.district_id,
        tolerance=tolerance,
    )


@dataclass
class Fit:
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    same_district: bool = False
    area_gap: Decimal = Decimal(0)


@dataclass
class ParcelMatch:
    parcel: Parcel
    fit: Fit


@dataclass
class ProjectMatch:
    project: Project
    fit: Fit
    holds: list[str] = field(default_factory=list)


def _label(use: str) -> str:
    return str(LandUse(use).label) if use in LandUse.values else use


def land_use_points(demand: str | None, offered: str, *, inferred: bool = False):
    """Return (points, reason) for land ``offered`` against the ``demand``ed class, or None."""
    if not demand:
        return 0, None
    need = f"所需的 {_label(demand)}" + ("（按行业推断）" if inferred else "")
    if demand == offered:
        return 30, f"用地性质 {_label(offered)}，与{need}一致"
    major_d, major_o = demand[0], offered[0]
    if major_d != major_o or major_d not in "MW":
        return None
    if len(offered) == 1:
        return 20, f"用地性质为 {_label(offered)}（大类），可安排{need}"
    if len(demand) == 1:
        return 20, f"用地性质 {_label(offered)}，符合{need}"
    if offered[1:] > demand[1:]:
        return 15, f"{_label(offered)}可兼容{need}项目"
    return None


def area_points(demand: Decimal | None, offered: Decimal, tolerance: Decimal):
    """Return (points, reason, gap) for ``offered`` 亩 against ``demand``, or None."""
    if not demand:
        return 0, None, Decimal(0)
    gap = (offered - demand) / demand
    if abs(gap) > tolerance:
        return None
    points = max(10, round(40 * (1 - abs(gap) / tolerance))) if tolerance else 40
    reason = (
        f"面积 {offered} 亩，需求 {demand.normalize():f} 亩"
        f"（{gap * 100:+.1f}%，在 ±{tolerance * 100:.0f}% 以内）"
    )
    return points, reason, gap


def fit(parcel: Parcel, demand: Demand, *, directions=None) -> Fit | None:
    """Return how ``parcel`` fits ``demand``, or None when it cannot serve it."""
    result = Fit()
    area = area_points(demand.area_mu, parcel.area_mu, demand.tolerance)
    if area is None:
        return None
    points, reason, result.area_gap = area
    result.score += points
    if reason:
        result.reasons.append(reason)
    else:
        result.cautions.append("未提出用地面积，面积未参与比较")
    use = land_use_points(demand.land_use, parcel.land_use, inferred=demand.inferred_use)
    if use is None:
        return None
    result.score += use[0]
    if use[1]:
        result.reasons.append(use[1])
    directions = list(parcel.industries.all()) if directions is None else directions
    if demand.industry is not None:
        if demand.industry in directions:
            result.score += 20
            result.reasons.append(f"招商方向含“{demand.industry.name}”")
        elif not directions:
            result.score += 5
            result.reasons.append("地块未限定招商方向")
        else:
            names = "、".join(i.name for i in directions)
            result.cautions.append(f"招商方向为{names}，不含“{demand.industry.name}”")
    if demand.district_id is not None:
        result.same_district = parcel.district_id == demand.district_id
        if result.same_district:
            result.score += 10
            result.reasons.append(f"位于项目所在的{parcel.district.name}")
        else:
            result.cautions.append(f"位于{parcel.district.name}，不在项目所在区")
    return result


def parcels_for(*, user: User, demand: Demand, limit: int = 20) -> list[ParcelMatch]:
    """Rank the available parcels in the user's scope for ``demand``."""
    filters = ParcelFilters(statuses=(Parcel.Status.AVAILABLE,))
    if demand.area_mu:
        filters.area_min = demand.area_mu * (1 - demand.tolerance)
        filters.area_max = demand.area_mu * (1 + demand.tolerance)
    matches = []
    for parcel in parcel_list(user=user, filters=filters):
        result = fit(parcel, demand)
        if result is not None:
            matches.append(ParcelMatch(parcel, result))
    matches.sort(
        key=lambda m: (not m.fit.same_district, -m.fit.score, abs(m.fit.area_gap), m.parcel.code)
    )
    return matches[:limit]


def projects_for(
    *, user: User, parcel: Parcel, tolerance: Decimal = DEFAULT_TOLERANCE, limit: int = 10
) -> list[ProjectMatch]:
    """Rank the projects in 意向/在谈 the user may see that could take ``parcel``."""
    projects = project_list(user=user, filters={"stage__code__in": CANDIDATE_STAGES})
    projects = projects.filter(district__city_id=parcel.district.city_id)
    holds: dict[int, list[str]] = {}
    for project_id, code in ParcelReservation.objects.filter(
        released_at__isnull=True, project__in=projects
    ).values_list("project_id", "parcel__code"):
        holds.setdefault(project_id, []).append(code)
    directions = list(parcel.industries.all())
    matches = []
    for project in projects:
        if parcel.code in holds.get(project.pk, ()):
            continue
        result = fit(parcel, Demand.of(project, tolerance=tolerance), directions=directions)
        if result is None:
            continue
        if project.stage.code == "negotiating":
            result.score += 5
            result.reasons.append("在谈项目，用地需求较明确")
        held = holds.get(project.pk, [])
        if held:
            result.score -= 15
            result.cautions.append(f"已预留地块 {'、'.join(held)}")
        matches.append(ProjectMatch(project, result, held))
    matches.sort(
        key=lambda m: (not m.fit.same_district, -m.fit.score, abs(m.fit.area_gap), m.project.code)
    )
    return matches[:limit]
