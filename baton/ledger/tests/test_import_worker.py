"""The web ledger import through the real queue: a worker process runs it, the page shows
its progress, and a worker killed in the middle of the writing loses nothing and writes
nothing twice once a worker runs again.

These start ``baton db_worker`` as a subprocess on the test database (so the database
must be one both processes see: a transactional test). ``BATON_LEDGER_WORKER_ROWS`` sets
the ledger's size (default 5,000 rows; 100,000 is measured by
``benchmarks/ledger_worker.py``).
"""

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook

from baton.audit.models import AuditRecord
from baton.jobs.models import Job
from baton.ledger.importer import ledger_import
from baton.ledger.tasks import import_ledger
from baton.projects.models import Project, ProjectEvent
from baton.projects.tests.helpers_views import HTMX, login
from baton.testing import make_world, redis_database, redis_test_url

from .helpers import HEADERS, row

ROWS = int(os.environ.get("BATON_LEDGER_WORKER_ROWS", "5000"))
ROOT = Path(__file__).resolve().parents[3]


def ledger(rows: int) -> bytes:
    """A valid ledger of ``rows`` new projects of the test world's 马巷街道."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("项目台账")
    sheet.append(HEADERS)
    stages = ["策划", "意向", "在谈"]
    for i in range(rows):
        values = row(
            项目编号=f"350213-2019-{i:06d}",
            项目名称=f"翔安第{i}号{['新能源电池', '智能装备', '生物医药', '光电显示'][i % 4]}项目",
            投资方=f"鹭岛第{i}号科技有限公司",
            项目阶段=stages[i % 3],
            入库状态="草稿",
            **{"总投资(万元)": 1000 + i % 997},
        )
        sheet.append([values.get(h) for h in HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


REDIS = redis_test_url(5)


def _worker_env(settings, tmp_path, **extra) -> dict:
    """The environment of a worker subprocess on the test database."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        url = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    return {
        **os.environ,
        "DATABASE_URL": url,
        "BATON_VAR_DIR": str(tmp_path),
        "BATON_AUDIT_KEY_FILE": str(Path(django_settings.VAR_DIR) / "audit_key"),
        "BATON_AUDIT_ANCHOR": settings.BATON_AUDIT_ANCHOR,
        **extra,
    }


