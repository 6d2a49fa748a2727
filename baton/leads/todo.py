"""Leads in the to-do list (``todo.selectors.provider``), imported from ``ready()``.

The holder unit's promoters get the leads whose 响应, 研判 or 反馈 is owed (``due``), by
its deadline, overdue flagged; the district office gets the 撞车 waiting for its ruling
and the leads idle long enough to be reassigned.
"""

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User
from baton.todo.selectors import Item, item, provider

from . import rules, services
from .deadlines import settings_of
from .due import assess_owed, feedback_owed, respond_owed
from .models import ACTIVE, Lead, Status

# An item's ``project`` is a project's code (the API says so): a lead's is in its URL.


def _url(lead: Lead) -> str:
    return reverse("leads:detail", args=[lead.code])


def _held(user: User):
    """The leads the user's unit holds, for a unit's promoter; else none."""
    area = area_of(user)
    if (
        user.role != User.Role.UNIT_STAFF
        or area.level is not Level.UNIT
        or getattr(user, "is_coordinating", False)
    ):
        return Lead.objects.none()
    return rules.visible_leads(user).filter(unit_id=area.unit_id)


def _office(user: User):
    if user.role != User.Role.DISTRICT_OFFICE or user.district_id is None:
        return Lead.objects.none()
    return rules.visible_leads(user).filter(district_id=user.district_id)


@provider("lead_respond", "投资信息待响应")
def respond_due(user: User, today: dt.date) -> Iterable[Item]:
    for lead in _held(user).filter(respond_owed()).order_by("respond_due", "id"):
        yield item(
            "lead_respond", f"响应：{lead.title}", url=_url(lead), today=today,
            due=lead.respond_due,
        )  # fmt: skip


@provider("lead_assess", "投资信息待研判")
def assess_due(user: User, today: dt.date) -> Iterable[Item]:
    for lead in _held(user).filter(assess_owed()).order_by("assess_due", "id"):
        yield item(
            "lead_assess", f"研判：{lead.title}", url=_url(lead), today=today,
            due=lead.assess_due,
        )  # fmt: skip


@provider("lead_feedback", "投资信息待反馈")
def feedback_due(user: User, today: dt.date) -> Iterable[Item]:
    for lead in _held(user).filter(feedback_owed()).order_by("feedback_due", "id"):
        yield item(
            "lead_feedback", f"反馈来源方：{lead.title}", url=_url(lead), today=today,
            due=lead.feedback_due,
        )  # fmt: skip


@provider("lead_conflict", "撞车待裁决")
def conflicts(user: User, today: dt.date) -> Iterable[Item]:
    rows = _office(user).filter(status=Status.CONFLICT).select_related("unit")
    for lead in rows.order_by("reported_at", "id"):
        yield item(
            "lead_conflict", f"裁决撞车：{lead.title}（{lead.unit.name}）", url=_url(lead),
            today=today,
        )  # fmt: skip


@provider("lead_reassign", "可改派")
def reassignable(user: User, today: dt.date) -> Iterable[Item]:
    leads = _office(user)
    if user.district_id is None:
        return
    limit = settings_of(user.district).idle_days
    since = timezone.now() - dt.timedelta(days=limit - 1)
    rows = leads.filter(status__in=ACTIVE, last_progress_at__lt=since).exclude(
        status=Status.CONFLICT
    )
    for lead in rows.select_related("unit", "district").order_by("last_progress_at", "id"):
        if services.can_reassign_now(lead, today):
            idle = services.idle_days(lead, today)
            yield item(
                "lead_reassign", f"可改派：{lead.title}（{lead.unit.name}，{idle} 天无进展）",
                url=_url(lead), today=today,
            )  # fmt: skip
