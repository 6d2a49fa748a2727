"""Time a 100,000-row ledger import (a whole province's ledger): dry run, import, re-import.

    .venv/bin/python benchmarks/ledger_import.py                          # 100,000 rows, SQLite
    .venv/bin/python benchmarks/ledger_import.py --database postgres
    .venv/bin/python benchmarks/ledger_import.py --rows 2000 --database both   # a quick run

Each run starts from a fresh database (SQLite: ``$BATON_VAR_DIR/bench-import.sqlite3``,
default ``/tmp/baton-bench-import``; PostgreSQL: ``baton_bench_import``, dropped and
re-created), migrates it, creates one generated district (``build_org`` of the
``district`` scale: its towns, departments, leaders) and writes a contract-layout ledger
for it with openpyxl write-only: Chinese project names and investors, every stage, review
state and milestone, amounts with decimals, text and Excel dates. Each phase runs in its
own process, through ``ledger_import`` exactly as ``baton import-ledger`` calls it, so its
peak memory (``ru_maxrss``: the whole process, Django and the workbook included) is its
own; a large import also runs its duplicate pool in a child process, whose peak is shown
after a "+". After the import ``baton check-periods`` must find 0 differences, and the
re-import must find every row unchanged and write nothing.
"""

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_NAME = "baton_bench_import"
PHASES = (
    ("validate", "读取+校验 read+validate"),
    ("dry", "试导入 dry run"),
    ("import", "导入 import"),
    ("reimport", "再次导入 re-import"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgres", "both"])
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432", help="server URL"
    )
    parser.add_argument(
        "--timeout", type=float, default=3600, help="give up on a phase after this many seconds"
    )
    parser.add_argument(
        "--phases",
        default=",".join(p for p, _ in PHASES),
        help="comma-separated subset of: " + ", ".join(p for p, _ in PHASES),
    )
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    var = Path(os.environ.get("BATON_VAR_DIR", Path(tempfile.gettempdir()) / "baton-bench-import"))
    os.environ["BATON_VAR_DIR"] = str(var)
    var.mkdir(parents=True, exist_ok=True)
    if args.phase:
        _phase(args)
        return
    for database in ("sqlite", "postgres") if args.database == "both" else (args.database,):
        if database == "postgres":
            _recreate_database(args.postgres, PG_NAME)
            url = f"{args.postgres}/{PG_NAME}"
        else:
            path = var / "bench-import.sqlite3"
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            url = f"sqlite:///{path}"
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
        # Setup in a child too: this process never imports Django, so each run is fresh.
        command = [sys.executable, __file__, "--phase", "setup", "--rows", str(args.rows)]
        command += ["--seed", str(args.seed)]
        subprocess.run(command, check=True, env=env)  # noqa: S603 — our own script
        ledger = var / f"ledger-{args.rows}-{args.seed}.xlsx"
        results = []
        for phase, label in [(p, label) for p, label in PHASES if p in args.phases.split(",")]:
            command = [sys.executable, __file__, "--phase", phase, "--file", str(ledger)]
            try:
                done = subprocess.run(  # noqa: S603
                    command, env=env, capture_output=True, text=True, timeout=args.timeout
                )
            except subprocess.TimeoutExpired:
                results.append((label, None))
                print(f"{label}: 超过 {args.timeout:.0f} 秒未完成，放弃。", flush=True)
                break
            if done.returncode:
                sys.stderr.write(done.stdout + done.stderr)
                raise SystemExit(f"{label} 失败")
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            results.append((label, figures))
            print(f"{label}: {figures}", flush=True)
        _print(database, args.rows, ledger, results)


def _recreate_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _print(database: str, rows: int, ledger: Path, results) -> None:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print()
    print(
        f"{database}：{rows:,} 行台账（{ledger.stat().st_size / 1048576:.1f} MB），"
        f"{os.cpu_count()} 核，开始时负载 {results[0][1]['load'] if results and results[0][1] else '?'}"
        f"，结束时负载 {load}"
    )
    print(f"| {'phase':<22} | {'seconds':>8} | {'rows/s':>8} | {'peak MB':>14} | result")
    print(f"|{'-' * 24}|{'-' * 10}|{'-' * 10}|{'-' * 16}|{'-' * 40}")
    for label, f in results:
        if f is None:
            print(f"| {label:<22} | {'timeout':>8} | {'-':>8} | {'-':>14} |")
            continue
        peak = f"{f['peak_mb']:.0f}"
        if f.get("child_mb"):
            peak += f" + {f['child_mb']:.0f}"  # the duplicate pool's process
        outcome = (
            f"新建 {f['created']:,} 更新 {f['updated']:,} 未变 {f['unchanged']:,} "
            f"动态 {f['events']:,} 错误 {f['errors']}"
        )
        if f.get("check"):
            outcome += f"；{f['check']}"
        print(
            f"| {label:<22} | {f['seconds']:>8.1f} | {rows / f['seconds']:>8,.0f} | "
            f"{peak:>14} | {outcome}"
        )
    print(flush=True)


# --- in the child processes ---------------------------------------------------------------


def _phase(args) -> None:
    import django

    django.setup()
    if args.phase == "setup":
        _setup(args)
        return
    from django.core.management import call_command

    from baton.ledger.importer import ledger_import
    from baton.org.models import District

    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    data = Path(args.file).read_bytes()
    district = District.objects.get()
    started = time.perf_counter()
    if args.phase == "validate":
        result = _validate_only(data, district)
    else:
        result = ledger_import(data=data, district=district, dry_run=args.phase == "dry")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # A large import keeps its duplicate pool in a child process (baton/projects/bulk/candidates.py);
    # its own peak (the kernel's ru_maxrss of a child counts the parent's pages it was
    # forked with, before it loaded its program).
    from baton.projects.duplicate_index import PoolProcess

    child = PoolProcess.last_peak_mb or 0
    for error in result.errors[:20]:
        sys.stderr.write(error.line() + "\n")
    check = ""
    if args.phase in ("import", "reimport") and result.ok:
        from io import StringIO

        out = StringIO()
        call_command("check_periods", stdout=out)
        check = out.getvalue().strip()
    figures = {
        "seconds": round(seconds, 2),
        "peak_mb": round(peak, 1),
        "child_mb": round(child, 1),
        "created": len(result.created),
        "updated": len(result.updated),
        "unchanged": len(result.unchanged),
        "events": result.events,
        "errors": len(result.errors),
        "check": check,
        "load": load,
    }
    print(json.dumps(figures, ensure_ascii=False))
    if result.errors:
        raise SystemExit(1)


def _validate_only(data: bytes, district):
    """Read, convert, check and plan every row as ``ledger_import`` does, without the
    write phase: what the file side of an import costs."""
    import gc

    from baton.ledger.importer import ImportResult, _Importer
    from baton.ledger.reading import Limits, read_book

    gc.disable()  # as ledger_import does
    result = ImportResult(dry_run=True)
    result.book = read_book(data, Limits())
    importer = _Importer(result, actor=None, default_district=district)
    plans = importer.plan(importer.parse(result.book))
    for row, steps in plans:
        if not steps:
            result.unchanged.append(row.values["code"])
        else:
            (result.created if row.project is None else result.updated).append(row.values["code"])
    return result


def _setup(args) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from baton.demo.generator import SCALES, build_org

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        build_org(SCALES["district"], args.seed, projects=0)
    var = Path(os.environ["BATON_VAR_DIR"])
    ledger = var / f"ledger-{args.rows}-{args.seed}.xlsx"
    if not ledger.exists():
        tmp = ledger.with_suffix(".part")
        write_ledger(tmp, args.rows, args.seed)
        shutil.move(tmp, ledger)
    print(
        f"准备：迁移、机构和 {args.rows:,} 行台账 {time.perf_counter() - started:.0f} 秒"
        f"（{ledger}）",
        flush=True,
    )


def write_ledger(path: Path, rows: int, seed: int) -> None:
    """Write a contract-layout ledger of ``rows`` projects for the only district."""
    from openpyxl import Workbook

    from baton.demo.generator.names import (
        BRAND_FIRST,
        BRAND_SECOND,
        COMPANY_FORMS,
        CONTACTS,
        INVESTOR_CITIES,
        NOTES,
        PRODUCT_LIST,
        SOURCES,
    )
    from baton.ledger.columns import COLUMNS, HISTORY_SHEET, SHEET
    from baton.org.models import District, Person, Unit

    rng = random.Random(f"baton-ledger-bench/{seed}/{rows}")  # noqa: S311 — test data
    district = District.objects.get()
    units = [u.name for u in Unit.objects.filter(district=district, is_active=True)]
    names = [p.name for p in Person.objects.filter(city_id=district.city_id).exclude(level="staff")]
    leaders = [n for n in names if names.count(n) == 1]
    two_levels = district.review_levels == 2
    today = dt.date.today()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append([c.header for c in COLUMNS])
    history = wb.create_sheet(HISTORY_SHEET)
    history.append(["项目编号", "阶段", "日期", "说明"])
    stages = ["策划"] * 15 + ["意向"] * 20 + ["在谈"] * 25 + ["落地"] * 35 + ["中止"] * 5
    states = ["已入库"] * 70 + ["草稿"] * 10 + ["已上报"] * 8 + ["已退回"] * 4
    states += ["区已审核"] * 8 if two_levels else ["已入库"] * 8
    seq: dict[int, int] = {}
    for n in range(rows):
        industry, product = rng.choice(PRODUCT_LIST)
        brand = rng.choice(BRAND_FIRST) + rng.choice(BRAND_SECOND)
        city = rng.choice(INVESTOR_CITIES)
        investor = f"{city}{brand}{rng.choice(COMPANY_FORMS)}"
        # A serial in the name: 100,000 real projects do not share a name either.
        name = f"{brand}{product}{rng.choice(['项目', '基地项目', '产业园', '二期项目'])}{n + 1}号"
        start = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(0, 6 * 365))
        seq[start.year] = seq.get(start.year, 0) + 1
        code = f"{district.code}-{start.year}-{seq[start.year]:05d}"
        stage = rng.choice(stages)
        state = rng.choice(states)
        if stage == "中止" and state in ("草稿", "已退回"):
            state = "已入库"
        admitted = start + dt.timedelta(days=rng.randrange(0, 60))
        stage_day = admitted + dt.timedelta(days=rng.randrange(30, 400))
        if stage_day > today:
            stage_day = today
        investment = Decimal(rng.randrange(50_000, 5_000_000_000)) / 10_000  # 万元, 4 places
        amount = float(investment) if n % 3 else f"{investment:,}"  # number or typed text
        area = Decimal(rng.randrange(0, 50_000)) / 100
        milestones = [None] * 6
        if stage == "落地":
            signed = stage_day - dt.timedelta(days=rng.randrange(0, 30))
            milestones[0] = signed if n % 2 else signed.strftime("%Y年%-m月%-d日")
            later = stage_day
            for k in range(1, 6):
                if rng.random() < 0.6:
                    later = min(later + dt.timedelta(days=rng.randrange(10, 200)), today)
                    milestones[k] = later
                else:
                    break
        stage_date = stage_day if n % 4 else stage_day.strftime("%Y/%-m/%-d")
        admitted_text = admitted.strftime("%Y.%-m.%-d") if n % 5 == 0 else admitted
        ws.append(
            [
                code,
                "",  # 原编号
                name,
                investor,
                district.code if n % 2 else district.name,
                rng.choice(units),
                rng.choice(leaders) if rng.random() < 0.5 else "",
                industry,
                stage,
                stage_date if stage != "策划" else "",
                state,
                admitted_text if state == "已入库" else "",
                amount,
                float(area) if rng.random() < 0.7 else None,
                rng.choice(SOURCES),
                rng.choice(NOTES),
                "用地指标待落实" if rng.random() < 0.1 else "",
                rng.choice(CONTACTS),
                f"13{rng.randrange(10**8, 10**9)}",
                "",
                *milestones,
            ]
        )
        if stage in ("在谈", "落地") and rng.random() < 0.2:
            # Some projects carry their earlier steps on the 阶段记录 sheet.
            history.append([code, "意向", admitted, "首次接洽"])
            history.append([code, stage, stage_day, ""])
    wb.save(path)


if __name__ == "__main__":
    main()
