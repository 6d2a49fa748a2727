"""Import a 100,000-row ledger from the web page, through the background worker.

    .venv/bin/python benchmarks/ledger_worker.py                      # 100,000 rows, SQLite
    .venv/bin/python benchmarks/ledger_worker.py --kill               # kill the worker midway
    .venv/bin/python benchmarks/ledger_worker.py --rows 5000 --database postgres

What a user does, with Django's test client against a fresh database (SQLite:
``$BATON_VAR_DIR/bench-worker.sqlite3``, default under the system temp directory;
PostgreSQL: ``baton_bench_worker``, dropped and re-created) and a real ``baton db_worker``
process beside it: upload the ledger on the import page, wait for the check (the preview's
dry run, in the worker), confirm it, and poll the progress fragment every second as the
page's htmx does. Every progress line seen is printed with its time. The database gets one
generated district (as ``benchmarks/ledger_import.py`` makes it) and its district office;
the ledger is ``rows`` new projects of the district's units, as drafts (``write_ledger``:
上报 is each unit's own step, which an office's import cannot take for it).

``--kill``: once the import is writing (past ``--kill-at`` of its rows), the worker is
killed (SIGKILL, with any child) and a new one started; the import must complete on the
second attempt.

At the end it checks the outcome: as many projects as the ledger has rows, as many
project events as the check's dry run counted (so none written twice), no two events
alike (same project, kind, time and reason), one audit record of the import, and
``baton check-periods`` finding 0 differences. It prints the time of each step and the
peak memory of each worker process (VmHWM: its resident set at its largest; a large
import's duplicate pool runs in a child process, shown after a "+"). Exits 1 when a check
fails.
"""

import argparse
import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_NAME = "baton_bench_worker"
HTMX = {"HTTP_HX_REQUEST": "true"}
#: The lines of the progress fragment: its phase, and "已处理 12,000 / 100,000 行".
PHASE = re.compile(r'<p class="job-phase">([^<]+)</p>')
COUNT = re.compile(r"已处理 [\d,]+ / [\d,]+ 行")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432", help="server URL"
    )
    parser.add_argument("--kill", action="store_true", help="kill the worker midway, restart it")
    parser.add_argument(
        "--kill-at", type=float, default=0.3, help="share of the rows written when killed"
    )
    parser.add_argument("--timeout", type=float, default=3600, help="give up after this long")
    args = parser.parse_args()
    # Stopped from outside: end the workers too (the ``finally`` of ``Bench.run``).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    var = Path(os.environ.get("BATON_VAR_DIR", Path(tempfile.gettempdir()) / "baton-bench-worker"))
    (var / "static").mkdir(parents=True, exist_ok=True)  # whitenoise looks there
    if args.database == "postgres":
        _recreate_database(args.postgres, PG_NAME)
        url = f"{args.postgres}/{PG_NAME}"
    else:
        path = var / "bench-worker.sqlite3"
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    os.environ.update(
        BATON_VAR_DIR=str(var),
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings",
        BATON_TASKS="database",
    )
    ok = Bench(args, var / f"web-ledger-{args.rows}-{args.seed}.xlsx").run()
    raise SystemExit(0 if ok else 1)


