"""政策兑现 in the to-do list (``todo.selectors.provider``), imported from ``ready()``.

The district office gets the applications whose materials are complete and whose deadline
(``Policy.delivery_days`` working days) falls within 5 working days or has passed, and
the instalments due and unpaid (not held); the promoters of a project's unit get the
applications the office returned for more materials (退回补正) until they answer.
"""

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse

from baton.accounts.models import User
from baton.core.dates import add_working_days
from baton.core.templatetags.baton import wan
from baton.todo.selectors import Item, item, provider

from . import delivery_rules as rules
from .models import Application, Instalment
from .services_delivery import awaiting_among

#: How near a deadline comes into the office's list (working days).
SOON = 5


def _url(application: Application) -> str:
    return reverse("policies:application", args=[application.code])


def _office(user: User):
    if user.role != User.Role.DISTRICT_OFFICE or user.district_id is None:
        return Application.objects.none()
    return rules.visible_applications(user).filter(district_id=user.district_id)


@provider("policy_deadline", "政策兑现时限将到")
def deadlines(user: User, today: dt.date) -> Iterable[Item]:
    horizon = add_working_days(today, SOON)
    rows = _office(user).filter(status=Application.Status.COMPLETE, due_on__lte=horizon)
    for application in rows.select_related("project").order_by("due_on", "id"):
        yield item(
            "policy_deadline",
            f"核定政策兑现：{application.beneficiary_name}（{application.project.name}）",
            url=_url(application), today=today, project=application.project.code,
            due=application.due_on,
        )  # fmt: skip


@provider("policy_payable", "政策兑现应付未付")
def payable(user: User, today: dt.date) -> Iterable[Item]:
    applications = _office(user).filter(status=Application.Status.APPROVED)
    rows = Instalment.objects.filter(
        application__in=applications, due_on__lte=today, paid_on__isnull=True, held=False
    ).select_related("application", "application__project")
    for instalment in rows.order_by("due_on", "application_id", "order"):
        application = instalment.application
        yield item(
            "policy_payable",
            f"支付政策兑现第 {instalment.order} 期：{application.beneficiary_name}"
            f"（{wan(instalment.amount)} 万元）",
            url=_url(application), today=today, project=application.project.code,
        )  # fmt: skip


@provider("policy_materials", "政策兑现待补正材料")
def materials(user: User, today: dt.date) -> Iterable[Item]:
    if user.role != User.Role.UNIT_STAFF or user.unit_id is None:
        return
    rows = rules.visible_applications(user).filter(
        status=Application.Status.RECEIVED, project__unit_id=user.unit_id
    )
    rows = list(rows.select_related("project").order_by("received_on", "id"))
    awaiting = awaiting_among([application.pk for application in rows])
    for application in rows:
        if application.pk in awaiting:
            yield item(
                "policy_materials",
                f"补正政策兑现材料：{application.beneficiary_name}（{application.project.name}）",
                url=_url(application), today=today, project=application.project.code,
            )  # fmt: skip
