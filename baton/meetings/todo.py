"""Meeting decisions in the to-do list (``todo.selectors.provider``), imported from ``ready()``.

A unit's staff get the decisions assigned to their unit that are not a 督办 (a 督办 is in
their list already, as every 督办 is) and still open, by deadline; the district office gets
its district's open decisions past their deadline, to chase them.
"""

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User
from baton.todo.selectors import Item, item, provider

from .models import OPEN_DECISION, Decision


def _owed(user: User, today: dt.date):
    area = area_of(user)
    if user.role == User.Role.UNIT_STAFF and area.level is Level.UNIT:
        return Decision.objects.filter(
            owner_unit_id=area.unit_id, supervision__isnull=True, status=Decision.Status.OPEN
        )
    if user.role == User.Role.DISTRICT_OFFICE and area.level is Level.DISTRICT:
        return Decision.objects.filter(
            OPEN_DECISION, district_id=area.district_id, deadline__lt=today
        )
    return Decision.objects.none()


@provider("meeting_decision", "例会决定事项")
def decisions_due(user: User, today: dt.date) -> Iterable[Item]:
    rows = _owed(user, today).select_related("meeting", "project").order_by("deadline", "id")
    for d in rows:
        yield item(
            "meeting_decision",
            f"{d.meeting.month_label}例会决定第{d.number}项：{d.text[:60]}",
            url=reverse("meetings:detail", args=[d.meeting_id]) + f"#decision-{d.pk}",
            today=today,
            project=d.project.code if d.project_id else None,
            due=d.deadline,
        )
