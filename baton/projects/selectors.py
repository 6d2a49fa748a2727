"""Reads of projects, always scoped by the user: ``project_scope`` is the one place the
projects a user sees are decided, on top of the user's area (``accounts.areas``)."""

import re

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User

from .models import CODE_PATTERN, Project, ProjectEvent

_CODE = re.compile(CODE_PATTERN)


def project_scope(user: User) -> Q:
    """Return the condition on ``Project`` that a user may see.

    The user's area (``accounts.areas``) decides it. A unit sees the projects it holds,
    helps with (co-unit) or ran a leg of the relay for; a district's or a city's area
    sees the projects placed in it; an empty area (the administrators) sees none.
    """
    area = area_of(user)
    unit = area.unit_id
    if area.level is Level.UNIT and unit is not None:
        co_unit = Project.co_units.through.objects.filter(project_id=OuterRef("pk"), unit_id=unit)
        return (
            Q(unit_id=unit)
            | Q(info_unit_id=unit)
            | Q(talks_unit_id=unit)
            | Q(landing_unit_id=unit)
            | Q(Exists(co_unit))
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


def project_get(*, user: User, pk: int | None = None, code: str | None = None) -> Project:
    """Return one project in the user's scope, or raise Http404 (never 403: no leaks)."""
    if pk is None and not (isinstance(code, str) and _CODE.fullmatch(code)):
        raise Http404("项目不存在或您无权查看。")
    lookup = {"pk": pk} if pk is not None else {"code": code}
    try:
        return project_list(user=user).get(**lookup)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise Http404("项目不存在或您无权查看。") from None


def project_events(*, project: Project) -> QuerySet[ProjectEvent]:
    """Return a project's timeline (the caller got the project through ``project_get``)."""
    return project.events.select_related("actor").order_by("at", "id")
