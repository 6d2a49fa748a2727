# ruff: noqa: S608 — hand-written SQL is the point here; every value is a bound parameter
"""The figures as of any day or a month's end, and the project list and search, each
against hand-written SQL giving the same answer."""

import datetime as dt
from pathlib import Path

from benchmarks.measure import D_ANY, D_MONTH

ROOT = Path(__file__).resolve().parent.parent


class Figures:
    """The figures and the project list (a part of ``Bench``)."""

    def figures(self) -> None:
        from django.db import connection

        from baton.reports.selectors import Scope, end_of_day, figures_as_of

        dt_param = connection.ops.adapt_datetimefield_value
        day_param = connection.ops.adapt_datefield_value
        from baton.projects.models import Stage

        landed = list(Stage.objects.filter(allows_milestones=True).values_list("pk", flat=True))
        marks = ", ".join(["%s"] * len(landed))

        def as_of_sql(where: str, where_params: list, day: dt.date):
            cutoff = dt_param(end_of_day(day))
            base = (
                "SELECT project_id, stage_id, investment FROM projects_projectperiod"
                f" WHERE {where} AND review_state = 'admitted' AND valid_from < %s"
            )
            if self.vendor == "postgresql":
                cur = f"{base} AND valid_to >= %s UNION ALL {base} AND valid_to IS NULL"
                params = [*where_params, cutoff, cutoff, *where_params, cutoff]
            else:
                cur = f"{base} AND (valid_to >= %s OR valid_to IS NULL)"
                params = [*where_params, cutoff, cutoff]
            sql = (
                f"WITH cur AS ({cur}) SELECT '', stage_id, COUNT(*), SUM(investment) FROM cur GROUP BY stage_id"
                " UNION ALL SELECT m.kind, cur.stage_id, COUNT(*), SUM(cur.investment) FROM cur"
                " JOIN projects_milestone m ON m.project_id = cur.project_id"
                f" WHERE cur.stage_id IN ({marks}) AND m.date <= %s GROUP BY m.kind, cur.stage_id"
            )
            return sql, [*params, *landed, day_param(day)]

        ladder = (
            'SELECT id, code, name, "order", is_terminal, allows_milestones FROM projects_stage ORDER BY "order"',
            [],
        )

        def check(figures, results):
            rows = results[1]
            total = sum(n for kind, stage, n, _ in rows if kind == "" and stage in self.counted)
            assert figures.count == total, (figures.count, total)

        self.counted = set(Stage.objects.filter(is_terminal=False).values_list("pk", flat=True))
        district = Scope(district=self.district)
        self.add(
            f"截至任一日（{D_ANY}），最大的区",
            "fig_district",
            lambda: figures_as_of(as_of=D_ANY, scope=district, user=self.office),
            self.raw(ladder, as_of_sql("district_id = %s", [self.district.pk], D_ANY)),
            check,
        )
        self.add(
            f"截至任一日（{D_ANY}），全部",
            "fig_all",
            lambda: figures_as_of(as_of=D_ANY, scope=Scope()),
            self.raw(ladder, as_of_sql("1 = 1", [], D_ANY)),
            check,
        )
        from baton.reports.snapshots import stale_events_sql

        # The same answer includes knowing the snapshot is fresh: no later event touches it.
        month_sql = (
            "SELECT l.milestone, l.stage_id, SUM(l.count), SUM(l.investment) FROM reports_monthendline l"
            " JOIN reports_monthendsnapshot s ON s.id = l.snapshot_id WHERE s.date = %s{} AND NOT EXISTS"
            f" (SELECT 1 FROM projects_projectevent e WHERE e.id > s.watermark AND {stale_events_sql()})"
            " GROUP BY l.milestone, l.stage_id"
        )
        fresh = [dt_param(end_of_day(D_MONTH)), D_MONTH.isoformat(), D_MONTH.isoformat()]
        self.add(
            f"截至月末（{D_MONTH}），全部",
            "fig_month",
            lambda: figures_as_of(as_of=D_MONTH, scope=Scope()),
            self.raw(ladder, (month_sql.format(""), [day_param(D_MONTH), *fresh])),
            check,
        )
        self.add(
            f"截至月末（{D_MONTH}），最大的区",
            None,
            lambda: figures_as_of(as_of=D_MONTH, scope=district, user=self.office),
            self.raw(
                ladder,
                (
                    month_sql.format(" AND l.district_id = %s"),
                    [day_param(D_MONTH), self.district.pk, *fresh],
                ),
            ),
            check,
        )

    # --- the project list -----------------------------------------------------------

    def listing(self) -> None:
        from django.db import connection

        from baton.projects.listing import project_page

        columns = (
            "p.*, d.id, d.code, d.name, d.city_id, d.review_levels, u.id, u.name, u.kind,"
            ' s.id, s.name, s.code, s."order", i.id, i.name, l.id, l.name'
        )
        joins = (
            "FROM projects_project p JOIN org_district d ON d.id = p.district_id"
            " JOIN org_unit u ON u.id = p.unit_id JOIN projects_stage s ON s.id = p.stage_id"
            " LEFT JOIN projects_industry i ON i.id = p.industry_id LEFT JOIN org_person l ON l.id = p.leader_id"
        )

        def page_sql(where: str, params: list, order: str):
            # The page's ids from the project table alone, then the display joins by id.
            return (
                (
                    f"SELECT COUNT(*), SUM(p.investment) FROM projects_project p WHERE {where}",
                    params,
                ),
                (
                    f"SELECT {columns} FROM (SELECT p.id FROM projects_project p WHERE {where}"
                    f" ORDER BY {order} LIMIT 51) page {joins.replace('FROM projects_project p', 'JOIN projects_project p ON p.id = page.id')}"
                    f" ORDER BY {order}",
                    params,
                ),
            )

        def check(page, results):
            (count, _), rows = results[0][0], results[1]
            assert page.total == count, (page.total, count)
            assert [p.pk for p in page.rows] == [r[0] for r in rows[:50]]

        def product(user, **kwargs):
            def run():
                page = project_page(user=user, **kwargs)
                for p in page.rows:  # what the template touches
                    _ = (p.district.name, p.unit.name, p.stage.name, p.industry, p.leader)
                return page

            return run

        district = self.district.pk
        self.add(
            "项目库首页+合计（区招商办，最近动态）",
            "list",
            product(self.office, filters={}),
            self.raw(*page_sql("p.district_id = %s", [district], "p.updated_at DESC, p.id DESC")),
            check,
        )
        city_where = "p.district_id IN (SELECT id FROM org_district WHERE city_id = %s)"
        self.add(
            "项目库首页+合计（市招商办，已入库+行业，按投资额）",
            "list",
            product(
                self.reviewer,
                filters={"review_state": "admitted", "industry": self.industry.pk},
                sort="investment_desc",
            ),
            self.raw(
                *page_sql(
                    f"{city_where} AND p.review_state = 'admitted' AND p.industry_id = %s",
                    [self.city.pk, self.industry.pk],
                    "p.investment DESC, p.id DESC",
                )
            ),
            check,
        )
        # A deep page: the cursor after the 5,000th row of the district.
        page = None
        cursor = None
        for _ in range(100):
            page = project_page(user=self.office, filters={}, cursor=cursor, size=50)
            cursor = page.next_cursor
        last = page.rows[-1]
        updated = connection.ops.adapt_datetimefield_value(last.updated_at)
        self.add(
            "项目库第 101 页+合计（区招商办，键集分页）",
            "list",
            product(self.office, filters={}, cursor=cursor),
            self.raw(
                (
                    "SELECT COUNT(*), SUM(p.investment) FROM projects_project p WHERE p.district_id = %s",
                    [district],
                ),
                page_sql(
                    "p.district_id = %s AND p.updated_at <= %s AND NOT (p.updated_at = %s AND p.id >= %s)",
                    [district, updated, updated, last.pk],
                    "p.updated_at DESC, p.id DESC",
                )[1],
            ),
            check,
        )
        from baton.projects.search import _common

        # The best SQL for a common or short term on SQLite is LIKE over the scope too.
        for label, term in (("罕见词", self.rare), ("常见词", "有限公司"), ("两字词", "电池")):
            if self.vendor == "postgresql":
                op = "LIKE" if term.lower() == term.upper() else "ILIKE"
                text = f"(p.name {op} %s OR p.investor {op} %s)"
                text_params = [f"%{term}%", f"%{term}%"]
            elif len(term) >= 3 and not _common(term):
                text = "p.id IN (SELECT rowid FROM projects_project_fts WHERE projects_project_fts MATCH %s)"
                text_params = [f'"{term}"']
            else:
                text = "(p.name LIKE %s ESCAPE '\\' OR p.investor LIKE %s ESCAPE '\\')"
                text_params = [f"%{term}%", f"%{term}%"]
            self.add(
                f"搜索{label}“{term}”首页+合计（市招商办）",
                "search",
                product(self.reviewer, filters={"q": term}),
                self.raw(
                    *page_sql(
                        f"{city_where} AND {text}",
                        [self.city.pk, *text_params],
                        "p.updated_at DESC, p.id DESC",
                    )
                ),
                check,
            )
