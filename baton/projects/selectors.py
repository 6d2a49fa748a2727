"""Reads of projects, always scoped by the user: ``project_scope`` is the one place the
projects a user sees are decided, on top of the user's area (``accounts.areas``)."""

import datetime as dt
import re
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User
from baton.core.dates import add_working_days, local_date, start_of_day
from baton.org.models import District

from .models import CODE_PATTERN, Handoff, Project, ProjectEvent

#: Working days the receiving unit has to accept a handoff before it escalates to the
#: district office.
HANDOFF_WORKING_DAYS = 3

_CODE = re.compile(CODE_PATTERN)


def project_scope(user: User) -> Q:
    """Return the condition on ``Project`` that a user may see.

    The user's area (``accounts.areas``) decides it. A unit sees the projects it holds,
    helps with (co-unit) or ran a leg of the relay for; a district's or a city's area
    sees the projects placed in it; an empty area (the administrators) and a 协调部门's
    staff see none.
    """
    area = area_of(user)
    unit = area.unit_id
    if area.level is Level.UNIT and unit is not None:
        if user.is_coordinating:  # a 协调部门 sees only the problems assigned to it
            return Q(pk__in=[])
        co_unit = Project.co_units.through.objects.filter(project_id=OuterRef("pk"), unit_id=unit)
        offered = Handoff.objects.filter(
            project_id=OuterRef("pk"), to_unit_id=unit, state=Handoff.State.PENDING
        )
        return (
            Q(unit_id=unit)
            | Q(info_unit_id=unit)
            | Q(talks_unit_id=unit)
            | Q(landing_unit_id=unit)
            | Q(Exists(co_unit))
            | Q(Exists(offered))
        )
    return area.district_q()


def project_list(*, user: User, filters: dict | None = None) -> QuerySet[Project]:
    """Return the projects the user may see, narrowed by ``filters`` (field lookups)."""
    projects = Project.objects.filter(project_scope(user)).select_related(
        "district", "unit", "stage", "industry", "leader"
    )
    if filters:
        projects = projects.filter(**filters)
    return projects


NOT_FOUND = "项目不存在或您无权查看。"


def project_get(
    *, user: User, pk: int | None = None, code: str | None = None, related: tuple[str, ...] = ()
) -> Project:
    """Return one project in the user's scope, or raise Http404 (never 403: no leaks).

    ``related``: more relations to read with it (the project page's relay units)."""
    project = None
    if pk is not None or (isinstance(code, str) and _CODE.fullmatch(code)):
        lookup = {"pk": pk} if pk is not None else {"code": code}
        try:
            projects = project_list(user=user).select_related(*related)
            project = projects.filter(**lookup).first()
        except (ValueError, TypeError):
            project = None
    if project is None:
        raise Http404(NOT_FOUND)
    return project


def project_events(*, project: Project) -> QuerySet[ProjectEvent]:
    """Return a project's timeline (the caller got the project through ``project_get``)."""
    return project.events.select_related("actor").order_by("at", "id")


# --- handoffs waiting for their receiving unit --------------------------------------------


def pending_handoff(project: Project) -> Handoff | None:
    """Return the project's handoff waiting for its receiving unit (待接收), if any."""
    return (
        project.handoffs.filter(state=Handoff.State.PENDING)
        .select_related("from_unit", "to_unit", "requested_by")
        .first()
    )


def pending_handoffs(project_ids: Iterable[int]) -> dict[int, Handoff]:
    """Return the pending handoffs of the given projects (a page of a list), by project id."""
    pending = Handoff.objects.filter(project_id__in=project_ids, state=Handoff.State.PENDING)
    return {h.project_id: h for h in pending.select_related("to_unit")}


def handoff_due(handoff: Handoff) -> dt.date:
    """Return the last day the receiving unit has to accept: the third working day after
    the day the handoff was made (``baton.core.dates``'s official calendar)."""
    return add_working_days(local_date(handoff.requested_at), HANDOFF_WORKING_DAYS)


def handoffs_awaiting(user: User) -> QuerySet[Handoff]:
    """Return the pending handoffs the user's unit is asked to accept, oldest first.

    Only a unit's staff accepts for its unit; anyone else has none."""
    if user.role != User.Role.UNIT_STAFF or user.unit_id is None:
        return Handoff.objects.none()
    return (
        Handoff.objects.filter(to_unit_id=user.unit_id, state=Handoff.State.PENDING)
        .select_related("project", "from_unit", "to_unit")
        .order_by("requested_at", "id")
    )


def handoffs_overdue(district: District, today: dt.date | None = None) -> QuerySet[Handoff]:
    """Return the district's pending handoffs not accepted within their working days by
    ``today`` (default the local today): what escalates to the district office."""
    today = today or timezone.localdate()
    # 3 working days are at least 3 days: only older handoffs can be late.
    candidates = Handoff.objects.filter(
        district=district,
        state=Handoff.State.PENDING,
        requested_at__lt=start_of_day(today - dt.timedelta(days=HANDOFF_WORKING_DAYS)),
    )
    late = [h.pk for h in candidates.only("pk", "requested_at") if handoff_due(h) < today]
    return (
        Handoff.objects.filter(pk__in=late)
        .select_related("project", "from_unit", "to_unit")
        .order_by("requested_at", "id")
    )
