"""What the meetings' pages and the API read, scoped by ``rules`` in one place (404 outside)."""

from django.db.models import Count, QuerySet
from django.http import Http404

from baton.accounts.models import User

from . import rules
from .models import Decision, Meeting, open_decision_q

NOT_FOUND = "例会不存在或您无权查看。"
DECISION_NOT_FOUND = "决定事项不存在或您无权查看。"


def meeting_list(*, user: User) -> QuerySet[Meeting]:
    """The meetings the user sees, newest month first, with their decisions counted."""
    return (
        rules.visible_meetings(user)
        .select_related("district", "chair")
        .annotate(
            n_decisions=Count("decisions", distinct=True),
            n_open=Count("decisions", filter=open_decision_q("decisions__"), distinct=True),
        )
        .order_by("-month", "district__code", "-id")
    )


def meeting_get(*, user: User, pk: int | str) -> Meeting:
    try:
        return (
            rules.visible_meetings(user)
            .select_related("district", "chair", "created_by")
            .get(pk=int(pk))
        )
    except (Meeting.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404(NOT_FOUND) from None


def meeting_decisions(*, user: User, meeting: Meeting) -> list[Decision]:
    """The meeting's decisions the user sees: all of them, or a unit's own."""
    rows = rules.visible_decisions(user).filter(meeting=meeting)
    return list(
        rows.select_related(
            "owner_unit", "owner_person", "project", "supervision", "closed_by"
        ).order_by("number")
    )


def decision_get(*, user: User, pk: int | str) -> Decision:
    try:
        return (
            rules.visible_decisions(user)
            .select_related("meeting", "meeting__district", "supervision", "supervision__leader")
            .get(pk=int(pk))
        )
    except (Decision.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404(DECISION_NOT_FOUND) from None
