"""Shared helpers of the outcomes' tests: a landed, signed project of 马巷, its promises
and results, and the state a refusal must leave unchanged."""

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from baton.outcomes import services
from baton.outcomes.models import OutcomeEvent, Promise, Result
from baton.projects.models import Milestone
from baton.supervision.models import Problem
from baton.testing import at, make_project, stage

SIGNED = dt.date(2025, 3, 3)


def landed(w, *, unit=None, actor=None, land_area_mu="30", signed=SIGNED, **fields):
    """A 落地 project of 马巷 (unless ``unit``), signed on ``signed``."""
    fields.setdefault("investor", "厦门示例新能源有限公司")
    project = make_project(
        w,
        unit=unit,
        actor=actor,
        investment="50000",
        stage=stage("landed"),
        signed_on=signed,
        land_area_mu=Decimal(land_area_mu) if land_area_mu else None,
        at=at(2025, 3, 3),
        **fields,
    )
    assert Milestone.objects.filter(project=project, kind="signed").exists()
    return project


def promise(project, actor=None, **values):
    base = {"kind": "output", "target": "20000", "due_on": dt.date(2025, 12, 31)}
    return services.promise_create(actor=actor, project=project, values={**base, **values})


def result(project, actor=None, **values):
    base = {"year": 2025, "quarter": 0, "source": "statistics"}
    row, _changed = services.result_record(actor=actor, project=project, values={**base, **values})
    return row


def state() -> dict:
    return {
        "promises": list(Promise.objects.order_by("pk").values()),
        "results": list(Result.objects.order_by("pk").values()),
        "events": OutcomeEvent.objects.count(),
        "problems": Problem.objects.count(),
    }


@contextmanager
def refused(message, *, error=ValidationError):
    """The block raises ``error`` saying exactly ``message`` and changes nothing."""
    before = state()
    with pytest.raises(error) as info:
        yield info
    messages = message if isinstance(message, list) else [message]
    got = info.value.messages if isinstance(info.value, ValidationError) else [str(info.value)]
    assert got == messages
    assert state() == before