def _recreate_database(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


class Worker:
    """A ``baton db_worker`` process on the bulk queue, and the peak memory seen of it."""

    def __init__(self) -> None:
        command = [sys.executable, "-m", "baton", "db_worker", "--queue-name", "bulk"]
        command += ["--interval", "0.2", "--no-startup-delay", "--no-reload", "--verbosity", "0"]
        self.process = subprocess.Popen(command, cwd=ROOT)  # noqa: S603
        self.peak_mb = 0.0
        self.child_mb = 0.0

    def sample(self) -> None:
        """Read the peak resident set of the worker and of its children (the pool)."""
        self.peak_mb = max(self.peak_mb, _hwm(self.process.pid))
        for child in _children(self.process.pid):
            self.child_mb = max(self.child_mb, _hwm(child))

    def kill(self) -> None:
        self.sample()
        children = _children(self.process.pid)
        self.process.send_signal(signal.SIGKILL)
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill()

    def memory(self) -> str:
        text = f"{self.peak_mb:.0f} MB"
        return f"{text} + {self.child_mb:.0f} MB" if self.child_mb else text


def _hwm(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else 0.0


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


class Bench:
    def __init__(self, args, ledger: Path) -> None:
        import django
        from django.conf import settings
        from django.test.utils import override_settings

        django.setup()
        # The pages name their static files; the manifest needs collectstatic, not wanted here.
        plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}).enable()
        from django.core.management import call_command
        from django.db import transaction

        from baton.demo.generator import SCALES, build_org

        began = time.perf_counter()
        call_command("migrate", verbosity=0)
        with transaction.atomic():
            build_org(SCALES["district"], args.seed, projects=0)
        if not ledger.exists():
            part = ledger.with_suffix(".part")
            write_ledger(part, args.rows, args.seed)
            part.replace(ledger)
        print(f"准备：迁移、机构和台账 {time.perf_counter() - began:.0f} 秒（{ledger}）")
        self.args = args
        self.ledger = ledger
        self.ok = True
        self.started = time.perf_counter()
        self.workers: list[Worker] = []

    def say(self, text: str) -> None:
        print(f"{time.perf_counter() - self.started:7.1f} s  {text}", flush=True)

    def check(self, what: str, good: bool) -> None:
        self.say(f"{'✓' if good else '✗'} {what}")
        self.ok = self.ok and good

    def run(self) -> bool:
        from django.test import Client
        from django.urls import reverse

        from baton.accounts.models import User
        from baton.jobs.models import Job
        from baton.org.models import District

        rows = self.args.rows
        district = District.objects.get()
        office = User(username="bench-office", role=User.Role.DISTRICT_OFFICE, district=district)
        office.set_unusable_password()  # signed in by the test client, never by a password
        office.save()
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(office)
        size = self.ledger.stat().st_size / 1048576
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"\n{rows:,} 行台账（{size:.1f} MB），{os.cpu_count()} 核，开始时负载 {load}")
        self.workers.append(Worker())
        try:
            self.started = time.perf_counter()
            with self.ledger.open("rb") as upload:
                response = client.post(reverse("ledger:import"), {"file": upload})
            token = re.search(r"/ledger/import/([A-Za-z0-9_\-]{32})/$", response["Location"])
            self.say(f"上传完成（HTTP {response.status_code}），后台校验中")
            check = Job.objects.get(kind=Job.Kind.LEDGER_CHECK)
            check_seconds = self.poll(client, check)
            self.check(f"校验完成：{check.message}", check.status == "done")
            preview = client.get(reverse("ledger:import_preview", args=[token.group(1)]))
            self.check("预览页可以确认导入", "确认导入" in preview.content.decode())
            confirm = client.post(reverse("ledger:import_confirm", args=[token.group(1)]))
            job = Job.objects.get(kind=Job.Kind.LEDGER_IMPORT)
            self.check(
                "确认后转到导入进度页",
                confirm["Location"] == reverse("ledger:import_done", args=[job.pk]),
            )
            begun = time.perf_counter()
            import_seconds = self.poll(client, job, kill=self.args.kill)
            total = time.perf_counter() - self.started
            page = client.get(reverse("ledger:import_done", args=[job.pk])).content.decode()
            self.check(f"导入完成：{job.message}", job.status == "done" and "导入完成" in page)
            self.outcome(check, job)
        finally:
            for worker in self.workers:
                worker.stop()
        print()
        print("| 步骤 step | 秒 s | 行/秒 rows/s |")
        print("|---|---:|---:|")
        print(f"| 后台校验 check (dry run) | {check_seconds:.1f} | {rows / check_seconds:,.0f} |")
        print(f"| 后台导入 import | {import_seconds:.1f} | {rows / import_seconds:,.0f} |")
        print(f"| 上传到导入完成 upload to done | {total:.1f} | {rows / total:,.0f} |")
        for n, worker in enumerate(self.workers, start=1):
            print(f"worker {n} peak memory (VmHWM): {worker.memory()}")
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"confirmed at {begun - self.started:.1f} s; load at the end {load}")
        print("结果 result:", "全部通过 all checks passed" if self.ok else "有检查未通过 FAILED")
        return self.ok

    def poll(self, client, job, *, kill: bool = False) -> float:
        """Poll the progress fragment every second until the job ends; print each new
        line; kill and restart the worker once when asked."""
        from django.urls import reverse

        started = time.perf_counter()
        last = None
        killed = False
        deadline = started + self.args.timeout
        while True:
            self.workers[-1].sample()
            page = client.get(reverse("jobs:progress", args=[job.pk]), **HTMX).content.decode()
            phase = PHASE.search(page)
            count = COUNT.search(page)
            line = " ".join(x.group(1 if x is phase else 0) for x in (phase, count) if x)
            if line and line != last:
                self.say(line)
                last = line
            job.refresh_from_db()
            if job.is_finished:
                return time.perf_counter() - started
            if kill and not killed and self._writing_past(job):
                self.workers[-1].kill()
                killed = True
                job.refresh_from_db()
                self.say(
                    f"已强行终止后台进程（SIGKILL），任务状态：{job.get_status_display()}，"
                    f"第 {job.attempts} 次运行"
                )
                self.workers.append(Worker())
                self.say("已重新启动后台进程")
            if time.perf_counter() > deadline:
                raise SystemExit(f"{job} 超过 {self.args.timeout:.0f} 秒未完成")
            time.sleep(1)

    def _writing_past(self, job) -> bool:
        from baton.jobs.services import progress_of

        done, total, phase = progress_of(job)
        return phase == "正在写入" and total and done >= total * self.args.kill_at

    def outcome(self, check, job) -> None:
        """Check what the import wrote: every row once, every event once."""
        from io import StringIO

        from django.core.management import call_command

        from baton.audit.models import AuditRecord
        from baton.projects.models import Project, ProjectEvent

        rows = self.args.rows
        projects = Project.objects.count()
        self.check(f"项目 {projects:,} 个（台账 {rows:,} 行）", projects == rows)
        codes = Project.objects.values("original_code").distinct().count()
        self.check(f"台账的项目编号各导入一次：{codes:,} 个", codes == rows)
        events = ProjectEvent.objects.count()
        expected = check.result.get("events")
        self.check(
            f"项目动态 {events:,} 条，与校验（试导入）算出的 {expected:,} 条相同",
            events == expected == job.result.get("events"),
        )
        alike = Counter(
            ProjectEvent.objects.values_list("project_id", "kind", "at", "reason").iterator(
                chunk_size=20_000
            )
        )
        twice = sum(n - 1 for n in alike.values() if n > 1)
        self.check(f"重复的项目动态 {twice} 条", twice == 0)
        imports = AuditRecord.objects.filter(event="import").count()
        self.check(f"导入审计记录 {imports} 条", imports == 1)
        out = StringIO()
        call_command("check_periods", stdout=out)
        report = out.getvalue().strip()
        self.check(f"check-periods：{report}", "差异 0 个" in report)
        self.check(f"导入任务运行 {job.attempts} 次", job.attempts == (2 if self.args.kill else 1))


