"""Figures as of a date at province and national scale: one live query, or a month-end snapshot.

``figures_as_of`` (in ``selectors``) asks this module for *rows*: count and 元 per stage
(milestone ``""``) and per (milestone, stage). They come from

- ``snapshot_rows``: the ``MonthEndSnapshot`` of a closed month end, if no event after
  its watermark touches that month (see ``MonthEndSnapshot`` for why this is exact);
- ``live_rows``: one SQL statement over ``ProjectPeriod``, written for each database:
  ``valid_to >= D OR valid_to IS NULL`` is one OR on SQLite (planned as two ranges of
  one covering index) and a UNION ALL of the two branches on PostgreSQL, whose planner
  does not split the OR itself.

``snapshot_refresh`` computes missing and stale month ends in one pass over the
admitted periods (each period adds itself to the run of month ends it spans).
"""

import datetime as dt
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from baton.core.dates import end_of_day, month_end
from baton.projects.models import Milestone, Project, ProjectPeriod, ReviewState
from baton.projects.selectors import project_scope
from baton.projects.services import PERIOD_FIELDS

from .models import MonthEndSnapshot

PERIOD = "projects_projectperiod"
EVENT = "projects_projectevent"
MILESTONE = "projects_milestone"
#: Rows: {(milestone or "", stage_id): (count, 元)}
Rows = dict[tuple[str, int], tuple[int, int]]


def is_closed_month_end(day: dt.date) -> bool:
    return day == month_end(day) and day < timezone.localdate()


def _dt(value):
    return connection.ops.adapt_datetimefield_value(value)


def _date(value):
    return connection.ops.adapt_datefield_value(value)


# --- live ----------------------------------------------------------------------------


def scope_sql(scope, user=None, alias: str = "p") -> tuple[str, list]:
    """Return the WHERE condition (and its parameters) of a scope on ``ProjectPeriod``."""
    where, params = [], []
    if scope.unit:
        where.append(f"{alias}.unit_id = %s")
        params.append(scope.unit.pk)
    elif scope.district:
        where.append(f"{alias}.district_id = %s")
        params.append(scope.district.pk)
    elif scope.city:
        where.append(f"{alias}.district_id IN (SELECT id FROM org_district WHERE city_id = %s)")  # noqa: S608
        params.append(scope.city.pk)
    if scope.industry:
        where.append(f"{alias}.industry_id = %s")
        params.append(scope.industry.pk)
    if user is not None:
        try:
            sql, user_params = (
                Project.objects.filter(project_scope(user)).values("pk").query.sql_with_params()
            )
        except EmptyResultSet:  # a user who may see nothing
            return "1 = 0", []
        where.append(f"{alias}.project_id IN ({sql})")
        params.extend(user_params)
    return " AND ".join(where) or "1 = 1", params


def live_sql(*, as_of: dt.date, scope, user=None, milestone_stages=()) -> tuple[str, list]:
    """Return the one statement that computes the rows as of the end of ``as_of``."""
    cutoff = _dt(end_of_day(as_of))
    where, params = scope_sql(scope, user)
    base = (
        f"SELECT p.project_id, p.stage_id, p.investment FROM {PERIOD} p "  # noqa: S608
        f"WHERE {where} AND p.review_state = %s AND p.valid_from < %s"
    )
    base_params = [*params, ReviewState.ADMITTED.value, cutoff]
    if connection.vendor == "postgresql":
        current = f"{base} AND p.valid_to >= %s UNION ALL {base} AND p.valid_to IS NULL"
        current_params = [*base_params, cutoff, *base_params]
    else:
        current = f"{base} AND (p.valid_to >= %s OR p.valid_to IS NULL)"
        current_params = [*base_params, cutoff]
    sql = f"WITH cur AS ({current}) SELECT '', stage_id, COUNT(*), SUM(investment) FROM cur GROUP BY stage_id"  # noqa: S608
    all_params = list(current_params)
    if milestone_stages:
        marks = ", ".join(["%s"] * len(milestone_stages))
        sql += (
            " UNION ALL SELECT m.kind, cur.stage_id, COUNT(*), SUM(cur.investment) FROM cur"  # noqa: S608
            f" JOIN {MILESTONE} m ON m.project_id = cur.project_id"
            f" WHERE cur.stage_id IN ({marks}) AND m.date <= %s GROUP BY m.kind, cur.stage_id"
        )
        all_params += [*milestone_stages, _date(as_of)]
    return sql, all_params


