"""``/metrics``: request latency by view, the task queue's depth and the background tasks'
durations, for the monitoring servers only."""

import pytest
from django.urls import reverse

from baton.jobs import services as jobs
from baton.jobs.models import Job

pytestmark = pytest.mark.django_db


def test_the_monitoring_server_reads_latency_queue_and_task_durations(client, w):
    client.force_login(w.office)
    client.get(reverse("reports:home"))
    job = jobs.create(user=w.office, kind=Job.Kind.REPORT_PACK, title="月报材料", params={})
    assert jobs.run(job.pk, lambda job, progress: {"message": "已完成"}) == "done"
    text = client.get(reverse("metrics")).content.decode()
    assert (
        'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="reports:home"}'
        in text
    )
    assert 'baton_task_queue_depth{queue="default"} 0.0' in text
    assert 'baton_job_duration_seconds_count{kind="report_pack",outcome="done"}' in text


def test_anyone_else_finds_no_such_page(client, settings):
    assert client.get(reverse("metrics"), REMOTE_ADDR="10.1.2.3").status_code == 404
    settings.BATON_METRICS_ALLOWED = ["10.1.0.0/16"]
    assert client.get(reverse("metrics"), REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.post(reverse("metrics"), REMOTE_ADDR="10.1.2.3").status_code == 405
