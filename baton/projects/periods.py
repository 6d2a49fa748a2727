"""Rebuild the derived ``ProjectPeriod`` table from the events and compare.

The events are the source of truth; the periods are what makes "figures as of a date"
one indexed query. This module replays the events the same way the services write
periods, so ``baton check-periods`` can prove that the two agree.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from baton.core.money import to_wan

from .models import ProjectEvent, ProjectPeriod

_KEYS = {
    "district": "district_id",
    "unit": "unit_id",
    "stage": "stage_id",
    "industry": "industry_id",
    "review_state": "review_state",
    "investment": "investment",
}


def replay(events: Iterable[ProjectEvent]) -> list[dict]:
    """Return the periods of one project's events, given in (at, id) order."""
    periods: list[dict] = []
    state: dict = {}
    for event in events:
        touched = {key: value for key, value in event.new.items() if key in _KEYS}
        if event.kind != ProjectEvent.Kind.CREATED and not touched:
            continue
        for key, value in touched.items():
            state[_KEYS[key]] = to_wan(value) if key == "investment" else value
        if periods and all(periods[-1][k] == v for k, v in state.items()):
            continue
        if periods and periods[-1]["valid_from"] == event.at:
            periods[-1].update(state, event_id=event.pk)
            continue
        if periods:
            periods[-1]["valid_to"] = event.at
        periods.append({**state, "event_id": event.pk, "valid_from": event.at, "valid_to": None})
    return periods


_FIELDS = ("event_id", "valid_from", "valid_to", *_KEYS.values())


@dataclass
class CheckResult:
    projects: int = 0
    differences: int = 0
    fixed: int = 0


def check_periods(*, fix: bool = False, project_ids: Iterable[int] | None = None) -> CheckResult:
    """Compare every project's stored periods with a replay of its events."""
    result = CheckResult()
    events = ProjectEvent.objects.order_by("project_id", "at", "id").only(
        "id", "project_id", "kind", "at", "new"
    )
    stored = ProjectPeriod.objects.order_by("project_id", "valid_from", "id").values(
        "project_id", *_FIELDS
    )
    if project_ids is not None:
        events = events.filter(project_id__in=list(project_ids))
        stored = stored.filter(project_id__in=list(project_ids))
    by_project: dict[int, list[dict]] = {}
    for row in stored.iterator(chunk_size=5000):
        by_project.setdefault(row.pop("project_id"), []).append(row)
    current_id, batch = None, []

    def finish(project_id, batch):
        expected = replay(batch)
        actual = by_project.pop(project_id, [])
        result.projects += 1
        if [_norm(p) for p in expected] != [_norm(p) for p in actual]:
            result.differences += 1
            if fix:
                _rewrite(project_id, expected)
                result.fixed += 1

    for event in events.iterator(chunk_size=5000):
        if event.project_id != current_id:
            if current_id is not None:
                finish(current_id, batch)
            current_id, batch = event.project_id, []
        batch.append(event)
    if current_id is not None:
        finish(current_id, batch)
    for project_id in by_project:  # periods of a project that has no events
        result.differences += 1
        if fix:
            _rewrite(project_id, [])
            result.fixed += 1
    return result


def _norm(period: dict) -> tuple:
    return tuple(period[key] for key in _FIELDS)


@transaction.atomic
def _rewrite(project_id: int, periods: list[dict]) -> None:
    ProjectPeriod.objects.filter(project_id=project_id).delete()
    ProjectPeriod.objects.bulk_create(
        ProjectPeriod(project_id=project_id, **period) for period in periods
    )
