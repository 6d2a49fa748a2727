"""Shared helpers of the problem, 督办 and leader-act tests."""

from baton.projects.tests import helpers
from baton.supervision.models import LeaderAct, Problem, Supervision


def db_state() -> dict:
    """Return everything these services and views may write, to compare before and after."""
    return {
        **helpers.db_state(),
        "problems": list(Problem.objects.order_by("pk").values()),
        "supervisions": list(Supervision.objects.order_by("pk").values()),
        "leader_acts": list(LeaderAct.objects.order_by("pk").values()),
    }


def refused(message: str | list[str], **kwargs):
    """``baton.projects.tests.helpers.refused`` over these tables too."""
    return helpers.refused(message, state=db_state, **kwargs)
