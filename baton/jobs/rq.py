"""The RQ queue (``BATON_TASKS=rq``): every task may be retried, and a worker starting up
hands back, through RQ's own cleanup, the tasks a killed worker of its machine left
half-run.

A worker killed with its work horse (SIGKILL, power, the OOM killer on the whole group)
leaves its task in the queue's StartedJobRegistry until the task's heartbeat runs out
(about 90 s) and some worker's maintenance (every 10 minutes) cleans the registry: RQ then
retries the task if it has retries left (``Queue`` gives every task ``RETRIES``). A
worker started by ``baton rqworker`` does not wait for that: every task in the registry
whose worker was a process of this machine that is gone (or whose worker RQ no longer
knows) is marked expired now, and ``StartedJobRegistry.cleanup`` retries it at once.

A task must therefore be safe to run twice, as with the database queue: a job's work
finishes the job in the transaction of its writes, and a finished job is never run or
finished again (``baton.jobs.services``).
"""

import socket
from collections.abc import Iterable

from django_rq.queues import DjangoRQ
from rq.executions import Execution
from rq.job import Retry
from rq.registry import StartedJobRegistry
from rq.utils import parse_composite_key
from rq.worker import Worker

from .services import alive

#: How many times RQ runs a task again after its worker died or it raised.
RETRIES = 3


class Queue(DjangoRQ):
    """django-rq's queue, whose tasks are retried ``RETRIES`` times unless told otherwise
    (``RQ_QUEUES[…]["QUEUE_CLASS"]``)."""

    def create_job(self, *args, **kwargs):
        if kwargs.get("retry") is None and len(args) < 13:  # retry: the 13th positional
            kwargs["retry"] = Retry(max=RETRIES)
        return super().create_job(*args, **kwargs)


def requeue_abandoned(queues: Iterable[DjangoRQ], *, host: str) -> int:
    """Expire the runs of ``queues``' started tasks whose worker on ``host`` is gone, and
    let RQ's registry cleanup retry them (or fail them when no retry is left). Return how
    many runs were handed back."""
    handed_back = 0
    for queue in queues:
        registry = StartedJobRegistry(queue=queue, job_class=queue.job_class)
        connection = registry.connection
        dead = []
        for raw in connection.zrange(registry.key, 0, -1):
            entry = raw.decode() if isinstance(raw, bytes) else str(raw)
            job_id, execution_id = parse_composite_key(entry)
            try:
                execution = Execution.fetch(execution_id, job_id, connection)
            except ValueError:  # its record expired: RQ's own cleanup will find it
                continue
            if _worker_gone(execution.worker_name, connection, host=host):
                dead.append(entry)
        if dead:
            connection.zadd(registry.key, dict.fromkeys(dead, 0), xx=True)
            registry.cleanup()
            handed_back += len(dead)
    return handed_back


def _worker_gone(name: str, connection, *, host: str) -> bool:
    if not name:
        return False
    worker = Worker.find_by_key(Worker.redis_worker_namespace_prefix + name, connection)
    if worker is None:
        return True  # its heartbeat ran out: RQ has forgotten it
    if worker.hostname != host or not worker.pid:
        return False  # another machine's: its own restart hands it back
    return not alive(worker.pid)


def hostname() -> str:
    return socket.gethostname()
