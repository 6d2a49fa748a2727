"""Promises in the to-do list (``todo.selectors.provider``), imported from ``ready()``.

The promoters of the unit holding a project and the district's office get the project's
broken promises (until kept or corrected; due: the raised problem's deadline) and its
promises at risk (due: the check date).
"""

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User
from baton.todo.selectors import Item, item, provider

from . import rules
from .models import Promise


def _mine(user: User):
    area = area_of(user)
    rows = rules.visible_promises(user)
    if user.role == User.Role.UNIT_STAFF and area.level is Level.UNIT:
        return rows.filter(project__unit_id=area.unit_id)
    if user.role == User.Role.DISTRICT_OFFICE and area.level is Level.DISTRICT:
        return rows.filter(district_id=area.district_id)
    return Promise.objects.none()


def _url(promise: Promise) -> str:
    return reverse("projects:detail", args=[promise.project.code]) + "#outcomes"


@provider("promise_broken", "投资协议承诺未履行")
def broken(user: User, today: dt.date) -> Iterable[Item]:
    rows = _mine(user).filter(status=Promise.Status.BROKEN).select_related("project", "problem")
    for promise in rows.order_by("check_on", "id"):
        yield item(
            "promise_broken",
            f"未履约：{promise.project.name}·{promise.get_kind_display()}（{promise.finding}）",
            url=_url(promise), today=today, project=promise.project.code,
            due=promise.problem.deadline if promise.problem else promise.check_on,
        )  # fmt: skip


@provider("promise_at_risk", "投资协议承诺有风险")
def at_risk(user: User, today: dt.date) -> Iterable[Item]:
    rows = _mine(user).filter(status=Promise.Status.AT_RISK).select_related("project")
    for promise in rows.order_by("check_on", "id"):
        yield item(
            "promise_at_risk",
            f"履约有风险：{promise.project.name}·{promise.get_kind_display()}（{promise.finding}）",
            url=_url(promise), today=today, project=promise.project.code, due=promise.check_on,
        )  # fmt: skip
