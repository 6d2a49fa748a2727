"""试算排名 as a background job: queued by the scheme page, computed by the worker with its
progress shown indicator by indicator, written once however often the task runs."""

import datetime as dt

import pytest

from baton.assessment import tasks
from baton.assessment.models import Ranking
from baton.jobs import services as jobs
from baton.jobs.models import Job

from .helpers_views import HTMX, login, published_scheme, signed_projects, url

pytestmark = pytest.mark.django_db
Q1 = {"year": "2024", "part": "1"}


@pytest.fixture(autouse=True)
def _queued(settings, tmp_path):
    """The database queue, no worker: a task runs when the test calls it."""
    settings.VAR_DIR = tmp_path
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }


def _start(client, w):
    scheme = published_scheme(w)
    signed_projects(w)
    response = login(client, w.office).post(url("scheme_rank", scheme.pk), Q1)
    job = Job.objects.get(kind=Job.Kind.RANKING)
    assert response.status_code == 302 and response.url == url("rank_job", scheme.pk, job.pk)
    return scheme, job


def test_it_queues_the_run_shows_its_progress_then_opens_the_ranking(client, w, monkeypatch):
    scheme, job = _start(client, w)
    assert job.status == "queued" and job.task_id and not Ranking.objects.exists()
    assert job.title == f"试算{scheme}2024年第一季度排名"
    page = client.get(url("rank_job", scheme.pk, job.pk)).content.decode()
    assert "正在试算排名" in page and "排队中" in page
    assert f"/jobs/{job.pk}/progress/?reload=1" in page and 'hx-trigger="every 1s"' in page

    told = []
    write = jobs._write_progress
    monkeypatch.setattr(
        jobs, "_write_progress", lambda pk, data: told.append(data) or write(pk, data)
    )
    assert tasks.compute_ranking.call(job.pk) == "done"
    # Two indicators: told before the first, and when both are scored.
    assert told[0] == {"done": 0, "total": 2, "phase": "正在计算指标得分"}
    assert told[-1] == {"done": 2, "total": 2, "phase": "正在计算指标得分"}
    ranking = Ranking.objects.get()
    job.refresh_from_db()
    assert job.status == "done" and job.result["ranking"] == ranking.pk
    assert (ranking.period_start, ranking.period_end) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    # The polling fragment makes the page reload; the page then opens the ranking.
    poll = client.get(f"/jobs/{job.pk}/progress/?reload=1", **HTMX)
    assert poll["HX-Refresh"] == "true"
    opened = client.get(url("rank_job", scheme.pk, job.pk))
    assert opened.status_code == 302 and opened.url == url("ranking", ranking.pk)
    assert "核对无误后可发布" in client.get(opened.url).content.decode()
    # The jobs list leads to it too.
    detail = client.get(f"/jobs/{job.pk}/").content.decode()
    assert url("ranking", ranking.pk) in detail and "查看结果" in detail


def test_the_progress_reads_as_indicators(client, w):
    _scheme, job = _start(client, w)
    job = jobs.begin(job.pk)
    jobs.Progress(job)(1, 2, "正在计算指标得分")
    page = client.get(f"/jobs/{job.pk}/progress/", **HTMX).content.decode()
    assert "正在计算指标得分" in page and "已处理 1 / 2 项指标" in page


def test_a_second_click_while_it_waits_is_the_same_run(client, w):
    scheme, job = _start(client, w)
    again = client.post(url("scheme_rank", scheme.pk), Q1)
    assert again.url == url("rank_job", scheme.pk, job.pk)
    assert Job.objects.filter(kind=Job.Kind.RANKING).count() == 1
    # Another period is another run.
    client.post(url("scheme_rank", scheme.pk), {"year": "2024", "part": "2"})
    assert Job.objects.filter(kind=Job.Kind.RANKING).count() == 2
    # Once it has run, asking again computes anew (the data may have changed).
    tasks.compute_ranking.call(job.pk)
    client.post(url("scheme_rank", scheme.pk), Q1)
    assert Job.objects.filter(kind=Job.Kind.RANKING).count() == 3


class Killed(BaseException):
    """What the worker's death looks like from inside: nothing catches it."""


def test_a_run_killed_midway_leaves_nothing_and_runs_again_once(client, w, monkeypatch):
    _scheme, job = _start(client, w)

    def dies(*args, **kwargs):
        raise Killed

    real = jobs.finish
    monkeypatch.setattr(jobs, "finish", dies)  # killed after the ranking is written
    with pytest.raises(Killed):
        tasks.compute_ranking.call(job.pk)
    job.refresh_from_db()
    assert job.status == "running" and job.attempts == 1
    assert not Ranking.objects.exists()  # rolled back with the unfinished job

    monkeypatch.setattr(jobs, "finish", real)
    assert tasks.compute_ranking.call(job.pk) == "done"  # the task put back, run again
    assert tasks.compute_ranking.call(job.pk) == "skipped"  # and once more after the commit
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 2
    assert Ranking.objects.count() == 1 and Ranking.objects.get().lines.count() == 2


def test_rights_lost_before_the_run_refuse_it(client, w):
    _scheme, job = _start(client, w)
    w.office.district = w.other_district
    w.office.save()
    assert tasks.compute_ranking.call(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and not Ranking.objects.exists()
    assert job.message == "只有本区的区招商办可以管理考核方案、人工评分和排名。"


def test_a_failed_run_says_why_on_its_page(client, w):
    scheme, job = _start(client, w)
    jobs.fail(job, "考核期尚未结束，不能计算排名。")
    page = client.get(url("rank_job", scheme.pk, job.pk)).content.decode()
    assert "排名未能试算" in page and "考核期尚未结束" in page and "返回考核方案" in page
    assert "hx-trigger" not in page


def test_a_run_is_not_shown_under_another_scheme(client, w):
    scheme, job = _start(client, w)
    other = published_scheme(w, name="年度招商考核")
    assert client.get(url("rank_job", other.pk, job.pk)).status_code == 404
    assert client.get(url("rank_job", scheme.pk, job.pk + 1000)).status_code == 404


def test_it_rejects_the_wrong_method(client, w):
    scheme, job = _start(client, w)
    assert client.post(url("rank_job", scheme.pk, job.pk)).status_code == 405
