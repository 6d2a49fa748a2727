"""The application's own Prometheus metrics, defined once for every layer to observe.

The request metrics (latency, status, view) come from django-prometheus's middleware;
``/metrics`` (baton.ops.metrics) exports them with these and the task queue's depth. Under
gunicorn's several workers set ``PROMETHEUS_MULTIPROC_DIR`` (an empty directory, emptied
at each start) so that the export adds up every worker's counts.
"""

from prometheus_client import Histogram

#: How long a background task took — a ledger import, a report pack, a ranking run — by
#: its kind (the Job's) and how it ended (done, failed, skipped, error).
JOB_SECONDS = Histogram(
    "baton_job_duration_seconds",
    "后台任务（台账导入、月报材料、试算排名等）的耗时",
    ["kind", "outcome"],
    buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600),
)