def write_ledger(path: Path, rows: int, seed: int) -> None:
    """Write the ledger a district office brings to the page: ``rows`` new projects of
    its units as drafts (上报 is each unit's own step), at every stage of the ladder
    with its day, 签约日期 on the landed ones, amounts with decimals."""
    import datetime as dt
    import random
    from decimal import Decimal

    from openpyxl import Workbook

    from baton.demo.generator.names import (
        BRAND_FIRST,
        BRAND_SECOND,
        COMPANY_FORMS,
        INVESTOR_CITIES,
        PRODUCT_LIST,
        SOURCES,
    )
    from baton.ledger.columns import COLUMNS, SHEET
    from baton.org.models import District, Unit

    rng = random.Random(f"baton-ledger-worker/{seed}/{rows}")  # noqa: S311 — test data
    district = District.objects.get()
    units = [u.name for u in Unit.objects.filter(district=district, is_active=True)]
    headers = [c.header for c in COLUMNS]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.append(headers)
    stages = ["策划"] * 20 + ["意向"] * 25 + ["在谈"] * 30 + ["落地"] * 25
    for n in range(rows):
        industry, product = rng.choice(PRODUCT_LIST)
        brand = rng.choice(BRAND_FIRST) + rng.choice(BRAND_SECOND)
        start = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(0, 5 * 365))
        stage = rng.choice(stages)
        values = {
            "项目编号": f"{district.code}-W{n + 1:07d}",
            "项目名称": f"{brand}{product}项目{n + 1}号",
            "投资方": f"{rng.choice(INVESTOR_CITIES)}{brand}{rng.choice(COMPANY_FORMS)}",
            "所属区": district.code,
            "责任单位": rng.choice(units),
            "行业": industry,
            "项目阶段": stage,
            "阶段日期": start if stage != "策划" else None,
            "入库状态": "草稿",
            "总投资(万元)": float(Decimal(rng.randrange(50_000, 500_000_000)) / 100),
            "信息来源": rng.choice(SOURCES),
            "签约日期": start if stage == "落地" else None,
        }
        sheet.append([values.get(h) for h in headers])
    book.save(path)


if __name__ == "__main__":
    main()
