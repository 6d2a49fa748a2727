"""The intermediaries' figures per unit and month, as of a date, for the reports and the
assessment (the lead wires them in): intermediaries on the register, claims filed,
projects introduced (claims confirmed), rewards approved and paid.

Read from the events (``IntermediaryEvent``), so that a month's figures as of D are the
same whatever happened after D. Each event counts for the unit that held the claim's
project at the time (the project's period then).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from baton.core.dates import end_of_day, start_of_day
from baton.org.models import District
from baton.projects.models import ProjectPeriod

from .models import IntermediaryEvent

Kind = IntermediaryEvent.Kind
#: The counts kept per unit (and the register's size for the district).
COUNTS = ("claims_filed", "projects_introduced", "rewards_approved", "rewards_paid")


@dataclass
class Figures:
    district: District
    since: dt.date
    as_of: dt.date
    #: Intermediaries on the register on ``as_of`` (备案 on or before it, not revoked).
    active: int = 0
    #: unit id → count name → number, for events from ``since`` to ``as_of``.
    by_unit: dict[int, dict[str, int]] = field(default_factory=dict)

    def total(self, name: str) -> int:
        return sum(row.get(name, 0) for row in self.by_unit.values())


def _units_at(rows: list[IntermediaryEvent]) -> list[int]:
    """The unit that held each event's project at the event's time (its period then), read
    in one query for all the events."""
    projects = {e.claim.project_id for e in rows if e.claim is not None}
    periods: dict[int, list] = defaultdict(list)
    spans = ProjectPeriod.objects.filter(project_id__in=projects).order_by("valid_from", "id")
    for project_id, unit_id, start, end in spans.values_list(
        "project_id", "unit_id", "valid_from", "valid_to"
    ):
        periods[project_id].append((unit_id, start, end))
    out = []
    for event in rows:
        claim = event.claim
        assert claim is not None
        held = [u for u, start, end in periods[claim.project_id]
                if start <= event.at and (end is None or event.at < end)]  # fmt: skip
        out.append(held[-1] if held else claim.project.unit_id)
    return out


#: The events counted, by the count they make.
COUNTED: dict[str, str] = {
    Kind.FILED: "claims_filed",
    Kind.CONFIRMED: "projects_introduced",
    Kind.REWARD_APPROVED: "rewards_approved",
    Kind.PAID: "rewards_paid",
}


def window_events(
    *, district: District, since: dt.date, as_of: dt.date
) -> list[tuple[IntermediaryEvent, int]]:
    """The counted events of the district's claims from ``since`` to ``as_of`` (as
    recorded by its end), each with the unit that held the claim's project then."""
    events = IntermediaryEvent.objects.filter(
        district=district,
        at__lte=end_of_day(as_of),
        at__gte=start_of_day(since),
        claim__isnull=False,
        kind__in=list(COUNTED),
    )
    rows = list(events.select_related("claim__project", "claim__intermediary").order_by("at", "id"))
    return list(zip(rows, _units_at(rows), strict=True))


def figures(*, district: District, since: dt.date, as_of: dt.date) -> Figures:
    """The district's figures for ``since``–``as_of`` (a month: its first day and D)."""
    out = Figures(district=district, since=since, as_of=as_of)
    cutoff = end_of_day(as_of)
    events = IntermediaryEvent.objects.filter(district=district, at__lte=cutoff)
    registered = set(events.filter(kind=Kind.REGISTERED).values_list("intermediary_id", flat=True))
    revoked = set(events.filter(kind=Kind.REVOKED).values_list("intermediary_id", flat=True))
    out.active = len(registered - revoked)
    counted: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for event, unit_id in window_events(district=district, since=since, as_of=as_of):
        counted[unit_id][COUNTED[event.kind]] += 1
    out.by_unit = dict(counted)
    return out
