import os
import subprocess
import sys

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from baton.jobs import services
from baton.jobs.models import Job
from baton.projects.tests.helpers_views import HTMX, login


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _job(user, **fields) -> Job:
    job = services.create(user=user, kind=Job.Kind.LEDGER_IMPORT, title="导入台账 马巷.xlsx")
    Job.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def test_the_fragment_shows_the_progress_then_the_outcome(w, client):
    login(client, w.promoter)
    job = _job(w.promoter)
    page = client.get(reverse("jobs:progress", args=[job.pk]), **HTMX).content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page
    job = services.begin(job.pk)
    services.Progress(job)(12_000, 100_000, "正在写入")
    page = client.get(reverse("jobs:progress", args=[job.pk]), **HTMX).content.decode()
    assert "正在写入" in page and "已处理 12,000 / 100,000 行" in page
    assert 'hx-trigger="every 1s"' in page
    services.finish(job, message="新建 3 个、更新 0 个、未变 0 个（写入项目动态 9 条）。")
    page = client.get(reverse("jobs:progress", args=[job.pk]), **HTMX).content.decode()
    assert "新建 3 个" in page and "hx-trigger" not in page
    # A page that shows the outcome its own way reloads itself once the job is done.
    reload = client.get(reverse("jobs:progress", args=[job.pk]) + "?reload=1", **HTMX)
    assert reload["HX-Refresh"] == "true"


def test_a_poll_writes_nothing_not_even_the_sessions_touch(w, client):
    """On SQLite a long import holds the write lock: a poll that wrote would wait for it."""
    login(client, w.promoter)
    job = _job(w.promoter)
    client.get(reverse("jobs:list"))  # touched once
    session = client.session
    session["_touched"] -= 3600  # the touch is due again
    session.save()

    def stored():
        return Session.objects.values_list("session_data", "expire_date").get(
            pk=session.session_key
        )

    before = stored()
    poll = client.get(reverse("jobs:progress", args=[job.pk]), **HTMX)
    assert poll.status_code == 200 and stored() == before
    client.get(reverse("jobs:detail", args=[job.pk]))  # a page the user opens does touch it
    assert stored() != before


def test_a_user_sees_only_their_own_jobs(w, client):
    job = _job(w.promoter)
    name, path = services.file_for(job, ".docx")
    path.write_bytes(b"pack")
    services.finish(job, message="已生成。", file=name, file_name="报表包.docx")
    login(client, w.promoter)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 200
    assert "导入台账 马巷.xlsx" in client.get(reverse("jobs:list")).content.decode()
    for other in (w.other_promoter, w.office, w.sys_admin):
        login(client, other)
        for name in ("detail", "progress", "download"):
            response = client.get(reverse(f"jobs:{name}", args=[job.pk]))
            assert response.status_code == 404, (other, name)
        assert "导入台账" not in client.get(reverse("jobs:list")).content.decode()


def test_a_job_runs_once_and_fails_with_its_reason(w):
    calls = []

    def work(job, progress):
        calls.append(job.attempts)
        return {"message": "完成。"}

    job = _job(w.promoter)
    assert services.run(job.pk, work) == "done"
    assert services.run(job.pk, work) == "skipped"  # run again, as after a killed worker
    assert calls == [1]
    job.refresh_from_db()
    assert job.status == "done" and job.message == "完成。" and job.finished_at

    def refused(job, progress):
        raise ValidationError("您不能这样做。")

    job = _job(w.promoter)
    assert services.run(job.pk, refused) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and job.message == "您不能这样做。"

    def broken(job, progress):
        raise RuntimeError("disk full")

    job = _job(w.promoter)
    with pytest.raises(RuntimeError):
        services.run(job.pk, broken)
    job.refresh_from_db()
    assert job.status == "failed" and job.message == services.FAILED_UNEXPECTEDLY


def test_of_two_runs_at_once_only_the_first_to_finish_writes(w):
    """A worker taken for dead that was not: its run and the run handed back both write;
    the second to finish is refused and its writes roll back."""
    job = _job(w.promoter)

    def work(job, progress):
        # Meanwhile the other run committed its writes and finished the job.
        services.finish(Job.objects.get(pk=job.pk), message="另一次运行完成。")
        with transaction.atomic():
            services.create(user=w.promoter, kind=Job.Kind.LEDGER_CHECK, title="写入")
            services.finish(job, message="这次运行完成。")

    assert services.run(job.pk, work) == "skipped"
    job.refresh_from_db()
    assert job.status == "done" and job.message == "另一次运行完成。"
    assert not Job.objects.filter(title="写入").exists()
    # Nor does a failing second run undo the first one's outcome.
    services.fail(job, "出错。")
    job.refresh_from_db()
    assert job.status == "done" and job.message == "另一次运行完成。"


def test_a_task_a_dead_worker_left_running_is_put_back(db):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], check=True, capture_output=True
    )
    dead_pid = int(dead.stdout)

    def task_result(worker: str) -> DBTaskResult:
        return DBTaskResult.objects.create(
            status=TaskResultStatus.RUNNING,
            task_path="baton.ledger.tasks.import_ledger",
            args_kwargs={"args": [1], "kwargs": {}},
            queue_name="bulk",
            backend_name="default",
            worker_ids=[worker],
        )

    orphan = task_result(f"here:{dead_pid}:abc")
    alive = task_result(f"here:{os.getpid()}:abc")
    elsewhere = task_result(f"there:{dead_pid}:abc")
    foreign = task_result("a-random-worker-id")
    assert services.requeue_orphans(DBTaskResult.objects.all(), host="here") == 1
    statuses = {
        t.pk: t.status
        for t in DBTaskResult.objects.filter(pk__in=[orphan.pk, alive.pk, elsewhere.pk, foreign.pk])
    }
    assert statuses == {
        orphan.pk: TaskResultStatus.READY,
        alive.pk: TaskResultStatus.RUNNING,
        elsewhere.pk: TaskResultStatus.RUNNING,
        foreign.pk: TaskResultStatus.RUNNING,
    }
