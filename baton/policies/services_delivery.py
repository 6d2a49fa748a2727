"""政策兑现 (delivery): receive an application, record its materials complete (the
deadline runs from then, in working days), approve an amount (caps applied) or refuse
it, and pay it in the clause's instalments as the project reaches each milestone.

Every step takes ``at`` (the event's time: now, or an earlier aware time — the demo, an
import — never before the application's last event), checks who may (``delivery_rules``)
and what the application's state allows, writes exactly one ``ApplicationEvent`` with the
old and new values of what changed in the same transaction, and refuses a form read
before someone else's change (``expected_version``) with ``ConflictError``. A refusal
raises ``ValidationError`` or ``PermissionDenied`` and writes nothing.

``actor`` None is the server itself (the ``baton policy deliver`` command run by the
operator without ``--user``, the demo); every person goes through the rules.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from baton.accounts.models import User
from baton.companies.models import Company
from baton.core.dates import add_working_days, has_official_schedule, local_date
from baton.core.messages import fill_in, too_long
from baton.core.money import plain, to_wan
from baton.leads.services import MERGED_COMPANY
from baton.projects.models import Project
from baton.projects.rules import event_time
from baton.projects.services import ConflictError

from . import delivery_rules as rules
from .calculator import Item, evaluate_clause, parse_fact, project_facts, signed_on
from .evaluate import fmt
from .models import (
    Application,
    ApplicationEvent,
    ApplicationSequence,
    Beneficiary,
    Clause,
    Instalment,
    Payable,
    clauses_in_force,
)

Status = Application.Status
Kind = ApplicationEvent.Kind
YUAN = Decimal("0.0001")
#: An application being handled: a second one for the same project and clause waits.
IN_PROGRESS = (Status.RECEIVED, Status.COMPLETE)
#: The applications whose amount counts against the caps.
DECIDED = (Status.APPROVED, Status.PAID)

NO_APPLICATION = "该条款为免申即享，由区招商办生成兑现，无需申报。"
INCOMPLETE_MARK = "incomplete"


# --- small helpers -----------------------------------------------------------------------


def _text(value: Any, what: str, *, required: bool = True, limit: int = 2000) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError(fill_in(what))
    if len(text) > limit:
        raise ValidationError(too_long(limit, what))
    return text


def _day(value: Any, what: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError(fill_in(what))
    if value > timezone.localdate():
        raise ValidationError(f"{what}不能晚于今天。")
    return value


def _money(value: Any, what: str) -> Decimal:
    try:
        amount = to_wan(value)
    except ValidationError as exc:
        raise ValidationError(f"{what}：{exc.messages[0]}") from None
    if amount <= 0:
        raise ValidationError(f"{what}须大于 0。")
    return amount


def _dec(value: Any) -> str | None:
    """A money field's value (a Decimal; the stubs type MoneyField as an integer)."""
    return None if value is None else plain(Decimal(value))


def _money_fields(**values: Decimal | None) -> dict[str, Any]:
    """Money fields for a model's constructor (Decimals; the stubs type MoneyField as int)."""
    return values


def _when(application: Application, at: dt.datetime | None) -> dt.datetime:
    """The time of a step: now or the aware time given, never before the last event."""
    at = event_time(at)
    last = application.events.order_by("-at").values_list("at", flat=True).first()
    if last is not None and at < last:
        raise ValidationError("办理时间不能早于该兑现的上一条记录。")
    return at


def _lock(application: Application, expected_version: int | None) -> Application:
    """Reload ``application`` locked for the change; refuse a stale form."""
    fresh = Application.objects.select_for_update().get(pk=application.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ConflictError(rules.STALE)
    for field in fresh._meta.concrete_fields:
        setattr(application, field.attname, getattr(fresh, field.attname))
    return application


def _event(
    application: Application,
    kind: str,
    actor: User | None,
    at: dt.datetime,
    *,
    old: dict | None = None,
    new: dict | None = None,
    reason: str = "",
) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application,
        district_id=application.district_id,
        kind=kind,
        actor=actor,
        at=at,
        old=old or {},
        new=new or {},
        reason=reason,
    )


def _save(application: Application, at: dt.datetime) -> None:
    application.version += 1
    application.updated_at = at
    application.save()


