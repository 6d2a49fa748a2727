"""Reads of parcels and buildings, scoped by the user's role in one place.

Land on offer is the district's, not a unit's: a town promoter sees every parcel of its
district (to answer an investor on the spot), the district office and a district leader
their district, the city reviewer and a city leader the city; the three administrators
none. The project on a parcel is named only to those who may see that project.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from baton.accounts.areas import area_of
from baton.accounts.models import User
from baton.projects.models import Industry, Project, Stage
from baton.projects.selectors import project_list, project_scope

from .models import CODE_PATTERN, Building, Parcel, ParcelEvent, ParcelReservation

Role = User.Role
_CODE = re.compile(CODE_PATTERN)


def land_scope(user: User, *, prefix: str = "") -> Q:
    """Return the condition on ``Parcel`` or ``Building`` (``prefix``: through a relation).

    Land is the district's: a unit's area counts as its whole district.
    """
    return area_of(user).district_q(prefix)


def _open_reservations() -> Prefetch:
    return Prefetch(
        "reservations",
        queryset=ParcelReservation.objects.filter(released_at__isnull=True).select_related(
            "project__stage", "project__unit", "project__industry"
        ),
        to_attr="open_reservations",
    )


@dataclass
class ParcelFilters:
    statuses: tuple[str, ...] = ()
    land_uses: tuple[str, ...] = ()
    area_min: Decimal | None = None
    area_max: Decimal | None = None
    industry: Industry | None = None
    town_id: int | None = None
    district_id: int | None = None

    def q(self) -> Q:
        q = Q()
        if self.statuses:
            q &= Q(status__in=self.statuses)
        if self.land_uses:
            q &= Q(land_use__in=self.land_uses)
        if self.area_min is not None:
            q &= Q(area_mu__gte=self.area_min)
        if self.area_max is not None:
            q &= Q(area_mu__lte=self.area_max)
        if self.industry is not None:
            q &= Q(industries=self.industry)
        if self.town_id is not None:
            q &= Q(town_id=self.town_id)
        if self.district_id is not None:
            q &= Q(district_id=self.district_id)
        return q


def parcel_list(*, user: User, filters: ParcelFilters | None = None) -> QuerySet[Parcel]:
    """Return the parcels the user may see, narrowed by ``filters``, holders prefetched."""
    parcels = Parcel.objects.filter(land_scope(user))
    if filters is not None:
        parcels = parcels.filter(filters.q())
    return (
        parcels.select_related("district", "town")
        .prefetch_related("industries", _open_reservations())
        .distinct()
        .order_by("district__code", "code")
    )


def parcel_get(*, user: User, code: str) -> Parcel:
    """Return one parcel in the user's scope, or raise Http404 (never 403: no leaks)."""
    parcel = None
    if isinstance(code, str) and _CODE.fullmatch(code):
        parcel = parcel_list(user=user).filter(code=code).first()
    if parcel is None:
        raise Http404("地块不存在或您无权查看。")
    return parcel


def building_list(*, user: User) -> QuerySet[Building]:
    return (
        Building.objects.filter(land_scope(user))
        .select_related("district", "town", "parcel")
        .prefetch_related("industries")
        .order_by("district__code", "code")
    )


def building_get(*, user: User, code: str) -> Building:
    building = None
    if isinstance(code, str) and _CODE.fullmatch(code):
        building = building_list(user=user).filter(code=code).first()
    if building is None:
        raise Http404("载体不存在或您无权查看。")
    return building


def visible_project_ids(*, user: User, ids: Iterable[int | None]) -> set[int]:
    """Return which of the projects ``ids`` the user may see (the project library's scope)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return set()
    return set(
        Project.objects.filter(project_scope(user), pk__in=wanted).values_list("pk", flat=True)
    )


def land_projects(*, user: User) -> QuerySet[Project]:
    """Return the projects the user may see that may hold land (``services.reservable_stage``):
    past the ladder's first rung (策划 is only an idea) and not stopped."""
    first = Stage.objects.filter(is_terminal=False).order_by("order").first()
    return project_list(user=user).filter(stage__is_terminal=False).exclude(stage=first)


def reservable_projects(*, user: User, parcel: Parcel) -> QuerySet[Project]:
    """Return the projects the user may reserve ``parcel`` for (``permissions.can_reserve_for``):
    the district office any of the parcel's district, a unit's promoter those its unit holds."""
    projects = land_projects(user=user).filter(district_id=parcel.district_id)
    if user.role == Role.UNIT_STAFF:
        projects = projects.filter(Q(unit_id=user.unit_id))
    return projects.order_by("-stage__order", "name")


def parcel_events(*, parcel: Parcel) -> QuerySet[ParcelEvent]:
    return parcel.events.select_related("actor", "project").order_by("-at", "-id")


def held_parcels(*, user: User) -> QuerySet[ParcelReservation]:
    """Return the open reservations of parcels in scope whose project the user may see."""
    return (
        ParcelReservation.objects.filter(released_at__isnull=True)
        .filter(land_scope(user, prefix="parcel__"))
        .filter(project__in=Project.objects.filter(project_scope(user)))
        .select_related("parcel", "project__stage", "project__unit")
    )
