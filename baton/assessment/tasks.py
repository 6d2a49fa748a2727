"""Ranking runs (试算) in the background worker: the scheme page queues the run, the run's
page shows its progress indicator by indicator, then opens the draft ranking.

The run stores its ranking and finishes its job in one transaction: a worker killed in
the middle leaves no ranking and the job unfinished, and the task run again computes it
whole; run again after the commit, it finds its job finished and does nothing. Asking
again for a run of the same scheme and period that is still queued or running returns
that run, so a double click computes one ranking.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django_tasks import task

from baton.accounts.models import User
from baton.jobs import services as jobs
from baton.jobs.models import Job

from . import services
from .models import Scheme
from .periods import Period, period_label
from .selectors import manages


def start_ranking(*, user: User, scheme: Scheme, period: Period) -> Job:
    """Queue the run of ``scheme`` over ``period``, or return the user's run of it that
    has not finished yet."""
    params = {"scheme": scheme.pk, "start": period.start.isoformat(), "end": period.end.isoformat()}
    with transaction.atomic():
        waiting = (
            Job.objects.select_for_update()
            .filter(
                user=user, kind=Job.Kind.RANKING, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
            )
            .filter(**{f"params__{key}": value for key, value in params.items()})
            .first()
        )
        if waiting is not None:
            return waiting
        job = jobs.create(
            user=user,
            kind=Job.Kind.RANKING,
            title=f"试算{scheme}{period.label}排名",
            params=params,
        )
    return jobs.enqueue(job, compute_ranking)


@task(queue_name="bulk")
def compute_ranking(job_id: int) -> str:
    return jobs.run(job_id, _compute)


def _compute(job: Job, progress) -> None:
    user, params = job.user, job.params
    scheme = Scheme.objects.filter(pk=params["scheme"]).first()
    # The user's rights as they are when the run starts, not when it was asked for.
    if scheme is None or not user.is_active or not manages(user, scheme):
        raise ValidationError(services.ONLY_OFFICE)
    start, end = dt.date.fromisoformat(params["start"]), dt.date.fromisoformat(params["end"])
    with transaction.atomic():
        ranking = services.ranking_compute(
            scheme=scheme, period_start=start, period_end=end, progress=progress
        )
        jobs.finish(
            job,
            message=f"已试算{period_label(start, end)}排名，核对无误后可发布。",
            result={
                "ranking": ranking.pk,
                "url": reverse("assessment:ranking", args=[ranking.pk]),
            },
        )
