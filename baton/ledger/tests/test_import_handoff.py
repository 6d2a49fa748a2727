"""A ledger row that changes the 责任单位 is a handoff, by whoever imports it: a unit's
is 待接收 until the receiving unit accepts; the district office's takes effect at once.
The bulk writer and the services do the same."""

import pytest

from baton.ledger.importer import ledger_import
from baton.projects.models import Handoff, Project, ProjectEvent

from .helpers import row, xlsx

Kind = ProjectEvent.Kind
CODE = "350213-2019-0901"


@pytest.fixture(params=[False, True], ids=["bulk", "services"])
def through_services(request):
    return request.param


def _import(w, actor, through_services, **values):
    data = xlsx([row(**{"入库状态": "草稿", **values})])
    return ledger_import(
        data=data, actor=actor, district=w.district, through_services=through_services
    )


def test_a_units_import_offers_the_project(w, through_services):
    assert _import(w, w.promoter, through_services).ok
    project = Project.objects.get(original_code=CODE)

    result = _import(w, w.promoter, through_services, 责任单位="区工信局")

    assert result.ok, [e.line() for e in result.errors]
    project.refresh_from_db()
    assert project.unit == w.town
    handoff = Handoff.objects.get()
    assert (handoff.state, handoff.from_unit, handoff.to_unit) == ("pending", w.town, w.department)
    assert handoff.requested_by == w.promoter
    assert project.events.latest("id").kind == Kind.HANDOFF_REQUESTED
    # Imported again while it waits: nothing new.
    again = _import(w, w.promoter, through_services, 责任单位="区工信局")
    assert again.ok and again.events == 0
    assert Handoff.objects.count() == 1


def test_the_offices_import_hands_off_at_once(w, through_services):
    assert _import(w, w.office, through_services).ok
    project = Project.objects.get(original_code=CODE)

    result = _import(w, w.office, through_services, 责任单位="区工信局")

    assert result.ok, [e.line() for e in result.errors]
    project.refresh_from_db()
    assert project.unit == w.department
    assert not Handoff.objects.exists()
    assert project.events.latest("id").kind == Kind.HANDED_OFF