def live_rows(*, as_of: dt.date, scope, user=None, milestone_stages=()) -> Rows:
    sql, params = live_sql(as_of=as_of, scope=scope, user=user, milestone_stages=milestone_stages)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            (kind, stage): (int(n), int(yuan or 0)) for kind, stage, n, yuan in cursor.fetchall()
        }


# --- snapshots -------------------------------------------------------------------------


def stale_events_sql() -> str:
    """Return the condition on an event ``e`` that changes the figures as of :cutoff/:day.

    A period-changing event dated before the cutoff, or a milestone event whose old or
    new date is on or before the day. Parameters: cutoff, day, day.
    """
    keys = list(PERIOD_FIELDS)
    if connection.vendor == "postgresql":
        touches = "e.new ?| array[{}]".format(", ".join(f"'{k}'" for k in keys))
        old_date, new_date = "e.old ->> 'date'", "e.new ->> 'date'"
    else:
        touches = " OR ".join(f"json_type(e.new, '$.{k}') IS NOT NULL" for k in keys)
        old_date, new_date = "json_extract(e.old, '$.date')", "json_extract(e.new, '$.date')"
    return (
        f"((e.at < %s AND (e.kind = 'created' OR {touches}))"
        f" OR (e.kind = 'milestone' AND ({new_date} <= %s OR {old_date} <= %s)))"
    )


def _stale_params(as_of: dt.date) -> list:
    return [_dt(end_of_day(as_of)), as_of.isoformat(), as_of.isoformat()]


def snapshot_sql(*, as_of: dt.date, scope) -> tuple[str, list]:
    """Return the statement that reads a month end's rows, empty if stale or missing.

    The freshness test is part of the statement, so a fresh snapshot is one round trip.
    """
    where, params = scope_sql(scope, alias="l")
    day = _date(as_of)
    sql = (
        "SELECT l.milestone, l.stage_id, SUM(l.count), SUM(l.investment)"  # noqa: S608
        " FROM reports_monthendline l JOIN reports_monthendsnapshot s ON s.id = l.snapshot_id"
        f" WHERE s.date = %s AND {where} AND NOT EXISTS (SELECT 1 FROM {EVENT} e"
        f" WHERE e.id > s.watermark AND {stale_events_sql()})"
        " GROUP BY l.milestone, l.stage_id"
    )
    return sql, [day, *params, *_stale_params(as_of)]


def snapshot_rows(*, as_of: dt.date, scope) -> Rows | None:
    """Return a closed month end's rows from its snapshot, or None if it has no fresh one."""
    if scope.unit or scope.industry or not is_closed_month_end(as_of):
        return None
    sql, params = snapshot_sql(as_of=as_of, scope=scope)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        if not rows and not _fresh(cursor, as_of):
            return None  # an empty scope has no lines: tell it from a stale snapshot
    return {(kind, stage): (int(n), int(yuan or 0)) for kind, stage, n, yuan in rows}


def _fresh(cursor, as_of: dt.date) -> bool:
    day = _date(as_of)
    cursor.execute(
        f"SELECT 1 FROM reports_monthendsnapshot s WHERE s.date = %s AND NOT EXISTS"  # noqa: S608
        f" (SELECT 1 FROM {EVENT} e WHERE e.id > s.watermark AND {stale_events_sql()})",
        [day, *_stale_params(as_of)],
    )
    return cursor.fetchone() is not None


@dataclass
class RefreshResult:
    computed: int = 0
    fresh: int = 0
    lines: int = 0


def closed_month_ends(first: dt.date, today: dt.date | None = None) -> list[dt.date]:
    """Return every month end from ``first``'s month up to the last one before today."""
    today = today or timezone.localdate()
    days, day = [], month_end(first)
    while day < today:
        days.append(day)
        day = month_end(day + dt.timedelta(days=1))
    return days


