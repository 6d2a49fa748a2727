"""试算排名 through the queue, in a real browser (desktop and phone): the office asks for
the run, its page waits in the queue, shows how far the worker is, and opens the trial
ranking by itself when the run is done. The test plays the worker (the database queue,
no worker process). Screenshots: test-artifacts/browser/rank-job-*.png.
"""

import os

import pytest

from baton.assessment import tasks
from baton.core.tests.test_browser_refusals import WIDTHS, signed_in
from baton.jobs import services as jobs
from baton.jobs.models import Job
from baton.tests.test_browser import CHROMIUM, browser  # noqa: F401

from .helpers_views import published_scheme, signed_projects

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="未安装 Chromium（以 root 运行 make test 会自动安装）"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _queued(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }


@pytest.mark.parametrize("screen", WIDTHS)
def test_a_ranking_run_shows_its_progress_then_opens_the_ranking(
    browser,  # noqa: F811
    live_server,
    client,
    w,
    screen,
):
    scheme = published_scheme(w)
    signed_projects(w)
    session = signed_in(browser, live_server, client, w.office, WIDTHS[screen])
    page = session.page
    session.go(f"/assessment/schemes/{scheme.pk}/")
    page.fill("#rank input[name=year]", "2024")
    page.select_option("#rank select[name=part]", "1")
    with page.expect_navigation():
        page.click("#rank button[type=submit]")
    job = Job.objects.get(kind=Job.Kind.RANKING)
    assert page.url.endswith(f"/assessment/schemes/{scheme.pk}/rank/{job.pk}/")
    assert "排队中" in page.inner_text(".job-progress")
    assert "正在试算排名" in page.inner_text("h1")
    session.shot(f"rank-job-1-queued-{screen}")

    # The worker takes it: the page, polling, shows how far it is.
    running = jobs.begin(job.pk)
    jobs.Progress(running)(1, 2, "正在计算指标得分")
    page.wait_for_selector("text=已处理 1 / 2 项指标", timeout=10_000)
    assert "正在计算指标得分" in page.inner_text(".job-progress")
    session.shot(f"rank-job-2-running-{screen}")

    # It is done: the page opens the trial ranking by itself, saying so.
    assert tasks.compute_ranking.call(job.pk) == "done"
    page.wait_for_selector("#draft", timeout=10_000)
    job.refresh_from_db()
    assert page.url.endswith(f"/assessment/rankings/{job.result['ranking']}/")
    assert "已试算2024年第一季度排名" in page.inner_text("body")
    assert "马巷街道" in page.inner_text("body")
    session.shot(f"rank-job-3-ranking-{screen}")
    session.close()
