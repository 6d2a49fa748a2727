"""The one area rule: which districts and units a user may see.

A unit's promoter works in its unit (inside its district); the district office and a
district's leader in their district; the city reviewer and a city's leader (a leader with
no district) in their city. The three administrators see no business data (三员分立),
nor does an anonymous or disabled account. Every app composes this rule: the project
library adds a unit's co-units and relay legs; land and the assessment widen a unit to
its district; the reports offer the area's scopes.

Deciding the area reads only the user's own columns (no query): it sits on the hot path
of every list page.
"""

import enum
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from baton.org.models import District, Unit

from .models import User

Role = User.Role


class Level(enum.Enum):
    NONE = "none"
    UNIT = "unit"
    DISTRICT = "district"
    CITY = "city"


@dataclass(frozen=True, slots=True)
class Area:
    """A user's area: a unit (within its district and city), a district, a city, or none."""

    level: Level = Level.NONE
    city_id: int | None = None
    district_id: int | None = None
    unit_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return self.level is Level.NONE

    def district_q(self, prefix: str = "") -> Q:
        """Return the condition on rows placed in a district (``prefix``: through a relation).

        A unit's area counts as its whole district here: the filters, land on offer and
        the assessment are the district's.
        """
        if self.level is Level.CITY:
            return Q(**{f"{prefix}district__city_id": self.city_id})
        if self.level in (Level.DISTRICT, Level.UNIT):
            return Q(**{f"{prefix}district_id": self.district_id})
        return Q(pk__in=[])

    def covers_district(self, district: District) -> bool:
        """Return whether the whole district lies in a district's or a city's area."""
        if self.level is Level.CITY:
            return district.city_id == self.city_id
        return self.level is Level.DISTRICT and district.pk == self.district_id


NOWHERE = Area()


def area_of(user: User) -> Area:
    """Return the area ``user`` works in (see the module's docstring for the rule)."""
    if not user.is_authenticated or not user.is_active:
        return NOWHERE
    role = user.role
    if role == Role.UNIT_STAFF and user.unit_id:
        return Area(Level.UNIT, user.city_id, user.district_id, user.unit_id)
    if role in (Role.DISTRICT_OFFICE, Role.LEADER) and user.district_id:
        return Area(Level.DISTRICT, user.city_id, user.district_id)
    if role in (Role.CITY_REVIEWER, Role.LEADER) and user.city_id:
        return Area(Level.CITY, user.city_id)
    return NOWHERE


def districts_in(area: Area) -> QuerySet[District]:
    """Return the districts of the area (a unit's: its own), for choices."""
    if area.is_empty:
        return District.objects.none()
    if area.level is Level.CITY:
        return District.objects.filter(Q(city_id=area.city_id))
    return District.objects.filter(Q(pk=area.district_id))


def units_in(area: Area) -> QuerySet[Unit]:
    """Return the units of the area's districts (a unit's: its district's), for choices."""
    if area.is_empty:
        return Unit.objects.none()
    return Unit.objects.filter(area.district_q())
