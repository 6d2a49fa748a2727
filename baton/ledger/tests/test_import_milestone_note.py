"""A ledger import keeps the note typed on a milestone, through the services and in bulk.

The ledger has dates and no notes: landing a project with the 签约 date it already has
changes nothing of that milestone, and a corrected date keeps its note.
"""

import datetime as dt

import pytest

from baton.ledger.importer import ledger_import
from baton.projects import services
from baton.projects.models import Milestone, ProjectEvent
from baton.testing import at, make_project, stage

from .helpers import row, xlsx

SIGNED_ON = dt.date(2019, 5, 1)
WAYS = pytest.mark.parametrize("through_services", [True, False], ids=["services", "bulk"])


@pytest.fixture
def project(w):
    """A project in talks, signed on 2019-05-01 with a note."""
    project = make_project(
        w,
        name="翔安新能源电池项目",
        investor="鹭岛新能源科技有限公司",
        stage=stage("negotiating"),
        signed_on=SIGNED_ON,
        at=at(2019, 5, 1),
    )
    services.milestone_record(
        project=project,
        kind=Milestone.Kind.SIGNED,
        date=SIGNED_ON,
        note="合同已签",
        actor=w.promoter,
        at=at(2019, 5, 1),
    )
    return project


def signed(project) -> tuple:
    return project.milestones.values_list("date", "note").get(kind=Milestone.Kind.SIGNED)


def milestone_events(project) -> int:
    return project.events.filter(kind=ProjectEvent.Kind.MILESTONE).count()


@WAYS
def test_landing_with_the_recorded_signing_date_keeps_its_note(w, project, through_services):
    events = milestone_events(project)
    line = row(
        项目编号=project.code,
        入库状态="草稿",
        入库日期=None,
        项目阶段="落地",
        阶段日期="2019-06-01",
        签约日期="2019-05-01",
    )
    result = ledger_import(data=xlsx([line]), through_services=through_services)
    assert result.errors == [] and result.updated == [project.code]
    project.refresh_from_db()
    assert project.stage == stage("landed")
    assert signed(project) == (SIGNED_ON, "合同已签")
    assert milestone_events(project) == events


@WAYS
def test_a_corrected_signing_date_keeps_its_note(w, project, through_services):
    line = row(
        项目编号=project.code,
        入库状态="草稿",
        入库日期=None,
        项目阶段="在谈",
        签约日期="2019-05-03",
    )
    result = ledger_import(data=xlsx([line]), through_services=through_services)
    assert result.errors == []
    assert signed(project) == (dt.date(2019, 5, 3), "合同已签")
