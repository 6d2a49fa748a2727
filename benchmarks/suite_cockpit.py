# ruff: noqa: S608 — hand-written SQL is the point here; every value is a bound parameter
"""领导驾驶舱: every figure of the cockpit of the largest district and the largest city,
against hand-written SQL."""

import datetime as dt
from pathlib import Path

from benchmarks.measure import D_ANY, D_MONTH

ROOT = Path(__file__).resolve().parent.parent


class Cockpit:
    """The leaders' cockpit (a part of ``Bench``)."""

    def cockpit(self) -> None:
        """Every figure of the cockpit of the largest district and the largest city."""
        from baton.reports.cockpit import cockpit_build
        from baton.reports.selectors import Scope

        for scope, user, where, params, label in (
            (
                Scope(district=self.district),
                self.office,
                "p.district_id = %s",
                [self.district.pk],
                "最大的区",
            ),
            (
                Scope(city=self.city),
                self.reviewer,
                "p.district_id IN (SELECT id FROM org_district WHERE city_id = %s)",
                [self.city.pk],
                "最大的市",
            ),
        ):
            for day in (D_ANY, D_MONTH):
                self.add(
                    f"驾驶舱全部图表（{label}，截至 {day}）",
                    "cockpit",
                    lambda scope=scope, user=user, day=day: cockpit_build(
                        scope=scope, as_of=day, user=user
                    ),
                    self.raw(*self.cockpit_sql(scope, where, params, day)),
                    self.cockpit_check,
                )

    def cockpit_sql(self, scope, where: str, params: list, day: dt.date) -> list[tuple]:
        """Return the hand-written statements that give every figure of the cockpit."""
        from django.db import connection

        from baton.reports.pack import month_ends_up_to
        from baton.reports.snapshots import end_of_day, stale_events_sql

        dt_param = connection.ops.adapt_datetimefield_value
        day_param = connection.ops.adapt_datefield_value
        pg = self.vendor == "postgresql"
        false, true = ("FALSE", "TRUE") if pg else ("0", "1")
        cutoff = dt_param(end_of_day(day))
        ends = month_ends_up_to(day, 12)
        firsts = [e.replace(day=1) for e in ends]
        starts = [dt_param(end_of_day(f - dt.timedelta(days=1))) for f in firsts]
        current = "p.review_state = 'admitted' AND p.valid_from < %s"
        current += " AND (p.valid_to >= %s OR p.valid_to IS NULL)"
        statements = []
        # The funnel (and the milestones) as of D, live; the month ends from snapshots.
        statements.append(
            (
                f"SELECT p.stage_id, COUNT(*), SUM(p.investment) FROM projects_projectperiod p"
                f" WHERE {where} AND {current} GROUP BY p.stage_id",
                [*params, cutoff, cutoff],
            )
        )
        month_sql = (
            "SELECT l.milestone, l.stage_id, SUM(l.count), SUM(l.investment)"
            " FROM reports_monthendline l JOIN reports_monthendsnapshot s ON s.id = l.snapshot_id"
            f" WHERE s.date = %s AND {where.replace('p.', 'l.')} AND NOT EXISTS"
            " (SELECT 1 FROM projects_projectevent e WHERE e.id > s.watermark"
            f" AND {stale_events_sql()}) GROUP BY l.milestone, l.stage_id"
        )
        for end in ends[:-1]:
            fresh = [dt_param(end_of_day(end)), end.isoformat(), end.isoformat()]
            statements.append((month_sql, [day_param(end), *params, *fresh]))
        # The trend: each period of the window against the one before it.
        bucket = " ".join(f"WHEN p.valid_from < %s THEN {i}" for i in range(11))
        statements.append(
            (
                f"SELECT CASE {bucket} ELSE 11 END AS month,"
                " COUNT(DISTINCT CASE WHEN q.id IS NULL THEN p.project_id END),"
                " COUNT(DISTINCT CASE WHEN q.id IS NOT NULL AND s.is_terminal = {f}"
                ' AND qs.is_terminal = {f} AND qs."order" < s."order"'
                " AND (s.allows_milestones = {f} OR qs.allows_milestones = {t}) THEN p.project_id END),"
                " COUNT(DISTINCT CASE WHEN q.id IS NOT NULL AND s.is_terminal = {f}"
                ' AND qs.is_terminal = {f} AND qs."order" < s."order"'
                " AND s.allows_milestones = {t} AND qs.allows_milestones = {f} THEN p.project_id END)"
                " FROM projects_projectperiod p JOIN projects_stage s ON s.id = p.stage_id"
                " LEFT JOIN projects_projectperiod q ON q.project_id = p.project_id"
                " AND q.valid_to = p.valid_from AND q.review_state = 'admitted'"
                " LEFT JOIN projects_stage qs ON qs.id = q.stage_id"
                f" WHERE {where} AND p.review_state = 'admitted' AND p.valid_from >= %s"
                " AND p.valid_from < %s GROUP BY 1".replace("{f}", false).replace("{t}", true),
                [*starts[1:], *params, starts[0], cutoff],
            )
        )
        # The breakdowns by area and industry, one grouping.
        area = "p.unit_id" if scope.district else "p.district_id"
        # The rungs as a list of ids keeps the scope's index leading the plan.
        on_ladder = f"p.stage_id IN (SELECT id FROM projects_stage WHERE is_terminal = {false})"
        statements.append(
            (
                f"SELECT {area}, p.industry_id, p.stage_id, COUNT(*), SUM(p.investment)"
                f" FROM projects_projectperiod p WHERE {where} AND {current} AND {on_ladder}"
                " GROUP BY 1, 2, 3",
                [*params, cutoff, cutoff],
            )
        )
        # Conversion: first entry into each rung in the window, first higher rung after it.
        days = (
            "EXTRACT(EPOCH FROM (reached - entry)) / 86400.0"
            if pg
            else "julianday(reached) - julianday(entry)"
        )
        statements.append(
            (
                'WITH c AS (SELECT p.project_id, p.stage_id, s."order" AS rung, MIN(p.valid_from) AS entry'
                " FROM projects_projectperiod p JOIN projects_stage s ON s.id = p.stage_id"
                " LEFT JOIN projects_projectperiod q ON q.project_id = p.project_id"
                " AND q.valid_to = p.valid_from AND q.review_state = 'admitted' AND q.stage_id = p.stage_id"
                f" WHERE {where} AND p.review_state = 'admitted' AND p.valid_from >= %s"
                f" AND p.valid_from < %s AND s.is_terminal = {false} AND q.id IS NULL"
                f" AND EXISTS (SELECT 1 FROM projects_stage h WHERE h.is_terminal = {false}"
                ' AND h."order" > s."order") GROUP BY p.project_id, p.stage_id, s."order"),'
                " x AS (SELECT c.stage_id, c.entry, (SELECT MIN(r.valid_from) FROM projects_projectperiod r"
                " JOIN projects_stage rs ON rs.id = r.stage_id WHERE r.project_id = c.project_id"
                f" AND r.review_state = 'admitted' AND rs.is_terminal = {false} AND rs.\"order\" > c.rung"
                " AND r.valid_from > c.entry AND r.valid_from < %s) AS reached FROM c),"
                f" r AS (SELECT stage_id, {days} AS days,"
                f" ROW_NUMBER() OVER (PARTITION BY stage_id ORDER BY {days}) - 1 AS i,"
                " COUNT(*) OVER (PARTITION BY stage_id) AS n FROM x WHERE reached IS NOT NULL)"
                " SELECT stage_id, -1, COUNT(*), COUNT(reached) FROM x GROUP BY stage_id"
                " UNION ALL SELECT stage_id, i, n, days FROM r WHERE i IN ((n - 1) / 4,"
                " (n + 2) / 4, (n - 1) * 2 / 4, (n * 2 + 1) / 4, (n - 1) * 3 / 4, n * 3 / 4)",
                [*params, starts[0], cutoff, cutoff],
            )
        )
        # Idle for 30 days, and paused for an open problem, counted and the top rows.
        status = "e.new ->> 'status'" if pg else "json_extract(e.new, '$.status')"
        problem = "(e.new ->> 'problem')::bigint" if pg else "json_extract(e.new, '$.problem')"
        paused = (
            "EXISTS (SELECT 1 FROM projects_problem pr WHERE pr.project_id = p.project_id"
            " AND pr.created_at < %s AND COALESCE((SELECT "
            f"{status} FROM projects_projectevent e WHERE e.project_id = pr.project_id"
            f" AND e.kind = 'problem' AND e.at < %s AND {problem} = pr.id"
            " ORDER BY e.at DESC, e.id DESC LIMIT 1), pr.status) IN ('open', 'in_progress'))"
        )
        # Idle: no activity (a leader's 督办 and its sign-off are not) in the 30 days, and
        # not yet 投产 by the day.
        idle = (
            "NOT EXISTS (SELECT 1 FROM projects_projectevent e WHERE e.project_id = p.project_id"
            " AND e.at >= %s AND e.at < %s AND e.kind NOT IN"
            " ('supervised', 'supervision_closed', 'supervision_returned'))"
            " AND NOT EXISTS (SELECT 1 FROM projects_milestone m WHERE m.project_id = p.project_id"
            " AND m.kind = 'in_production' AND m.date <= %s)"
        )
        since_idle = dt_param(end_of_day(day) - dt.timedelta(days=30))
        base = f"FROM projects_projectperiod p WHERE {where} AND {current} AND {on_ladder}"
        base_params = [*params, cutoff, cutoff]
        statements.append(
            (
                f"SELECT SUM(CASE WHEN {paused} THEN 1 ELSE 0 END), COUNT(*) {base} AND {idle}",
                [cutoff, cutoff, *base_params, since_idle, cutoff, day_param(day)],
            )
        )
        # All the idle, then those of them waiting on an open problem.
        for waiting, waiting_params in (("", []), (f" AND {paused}", [cutoff, cutoff])):
            statements.append(
                (
                    "SELECT p.id, p.project_id, p.investment, pr.code, pr.name, s.name, u.name,"
                    " (SELECT MAX(e.at) FROM projects_projectevent e WHERE e.project_id = p.project_id"
                    " AND e.at < %s AND e.kind NOT IN"
                    " ('supervised', 'supervision_closed', 'supervision_returned'))"
                    f" FROM (SELECT p.id {base}{waiting} AND {idle}"
                    " ORDER BY p.investment DESC, p.project_id LIMIT 15) t"
                    " JOIN projects_projectperiod p ON p.id = t.id JOIN projects_project pr ON pr.id = p.project_id"
                    " JOIN projects_stage s ON s.id = p.stage_id JOIN org_unit u ON u.id = p.unit_id"
                    " ORDER BY p.investment DESC, p.project_id",
                    [cutoff, *base_params, *waiting_params, since_idle, cutoff, day_param(day)],
                )
            )
        # Leaders' acts in the window on projects in scope when recorded.
        in_scope = (
            "EXISTS (SELECT 1 FROM projects_projectperiod p WHERE p.project_id = a.project_id"
            f" AND {where} AND p.valid_from <= a.created_at"
            " AND (p.valid_to IS NULL OR p.valid_to > a.created_at))"
        )
        window = [day_param(firsts[0]), day_param(day), *params]
        acts = f"FROM projects_leaderact a WHERE a.date >= %s AND a.date <= %s AND {in_scope}"
        statements += [
            (
                f"SELECT a.leader_id, COUNT(*), COUNT(DISTINCT a.project_id) {acts}"
                " GROUP BY a.leader_id",
                window,
            ),
            (f"SELECT COUNT(*), COUNT(DISTINCT a.project_id) {acts}", window),
            (
                f"SELECT a.project_id, COUNT(*), COUNT(DISTINCT a.leader_id) {acts}"
                " GROUP BY a.project_id ORDER BY 2 DESC, 3 DESC, 1 LIMIT 10",
                window,
            ),
        ]
        return statements

    def cockpit_check(self, board, results) -> None:
        funnel = {stage: n for stage, n, _ in results[0]}
        assert board.figures.count == sum(funnel.get(s.pk, 0) for s in board.stages)
        trend = {int(m): (a, b, c) for m, a, b, c in results[12]}
        for i, month in enumerate(board.months):
            expected = trend.get(i, (0, 0, 0))
            assert tuple(month.changes.values()) == expected, (month.label, expected)
        assert sum(n for *_, n, _ in results[13]) == sum(a.count for a in board.industries)
        entered = {stage: (a, b) for stage, i, a, b in results[14] if i == -1}
        for c in board.conversions:
            assert entered.get(c.stage.pk, (0, 0)) == (c.entered, c.reached), c.stage.name
        paused, idle = results[15][0]
        assert (board.paused_count, board.idle_count) == (paused or 0, idle)
        assert [r[3] for r in results[16]] == [r.project.code for r in board.idle]
        assert board.acts_count == results[19][0][0]
