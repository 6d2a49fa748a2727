"""A job's life: created by the page that starts it, enqueued as a task, begun, told its
progress as the task goes, and finished with its outcome or its failure.

A task may run more than once: a worker killed in the middle leaves its task to be run
again (``management/commands/db_worker.py``, ``rq.py``). ``begin`` returns None for a job
that is already finished, so a later run does nothing; work that writes must finish its
job in the same transaction as its writes (``finish`` inside that transaction), so a job
is either finished with everything written, or not finished with nothing written. Two
runs at once (a worker taken for dead that was not) both write, but ``finish`` locks the
job's row and refuses the second (``AlreadyFinished``), whose writes then roll back.

Progress goes to the job's row when no transaction is open, and always to a small file
beside the database (``VAR_DIR/jobs``): a long import writes in one transaction, and on
SQLite nobody else can write the row until it ends; the page reads the file meanwhile.
"""

import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from baton.accounts.models import User
from baton.core.metrics import JOB_SECONDS

from .models import Job

logger = logging.getLogger(__name__)

Status = Job.Status
FINISHED = (Status.DONE, Status.FAILED)
FAILED_UNEXPECTEDLY = (
    "后台任务出错，未能完成，已写入的部分均已撤销。请您重新提交；如再次出错，请联系系统管理员。"
)


def folder() -> Path:
    return Path(settings.VAR_DIR) / "jobs"


def create(*, user: User, kind: str, title: str, params: dict | None = None) -> Job:
    return Job.objects.create(user=user, kind=kind, title=title[:200], params=params or {})


def enqueue(job: Job, task: Any, *args: Any) -> Job:
    """Queue ``task(job.pk, *args)`` and remember its id on the job."""
    queued = task.enqueue(job.pk, *args)
    Job.objects.filter(pk=job.pk, task_id="").update(task_id=str(queued.id)[:64])
    job.refresh_from_db()
    return job


def begin(job_id: int) -> Job | None:
    """Mark a job running, or return None when it is gone or already finished."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.is_finished:
        return None
    job.status = Status.RUNNING
    job.attempts += 1
    job.started_at = timezone.now()
    job.save(update_fields=["status", "attempts", "started_at"])
    return job


class AlreadyFinished(Exception):
    """Another run of the task finished the job first: this run's writes roll back."""


@transaction.atomic
def finish(
    job: Job,
    *,
    message: str,
    result: dict | None = None,
    file: str = "",
    file_name: str = "",
) -> None:
    """Mark the job done; raise ``AlreadyFinished`` when another run of its task (two
    workers given the same task) finished it first, so the writes of the transaction
    this is called in are rolled back and nothing is written twice."""
    finished = Job.objects.select_for_update().filter(pk=job.pk, status__in=FINISHED)
    if finished.exists():
        raise AlreadyFinished(job.pk)
    job.status = Status.DONE
    job.message = message
    job.result = result or {}
    job.file, job.file_name = file, file_name
    job.done = max(job.done, job.total)
    job.phase = ""
    job.finished_at = timezone.now()
    job.save()
    _forget_progress(job.pk)


def fail(job: Job, message: str) -> None:
    """Mark the job failed, unless another run of its task finished it."""
    Job.objects.filter(pk=job.pk).exclude(status__in=FINISHED).update(
        status=Status.FAILED, message=message, finished_at=timezone.now()
    )
    _forget_progress(job.pk)


def run(job_id: int, work: Callable[[Job, "Progress"], dict | None]) -> str:
    """Run ``work`` for a job, once: it returns what ``finish`` takes, or None when it
    finished the job itself (inside its own transaction). A refusal (ValidationError)
    fails the job with its message; anything else fails it with a general one and is
    raised again, for the worker's log."""
    job = begin(job_id)
    if job is None:
        return "skipped"
    started, result = time.monotonic(), "error"
    try:
        outcome = work(job, Progress(job))
        if outcome is not None:
            finish(job, **outcome)
        result = "done"
    except AlreadyFinished:
        result = "skipped"
    except ValidationError as exc:
        fail(job, "；".join(exc.messages))
        result = "failed"
    except Exception:
        fail(job, FAILED_UNEXPECTEDLY)
        raise
    finally:
        JOB_SECONDS.labels(job.kind, result).observe(time.monotonic() - started)
    return result


class Progress:
    """``progress(done, total, phase)``: tell the page how far the work is, at most a
    few times a second (and always at the end of a phase)."""

    EVERY = 0.5  # seconds

    def __init__(self, job: Job) -> None:
        self.job = job
        self._last = 0.0

    def __call__(self, done: int, total: int, phase: str = "") -> None:
        now = time.monotonic()
        if done < total and now - self._last < self.EVERY:
            return
        self._last = now
        job = self.job
        job.done, job.total, job.phase = done, total, phase[:40]
        _write_progress(job.pk, {"done": done, "total": total, "phase": job.phase})
        if not connection.in_atomic_block:
            Job.objects.filter(pk=job.pk).update(done=done, total=total, phase=job.phase)


def progress_of(job: Job) -> tuple[int, int, str]:
    """Return (done, total, phase) of a job as far as it is known now."""
    if job.status == Status.RUNNING:
        try:
            data = json.loads((folder() / f"{job.pk}.progress").read_text())
            return int(data["done"]), int(data["total"]), str(data["phase"])
        except (OSError, ValueError, KeyError):
            pass
    return job.done, job.total, job.phase


def _write_progress(job_id: int, data: dict) -> None:
    where = folder()
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        part = where / f"{job_id}.progress.part"
        part.write_text(json.dumps(data))
        os.replace(part, where / f"{job_id}.progress")
    except OSError:  # the page then shows the last progress in the row
        logger.warning("job %s: progress not written", job_id, exc_info=True)


def _forget_progress(job_id: int) -> None:
    def forget() -> None:
        (folder() / f"{job_id}.progress").unlink(missing_ok=True)

    transaction.on_commit(forget)


def file_path(job: Job) -> Path | None:
    """Return the file a finished job offers, if it is still there."""
    if job.status != Status.DONE or not job.file:
        return None
    path = folder() / "files" / job.file
    return path if path.is_file() else None


def file_for(job: Job, suffix: str) -> tuple[str, Path]:
    """Return the name (relative to the jobs' file folder) and path for a job's file."""
    where = folder() / "files"
    where.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = f"{job.pk}{suffix}"
    return name, where / name


def requeue_orphans(results: Any, *, host: str) -> int:
    """Make ready again the tasks marked running by a dead worker process of ``host``
    (a worker id ``host:pid:…``, as ``baton db_worker`` names its workers)."""
    from django_tasks_db.compat import TaskResultStatus

    orphans = []
    for pk, worker_ids in results.filter(status=TaskResultStatus.RUNNING).values_list(
        "pk", "worker_ids"
    ):
        last = (worker_ids or [""])[-1].split(":")
        if len(last) < 2 or last[0] != host or not last[1].isdigit():
            continue  # another machine's, or a worker not named by baton db_worker
        if not alive(int(last[1])):
            orphans.append(pk)
    if not orphans:
        return 0
    return results.filter(pk__in=orphans, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None
    )


def alive(pid: int) -> bool:
    """Whether process ``pid`` of this machine is running."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
