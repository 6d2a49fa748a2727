"""Reads of problems, 督办 and leaders' acts, scoped by user.

Every list here starts from ``baton.projects.selectors.project_scope``: what a user may
see of these rows follows from the projects they may see (plus, for a unit, the problems
it must solve and their 督办).
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from baton.accounts.areas import area_of, units_in
from baton.accounts.models import User
from baton.files.models import Attachment
from baton.files.selectors import NOT_FOUND as FILE_NOT_FOUND
from baton.org.models import LEADER_ORDER, Person, Unit
from baton.projects.models import Project
from baton.projects.selectors import project_list, project_scope

from .models import LeaderAct, Problem, Supervision

Role = User.Role
#: A 督办's files as its lists show them (the attachments of its report).
_FILES = Prefetch("files", queryset=Attachment.objects.order_by("id"))


def _visible_projects(user: User) -> QuerySet[Project, Any]:
    return Project.objects.filter(project_scope(user)).values("pk")


def _own_unit(user: User) -> int | None:
    """Return the unit of an active unit promoter, else None."""
    if user.is_authenticated and user.is_active and user.role == Role.UNIT_STAFF:
        return user.unit_id
    return None


# --- problems and supervisions ----------------------------------------------------------


def problem_scope(user: User) -> Q:
    """Return the condition on ``Problem`` that a user may see.

    The problems of the projects the user sees; a unit also sees the problems it is
    responsible for solving on other units' projects.
    """
    scope = Q(project__in=_visible_projects(user))
    unit = _own_unit(user)
    if unit:
        scope |= Q(responsible_unit_id=unit)
    return scope


def problem_list(*, user: User, filters: dict | None = None) -> QuerySet[Problem]:
    """Return the problems the user may see, by deadline, narrowed by ``filters``."""
    problems = (
        Problem.objects.filter(problem_scope(user))
        .select_related("project", "project__unit", "project__stage", "responsible_unit")
        .order_by("deadline", "id")
    )
    if filters:
        problems = problems.filter(**filters)
    return problems


def problem_get(*, user: User, pk: int | str) -> Problem:
    """Return one problem in the user's scope, or raise Http404."""
    try:
        return problem_list(user=user).get(pk=pk)
    except (Problem.DoesNotExist, ValueError, TypeError):
        raise Http404("问题不存在或您无权查看。") from None


def visible_projects(*, user: User, ids: Iterable[int]) -> set[int]:
    """Return which of these project ids the user may open (a unit may see a problem it
    must solve on a project it does not see)."""
    return set(project_list(user=user, filters={"pk__in": set(ids)}).values_list("pk", flat=True))


def overdue_problems(*, user: User) -> QuerySet[Problem]:
    return problem_list(
        user=user,
        filters={"status__in": Problem.OPEN_STATUSES, "deadline__lt": timezone.localdate()},
    )


def supervision_scope(user: User) -> Q:
    """Return the condition on ``Supervision`` a user may see: as for problems."""
    scope = Q(project__in=_visible_projects(user))
    unit = _own_unit(user)
    if unit:
        scope |= Q(problem__responsible_unit_id=unit)
    return scope


def supervision_list(*, user: User, filters: dict | None = None) -> QuerySet[Supervision]:
    supervisions = (
        Supervision.objects.filter(supervision_scope(user))
        .select_related("project", "project__unit", "leader", "problem")
        .prefetch_related(_FILES)
        .order_by("deadline", "id")
    )
    if filters:
        supervisions = supervisions.filter(**filters)
    return supervisions


def supervision_file_get(*, user: User, pk: int | str, file_pk: int | str) -> Attachment:
    """Return a file of a 督办 the user sees, or raise Http404."""
    supervision = supervision_get(user=user, pk=pk)
    try:
        return supervision.files.get(pk=file_pk)
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404(FILE_NOT_FOUND) from None


def supervision_get(*, user: User, pk: int | str) -> Supervision:
    try:
        return supervision_list(user=user).get(pk=pk)
    except (Supervision.DoesNotExist, ValueError, TypeError):
        raise Http404("督办事项不存在或您无权查看。") from None


def active_supervisions(*, user: User) -> QuerySet[Supervision]:
    """Return the 督办 not closed yet: at work, or reported and waiting for the sign-off."""
    return supervision_list(user=user, filters={"status__in": Supervision.OPEN_STATUSES})


def project_problems(*, project: Project) -> dict:
    """Return a project's problems, supervisions and latest leaders' acts.

    The caller got the project through ``selectors.project_get``.
    """
    return {
        # Open ones first, each group by deadline.
        "problems": sorted(
            project.problems.select_related("responsible_unit"),
            key=lambda p: (not p.is_open, p.deadline, p.pk),
        ),
        "supervisions": sorted(
            project.supervisions.select_related("leader", "problem").prefetch_related(_FILES),
            key=lambda s: (not s.is_open, s.deadline, s.pk),
        ),
        "acts": list(project.leader_acts.select_related("leader").order_by("-date", "-id")[:10]),
    }


# --- leaders' acts -------------------------------------------------------------------


def leader_act_list(*, user: User, filters: dict | None = None) -> QuerySet[LeaderAct]:
    """Return the leaders' acts on the projects the user sees, newest first."""
    acts = (
        LeaderAct.objects.filter(project__in=_visible_projects(user))
        .select_related("project", "leader")
        .order_by("-date", "-id")
    )
    if filters:
        acts = acts.filter(**filters)
    return acts


# --- choices for the forms --------------------------------------------------------------


def leader_choices(*, project: Project) -> QuerySet[Person]:
    """Return the leaders who may supervise or act on the project: its district's and city's."""
    return (
        Person.objects.filter(
            Q(district_id=project.district_id) | Q(district__isnull=True),
            city_id=project.district.city_id,
            is_active=True,
        )
        .exclude(level=Person.Level.STAFF)
        .order_by(*LEADER_ORDER)
    )


def units_in_scope(user: User) -> QuerySet[Unit]:
    """Return the units of the districts the user works in, for filters."""
    units = units_in(area_of(user))
    return units.select_related("district").order_by("district", "order", "id")


def leaders_in_scope(user: User) -> QuerySet[Person]:
    """Return the leaders who have acted on a project the user sees, for filters."""
    acted = LeaderAct.objects.filter(leader=OuterRef("pk"), project__in=_visible_projects(user))
    return Person.objects.filter(Exists(acted)).order_by(*LEADER_ORDER)


def problem_queue(*, user: User, size: int = 5) -> dict:
    """Return the 工作台's queue: overdue problems, and active 督办 (a leader's own)."""
    overdue = overdue_problems(user=user)
    supervisions = active_supervisions(user=user)
    if user.role == Role.LEADER and user.person_id:
        supervisions = supervisions.filter(leader_id=user.person_id)
    queue: dict[str, Any] = {
        "overdue_count": overdue.count(),
        "overdue": list(overdue[:size]),
        "supervision_count": supervisions.count(),
        "supervisions": list(supervisions[:size]),
    }
    rows = queue["overdue"] + queue["supervisions"]
    visible = visible_projects(user=user, ids=[row.project_id for row in rows])
    for row in rows:
        row.project_visible = row.project_id in visible
    return queue