@pytest.fixture
def queue(settings, tmp_path):
    """The database queue, with a worker subprocess on the test database."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    settings.VAR_DIR = tmp_path
    env = _worker_env(settings, tmp_path, BATON_TASKS="database")
    workers = []

    def start(*extra):
        command = [sys.executable, "-m", "baton", "db_worker", "--queue-name", "bulk"]
        command += ["--interval", "0.2", "--no-startup-delay", "--no-reload", *extra]
        worker = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        if worker.poll() is None:
            worker.kill()
        worker.wait()


@pytest.fixture
def rq_queue(settings, tmp_path):
    """The RQ queue in Redis database 5 or 13 (held alone), with ``baton rqworker --burst`` to run it."""
    with redis_database(REDIS):
        yield from _rq_queue(settings, tmp_path)


def _rq_queue(settings, tmp_path):
    import redis

    connection = redis.Redis.from_url(REDIS, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis（127.0.0.1:6379）不可达")
    connection.flushdb()
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": settings.TASK_QUEUES}
    }
    settings.RQ_QUEUES = {name: {"URL": REDIS} for name in settings.TASK_QUEUES}
    settings.VAR_DIR = tmp_path
    env = _worker_env(settings, tmp_path, BATON_TASKS="rq", REDIS_URL=REDIS)

    def run():
        command = [sys.executable, "-m", "baton", "rqworker", "--burst"]
        command += ["--job-class", "django_tasks_rq.Job", "bulk"]
        subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=170)  # noqa: S603

    yield run
    connection.flushdb()


def _confirm(client, data: bytes, run_check=None) -> tuple[Job, float]:
    """Upload a ledger, wait for its check (the preview's dry run, by the worker) and
    confirm it; return the import's job and how long the check took."""
    upload = client.post(
        reverse("ledger:import"), {"file": SimpleUploadedFile("马巷台账.xlsx", data)}
    )
    token = re.search(r"/ledger/import/([A-Za-z0-9_\-]{32})/$", upload["Location"]).group(1)
    started = time.perf_counter()
    check = Job.objects.get(kind=Job.Kind.LEDGER_CHECK)
    if run_check is not None:
        run_check()
    _wait(lambda: check.refresh_from_db() or check.is_finished)
    took = time.perf_counter() - started
    assert check.status == "done", check.message
    preview = client.get(reverse("ledger:import_preview", args=[token]))
    assert "确认导入" in preview.content.decode()
    done = client.post(reverse("ledger:import_confirm", args=[token]))
    job = Job.objects.get(kind=Job.Kind.LEDGER_IMPORT)
    assert done["Location"] == reverse("ledger:import_done", args=[job.pk])
    assert job.status == "queued"
    return job, took


def _wait(until, timeout: float = max(170, ROWS * 0.004)) -> None:
    deadline = time.monotonic() + timeout
    while not until():
        assert time.monotonic() < deadline, "the worker did not get there in time"
        time.sleep(0.05)


def _counts() -> dict:
    return {
        "projects": Project.objects.count(),
        "events": ProjectEvent.objects.count(),
        "imports": AuditRecord.objects.filter(event="import").count(),
    }


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_imports_a_large_ledger_showing_its_progress(client, queue):
    w = make_world()
    login(client, w.promoter)
    queue()
    job, preview = _confirm(client, ledger(ROWS))
    started = time.perf_counter()
    seen = set()

    def finished():
        page = client.get(reverse("jobs:progress", args=[job.pk]), **HTMX).content.decode()
        seen.update(re.findall(r"已处理 [\d,]+ / [\d,]+ 行", page))
        job.refresh_from_db()
        return job.is_finished

    _wait(finished)
    took = time.perf_counter() - started
    print(f"\n{ROWS:,} 行：后台校验（试导入）{preview:.1f} 秒，后台导入 {took:.1f} 秒")
    assert job.status == "done", job.message
    assert job.result["counts"] == [ROWS, 0, 0] and job.attempts == 1
    counted = [tuple(int(n.replace(",", "")) for n in re.findall(r"[\d,]+", t)) for t in seen]
    assert any(0 < done < total for done, total in counted), seen  # seen part-way
    assert _counts() == {"projects": ROWS, "events": job.result["events"], "imports": 1}
    page = client.get(reverse("ledger:import_done", args=[job.pk])).content.decode()
    assert "导入完成" in page and f"{ROWS}<small> 个</small>" in page


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_while_writing_loses_nothing_and_writes_nothing_twice(client, queue):
    w = make_world()
    login(client, w.promoter)
    rows = min(ROWS, 20000)
    data = ledger(rows)
    reference = ledger_import(data=data, actor=w.promoter, district=w.district, dry_run=True)
    assert reference.ok and reference.events > rows, [e.reason for e in reference.errors[:5]]
    worker = queue()
    job, _ = _confirm(client, data)
    progress = Path(django_settings.VAR_DIR) / "jobs" / f"{job.pk}.progress"

    def writing():
        try:
            now = json.loads(progress.read_text())
        except (FileNotFoundError, ValueError):
            return False
        return now["phase"] == "正在写入" and 0 < now["done"] < now["total"]

    _wait(writing)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    job.refresh_from_db()
    assert job.status == "running" and job.attempts == 1
    assert _counts() == {"projects": 0, "events": 0, "imports": 0}  # all rolled back

    queue("--batch")  # the next worker puts the task back and runs it to the end
    _wait(lambda: job.refresh_from_db() or job.is_finished)
    assert job.status == "done", job.message
    assert job.attempts == 2 and job.result["counts"] == [rows, 0, 0]
    after = _counts()
    # What an uninterrupted import of this ledger writes, as its dry run finds it.
    assert after == {"projects": len(reference.created), "events": reference.events, "imports": 1}
    assert Project.objects.values("original_code").distinct().count() == rows

    # The same task run once more (as if the worker died just after the commit) does nothing.
    import_ledger.enqueue(job.pk)
    worker = queue("--batch")
    worker.wait(timeout=120)
    assert _counts() == after
    job.refresh_from_db()
    assert job.attempts == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_rq_a_redis_worker_runs_the_import(client, rq_queue):
    w = make_world()
    login(client, w.promoter)
    job, _ = _confirm(client, ledger(50), run_check=rq_queue)
    assert job.task_id
    rq_queue()
    job.refresh_from_db()
    assert job.status == "done" and job.result["counts"] == [50, 0, 0], job.message
    result = import_ledger.get_result(job.task_id)
    assert result.status == "SUCCESSFUL" and result.return_value == "done"
    assert _counts()["projects"] == 50
