"""Activities in the to-do list (``todo.selectors.provider``), imported from ``ready()``.

An activity held (its last day passed) whose actual cost is not entered waits in its
unit's to-do list — the plan page compares cost with budget, and the office's figures
need it. A unit's promoters get their unit's; the district office those of its own
office unit.
"""

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse

from baton.accounts.areas import Level, area_of
from baton.accounts.models import User
from baton.org.models import Unit
from baton.todo.selectors import Item, item, provider

from . import rules
from .models import Activity

#: Days after an activity's last day to enter its actual cost.
COST_DAYS = 15


def _own(user: User):
    area = area_of(user)
    activities = rules.visible_activities(user)
    if user.role == User.Role.UNIT_STAFF and area.level is Level.UNIT:
        return activities.filter(unit_id=area.unit_id)
    if user.role == User.Role.DISTRICT_OFFICE and area.level is Level.DISTRICT:
        return activities.filter(district_id=area.district_id, unit__kind=Unit.Kind.OFFICE)
    return Activity.objects.none()


@provider("activity_cost", "活动实际费用待填报")
def cost_owed(user: User, today: dt.date) -> Iterable[Item]:
    for a in _own(user).filter(end_on__lt=today, cost__isnull=True).order_by("end_on", "id"):
        yield item(
            "activity_cost", f"填报实际费用：{a.title}",
            url=reverse("activities:edit", args=[a.code]), today=today,
            due=a.end_on + dt.timedelta(days=COST_DAYS),
        )  # fmt: skip
