# ruff: noqa: S608 — hand-written SQL is the point here; every value is a bound parameter
"""Measure the queries Baton runs at a scale, against the best hand-written SQL (issue 3).

    .venv/bin/python benchmarks/run.py --scale province --database sqlite
    .venv/bin/python benchmarks/run.py --scale province --database postgres
    .venv/bin/python benchmarks/run.py --scale province --database both --http   # `make bench`

Each database gets its own library (SQLite: ``$BATON_VAR_DIR/bench-<scale>.sqlite3``;
PostgreSQL: database ``baton_scale_<scale>``, created if missing), generated once with
``baton generate`` and reused afterwards. For every query the table shows the median
time through the product (the selector the page or API calls, Django and all), the
median of hand-written SQL giving the same answer on the same database (run on the raw
DB-API cursor), their ratio, and the issue's target. The answers are compared before
timing; a mismatch stops the run. ``--http`` then runs ``benchmarks/http_load.py bench``
on the same database (gunicorn, 2 workers, 16 and 200 connections) and prints its table
with the issue's HTTP targets.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: (key, label, {(scale, vendor): target in ms})
TARGETS = {
    "fig_district": {
        ("province", "sqlite"): 15,
        ("province", "postgresql"): 25,
        ("national", "postgresql"): 50,
    },
    "fig_month": {
        ("province", "sqlite"): 10,
        ("province", "postgresql"): 10,
        ("national", "postgresql"): 50,
    },
    "fig_all": {
        ("province", "sqlite"): 350,
        ("province", "postgresql"): 250,
        ("national", "postgresql"): 3500,
    },
    "list": {
        ("province", "sqlite"): 25,
        ("province", "postgresql"): 25,
        ("national", "postgresql"): 60,
    },
    "search": {
        ("province", "sqlite"): 30,
        ("province", "postgresql"): 30,
        ("national", "postgresql"): 300,
    },
    # 领导驾驶舱 (issue 6): every figure of the page "well under 2 s".
    "cockpit": {
        ("province", "sqlite"): 2000,
        ("province", "postgresql"): 2000,
        ("national", "postgresql"): 2000,
    },
    # 单位月度排名 (issue 4): the engine's lines for the largest district's units.
    "ranking": {
        ("province", "sqlite"): 500,
        ("province", "postgresql"): 500,
    },
}
RATIO_TARGET = 1.3
D_ANY = dt.date(2024, 6, 17)
D_MONTH = dt.date(2024, 6, 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", default="province", choices=["district", "city", "province", "national"]
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgres", "both"])
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432", help="server URL"
    )
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--http",
        action="store_true",
        help="再用 benchmarks/http_load.py 测 HTTP（gunicorn 2 进程，16 与 200 并发），填入表中",
    )
    parser.add_argument("--http-duration", type=float, default=20.0, help="HTTP 每格秒数")
    args = parser.parse_args()
    if args.database == "both":
        for database in ("sqlite", "postgres"):
            command = [sys.executable, __file__, *_forward(args), "--database", database]
            subprocess.run(command, check=True)  # noqa: S603 — our own script
        return
    var = Path(os.environ.get("BATON_VAR_DIR", ROOT / "var"))
    if args.database == "postgres":
        name = f"baton_scale_{args.scale}"
        _create_database(args.postgres, name)
        os.environ["DATABASE_URL"] = f"{args.postgres}/{name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{var / f'bench-{args.scale}.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    Bench(args).run()


def _forward(args) -> list[str]:
    return [
        "--scale",
        args.scale,
        "--seed",
        str(args.seed),
        "--postgres",
        args.postgres,
        "--repeat",
        str(args.repeat),
        "--http-duration",
        str(args.http_duration),
        *(["--http"] if args.http else []),
    ]


def _create_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


class Bench:
    def __init__(self, args):
        self.args = args
        self.rows: list[tuple] = []

    def run(self) -> None:
        from django.core.management import call_command
        from django.db import connection

        self.vendor = connection.vendor
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        call_command("generate", scale=self.args.scale, seed=self.args.seed)
        call_command("refresh_snapshots")
        print(f"准备数据用时 {time.monotonic() - started:.0f} 秒（已有数据时直接复用）。")
        self.setup()
        self.figures()
        self.listing()
        self.cockpit()
        self.ranking()
        self.pending()
        self.print()
        self.print_http()

    # --- the library under test ------------------------------------------------------

    def setup(self) -> None:
        from django.db.models import Count

        from baton.accounts.models import User
        from baton.org.models import City, District
        from baton.projects.models import Industry, Project

        by_district = Project.objects.values("district_id").annotate(n=Count("id")).order_by("-n")
        self.district = District.objects.select_related("city").get(
            pk=by_district[0]["district_id"]
        )
        self.district_projects = by_district[0]["n"]
        by_city = Project.objects.values("district__city_id").annotate(n=Count("id")).order_by("-n")
        self.city = City.objects.get(pk=by_city[0]["district__city_id"])
        self.city_projects = by_city[0]["n"]
        # The generated office: `make bench-http` adds its own account to this district.
        self.office = (
            User.objects.filter(role=User.Role.DISTRICT_OFFICE, district=self.district)
            .order_by("pk")
            .first()
        )
        self.reviewer = User.objects.get(role=User.Role.CITY_REVIEWER, city=self.city)
        self.industry = Industry.objects.get(name="新能源")
        names = Project.objects.filter(district__city=self.city).order_by("code")
        # A name from the middle of the city's list (the district scale has 600 projects).
        self.rare = names.values_list("name", flat=True)[min(777, self.city_projects // 2)]
        total = Project.objects.count()
        print(
            f"{self.vendor}，规模 {self.args.scale}：{total:,} 个项目；最大的区 {self.district.name} "
            f"{self.district_projects:,} 个，最大的市 {self.city.name} {self.city_projects:,} 个。"
        )

    # --- measuring -------------------------------------------------------------------

    def time(self, fn) -> float:
        for _ in range(2):
            fn()
        samples = []
        for _ in range(self.args.repeat):
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
        return statistics.median(samples) * 1000

    def raw(self, *statements):
        """Return a function running hand-written SQL on the DB-API cursor, all rows fetched."""
        from django.db import connection

        def adapt(sql):
            return sql.replace("%s", "?") if self.vendor == "sqlite" else sql

        prepared = [(adapt(sql), params) for sql, params in statements]

        def run():
            cursor = connection.connection.cursor()
            try:
                results = []
                for sql, params in prepared:
                    cursor.execute(sql, params)
                    results.append(cursor.fetchall())
                return results
            finally:
                cursor.close()

        return run

    def add(self, label: str, target_key: str | None, product, raw, check=None) -> None:
        if check is not None:
            check(product(), raw())
        product_ms, raw_ms = self.time(product), self.time(raw)
        target = (
            TARGETS.get(target_key, {}).get((self.args.scale, self.vendor)) if target_key else None
        )
        self.rows.append((label, product_ms, raw_ms, target))

    # --- figures ---------------------------------------------------------------------

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

    # --- 领导驾驶舱 (issue 6) ----------------------------------------------------------

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
        idle = (
            "NOT EXISTS (SELECT 1 FROM projects_projectevent e WHERE e.project_id = p.project_id"
            " AND e.at >= %s AND e.at < %s)"
        )
        since_idle = dt_param(end_of_day(day) - dt.timedelta(days=30))
        base = f"FROM projects_projectperiod p WHERE {where} AND {current} AND {on_ladder}"
        base_params = [*params, cutoff, cutoff]
        statements.append(
            (
                f"SELECT SUM(CASE WHEN {paused} THEN 1 ELSE 0 END), COUNT(*) {base} AND {idle}",
                [cutoff, cutoff, *base_params, since_idle, cutoff],
            )
        )
        for negate in ("NOT ", ""):
            statements.append(
                (
                    "SELECT p.id, p.project_id, p.investment, pr.code, pr.name, s.name, u.name,"
                    " (SELECT MAX(e.at) FROM projects_projectevent e WHERE e.project_id = p.project_id"
                    f" AND e.at < %s) FROM (SELECT p.id {base} AND {negate}{paused} AND {idle}"
                    " ORDER BY p.investment DESC, p.project_id LIMIT 15) t"
                    " JOIN projects_projectperiod p ON p.id = t.id JOIN projects_project pr ON pr.id = p.project_id"
                    " JOIN projects_stage s ON s.id = p.stage_id JOIN org_unit u ON u.id = p.unit_id"
                    " ORDER BY p.investment DESC, p.project_id",
                    [cutoff, *base_params, cutoff, cutoff, since_idle, cutoff],
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
        assert (board.paused_count, board.idle_count) == (paused or 0, idle - (paused or 0))
        assert [r[3] for r in results[16]] == [r.project.code for r in board.idle]
        assert board.acts_count == results[19][0][0]

    # --- 单位月度排名 (issue 4) --------------------------------------------------------

    def ranking(self) -> None:
        """The month's ranking of the largest district's units under a §3.2-like scheme.

        The scheme is written through the services inside a transaction that is rolled
        back afterwards, so the library stays as generated. The product is
        ``engine.compute`` — the lines that 试算 (``ranking_compute``) computes before it
        stores them — without the store; the SQL gives every unit's credited facts of the
        month, from which the check recomputes every unit's score.
        """
        from django.db import transaction

        from baton.assessment import engine

        start, end = D_MONTH.replace(day=1), D_MONTH
        with transaction.atomic():
            scheme, indicators = self.ranking_scheme()
            units = scheme.units.count()
            self.add(
                f"单位月度排名（{self.district.name} {units} 个单位，{end.year}年{end.month}月，"
                "引擎计算不落库）",
                "ranking",
                lambda: engine.compute(scheme=scheme, period_start=start, period_end=end),
                self.raw(self.ranking_sql(scheme, start, end)),
                lambda lines, results: self.ranking_check(
                    scheme, indicators, start, end, lines, results[0]
                ),
            )
            transaction.set_rollback(True)

    #: Monthly targets by kind of unit: 亿元 projects admitted (个), signed (个, 亿元), landed (亿元).
    RANKING_TARGETS = {
        "town": ("1", "2", "5", "3"),
        "department": ("1", "1", "3", "2"),
        "headquarters": ("2", "3", "10", "8"),
        "group": ("3", "4", "20", "15"),
    }

    def ranking_scheme(self):
        """Write and publish the scheme (REAL_WORLD §3.2's scored indicators) with targets."""
        from baton.assessment import services
        from baton.assessment.demo import BIG, MAIN_INDUSTRIES
        from baton.org.models import Unit

        scheme = services.scheme_create(
            district=self.district, name="单位月度招商绩效评价（基准测试）", period_kind="month"
        )
        units = list(Unit.objects.filter(district=self.district).exclude(kind=Unit.Kind.OFFICE))
        services.scheme_units_set(scheme=scheme, members={u: u.get_kind_display() for u in units})
        add = services.indicator_add
        made = {
            "big": add(
                scheme=scheme,
                name="新引进亿元项目数量",
                kind="ratio",
                weight="30",
                cap="30",
                config=BIG,
            ),
            "signed": add(
                scheme=scheme,
                name="新签约项目个数与投资额",
                kind="ratio",
                weight="20",
                cap="20",
                config={
                    "parts": [
                        {"metric": "signed", "share": "0.5"},
                        {"metric": "signed", "measure": "amount_yi", "share": "0.5"},
                    ]
                },
            ),
            "landed": add(
                scheme=scheme,
                name="落地项目投资额",
                kind="ratio",
                weight="20",
                cap="20",
                config={"metric": "landed", "measure": "amount_yi"},
            ),
            "fit": add(
                scheme=scheme,
                name="产业契合度",
                kind="ratio",
                weight="20",
                config={
                    "metric": "admitted",
                    "industries": MAIN_INDUSTRIES,
                    "over": {"metric": "admitted"},
                },
            ),
            "beyond": add(
                scheme=scheme,
                name="超目标引进亿元项目",
                kind="tiers",
                weight="6",
                cap="6",
                config={**BIG, "by": "each", "points": "2", "beyond_target": True},
            ),
            "major": add(
                scheme=scheme,
                name="引进10亿元以上重大项目",
                kind="tiers",
                weight="0",
                config={
                    "metric": "admitted",
                    "by": "amount",
                    "tiers": [{"min": "500000", "points": "8"}, {"min": "100000", "points": "4"}],
                },
            ),
        }
        values = {}
        for unit in units:
            big, signed, signed_yi, landed_yi = self.RANKING_TARGETS[unit.kind]
            values[(made["big"].pk, unit.pk, 0)] = big
            values[(made["signed"].pk, unit.pk, 0)] = signed
            values[(made["signed"].pk, unit.pk, 1)] = signed_yi
            values[(made["landed"].pk, unit.pk, 0)] = landed_yi
            values[(made["beyond"].pk, unit.pk, 0)] = big
        services.targets_set(scheme=scheme, values=values)
        services.scheme_publish(scheme=scheme, actor=self.office)
        return scheme, made

    def ranking_sql(self, scheme, start: dt.date, end: dt.date) -> tuple:
        """Return the statement giving each unit's credited counts and 元 of the month.

        One row per (metric, unit, relay role, ≥ 1亿, 重大项目 points, main industry): the
        projects of the month (admitted, moved into a landed stage, signed) admitted in the
        district at the period end, each role's unit as the history last recorded it before
        the end (none: the responsible unit then).
        """
        from django.db import connection

        from baton.assessment.demo import MAIN_INDUSTRIES
        from baton.projects.models import Industry, Stage
        from baton.reports.snapshots import end_of_day

        dt_param = connection.ops.adapt_datetimefield_value
        day_param = connection.ops.adapt_datefield_value
        pg = self.vendor == "postgresql"
        begin, cutoff = (
            dt_param(end_of_day(start - dt.timedelta(days=1))),
            dt_param(end_of_day(end)),
        )
        landing = list(Stage.objects.filter(allows_milestones=True).values_list("pk", flat=True))
        main = list(Industry.objects.filter(name__in=MAIN_INDUSTRIES).values_list("pk", flat=True))

        def marks(ids: list) -> str:
            return ", ".join(["%s"] * len(ids))

        def role(key: str) -> str:
            has = f"e.new ? '{key}'" if pg else f"json_type(e.new, '$.{key}') IS NOT NULL"
            unit = f"(e.new ->> '{key}')::bigint" if pg else f"json_extract(e.new, '$.{key}')"
            return (
                f"(SELECT {unit} FROM projects_projectevent e WHERE e.project_id = c.project_id"
                f" AND e.at < %s AND {has} ORDER BY e.at DESC, e.id DESC LIMIT 1)"
            )

        stage = "(e.new ->> 'stage')::bigint" if pg else "json_extract(e.new, '$.stage')"
        credit = " UNION ALL ".join(
            f"SELECT c.metric, c.industry_id, c.investment, '{r}' AS role,"
            f" COALESCE(r.{r}, c.unit_id) AS unit FROM counted c JOIN roles r ON r.project_id = c.project_id"
            for r in ("info", "talks", "landing")
        )
        yuan = 10_000  # 元 per 万元
        sql = (
            "WITH marks AS ("
            "SELECT DISTINCT 'admitted' AS metric, e.project_id FROM projects_projectevent e"
            " WHERE e.district_id = %s AND e.kind = 'admitted' AND e.at >= %s AND e.at < %s"
            " UNION ALL SELECT DISTINCT 'landed', e.project_id FROM projects_projectevent e"
            " WHERE e.district_id = %s AND e.kind = 'moved' AND e.at >= %s AND e.at < %s"
            f" AND {stage} IN ({marks(landing)})"
            " UNION ALL SELECT 'signed', m.project_id FROM projects_milestone m"
            " WHERE m.kind = 'signed' AND m.date >= %s AND m.date <= %s),"
            " counted AS (SELECT k.metric, p.project_id, p.unit_id, p.industry_id, p.investment"
            " FROM marks k JOIN projects_projectperiod p ON p.project_id = k.project_id"
            " WHERE p.district_id = %s AND p.review_state = 'admitted' AND p.valid_from < %s"
            " AND (p.valid_to >= %s OR p.valid_to IS NULL)),"
            f" roles AS (SELECT c.project_id, {role('info_unit')} AS info,"
            f" {role('talks_unit')} AS talks, {role('landing_unit')} AS landing"
            " FROM (SELECT DISTINCT project_id FROM counted) c),"
            f" credit AS ({credit})"
            " SELECT metric, unit, role, CASE WHEN investment >= %s THEN 1 ELSE 0 END,"
            " CASE WHEN investment >= %s THEN 8 WHEN investment >= %s THEN 4 ELSE 0 END,"
            f" CASE WHEN industry_id IN ({marks(main)}) THEN 1 ELSE 0 END, COUNT(*), SUM(investment)"
            " FROM credit GROUP BY 1, 2, 3, 4, 5, 6"
        )
        district = self.district.pk
        params = [
            *(district, begin, cutoff),
            *(district, begin, cutoff, *landing),
            *(day_param(start), day_param(end)),
            *(district, cutoff, cutoff),
            *(cutoff, cutoff, cutoff),
            *(10_000 * yuan, 500_000 * yuan, 100_000 * yuan, *main),
        ]
        return sql, params

    def ranking_check(self, scheme, made, start, end, lines, rows) -> None:
        """The engine's facts equal the SQL's, and its every score those facts give."""
        from decimal import Decimal, localcontext

        from baton.assessment.demo import BIG, MAIN_INDUSTRIES
        from baton.assessment.facts import Facts, value
        from baton.assessment.models import Target

        zero, yi = Decimal(0), Decimal(100_000_000)  # 元 per 亿元
        shares = scheme.relay_shares()
        with localcontext() as ctx:
            ctx.prec = 40
            sql: dict[str, dict[int, Decimal]] = {}

            def put(name: str, unit: int, amount: Decimal) -> None:
                sql.setdefault(name, {})[unit] = sql.get(name, {}).get(unit, zero) + amount

            for metric, unit, role, big, points, main, n, total in rows:
                share = shares[role]
                if metric == "admitted":
                    put("admitted", unit, share * n)
                    put("points", unit, share * n * points)
                    if big:
                        put("big", unit, share * n)
                    if main:
                        put("fit", unit, share * n)
                else:
                    put(metric, unit, share * n)
                    put(f"{metric}_yi", unit, share * Decimal(total) / yi)
            facts = Facts(district=self.district, shares=shares, start=start, end=end)
            specs = {
                "admitted": ({"metric": "admitted"}, "count"),
                "big": (BIG, "count"),
                "fit": ({"metric": "admitted", "industries": MAIN_INDUSTRIES}, "count"),
                "signed": ({"metric": "signed"}, "count"),
                "signed_yi": ({"metric": "signed"}, "amount_yi"),
                "landed": ({"metric": "landed"}, "count"),
                "landed_yi": ({"metric": "landed"}, "amount_yi"),
            }
            members = [line.unit_id for line in lines]
            for name, (spec, measure) in specs.items():
                cases = facts.cases(spec)
                for unit in members:
                    product = value(cases, unit, measure)
                    expected = sql.get(name, {}).get(unit, zero)
                    assert product == expected, (name, unit, product, expected)
            assert sum(sql.get("admitted", {}).values(), zero) > 0, "本月没有入库项目，排名无意义"
            targets = {
                (t.indicator_id, t.unit_id, t.part): t.value
                for t in Target.objects.filter(indicator__scheme=scheme)
            }

            def ratio(indicator, parts) -> Decimal:
                raw = zero
                for actual, target, share in parts:
                    if target:
                        raw += actual / target * Decimal(share)
                raw *= indicator.weight
                return raw if indicator.cap is None else min(raw, indicator.cap)

            for line in lines:
                u = line.unit_id

                def fact(name: str, u=u) -> Decimal:
                    return sql.get(name, {}).get(u, zero)

                def target(key: str, part: int = 0, u=u) -> Decimal:
                    return targets[(made[key].pk, u, part)]

                expected = [
                    ratio(made["big"], [(fact("big"), target("big"), 1)]),
                    ratio(
                        made["signed"],
                        [
                            (fact("signed"), target("signed"), "0.5"),
                            (fact("signed_yi"), target("signed", 1), "0.5"),
                        ],
                    ),
                    ratio(made["landed"], [(fact("landed_yi"), target("landed"), 1)]),
                    ratio(made["fit"], [(fact("fit"), fact("admitted"), 1)]),
                    min(2 * max(fact("big") - target("beyond"), zero), made["beyond"].cap),
                    fact("points"),
                ]
                got = [s.exact for s in line.scores]
                assert got == expected, (u, got, expected)

    def pending(self) -> None:
        if self.args.http:
            self.http()
            return
        for label in (
            "HTTP 项目库页，16 并发（gunicorn 2 workers）",
            "HTTP 项目页，16 并发",
            "HTTP 混合页面，200 并发",
        ):
            self.rows.append((f"{label}（--http 或 make bench-http）", None, None, None))

    def http(self) -> None:
        """Run benchmarks/http_load.py on this database; keep its cells for the table."""
        import tempfile

        from django.db import connections

        connections.close_all()
        with tempfile.TemporaryDirectory() as tmp:
            cells = Path(tmp) / "http.json"
            command = [
                sys.executable,
                str(ROOT / "benchmarks" / "http_load.py"),
                "bench",
                "--scale",
                self.args.scale,
                "--database-url",
                os.environ["DATABASE_URL"],
                "--duration",
                str(self.args.http_duration),
                "--json",
                str(cells),
            ]
            print("\nHTTP：" + " ".join(command[1:]), flush=True)
            subprocess.run(command, check=False)  # noqa: S603 — our own script
            self.http_cells = json.loads(cells.read_text()) if cells.exists() else []

    def print_http(self) -> None:
        if not self.args.http:
            return
        print()
        print(f"HTTP（gunicorn 2 进程 × 4 线程，每格 {self.args.http_duration:g} 秒）")
        print(
            f"{'页面':<22}{'并发':>6}{'请求/秒':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'错误':>6}  目标"
        )
        for cell in self.http_cells:
            verdict = ""
            if cell["page"] == "项目库（首页+合计）" and cell["connections"] == 16:
                met = cell["per_second"] >= 200 and cell["p95"] <= 150 and not cell["errors"]
                verdict = f"≥ 200 请求/秒、p95 ≤ 150 ms、0 错误：{'达标' if met else '未达标'}"
            elif cell["connections"] >= 200:
                verdict = f"0 错误：{'达标' if not cell['errors'] else '未达标'}"
            print(
                f"{cell['page']:<22}{cell['connections']:>6}{cell['per_second']:>10.1f}"
                f"{cell['p50']:>9.0f}{cell['p95']:>9.0f}{cell['p99']:>9.0f}{cell['errors']:>6}  {verdict}"
            )
        if not self.http_cells:
            print("HTTP 测量没有结果（见上面 http_load.py 的输出）。")

    def print(self) -> None:
        width = max(len(r[0]) for r in self.rows) + 2
        print()
        print(f"{'查询':<{width}}{'产品 ms':>10}{'手写SQL ms':>12}{'比值':>8}{'目标 ms':>10}  结果")
        for label, product, raw, target in self.rows:
            if product is None:
                print(f"{label:<{width}}{'—':>10}{'—':>12}{'—':>8}{'—':>10}  未测")
                continue
            ratio = product / raw if raw else float("nan")
            verdicts = []
            if target is not None:
                verdicts.append("达标" if product <= target else "未达标")
            verdicts.append("比值达标" if ratio <= RATIO_TARGET else "比值超 1.3")
            print(
                f"{label:<{width}}{product:>10.2f}{raw:>12.2f}{ratio:>8.2f}"
                f"{(str(target) if target else '—'):>10}  {'，'.join(verdicts)}"
            )


if __name__ == "__main__":
    main()