def _check_office(actor: User | None, application: Application) -> None:
    if not rules.is_office(actor, application.district_id):
        raise PermissionDenied(rules.NOT_THE_OFFICE)


def _check_status(application: Application, allowed: tuple, what: str) -> None:
    if application.status not in allowed:
        raise ValidationError(f"该兑现{application.get_status_display()}，不能{what}。")


def _not_before(day: dt.date, earliest: dt.date | None, what: str, label: str) -> None:
    if earliest is not None and day < earliest:
        raise ValidationError(f"{what}不能早于{label}（{earliest:%Y-%m-%d}）。")


def milestone_dates(project: Project) -> dict[str, dt.date]:
    """The milestones the project has reached, by ``Payable`` value."""
    return dict(project.milestones.values_list("kind", "date"))


def deadline_note(application: Application) -> str:
    """Why the deadline may move: its year has no announced holiday schedule."""
    due = application.due_on
    if due is None or not application.complete_on:
        return ""
    years = {application.complete_on.year, due.year}
    unknown = sorted(y for y in years if not has_official_schedule(dt.date(y, 1, 1)))
    if not unknown:
        return ""
    listed = "、".join(str(y) for y in unknown)
    return f"{listed} 年的节假日安排尚未公布，兑现时限暂按周一至周五计算，公布后可能变动。"


# --- the facts and the clause ------------------------------------------------------------


def clean_facts(facts: dict | None) -> dict[str, str]:
    """Return the facts given (name → value) as the texts kept, each checked."""
    out: dict[str, str] = {}
    for name, value in (facts or {}).items():
        if value is None or value == "":
            continue
        if isinstance(value, dt.date):
            text = value.isoformat()
        elif isinstance(value, list | tuple):
            text = ",".join(str(v) for v in value)
        else:
            text = str(value)
        try:
            key, _ = parse_fact(f"{name}={text}")
        except ValueError as exc:
            raise ValidationError({"facts": [str(exc)]}) from None
        out[key] = text
    return out


def typed_facts(facts: dict[str, str]) -> dict:
    return dict(parse_fact(f"{name}={text}") for name, text in facts.items())


def basis_date(project: Project, received_on: dt.date) -> dt.date:
    """The day whose clauses apply: the project's signing, else the day received."""
    return signed_on(project) or received_on


def clause_version(clause: Clause, project: Project, basis: dt.date) -> Clause:
    """Check that ``clause`` is the version in force on ``basis`` of a published policy
    covering the project's district; return it, or say which version applies."""
    policy = clause.policy
    if policy.is_draft:
        raise ValidationError(f"《{policy.title}》尚未发布，不能据以兑现。")
    if not project.district.code.startswith(policy.region):
        raise ValidationError(f"《{policy.title}》不适用于{project.district.name}。")
    in_force = clauses_in_force(basis).filter(policy=policy, number=clause.number).first()
    if in_force is None:
        raise ValidationError(
            f"{policy.number} {clause.number}在 {basis:%Y-%m-%d}（项目适用条款的日期）不在有效期内。"
        )
    if in_force.pk != clause.pk:
        raise ValidationError(
            f"项目按 {basis:%Y-%m-%d} 有效的条款版本兑现，应选择“{in_force.title or in_force.number}”。"
        )
    return clause


def check_time_limit(clause: Clause, reached: dict[str, dt.date], received_on: dt.date) -> None:
    """Refuse an application after the clause's time limit (N days from a milestone)."""
    if not clause.time_limit_days or not clause.time_limit_from:
        return
    start = reached.get(clause.time_limit_from)
    if start is None:
        return
    last = start + dt.timedelta(days=clause.time_limit_days)
    if received_on > last:
        label = Payable(clause.time_limit_from).label
        raise ValidationError(
            f"已超过申报时限：{label}（{start:%Y-%m-%d}）起 {clause.time_limit_days} 天内，"
            f"即 {last:%Y-%m-%d} 前申报。"
        )


