"""The demo's policy library: the public policies shipped in baton/policies/data/, and a
few deliveries (政策兑现) of 翔安's projects in every state, written through the services
and dated before the demo's today."""

import datetime as dt
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from baton.accounts.models import User
from baton.org.models import District
from baton.policies import services_delivery as delivery
from baton.policies import services_payment as payment
from baton.policies.calculator import signed_on
from baton.policies.models import Application, clauses_in_force
from baton.projects.models import Project

from .builder import moment

#: Facts the library does not keep, given with the demo's applications (注册资本 万元).
FACTS = {"registered_capital": "30000"}
#: The intermediaries named as beneficiaries of the 中介 clauses.
INTERMEDIARIES = ("厦门鹭招企业管理咨询有限公司", "福建海峡招商服务有限公司")


def load_policies(today: dt.date | None = None) -> None:
    """Load every shipped policy (a file already loaded is left as it is), then the
    demo's deliveries for 翔安区 (once)."""
    call_command("policy", "load", "--shipped", stdout=io.StringIO(), stderr=io.StringIO())
    district = District.objects.filter(code="350213").first()
    if district is not None:
        load_deliveries(district, today or timezone.localdate())


def _candidates(district: District, today: dt.date):
    """(project, clause, facts) that a shipped clause applies to, as the services check it."""
    projects = Project.objects.filter(district=district).select_related("district", "industry")
    for project in projects.order_by("pk"):
        basis = signed_on(project)
        if basis is None or basis > today:
            continue
        for clause in clauses_in_force(basis).order_by("policy__number", "order", "id"):
            if clause.no_application or not district.code.startswith(clause.policy.region):
                continue
            for facts in ({}, FACTS):
                try:
                    delivery.evaluate_for(project, clause, today, facts)
                except ValidationError:
                    continue
                yield project, clause, facts
                break


def load_deliveries(district: District, today: dt.date) -> int:
    """Up to five deliveries: returned for more materials, complete (deadline running),
    approved with an instalment paid or due, paid, refused. Returns how many were made."""
    if Application.objects.filter(district=district).exists():
        return 0
    office = User.objects.filter(role=User.Role.DISTRICT_OFFICE, district=district).first()
    if office is None:
        return 0
    made = 0
    used: set[int] = set()
    plans = ("paid", "approved", "complete", "returned", "rejected")
    for project, clause, facts in _candidates(district, today):
        if made == len(plans) or project.pk in used:
            continue
        plan = plans[made]
        start = today - dt.timedelta(days=(90, 60, 40, 12, 30)[made])
        name = INTERMEDIARIES[made % 2] if clause.beneficiary == "intermediary" else ""
        try:
            _deliver(office, project, clause, facts, plan, start, today, name or project.investor)
        except (ValidationError, PermissionDenied):
            continue
        used.add(project.pk)
        made += 1
    return made


def _deliver(office, project, clause, facts, plan, start, today, name) -> None:
    def at(days: int, hour: int = 10) -> dt.datetime:
        return moment(min(start + dt.timedelta(days=days), today - dt.timedelta(days=1)), hour)

    app = delivery.receive(
        office, project, clause, received_on=start, beneficiary_name=name, facts=facts,
        note="企业提交申报材料。", at=at(0, 9),
    )  # fmt: skip
    if plan == "returned":
        delivery.return_incomplete(
            office, app, reason="请补充营业执照副本和注册资本实缴证明。", at=at(1)
        )
        return
    if plan == "rejected":
        delivery.reject(
            office, app, reason="投资方与中介的委托协议晚于项目签约，不符合备案在先的要求。",
            on=(start + dt.timedelta(days=5)), at=at(5),
        )  # fmt: skip
        return
    delivery.complete(office, app, on=start + dt.timedelta(days=2), at=at(2))
    if plan == "complete":
        return
    decided = start + dt.timedelta(days=20)
    delivery.approve(
        office, app, amount=app.estimate_amount, on=decided, reason="", at=at(20)
    )  # fmt: skip
    if plan == "approved":
        return
    for index, instalment in enumerate(app.instalments.filter(due_on__isnull=False)):
        payment.pay(
            office, instalment, on=decided + dt.timedelta(days=7), amount=instalment.amount,
            voucher=f"XA-ZF-{decided:%Y%m%d}-{index + 1:02d}", at=at(27, 15),
        )  # fmt: skip
