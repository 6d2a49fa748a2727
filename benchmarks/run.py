# ruff: noqa: S608 — hand-written SQL is the point here; every value is a bound parameter
"""Measure the queries Baton runs at a scale, against the best hand-written SQL (issue 3).

    .venv/bin/python benchmarks/run.py --scale province --database sqlite
    .venv/bin/python benchmarks/run.py --scale province --database postgres
    .venv/bin/python benchmarks/run.py --scale province --database both    # what `make bench` runs

Each database gets its own library (SQLite: ``$BATON_VAR_DIR/bench-<scale>.sqlite3``;
PostgreSQL: database ``baton_scale_<scale>``, created if missing), generated once with
``baton generate`` and reused afterwards. For every query the table shows the median
time through the product (the selector the page or API calls, Django and all), the
median of hand-written SQL giving the same answer on the same database (run on the raw
DB-API cursor), their ratio, and the issue's target. The answers are compared before
timing; a mismatch stops the run.
"""

import argparse
import datetime as dt
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
        self.pending()
        self.print()

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
        self.office = User.objects.get(role=User.Role.DISTRICT_OFFICE, district=self.district)
        self.reviewer = User.objects.get(role=User.Role.CITY_REVIEWER, city=self.city)
        self.industry = Industry.objects.get(name="新能源")
        self.rare = (
            Project.objects.filter(district__city=self.city)
            .order_by("code")
            .values_list("name", flat=True)[777]
        )
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

    def pending(self) -> None:
        for label in (
            "驾驶舱图表",
            "单位月度排名",
            "HTTP 项目库页，16 并发（gunicorn 2 workers）",
            "HTTP 项目页，16 并发",
            "HTTP 混合页面，200 并发",
        ):
            self.rows.append((f"{label}（needs issue 4/6 pages）", None, None, None))

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
