"""Reads of projects, always scoped by the user's role: the one place scope is decided."""

import re

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from baton.accounts.models import User

from .models import CODE_PATTERN, Project, ProjectEvent

Role = User.Role
_CODE = re.compile(CODE_PATTERN)


def project_scope(user: User) -> Q:
    """Return the condition on ``Project`` that a user may see.

    A unit sees the projects it holds, helps with (co-unit) or ran a leg of the relay
    for; a district office and a district leader their district; the city reviewer and
    a city leader their city. The three administrators see no business data.
    """
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.role == Role.UNIT_STAFF and user.unit_id:
        unit = user.unit_id
        co_unit = Project.co_units.through.objects.filter(project_id=OuterRef("pk"), unit_id=unit)
        return (
            Q(unit_id=unit)
            | Q(info_unit_id=unit)
            | Q(talks_unit_id=unit)
            | Q(landing_unit_id=unit)
            | Q(Exists(co_unit))
        )
    if user.role in (Role.DISTRICT_OFFICE, Role.LEADER) and user.district_id:
        return Q(district_id=user.district_id)
    if user.role in (Role.CITY_REVIEWER, Role.LEADER) and user.city_id:
        return Q(district__city_id=user.city_id)
    return Q(pk__in=[])


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
