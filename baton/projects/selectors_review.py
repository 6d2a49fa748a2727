"""Reads of the review desk, scoped by user: the queue, the decisions, a project's trail.

Every list here starts from ``selectors.project_scope``. The one read across scopes is
``duplicate_rows``, on purpose: the reviewer must see a clash with another unit's or
district's project.
"""

from django.db.models import OuterRef, QuerySet, Subquery

from baton.accounts.models import User

from .duplicates import duplicate_candidates
from .models import Project, ProjectEvent, ReviewState
from .selectors import project_list, project_scope

Role = User.Role

#: The review events the history of decisions lists.
DECISIONS = (
    ProjectEvent.Kind.APPROVED,
    ProjectEvent.Kind.ADMITTED,
    ProjectEvent.Kind.RETURNED,
)


def review_queue(*, user: User) -> QuerySet[Project]:
    """Return the projects waiting for this user's review decision, oldest first.

    The district office decides on its district's submitted projects (in a one-level
    district this admits them); the city reviewer admits its city's district-approved ones.
    """
    if user.role == Role.DISTRICT_OFFICE and user.district_id:
        state = {"review_state": ReviewState.SUBMITTED, "district_id": user.district_id}
    elif user.role == Role.CITY_REVIEWER and user.city_id:
        state = {"review_state": ReviewState.DISTRICT_APPROVED, "district__city_id": user.city_id}
    else:
        return Project.objects.none()
    submission = ProjectEvent.objects.filter(
        project=OuterRef("pk"), kind=ProjectEvent.Kind.SUBMITTED
    ).order_by("-at", "-id")
    return (
        project_list(user=user, filters=state)
        .annotate(submission=Subquery(submission.values("new")[:1]))
        .order_by("submitted_at", "id")
    )


def review_decisions(*, user: User) -> QuerySet[ProjectEvent]:
    """Return the review decisions (approved, admitted, returned) in scope, newest first."""
    visible = Project.objects.filter(project_scope(user)).values("pk")
    return (
        ProjectEvent.objects.filter(kind__in=DECISIONS, project__in=visible)
        .select_related("project", "project__unit", "project__district", "actor")
        .order_by("-at", "-id")
    )


def duplicate_rows(*, user: User, project: Project) -> list[dict]:
    """Return the duplicate candidates of a project under review, with what to compare.

    Candidates come from every unit of the city on purpose (项目撞车 is a clash across
    units); ``visible`` says whether the reviewer may open the candidate's own page.
    """
    candidates = duplicate_candidates(project)
    if not candidates:
        return []
    ids = [c.project.pk for c in candidates]
    full = Project.objects.select_related("district", "unit", "stage").in_bulk(ids)
    visible = set(project_list(user=user, filters={"pk__in": ids}).values_list("pk", flat=True))
    return [
        {
            "project": full[c.project.pk],
            "score": c.score,
            "reason": c.reason,
            "visible": c.project.pk in visible,
        }
        for c in candidates
        if c.project.pk in full
    ]


def review_trail(*, project: Project) -> list[ProjectEvent]:
    """Return the project's submissions and review decisions, oldest first."""
    return list(
        project.events.filter(kind__in=(ProjectEvent.Kind.SUBMITTED, *DECISIONS))
        .select_related("actor")
        .order_by("at", "id")
    )
