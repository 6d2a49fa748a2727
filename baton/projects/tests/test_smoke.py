from decimal import Decimal

from baton.projects.models import ProjectEvent, ReviewState
from baton.testing import admit, make_project


def test_it_creates_and_admits(w):
    project = make_project(w, investment="1234.5678")
    assert project.code.startswith("350213-")
    assert project.investment == Decimal("1234.5678")
    admit(w, project)
    assert project.review_state == ReviewState.ADMITTED
    kinds = list(project.events.values_list("kind", flat=True))
    assert kinds == [
        ProjectEvent.Kind.CREATED,
        ProjectEvent.Kind.SUBMITTED,
        ProjectEvent.Kind.APPROVED,
        ProjectEvent.Kind.ADMITTED,
    ]
