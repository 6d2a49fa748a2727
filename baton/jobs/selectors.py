"""Reads of jobs: a user sees the jobs they started, and no one else's."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from baton.accounts.models import User

from .models import Job


def jobs_of(user: User) -> QuerySet[Job, Any]:
    if not user.is_authenticated or not user.is_active:
        return Job.objects.none()
    return Job.objects.filter(user=user)


def job_for(user: User, job_id: int, kind: str | None = None) -> Job:
    """Return the user's own job, or 404 (another user's job is as good as absent)."""
    jobs = jobs_of(user)
    if kind is not None:
        jobs = jobs.filter(kind=kind)
    job = jobs.filter(pk=job_id).first()
    if job is None:
        raise Http404("没有这项后台任务，或它不是您提交的。")
    return job
