"""Leads as they stood at the end of a date, folded from their events alone.

A lead's state at the end of a local day D starts from its ``registered`` event's ``new``
(every field the figures read) and takes each later event's ``new`` in order (``at``,
``id``), for the events dated before ``end_of_day(D)`` only: an edit made after D never
changes D's figures. Only the keys an event names change; the kind does not matter (the
lead a merge fills gets a ``merged`` event that names the fields it took, not ``status``).

The deadlines (响应/研判/反馈时限) are fixed at registration and not in its event; each
starts as the ``old`` of the first event that changed it, else as the row holds it (a
deadline no event changed is the one registration fixed). The moments of the work
(``responded_at`` …) start empty.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from baton.core.dates import end_of_day

from .models import Lead, LeadEvent, Status

#: The fields of a lead the figures read, as its events name them.
TRACKED = (
    "status",
    "unit",
    "first_unit",
    "source",
    "industry_code",
    "industry",
    "investment",
    "is_reserve",
    "company",
)
MOMENTS = ("responded_at", "assessed_at", "feedback_at", "converted_at")
DUES = ("respond_due", "assess_due", "feedback_due")


@dataclass(slots=True)
class LeadState:
    """One lead at the end of a date."""

    lead_id: int
    district_id: int
    code: str
    reported_at: dt.datetime
    status: str
    unit: int
    first_unit: int
    source: str
    industry_code: str
    industry: int | None
    investment: Decimal
    is_reserve: bool
    company: int | None
    respond_due: dt.date
    assess_due: dt.date
    feedback_due: dt.date
    responded_at: dt.datetime | None = None
    assessed_at: dt.datetime | None = None
    feedback_at: dt.datetime | None = None
    converted_at: dt.datetime | None = None
    #: When the status last changed (the registration at first).
    status_at: dt.datetime | None = None
    #: Rejected by the office's ruling on a 撞车: the lead lost the collision, nothing
    #: was owed on it from then.
    arbitrated_out: bool = False

    @property
    def counted(self) -> bool:
        """Counted in the figures: not 储备 and not merged into another lead."""
        return not self.is_reserve and self.status != Status.MERGED


def _value(key: str, value):
    if value is None:
        return None
    if key == "investment":
        return Decimal(str(value))
    if key in MOMENTS:
        return dt.datetime.fromisoformat(value)
    if key in DUES:
        return dt.date.fromisoformat(value)
    if key == "is_reserve":
        return bool(value)
    return value


def _apply(state: LeadState, new: dict, at: dt.datetime) -> None:
    for key in (*TRACKED, *MOMENTS, *DUES):
        if key in new:
            value = _value(key, new[key])
            if key == "status" and value != state.status:
                state.status_at = at
            setattr(state, key, value)


def _first_dues(lead_ids) -> dict[int, dict[str, dt.date]]:
    """Each lead's deadlines as registration fixed them, where an event changed them."""
    first: dict[int, dict[str, dt.date]] = {}
    events = (
        LeadEvent.objects.filter(lead_id__in=lead_ids, old__has_any_keys=DUES)
        .order_by("lead_id", "at", "id")
        .values_list("lead_id", "old")
    )
    for lead_id, old in events:
        dues = first.setdefault(lead_id, {})
        for key in DUES:
            if key in old and key not in dues and old[key]:
                dues[key] = dt.date.fromisoformat(old[key])
    return first


def states_at(*, as_of: dt.date, where: Q | None = None) -> dict[int, LeadState]:
    """Return {lead id: state} at the end of ``as_of`` for the leads registered by then.

    ``where`` is a condition on ``Lead`` that no event changes (its district or city);
    the caller filters the states on what events change (the unit, the industry).
    """
    cutoff = end_of_day(as_of)
    leads = Lead.objects.filter(where or Q(), reported_at__lt=cutoff)
    rows = {
        pk: (district_id, code, {"respond_due": r, "assess_due": a, "feedback_due": f})
        for pk, district_id, code, r, a, f in leads.order_by().values_list(
            "pk", "district_id", "code", "respond_due", "assess_due", "feedback_due"
        )
    }
    if not rows:
        return {}
    ids = list(rows)
    first_dues = _first_dues(ids)
    events = (
        LeadEvent.objects.filter(lead_id__in=ids, at__lt=cutoff)
        .exclude(kind=LeadEvent.Kind.NOTE)
        .order_by("lead_id", "at", "id")
        .values_list("lead_id", "kind", "at", "new")
    )
    states: dict[int, LeadState] = {}
    for lead_id, kind, at, new in events:
        new = new if isinstance(new, dict) else {}
        state = states.get(lead_id)
        if kind == LeadEvent.Kind.REGISTERED:
            district_id, code, dues = rows[lead_id]
            dues = {**dues, **first_dues.get(lead_id, {})}
            state = states[lead_id] = LeadState(
                lead_id=lead_id,
                district_id=district_id,
                code=code,
                reported_at=at,
                status=new.get("status", Status.REGISTERED),
                unit=new.get("unit"),
                first_unit=new.get("first_unit", new.get("unit")),
                source=new.get("source", ""),
                industry_code=new.get("industry_code") or "",
                industry=new.get("industry"),
                investment=_value("investment", new.get("investment")) or Decimal(0),
                is_reserve=bool(new.get("is_reserve")),
                company=new.get("company"),
                status_at=at,
                **dues,
            )
            _apply(state, new, at)
            continue
        if state is None:  # an event before the registration's: not a lead yet
            continue
        if kind == LeadEvent.Kind.ARBITRATED:
            state.arbitrated_out = (new or {}).get("decision") == "reject"
        _apply(state, new, at)
    return states
