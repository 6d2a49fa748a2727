"""Measure the queries Baton runs at a scale, against the best hand-written SQL.

    .venv/bin/python benchmarks/run.py --scale province --database sqlite
    .venv/bin/python benchmarks/run.py --scale province --database postgres
    .venv/bin/python benchmarks/run.py --scale province --database both --http   # `make bench`

Each database gets its own library (SQLite: ``$BATON_VAR_DIR/bench-<scale>.sqlite3``;
PostgreSQL: database ``baton_scale_<scale>``, created if missing), generated once with
``baton generate`` and reused afterwards. For every query the table shows the median
time through the product (the selector the page or API calls, Django and all), the
median of hand-written SQL giving the same answer on the same database (run on the raw
DB-API cursor), their ratio (at most 1.3), and the target in ms (``measure.TARGETS``). The answers are compared before
timing; a mismatch stops the run. ``--http`` then runs ``benchmarks/http_load.py bench``
on the same database (gunicorn, 2 workers, 16 and 200 connections) and prints its table
with the HTTP targets (``report.py``).

The parts: ``measure.py`` (timing, targets), ``suite_figures.py``,
``suite_cockpit.py`` and ``suite_ranking.py`` (the queries and their hand-written SQL)
and ``report.py`` (the tables).
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.measure import Measure  # noqa: E402 — after the path above
from benchmarks.report import Report  # noqa: E402
from benchmarks.suite_cockpit import Cockpit  # noqa: E402
from benchmarks.suite_figures import Figures  # noqa: E402
from benchmarks.suite_ranking import Ranking  # noqa: E402


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


class Bench(Figures, Cockpit, Ranking, Report, Measure):
    """The suite at one scale on one database: setup, the queries, the report."""

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


if __name__ == "__main__":
    main()
