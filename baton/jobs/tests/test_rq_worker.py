"""The RQ queue (``BATON_TASKS=rq``) against the Redis on 127.0.0.1:6379: a worker killed
with its work horse in the middle of an import loses no task, and the worker started
after it completes the import with nothing written twice.

The queue lives in Redis database 7 or 15 (one per xdist worker; the ledger's RQ test uses
5 or 13), emptied before and after; skipped when that Redis is not reachable. The workers are ``baton rqworker``
subprocesses on the test database (a transactional test).
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from baton.jobs import rq as baton_rq
from baton.ledger.importer import ledger_import
from baton.ledger.tasks import import_ledger
from baton.ledger.tests.test_import_worker import (
    ROOT,
    _confirm,
    _counts,
    _wait,
    _worker_env,
    ledger,
)
from baton.projects.models import Project
from baton.projects.tests.helpers_views import login
from baton.testing import make_world, redis_database, redis_test_url

REDIS = redis_test_url(7)
ROWS = min(int(os.environ.get("BATON_LEDGER_WORKER_ROWS", "8000")), 20000)


@pytest.fixture
def redis_queue(settings, tmp_path):
    """The RQ queues in Redis database 7 or 15 (held alone), and a starter of ``baton rqworker bulk``."""
    with redis_database(REDIS):
        yield from _redis_queue(settings, tmp_path)


def _redis_queue(settings, tmp_path):
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
    settings.RQ_QUEUES = {
        name: {"URL": REDIS, "QUEUE_CLASS": "baton.jobs.rq.Queue"} for name in settings.TASK_QUEUES
    }
    settings.VAR_DIR = tmp_path
    env = _worker_env(settings, tmp_path, BATON_TASKS="rq", REDIS_URL=REDIS)
    workers = []

    def start(*extra):
        command = [sys.executable, "-m", "baton", "rqworker", "bulk", *extra]
        worker = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        for pid in _children(worker.pid):
            _kill(pid)
        if worker.poll() is None:
            worker.kill()
        worker.wait()
    connection.flushdb()


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (RQ's work horse of a worker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _writing(job) -> bool:
    """Whether the import of ``job`` is part-way through writing."""
    progress = Path(django_settings.VAR_DIR) / "jobs" / f"{job.pk}.progress"
    try:
        now = json.loads(progress.read_text())
    except (FileNotFoundError, ValueError):
        return False
    return now["phase"] == "正在写入" and 0 < now["done"] < now["total"]


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_rq_worker_loses_no_task_and_writes_nothing_twice(client, redis_queue):
    from django_rq import get_queue
    from rq.job import Job as RQJob

    w = make_world()
    login(client, w.promoter)
    data = ledger(ROWS)
    reference = ledger_import(data=data, actor=w.promoter, district=w.district, dry_run=True)
    assert reference.ok and reference.events > ROWS
    worker = redis_queue()  # runs the check (the preview's dry run), then the import
    job, _ = _confirm(client, data)
    rq_job = RQJob.fetch(job.task_id, connection=get_queue("bulk").connection)
    assert rq_job.retries_left == baton_rq.RETRIES  # every task may run again
    _wait(lambda: _writing(job))
    horses = _children(worker.pid)
    assert horses, "RQ runs the task in a work horse"
    _kill(worker.pid)  # the worker, then its horse: nobody is left to say what happened
    for horse in horses:
        _kill(horse)
    worker.wait()
    job.refresh_from_db()
    assert job.status == "running" and job.attempts == 1
    assert _counts() == {"projects": 0, "events": 0, "imports": 0}  # all rolled back
    assert get_queue("bulk").started_job_registry.count == 1  # RQ still thinks it runs

    restarted = redis_queue("--burst")  # hands the task back to RQ, which retries it
    out, _ = restarted.communicate(timeout=max(170, ROWS * 0.01))
    assert restarted.returncode == 0 and "已把 1 个被中断的任务交回队列。" in out
    job.refresh_from_db()
    assert job.status == "done", job.message
    assert job.attempts == 2 and job.result["counts"] == [ROWS, 0, 0]
    after = _counts()
    assert after == {"projects": len(reference.created), "events": reference.events, "imports": 1}
    assert Project.objects.values("original_code").distinct().count() == ROWS
    result = import_ledger.get_result(job.task_id)
    assert result.status == "SUCCESSFUL" and result.return_value == "done"
    rq_job.refresh()
    assert rq_job.retries_left == baton_rq.RETRIES - 1
    page = client.get(reverse("ledger:import_done", args=[job.pk])).content.decode()
    assert "导入完成" in page

    # The same task once more (as if a worker died just after the commit) does nothing.
    again = import_ledger.enqueue(job.pk)
    redis_queue("--burst").communicate(timeout=120)
    assert import_ledger.get_result(again.id).return_value == "skipped"
    assert _counts() == after
    job.refresh_from_db()
    assert job.attempts == 2


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_work_horse_killed_alone_is_run_again_by_its_worker(client, redis_queue):
    """The OOM killer takes the horse (the process doing the work): its worker sees it die
    and RQ runs the task again, once."""
    w = make_world()
    login(client, w.promoter)
    # As many rows as the test above: 4,000 were written in under two seconds, and a loaded
    # machine could miss the window in which the horse is writing.
    rows = ROWS
    worker = redis_queue()
    job, _ = _confirm(client, ledger(rows))
    _wait(lambda: _writing(job))
    for horse in _children(worker.pid):
        _kill(horse)
    _wait(lambda: job.refresh_from_db() or job.is_finished)
    assert job.status == "done", job.message
    assert job.attempts == 2 and job.result["counts"] == [rows, 0, 0]
    assert Project.objects.values("original_code").distinct().count() == rows
    assert _counts() == {"projects": rows, "events": job.result["events"], "imports": 1}
    assert worker.poll() is None  # the worker itself lives on


def test_only_the_runs_of_dead_workers_of_this_machine_are_handed_back(redis_queue):
    """Tasks marked started by a live worker, or by another machine's, stay as they are."""
    from django_rq import get_queue
    from rq.executions import Execution
    from rq.worker import Worker

    queue = get_queue("bulk")
    connection = queue.connection
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], check=True, capture_output=True
    )
    dead_pid = int(dead.stdout)
    here = socket.gethostname()

    def started(worker_name: str, host: str, pid: int):
        connection.hset(
            Worker.redis_worker_namespace_prefix + worker_name,
            mapping={"hostname": host, "pid": pid, "birth": "", "state": "busy"},
        )
        job = queue.enqueue("os.getcwd", job_id=f"job-{worker_name}")
        queue.remove(job)  # taken off the queue by the worker
        with connection.pipeline() as pipe:
            execution = Execution.create(job, 600, pipeline=pipe, worker_name=worker_name)
            queue.started_job_registry.add_execution(execution, pipeline=pipe, ttl=600)
            job.set_status("started", pipeline=pipe)
            pipe.execute()
        return job

    orphan = started("dead-here", here, dead_pid)
    alive = started("alive-here", here, os.getpid())
    elsewhere = started("dead-elsewhere", "another-host", dead_pid)
    assert baton_rq.requeue_abandoned([queue], host=here) == 1
    assert queue.get_job_ids() == [orphan.id]  # retried: back in the queue
    orphan.refresh()
    assert orphan.retries_left == baton_rq.RETRIES - 1
    assert set(queue.started_job_registry.get_job_ids(cleanup=False)) == {alive.id, elsewhere.id}
    # Once the other machine's worker is forgotten by RQ (its heartbeat ran out), its run
    # is handed back too.
    connection.delete(Worker.redis_worker_namespace_prefix + "dead-elsewhere")
    assert baton_rq.requeue_abandoned([queue], host=here) == 1
    assert queue.get_job_ids() == [orphan.id, elsewhere.id]
