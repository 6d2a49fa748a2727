"""A company's policy applications (政策兑现) on its timeline in 客商库
(``companies.timeline``), imported from ``ready()``: each application of the company (or
of a record merged into it) that the user may see, on the day it was received."""

from django.db.models import Q
from django.urls import reverse

from baton.companies.timeline import Entry, timeline_provider
from baton.core.dates import start_of_day

from .delivery_rules import visible_applications


@timeline_provider("policies")
def company_applications(user, company):
    rows = visible_applications(user).filter(Q(company=company) | Q(company__merged_into=company))
    for application in rows.select_related("policy", "clause").order_by("received_on", "id"):
        amount = application.approved_amount
        detail = f"{application.code} · {application.get_status_display()}"
        if amount is not None:
            detail += f" · 核定 {amount} 万元"
        clause = application.clause
        named = f"{clause.number}（{clause.title}）" if clause.title else clause.number
        yield Entry(
            at=start_of_day(application.received_on),
            kind="政策兑现",
            title=f"申请《{application.policy.title}》{named}",
            url=reverse("policies:application", args=[application.code]),
            detail=detail,
        )
