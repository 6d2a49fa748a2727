"""政策兑现 (delivery), after the decision: each instalment paid, held or released, and
the server's runs — 免申即享 opened for the projects that qualify, and instalments marked
due as projects reach their milestones. The rules of every step are those of
``services_delivery`` (``at``, one event, the same transaction, ``expected_version``),
whose helpers these share.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from baton.accounts.models import User
from baton.companies.models import Company
from baton.core.dates import add_working_days
from baton.core.money import plain
from baton.org.models import District
from baton.projects.models import Project
from baton.projects.rules import event_time

from . import delivery_rules as rules
from .calculator import Item, evaluate_clause, project_facts
from .evaluate import fmt
from .models import Application, ApplicationSequence, Beneficiary, Clause, Instalment
from .services_delivery import (
    Kind,
    Status,
    _check_office,
    _check_status,
    _day,
    _event,
    _lock,
    _money,
    _money_fields,
    _not_before,
    _open_for,
    _save,
    _snapshot,
    _text,
    _when,
    basis_date,
    check_time_limit,
    clause_version,
    milestone_dates,
)

#: Checks an app above may add (in its ``AppConfig.ready``) that every payment must pass:
#: ``guard(application, on)`` raises ``ValidationError`` to refuse it (the 中介 reward's
#: 公示 not over yet). The policies app keeps no knowledge of who adds them.
PAY_GUARDS: list[Callable[[Application, dt.date], None]] = []

# --- instalments -------------------------------------------------------------------------


def _instalment(instalment: Instalment, expected_version: int | None) -> Application:
    application = _lock(instalment.application, expected_version)
    fresh = Instalment.objects.select_for_update().get(pk=instalment.pk)
    for field in fresh._meta.concrete_fields:
        setattr(instalment, field.attname, getattr(fresh, field.attname))
    return application


def _label(instalment: Instalment) -> str:
    return f"第 {instalment.order} 期（{instalment.get_milestone_display()}）"


@transaction.atomic
def pay(
    actor: User | None,
    instalment: Instalment,
    *,
    on: dt.date,
    amount: Any,
    voucher: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Application:
    """支付 one instalment: due (its milestone reached), not held, at most its amount."""
    application = _instalment(instalment, expected_version)
    _check_office(actor, application)
    _check_status(application, (Status.APPROVED,), "支付")
    label = _label(instalment)
    if instalment.paid_on is not None:
        raise ValidationError(f"{label}已于 {instalment.paid_on:%Y-%m-%d} 支付。")
    if instalment.held:
        raise ValidationError(f"{label}暂缓兑付（{instalment.hold_reason}），恢复后才能支付。")
    if instalment.due_on is None:
        raise ValidationError(
            f"项目尚未{instalment.get_milestone_display()}，{label}未到兑付节点。"
        )
    on = _day(on, "支付日期")
    _not_before(on, instalment.due_on, "支付日期", "应付日期")
    for guard in PAY_GUARDS:
        guard(application, on)
    paid = _money(amount, "实付金额")
    if paid > instalment.amount:
        raise ValidationError(
            f"实付金额 {fmt(paid)} 万元超过{label}应付的 {fmt(instalment.amount)} 万元。"
        )
    voucher = _text(voucher, "支付凭证号", limit=100)
    at = _when(application, at)
    instalment.paid_amount = paid  # type: ignore[assignment]  # MoneyField: Decimal
    instalment.paid_on, instalment.voucher = on, voucher
    instalment.save(update_fields=["paid_on", "paid_amount", "voucher"])
    old: dict = {}
    new: dict = {
        "instalment": instalment.order,
        "paid_on": on.isoformat(),
        "paid_amount": plain(paid),
        "voucher": voucher,
    }
    if not application.instalments.filter(paid_on__isnull=True).exists():
        old["status"], new["status"] = application.status, Status.PAID
        application.status = Status.PAID
    _save(application, at)
    short = instalment.amount - paid
    reason = f"{label}少付 {fmt(short)} 万元" if short else ""
    _event(application, Kind.PAID, actor, at, old=old, new=new, reason=reason)
    return application


@transaction.atomic
def hold(
    actor: User | None,
    instalment: Instalment,
    *,
    reason: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Application:
    """暂缓兑付 an instalment while the project breaks a promise of its contract (履约)."""
    application = _instalment(instalment, expected_version)
    _check_office(actor, application)
    _check_status(application, (Status.APPROVED,), "暂缓兑付")
    label = _label(instalment)
    if instalment.paid_on is not None:
        raise ValidationError(f"{label}已支付，不能暂缓。")
    if instalment.held:
        raise ValidationError(f"{label}已暂缓兑付。")
    reason = _text(reason, "暂缓原因")
    at = _when(application, at)
    instalment.held, instalment.hold_reason = True, reason
    instalment.save(update_fields=["held", "hold_reason"])
    _save(application, at)
    old = {"instalment": instalment.order, "held": False}
    new = {"instalment": instalment.order, "held": True}
    _event(application, Kind.HELD, actor, at, old=old, new=new, reason=reason)
    return application


@transaction.atomic
def release(
    actor: User | None,
    instalment: Instalment,
    *,
    reason: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Application:
    """恢复兑付 of a held instalment."""
    application = _instalment(instalment, expected_version)
    _check_office(actor, application)
    _check_status(application, (Status.APPROVED,), "恢复兑付")
    if not instalment.held:
        raise ValidationError(f"{_label(instalment)}未暂缓兑付。")
    reason = _text(reason, "恢复兑付的理由")
    at = _when(application, at)
    old = {"instalment": instalment.order, "held": True, "hold_reason": instalment.hold_reason}
    instalment.held, instalment.hold_reason = False, ""
    instalment.save(update_fields=["held", "hold_reason"])
    _save(application, at)
    new = {"instalment": instalment.order, "held": False}
    _event(application, Kind.RELEASED, actor, at, old=old, new=new, reason=reason)
    return application


# --- the district's run: 免申即享 and milestones reached ------------------------------------


def _check_district_office(actor: User | None, district: District) -> None:
    if not rules.is_office(actor, district.pk):
        raise PermissionDenied(rules.NOT_THE_OFFICE)


@transaction.atomic
def mark_due(
    district: District, on: dt.date, *, actor: User | None = None, at: dt.datetime | None = None
) -> list[Application]:
    """The instalments of the district's approved applications whose milestone the project
    has reached by ``on``: due from that day (never before the approval); one DUE event
    per application."""
    _check_district_office(actor, district)
    on = _day(on, "日期")
    changed = []
    pending = Instalment.objects.filter(
        application__district=district,
        application__status=Status.APPROVED,
        due_on__isnull=True,
    ).values_list("application_id", flat=True)
    for application in Application.objects.filter(pk__in=pending).order_by("pk"):
        _lock(application, None)
        reached = {
            kind: day for kind, day in milestone_dates(application.project).items() if day <= on
        }
        rows = [
            i
            for i in application.instalments.select_for_update().filter(due_on__isnull=True)
            if i.milestone in reached
        ]
        if not rows:
            continue
        when = _when(application, at)
        old, new = [], []
        for row in rows:
            row.due_on = max(reached[row.milestone], application.decided_on or on)
            row.save(update_fields=["due_on"])
            old.append({"instalment": row.order, "due_on": None})
            new.append({"instalment": row.order, "due_on": row.due_on.isoformat()})
        _save(application, when)
        labels = "、".join(_label(r) for r in rows)
        _event(
            application,
            Kind.DUE,
            actor,
            when,
            old={"instalments": old},
            new={"instalments": new},
            reason=f"项目已达到兑付节点：{labels}应付。",
        )
        changed.append(application)
    return changed


def _investor_company(project: Project) -> Company | None:
    if not project.investor_uscc:
        return None
    return Company.objects.filter(
        district_id=project.district_id, uscc=project.investor_uscc, merged_into__isnull=True
    ).first()


@transaction.atomic
def open_automatic(
    district: District, on: dt.date, *, actor: User | None = None, at: dt.datetime | None = None
) -> list[Application]:
    """免申即享: for each project of the district that qualifies under a no-application
    clause (a company's award) and has no delivery of it yet, open one — complete from
    ``on``, its deadline running."""
    _check_district_office(actor, district)
    on = _day(on, "日期")
    at = event_time(at)
    clauses = [
        c
        for c in Clause.objects.filter(
            no_application=True, beneficiary=Beneficiary.COMPANY, policy__is_draft=False
        ).select_related("policy")
        if district.code.startswith(c.policy.region)
    ]
    made: list[Application] = []
    if not clauses:
        return made
    projects = Project.objects.filter(district=district).select_related("district", "industry")
    for project in projects.order_by("pk"):
        basis = basis_date(project, on)
        reached = milestone_dates(project)
        for clause in clauses:
            try:
                clause_version(clause, project, basis)
                check_time_limit(clause, reached, on)
            except ValidationError:
                continue
            if _open_for(project, clause).exists():
                continue
            values = project_facts(project, on=on)
            result = evaluate_clause(clause, values)
            if not isinstance(result, Item):
                continue
            company = _investor_company(project)
            name = company.name if company else project.investor
            if not name:
                continue
            made.append(_open_one(project, clause, basis, on, at, result, company, name, actor))
    return made


def _open_one(
    project: Project,
    clause: Clause,
    basis: dt.date,
    on: dt.date,
    at: dt.datetime,
    item: Item,
    company: Company | None,
    name: str,
    actor: User | None,
) -> Application:
    application = Application.objects.create(
        code=ApplicationSequence.issue(
            project.district, on.year, prefix="ZC", taken=Application.objects.all()
        ),
        district_id=project.district_id,
        project=project,
        policy_id=clause.policy_id,
        clause=clause,
        company=company,
        beneficiary_name=name[:200],
        mode=Application.Mode.AUTOMATIC,
        status=Status.COMPLETE,
        basis_on=basis,
        received_on=on,
        complete_on=on,
        due_on=add_working_days(on, clause.policy.delivery_days),
        **_money_fields(estimate_amount=item.amount),
        estimate_formula=item.formula,
        created_by=actor,
        created_at=at,
        updated_at=at,
    )
    assert application.due_on is not None
    new = {
        **_snapshot(application),
        "complete_on": on.isoformat(),
        "due_on": application.due_on.isoformat(),
    }
    _event(application, Kind.OPENED, actor, at, new=new, reason="项目符合免申即享条款，系统生成。")
    return application


def deliver(
    district: District, on: dt.date, *, actor: User | None = None, at: dt.datetime | None = None
) -> tuple[list[Application], list[Application]]:
    """The district's run (the command and the office's button): 免申即享 opened, then
    instalments whose milestone is now reached marked due."""
    with transaction.atomic():
        opened = open_automatic(district, on, actor=actor, at=at)
        due = mark_due(district, on, actor=actor, at=at)
    return opened, due


def deliver_summary(opened: int, due: int) -> str:
    return f"免申即享生成兑现 {opened} 件，到期应付 {due} 件。"
