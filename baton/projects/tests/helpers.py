"""Shared helpers of the project service tests."""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError

from baton.projects.models import (
    CodeSequence,
    Handoff,
    Milestone,
    Project,
    ProjectEvent,
    ProjectPeriod,
)
from baton.testing import make_project, stage

SIGNED_ON = dt.date(2024, 3, 1)
INVESTOR = "厦门示例科技有限公司"


def db_state() -> dict:
    """Return everything a project service may write, to compare before and after."""
    return {
        "projects": list(Project.objects.order_by("pk").values()),
        "co_units": list(
            Project.co_units.through.objects.order_by("project_id", "unit_id").values_list(
                "project_id", "unit_id"
            )
        ),
        "events": ProjectEvent.objects.count(),
        "periods": list(ProjectPeriod.objects.order_by("pk").values()),
        "milestones": list(Milestone.objects.order_by("pk").values()),
        "sequences": list(CodeSequence.objects.order_by("pk").values()),
        "handoffs": list(Handoff.objects.order_by("pk").values()),
    }


@contextmanager
def refused(
    message: str | list[str], *, project=None, field=None, error=ValidationError, state=db_state
):
    """Expect the block to raise ``error`` with exactly ``message`` and to change nothing.

    ``message`` is a list when the error names several fields; ``state`` returns what
    must not change (an app above adds its own tables).
    """
    before = state()
    version = Project.objects.get(pk=project.pk).version if project is not None else None
    with pytest.raises(error) as info:
        yield info
    assert info.value.messages == (message if isinstance(message, list) else [message])
    if field is not None:
        assert info.value.message_dict == {field: [message]}
    assert state() == before
    if project is not None:
        project.refresh_from_db()
        assert project.version == version


def make_landed(w, *, when=None, signed_on=SIGNED_ON, **kwargs) -> Project:
    """Create a draft project that has landed (落地), with its 签约 milestone."""
    return make_project(
        w,
        stage=stage("landed"),
        investor=kwargs.pop("investor", INVESTOR),
        signed_on=signed_on,
        at=when,
        **kwargs,
    )


def kinds(project: Project) -> list[str]:
    return list(project.events.order_by("at", "id").values_list("kind", flat=True))


def periods(project: Project) -> list[tuple]:
    """Return the project's periods as (from, to, review state, stage, unit, 万元)."""
    return [
        (p.valid_from, p.valid_to, p.review_state, p.stage.code, p.unit.name, p.investment)
        for p in project.periods.select_related("stage", "unit").order_by("valid_from", "id")
    ]