def evaluate_for(project: Project, clause: Clause, on: dt.date, facts: dict[str, str]) -> Item:
    """The clause's estimate for the project as of ``on`` (the day received: its
    milestones by then), or the refusal with the reason. The clause is the version of the
    basis date (``clause_version``)."""
    values = {**project_facts(project, on=on), **typed_facts(facts)}
    result = evaluate_clause(clause, values)
    if isinstance(result, Item):
        return result
    if result is None:
        raise ValidationError("该项目不符合该条款的适用条件，不能申报。")
    raise ValidationError(f"该条款不适用于本项目：{result.reason}。")


def _open_for(project: Project, clause: Clause) -> QuerySet[Application]:
    return Application.objects.filter(
        project=project, policy_id=clause.policy_id, clause__number=clause.number
    )


def _snapshot(application: Application) -> dict:
    return {
        "status": application.status,
        "mode": application.mode,
        "project": application.project_id,
        "clause": application.clause_id,
        "beneficiary_name": application.beneficiary_name,
        "basis_on": application.basis_on.isoformat(),
        "received_on": application.received_on.isoformat(),
        "requested_amount": _dec(application.requested_amount),
        "estimate_amount": _dec(application.estimate_amount),
        "facts": application.facts,
    }


# --- receive -----------------------------------------------------------------------------


