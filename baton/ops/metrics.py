"""``/metrics``: the Prometheus export — request latency and status by view (django-prometheus's
middleware), the background tasks' durations (``baton_job_duration_seconds``, imports
included) and the task queue's depth (``baton_task_queue_depth``, read at each scrape).

Only the monitoring servers may read it: addresses or networks in ``BATON_METRICS_ALLOWED``
(default the loopback), as the connection (or, behind a trusted gateway, the client) is
seen; anyone else gets 404, as if there were no such page.
"""

import ipaddress
import os

import prometheus_client
from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily

from .health import queue_depths


class QueueCollector:
    """The tasks waiting in each queue, counted when Prometheus asks."""

    def collect(self):
        gauge = GaugeMetricFamily(
            "baton_task_queue_depth", "后台任务队列中等待执行的任务数", labels=["queue"]
        )
        try:
            depths = queue_depths()
        except Exception:
            depths = {}
        for queue, depth in depths.items():
            gauge.add_metric([queue], depth)
        yield gauge


def _allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    # Networks, checked when the settings load (a test may give them as text).
    return any(
        ip in ipaddress.ip_network(allowed, strict=False)
        for allowed in settings.BATON_METRICS_ALLOWED
    )


@never_cache
@require_safe
def metrics(request):
    if not _allowed(request.META.get("REMOTE_ADDR", "")):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # every gunicorn worker's counts
        workers = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(workers)
    else:
        workers = prometheus_client.REGISTRY
    queue = prometheus_client.CollectorRegistry()
    queue.register(QueueCollector())
    body = prometheus_client.generate_latest(workers) + prometheus_client.generate_latest(queue)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
