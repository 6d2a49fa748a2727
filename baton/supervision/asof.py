"""Point-in-time sets of problems and leaders' acts, as ``baton.projects.asof``'s.

The cockpit counts with them (``baton.reports.cockpit``), and the project list's
drill-downs filter through them (registered in ``hooks`` as ``open_problem`` and
``acted_by``), so that a list shows exactly the projects a figure counts:

- ``problems_at`` / ``open_problem_at``: the problems raised by ``D`` with their status
  then, and the condition "a problem (存在问题) open at ``D``" — paused for a recorded reason;
- ``acts``: leaders' acts dated in a window, on projects in scope when they were recorded.
"""

import datetime as dt

from django.db.models import BigIntegerField, CharField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce

from baton.core.dates import end_of_day
from baton.projects.asof import EVERYWHERE
from baton.projects.models import ProjectEvent, ProjectPeriod

from .models import LeaderAct, Problem


def problems_at(*, as_of: dt.date) -> QuerySet[Problem]:
    """Return the problems raised by the end of ``as_of``, each annotated ``status_then``:
    the status its own latest event before then gave it (as the monthly pack reads it)."""
    cutoff = end_of_day(as_of)
    status_then = (
        ProjectEvent.objects.filter(
            project_id=OuterRef("project_id"), kind=ProjectEvent.Kind.PROBLEM, at__lt=cutoff
        )
        .annotate(problem_id=Cast(KeyTextTransform("problem", "new"), BigIntegerField()))
        .filter(problem_id=OuterRef("pk"))
        .order_by("-at", "-id")
        .values_list(KeyTextTransform("status", "new"))[:1]
    )
    return Problem.objects.filter(created_at__lt=cutoff).annotate(
        status_then=Coalesce(Subquery(status_then), "status", output_field=CharField())
    )


def open_problem_at(*, as_of: dt.date) -> Exists:
    """Return the condition "has a problem open at the end of ``as_of``" on a row with a
    ``project_id``: a project paused for a recorded reason."""
    open_then = problems_at(as_of=as_of).filter(
        project_id=OuterRef("project_id"), status_then__in=Problem.OPEN_STATUSES
    )
    return Exists(open_then)


def acts(
    *, until: dt.date, since: dt.date | None = None, where: Q = EVERYWHERE
) -> QuerySet[LeaderAct]:
    """Return the leaders' acts dated in the window whose project was in ``where`` when
    the act was recorded."""
    found = LeaderAct.objects.filter(date__lte=until)
    if since is not None:
        found = found.filter(date__gte=since)
    if where:
        then = ProjectPeriod.objects.filter(
            where, project_id=OuterRef("project_id"), valid_from__lte=OuterRef("created_at")
        ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=OuterRef("created_at")))
        found = found.filter(Exists(then))
    return found