@transaction.atomic
def receive(
    actor: User | None,
    project: Project,
    clause: Clause,
    *,
    received_on: dt.date,
    beneficiary_name: str = "",
    company: Company | None = None,
    requested_amount: Any = None,
    facts: dict | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Application:
    """受理: register a company's (or an intermediary's) application under ``clause``."""
    if not rules.can_receive(actor, project):
        raise PermissionDenied(rules.NOT_A_RECEIVER)
    if clause.no_application:
        raise ValidationError(NO_APPLICATION)
    received_on = _day(received_on, "受理日期")
    at = event_time(at)
    if company is not None:
        if company.district_id != project.district_id:
            raise ValidationError({"company": ["只能选择本区客商库中的企业。"]})
        if company.merged_into_id:
            raise ValidationError({"company": [MERGED_COMPANY]})
    name = str(beneficiary_name or "").strip()
    if not name and company is not None and clause.beneficiary == Beneficiary.COMPANY:
        name = company.name
    name = _text(name, "受益人名称", limit=200)
    requested = None
    if requested_amount not in (None, ""):
        requested = _money(requested_amount, "申请金额")
    kept = clean_facts(facts)
    note = _text(note, "说明", required=False)
    basis = basis_date(project, received_on)
    clause_version(clause, project, basis)
    check_time_limit(clause, milestone_dates(project), received_on)
    # The code first: it locks the district's sequence, so that two receipts of the same
    # project and clause are checked one after the other.
    code = ApplicationSequence.issue(
        project.district, received_on.year, prefix="ZC", taken=Application.objects.all()
    )
    if _open_for(project, clause).filter(status__in=IN_PROGRESS).exists():
        raise ValidationError("该项目已有该条款正在办理的兑现，不能重复申报。")
    item = evaluate_for(project, clause, received_on, kept)
    application = Application.objects.create(
        code=code,
        district_id=project.district_id,
        project=project,
        policy_id=clause.policy_id,
        clause=clause,
        company=company,
        beneficiary_name=name,
        mode=Application.Mode.APPLIED,
        status=Status.RECEIVED,
        basis_on=basis,
        facts=kept,
        received_on=received_on,
        **_money_fields(requested_amount=requested, estimate_amount=item.amount),
        estimate_formula=item.formula,
        note=note,
        created_by=actor,
        created_at=at,
        updated_at=at,
    )
    _event(application, Kind.RECEIVED, actor, at, new=_snapshot(application), reason=note)
    return application


# --- the office's steps ------------------------------------------------------------------


@transaction.atomic
def complete(
    actor: User | None,
    application: Application,
    *,
    on: dt.date,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Application:
    """材料齐全: the deadline (the policy's working days) runs from ``on``."""
    _lock(application, expected_version)
    _check_office(actor, application)
    _check_status(application, (Status.RECEIVED,), "登记材料齐全")
    on = _day(on, "材料齐全日期")
    _not_before(on, application.received_on, "材料齐全日期", "受理日期")
    at = _when(application, at)
    due = add_working_days(on, application.policy.delivery_days)
    old = {"status": application.status, "complete_on": None, "due_on": None}
    application.status = Status.COMPLETE
    application.complete_on, application.due_on = on, due
    new = {"status": Status.COMPLETE, "complete_on": on.isoformat(), "due_on": due.isoformat()}
    _save(application, at)
    _event(application, Kind.COMPLETED, actor, at, old=old, new=new)
    return application


@transaction.atomic
def return_incomplete(
    actor: User | None,
    application: Application,
    *,
    reason: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Application:
    """退回补正: tell the applicant what is missing; the unit sees it in its to-do list
    until it answers with a note."""
    _lock(application, expected_version)
    _check_office(actor, application)
    _check_status(application, (Status.RECEIVED,), "退回补正")
    reason = _text(reason, "需补正的材料")
    at = _when(application, at)
    _save(application, at)
    _event(application, Kind.NOTE, actor, at, new={"materials": INCOMPLETE_MARK}, reason=reason)
    return application


def awaiting_materials(application: Application) -> bool:
    """Returned incomplete and not answered yet: the last event is the office's 补正."""
    if application.status != Status.RECEIVED:
        return False
    return application.pk in awaiting_among([application.pk])


def awaiting_among(ids: list[int]) -> set[int]:
    """Return those of the applications ``ids`` awaiting materials, in one query: each one's
    last event is the office's 补正 (the to-do list asks for all of a unit's at once)."""
    last: dict[int, dict] = {}
    events = ApplicationEvent.objects.filter(application_id__in=ids).order_by(
        "application_id", "-at", "-id"
    )
    for application_id, new in events.values_list("application_id", "new"):
        last.setdefault(application_id, new or {})
    return {pk for pk, new in last.items() if new.get("materials") == INCOMPLETE_MARK}


def _same_clause(application: Application) -> QuerySet[Application]:
    return Application.objects.filter(
        policy_id=application.policy_id,
        clause__number=application.clause.number,
        status__in=DECIDED,
    ).exclude(pk=application.pk)


def _sum(rows: QuerySet[Application]) -> Decimal:
    return rows.aggregate(total=Sum("approved_amount"))["total"] or Decimal(0)


def apply_caps(application: Application, amount: Decimal, on: dt.date) -> tuple[Decimal, list[str]]:
    """Cut ``amount`` to the clause's cap per project (the project's approved awards of
    the same clause) and per year (the beneficiary's in the calendar year of ``on``)."""
    clause = application.clause
    notes: list[str] = []
    others = _same_clause(application)
    for cap, rows, label in (
        (clause.cap_project, others.filter(project_id=application.project_id), "单个项目累计上限"),
        (
            clause.cap_year,
            others.filter(beneficiary_name=application.beneficiary_name, decided_on__year=on.year),
            f"{application.beneficiary_name} {on.year} 年度上限",
        ),
    ):
        if cap is None:
            continue
        used = _sum(rows)
        room = max(cap - used, Decimal(0))
        if amount > room:
            notes.append(
                f"{label} {fmt(cap)} 万元，已核定 {fmt(used)} 万元，本次按 {fmt(room)} 万元计"
            )
            amount = room
    return amount, notes


def _instalments(
    application: Application, amount: Decimal, on: dt.date, reached: dict[str, dt.date]
) -> list[Instalment]:
    """The clause's shares of ``amount``; the last takes the remainder. Each is due from
    the day the project reached its milestone, never before the approval (``on``)."""
    rows = application.clause.payments or [{"milestone": Payable.APPROVED.value, "share": "1"}]
    out, paid = [], Decimal(0)
    for index, row in enumerate(rows):
        share = Decimal(str(row["share"]))
        if index == len(rows) - 1:
            part = amount - paid
        else:
            part = (amount * share).quantize(YUAN, rounding=ROUND_HALF_UP)
        paid += part
        milestone = row["milestone"]
        day = on if milestone == Payable.APPROVED else reached.get(milestone)
        due = None if day is None else max(day, on)
        out.append(
            Instalment(
                application=application,
                order=index + 1,
                milestone=milestone,
                share=share,
                **_money_fields(amount=part),
                due_on=due,
            )
        )
    return out


@transaction.atomic
def approve(
    actor: User | None,
    application: Application,
    *,
    amount: Any,
    on: dt.date,
    reason: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Application:
    """核定: fix the amount (≤ the clause's estimate unless ``reason`` says why), cut to the
    caps per project and per year, and make the instalments."""
    _lock(application, expected_version)
    _check_office(actor, application)
    _check_status(application, (Status.COMPLETE,), "核定")
    asked = _money(amount, "核定金额")
    on = _day(on, "核定日期")
    _not_before(on, application.complete_on, "核定日期", "材料齐全日期")
    reason = _text(reason, "核定说明", required=False)
    estimate = application.estimate_amount
    if estimate is not None and asked > estimate and not reason:
        raise ValidationError(
            f"核定金额 {fmt(asked)} 万元超过按条款测算的 {fmt(estimate)} 万元，请说明理由。"
        )
    at = _when(application, at)
    final, notes = apply_caps(application, asked, on)
    if final <= 0:
        raise ValidationError("；".join(notes) + "，已无可核定的金额。")
    parts = [application.estimate_formula or ""]
    if asked != estimate:
        parts.append(f"核定 {fmt(asked)} 万元" + (f"（{reason}）" if reason else ""))
    parts += notes
    if final != asked or notes:
        parts.append(f"核定金额 {fmt(final)} 万元")
    formula = "；".join(p for p in parts if p)
    instalments = _instalments(application, final, on, milestone_dates(application.project))
    old = {"status": application.status}
    application.status = Status.APPROVED
    application.approved_amount = final  # type: ignore[assignment]  # MoneyField: Decimal
    application.approved_formula = formula
    application.decided_on = on
    _save(application, at)
    Instalment.objects.bulk_create(instalments)
    new = {
        "status": Status.APPROVED,
        "approved_amount": plain(final),
        "approved_formula": formula,
        "decided_on": on.isoformat(),
        "instalments": [
            {
                "order": i.order,
                "milestone": i.milestone,
                "amount": _dec(i.amount),
                "due_on": i.due_on.isoformat() if i.due_on else None,
            }
            for i in instalments
        ],
    }
    _event(application, Kind.APPROVED, actor, at, old=old, new=new, reason=reason)
    return application


def _close(
    actor: User | None,
    application: Application,
    status: str,
    kind: str,
    reason: str,
    what: str,
    *,
    on: dt.date | None,
    expected_version: int | None,
    at: dt.datetime | None,
) -> Application:
    _lock(application, expected_version)
    _check_office(actor, application)
    _check_status(application, IN_PROGRESS, what)
    reason = _text(reason, f"{what}的理由")
    at = _when(application, at)
    day = _day(on or local_date(at), "办理日期")
    _not_before(day, application.received_on, "办理日期", "受理日期")
    old = {"status": application.status, "decided_on": None}
    application.status = status
    application.decided_on = day
    _save(application, at)
    new = {"status": status, "decided_on": day.isoformat()}
    _event(application, kind, actor, at, old=old, new=new, reason=reason)
    return application


@transaction.atomic
def reject(
    actor: User | None,
    application: Application,
    *,
    reason: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Application:
    """不予兑现, with the reason."""
    return _close(
        actor, application, Status.REJECTED, Kind.REJECTED, reason, "不予兑现",
        on=on, expected_version=expected_version, at=at,
    )  # fmt: skip


@transaction.atomic
def withdraw(
    actor: User | None,
    application: Application,
    *,
    reason: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Application:
    """撤回 (the applicant withdrew it), recorded by the office."""
    return _close(
        actor, application, Status.WITHDRAWN, Kind.WITHDRAWN, reason, "撤回",
        on=on, expected_version=expected_version, at=at,
    )  # fmt: skip


@transaction.atomic
def note(
    actor: User | None,
    application: Application,
    *,
    text: str,
    at: dt.datetime | None = None,
) -> Application:
    """备注: the office or the project's unit (补充材料的情况 …)."""
    _lock(application, None)
    if not rules.can_note(actor, application):
        raise PermissionDenied(rules.NOT_A_NOTER)
    text = _text(text, "备注")
    at = _when(application, at)
    _save(application, at)
    _event(application, Kind.NOTE, actor, at, reason=text)
    return application


def overdue_q(today: dt.date) -> Q:
    """Complete applications past their deadline."""
    return Q(status=Status.COMPLETE, due_on__lt=today)