def snapshot_refresh(*, rebuild: bool = False, days: list[dt.date] | None = None) -> RefreshResult:
    """Compute the snapshots of closed month ends that are missing or stale.

    ``rebuild`` recomputes all of them (after ``check-periods --fix``). ``days`` limits
    the run to those month ends.
    """
    result = RefreshResult()
    first = ProjectPeriod.objects.aggregate(first=Min("valid_from"))["first"]
    if first is None:
        return result
    wanted = days or closed_month_ends(timezone.localdate(first))
    wanted = [d for d in wanted if is_closed_month_end(d)]
    if not rebuild:
        with connection.cursor() as cursor:
            fresh = {d for d in wanted if _fresh(cursor, d)}
        result.fresh = len(fresh)
        wanted = [d for d in wanted if d not in fresh]
    if not wanted:
        return result
    if connection.vendor == "postgresql":
        # Wait for every transaction that is writing events; afterwards no event with an
        # id at or below the watermark can still be uncommitted.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {EVENT} IN SHARE MODE")
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {EVENT}")  # noqa: S608
            watermark = cursor.fetchone()[0]
        with transaction.atomic():
            result.lines = _compute(wanted, watermark)
    else:
        with transaction.atomic():  # IMMEDIATE: no other writer until it is done
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {EVENT}")  # noqa: S608
                watermark = cursor.fetchone()[0]
            result.lines = _compute(wanted, watermark)
    result.computed = len(wanted)
    return result


def _compute(days: list[dt.date], watermark: int) -> int:
    days = sorted(days)
    moments = [end_of_day(d) for d in days]
    if connection.vendor == "sqlite":  # its cursor returns naive UTC datetimes
        cutoffs = [m.astimezone(dt.UTC).replace(tzinfo=None) for m in moments]
    else:
        cutoffs = moments
    n = len(days)
    # (milestone, district, stage) → per month index: count deltas, 元 deltas
    deltas: dict[tuple, tuple[array, array]] = defaultdict(
        lambda: (array("q", bytes(8 * (n + 1))), array("q", bytes(8 * (n + 1))))
    )
    milestones: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for project_id, kind, date in Milestone.objects.values_list("project_id", "kind", "date"):
        milestones[project_id].append((kind, bisect_left(days, date)))
    sql = (
        f"SELECT project_id, district_id, stage_id, investment, valid_from, valid_to FROM {PERIOD}"  # noqa: S608
        " WHERE review_state = %s AND valid_from < %s AND (valid_to >= %s OR valid_to IS NULL)"
    )
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(sql, [ReviewState.ADMITTED.value, _dt(moments[-1]), _dt(moments[0])])
        while batch := cursor.fetchmany(20_000):
            for project_id, district, stage, yuan, valid_from, valid_to in batch:
                lo = bisect_right(cutoffs, valid_from)
                hi = n if valid_to is None else bisect_right(cutoffs, valid_to)
                if lo >= hi:
                    continue
                for kind, first in [("", 0), *milestones.get(project_id, ())]:
                    start = max(lo, first)
                    if start >= hi:
                        continue
                    counts, amounts = deltas[(kind, district, stage)]
                    counts[start] += 1
                    amounts[start] += yuan
                    counts[hi] -= 1
                    amounts[hi] -= yuan
    finally:
        cursor.close()
    MonthEndSnapshot.objects.filter(date__in=days).delete()
    now = timezone.now()
    snapshots = MonthEndSnapshot.objects.bulk_create(
        [MonthEndSnapshot(date=d, watermark=watermark, computed_at=now) for d in days]
    )
    lines = []
    for (kind, district, stage), (counts, amounts) in deltas.items():
        count = yuan = 0
        for i in range(n):
            count += counts[i]
            yuan += amounts[i]
            if count:
                lines.append((snapshots[i].pk, district, stage, kind, count, yuan))
    # One month's lines together on disk: a month end is read from a few pages.
    lines.sort(key=lambda line: (line[0], line[1], line[2], line[3]))
    _insert_lines(lines)
    return len(lines)


def _insert_lines(lines: list[tuple]) -> None:
    columns = "snapshot_id, district_id, stage_id, milestone, count, investment"
    raw = connection.connection
    if connection.vendor == "postgresql":
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY reports_monthendline ({columns}) FROM STDIN") as copy,
        ):
            for line in lines:
                copy.write_row(line)
    else:
        cursor = raw.cursor()
        cursor.executemany(
            f"INSERT INTO reports_monthendline ({columns}) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608
            lines,
        )
        cursor.close()
