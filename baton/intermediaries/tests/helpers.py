"""Shared helpers of the intermediaries' tests: an intermediary, a landed project, the
demo reward policy, and the state a refusal must leave unchanged."""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from baton.core.dates import start_of_day
from baton.intermediaries import services
from baton.intermediaries.fixtures import reward_policy
from baton.intermediaries.models import (
    Agreement,
    Claim,
    Intermediary,
    IntermediaryEvent,
    IntermediarySettings,
    Reward,
)
from baton.policies.models import Application, ApplicationEvent, Instalment
from baton.policies.services import policy_load
from baton.projects.models import Milestone
from baton.testing import make_project

AGENCY_USCC = "91350200MA2XN0QK3G"
INVESTOR_USCC = "91350213MA31X8AD0A"


def day(days_ago: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days_ago)


def moment(days_ago: int, hour: int = 10) -> dt.datetime:
    return start_of_day(day(days_ago)) + dt.timedelta(hours=hour)


def values(**over) -> dict:
    base = {
        "kind": "agency",
        "name": "厦门鹭招企业管理咨询有限公司",
        "uscc": AGENCY_USCC,
        "contact_name": "林经理",
        "contact_phone": "13800001234",
        "address": "厦门市思明区",
        "filed_on": day(100),
        "declared_on": day(100),
        "documents": "营业执照复印件\n利益冲突声明书",
        "affiliates": "",
        "declaration": "本机构及其人员不属于公职人员，与投资方无关联关系。",
    }
    return {**base, **over}


def register(w, **over) -> Intermediary:
    return services.intermediary_register(
        actor=w.office, district=w.district, values=values(**over), at=moment(100)
    )


def person(w, name="陈引荐", **over) -> Intermediary:
    return register(w, kind="person", name=name, uscc="", **over)


def project(w, *, signed_days_ago=None, **kwargs):
    kwargs.setdefault("investor", "厦门示例新材料有限公司")
    kwargs.setdefault("investor_uscc", INVESTOR_USCC)
    kwargs.setdefault("fixed_investment", "40000")
    kwargs.setdefault("project_type", "domestic")
    signed = day(signed_days_ago) if signed_days_ago is not None else None
    return make_project(w, signed_on=signed, at=moment(120, 9), **kwargs)


def sign(project_, days_ago: int = 0) -> None:
    Milestone.objects.create(project=project_, kind="signed", date=day(days_ago))


def load_reward_policy(w):
    policy_load(items=[reward_policy(w.district.code)])


def state() -> dict:
    return {
        "intermediaries": list(Intermediary.objects.order_by("pk").values()),
        "agreements": list(Agreement.objects.order_by("pk").values()),
        "claims": list(Claim.objects.order_by("pk").values()),
        "events": IntermediaryEvent.objects.count(),
        "settings": list(IntermediarySettings.objects.order_by("pk").values()),
        "rewards": list(Reward.objects.order_by("pk").values()),
        "applications": list(Application.objects.order_by("pk").values()),
        "app_events": ApplicationEvent.objects.count(),
        "instalments": list(Instalment.objects.order_by("pk").values()),
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
