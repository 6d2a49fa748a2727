"""A project's history as the bulk writer holds it in memory, and the event kinds that
touch the duplicate pool or the period rows."""

import datetime as dt
from dataclasses import dataclass, field

from .. import services
from ..models import (
    Project,
    ProjectEvent,
    ReviewState,
)

Kind = ProjectEvent.Kind
_POOL = (ReviewState.SUBMITTED, ReviewState.DISTRICT_APPROVED, ReviewState.ADMITTED)
_PERIOD_FIELDS = frozenset(services.PERIOD_FIELDS)
#: The events after which a project may enter or leave the pool, or change its keys.
_POOL_CHANGES = {
    Kind.SUBMITTED,
    Kind.APPROVED,
    Kind.ADMITTED,
    Kind.RETURNED,
    Kind.UPDATED,
    Kind.MOVED,
}
_PERIOD_KEYS = tuple(services.period_state(Project()).keys())

# --- projects in memory ------------------------------------------------------------------


@dataclass
class _Period:
    id: int
    event_id: int
    valid_from: dt.datetime
    state: dict
    valid_to: dt.datetime | None = None
    stored: bool = False  # in the database before the import
    changed: bool = False


@dataclass
class _Mark:  # a milestone
    id: int
    date: dt.date
    note: str
    stored: bool = False
    changed: bool = False


@dataclass
class _History:
    """What the import does to one project."""

    project: Project
    new: bool
    events: list = field(default_factory=list)
    periods: list[_Period] = field(default_factory=list)
    open: _Period | None = None
    marks: dict[str, _Mark] = field(default_factory=dict)
    co_units: set[int] = field(default_factory=set)
    co_units_before: set[int] = field(default_factory=set)


@dataclass
class _Sequence:
    id: int
    last: int
    stored: bool
    changed: bool = False
