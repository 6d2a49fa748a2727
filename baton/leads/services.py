"""Register and work leads; each change with its event, in one transaction.

The rules are in ``models``' docstring; who may is ``rules``; collisions ``matching``;
deadlines ``deadlines``; thresholds ``thresholds``. A refusal raises ``ValidationError``
(bad input, a rule) or ``PermissionDenied`` (not the user's to do) and writes nothing.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from baton.accounts.models import User
from baton.companies.models import Company, Tag
from baton.core.dates import local_date
from baton.org.models import Unit
from baton.projects import services as projects
from baton.projects.models import Project, Stage
from baton.projects.rules import check_unit, event_time
from baton.projects.services import ConflictError

from . import rules
from .deadlines import deadlines, feedback_after_assessment, settings_of
from .matching import earlier_leads, library_project
from .models import (
    ACTIVE,
    ASSESSMENT_POINTS,
    CLOSED,
    Lead,
    LeadEvent,
    LeadSequence,
    Source,
    Status,
)
from .thresholds import reserve_reason
from .values import FIELDS, FIXED_OVER_TOTAL, as_json, clean_values

Kind = LeadEvent.Kind
#: Why a change made on a stale copy of a lead is refused (a ``ConflictError``, 409 in the API).
STALE = "该信息已被他人修改，请刷新后重试。"
#: A company merged into another record by the office: the merged one is chosen instead.
MERGED_COMPANY = "该企业已并入另一条记录，请选择合并后的企业。"
#: The stages a lead converts into.
CONVERT_STAGES = ("planning", "intent")
#: The fields the figures read, kept in every ``registered`` event and on change.
STATE_FIELDS = ("status", "unit", "first_unit", "is_reserve")


class DuplicateLead(ValidationError):
    """The unit's own earlier lead for the same company: confirm to register anyway."""

    def __init__(self, leads: list[Lead]):
        self.leads = leads
        codes = "、".join(f"{lead.code}「{lead.title}」" for lead in leads[:5])
        super().__init__(f"本单位已登记过该企业的投资信息：{codes}。确认是另一个项目后再保存。")


def _snapshot(lead: Lead, fields: Iterable[str]) -> dict:
    out: dict = {}
    for field in fields:
        if field in ("unit", "first_unit", "industry"):
            out[field] = getattr(lead, f"{field}_id")
        else:
            out[field] = as_json(field, getattr(lead, field))
    return out


def _event(
    lead: Lead,
    kind: str,
    actor: User | None,
    at: dt.datetime,
    *,
    old: dict | None = None,
    new: dict | None = None,
    reason: str = "",
) -> LeadEvent:
    return LeadEvent.objects.create(
        lead=lead,
        district_id=lead.district_id,
        kind=kind,
        actor=actor,
        at=at,
        old=old or {},
        new=new or {},
        reason=reason,
    )


def _lock(lead: Lead, expected_version: int | None = None) -> Lead:
    """Reload ``lead`` locked for the change; refuse a stale form (version)."""
    fresh = Lead.objects.select_for_update().get(pk=lead.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ConflictError(STALE)
    for field in fresh._meta.concrete_fields:
        setattr(lead, field.attname, getattr(fresh, field.attname))
    return lead


def _when(lead: Lead, at: dt.datetime | None) -> dt.datetime:
    """The time of a change to ``lead``: now, or the aware time given (an import, the demo),
    never in the future and never before the lead's last event."""
    at = event_time(at)
    last = lead.events.order_by("-at").values_list("at", flat=True).first()
    if last is not None and at < last:
        raise ValidationError("办理时间不能早于该信息的上一条动态。")
    return at


def _save(lead: Lead, at: dt.datetime, *, progress: bool = True) -> None:
    lead.version += 1
    lead.updated_at = at
    if progress:
        lead.last_progress_at = at
    lead.save()


def _reason(text: str, what: str = "说明") -> str:
    text = str(text or "").strip()
    if not text:
        raise ValidationError({"reason": [f"请填写{what}。"]})
    if len(text) > 2000:
        raise ValidationError({"reason": [f"{what}不能超过 2000 个字。"]})
    return text


def _reserve(lead: Lead) -> None:
    rules_ = settings_of(lead.district)
    lead.reserve_reason = reserve_reason(
        rules_, lead.industry_code, lead.kind, lead.investment, lead.fixed_investment
    )
    lead.is_reserve = bool(lead.reserve_reason)


def _register_unit(actor: User | None, unit: Unit | None, company: Company) -> Unit:
    """The unit a lead is registered for; ``actor`` None is the server's administrator
    importing a district's ledger from the command line."""
    if actor is not None:
        if not rules.can_register(actor):
            raise PermissionDenied(rules.NOT_A_WRITER)
        if actor.role == User.Role.UNIT_STAFF:
            if unit is not None and unit.pk != actor.unit_id:
                raise PermissionDenied("单位招商员只能以本单位名义登记投资信息。")
            unit = actor.unit
        if actor.district_id != company.district_id:
            raise PermissionDenied("只能为本区客商库中的企业登记投资信息。")
    if unit is None:
        raise ValidationError({"unit": [rules.NO_UNIT]})
    if company.merged_into_id:
        raise ValidationError({"company": [MERGED_COMPANY]})
    try:
        check_unit(company.district, unit)
    except ValidationError as exc:
        raise ValidationError({"unit": exc.messages}) from None
    return unit


@transaction.atomic
def lead_register(
    *,
    actor: User | None,
    company: Company,
    unit: Unit | None = None,
    confirmed: bool = False,
    at: dt.datetime | None = None,
    **values: Any,
) -> Lead:
    """Register a lead of ``unit`` (a promoter's own unit) for ``company``.

    Refused when the project is already 在谈 or signed in the library, or (unless
    ``confirmed``) when the unit has an open lead for the company; flagged 撞车 when
    another unit has one.
    """
    unit = _register_unit(actor, unit, company)
    clean = clean_values(values)
    at = event_time(at)
    district = company.district
    # Taking the code first locks the district's sequence: two units registering the
    # same company at once are checked one after the other, never both as first.
    code = LeadSequence.issue(
        district, timezone.localtime(at).year, prefix="XS", taken=Lead.objects.all()
    )
    project = library_project(company, clean["title"], clean["investment"])
    if project is not None:
        raise ValidationError(
            f"该项目已在项目库中（{project.code}「{project.name}」，{project.stage.name}），"
            "在谈和已签约的项目不能作为新的投资信息登记。"
        )
    earlier = earlier_leads(company, clean["industry_code"], clean["investment"])
    own = [lead for lead in earlier if lead.unit_id == unit.pk]
    if own and not confirmed:
        raise DuplicateLead(own)
    other = [lead for lead in earlier if lead.unit_id != unit.pk]
    due = deadlines(settings_of(district), at, clean["investment"])
    lead = Lead(
        district=district,
        unit=unit,
        first_unit=unit,
        reported_by=actor,
        reported_at=at,
        company=company,
        status=Status.CONFLICT if other else Status.REGISTERED,
        conflict_with=other[0] if other else None,
        hold_until=due.hold_until,
        respond_due=due.respond,
        assess_due=due.assess,
        feedback_due=due.feedback,
        last_progress_at=at,
        updated_at=at,
        **clean,
    )
    _reserve(lead)
    lead.code = code
    lead.save()
    new = _snapshot(lead, (*FIELDS, *STATE_FIELDS, "reserve_reason"))
    new["company"] = company.pk
    _event(lead, Kind.REGISTERED, actor, at, new=new)
    if other:
        first = other[0]
        _event(
            lead,
            Kind.CONFLICT,
            None,
            at,
            new={"conflict_with": first.pk},
            reason=f"与{first.unit.name}{local_date(first.reported_at):%Y-%m-%d}首报的"
            f"{first.code}「{first.title}」撞车，待区招商办裁决。",
        )
    return lead


def _check_work(actor: User, lead: Lead) -> None:
    if lead.status in CLOSED:
        raise ValidationError(rules.CLOSED_LEAD.format(status=lead.get_status_display()))
    if lead.status == Status.CONFLICT:
        raise ValidationError(rules.IN_CONFLICT)
    if not rules.can_work(actor, lead):
        raise PermissionDenied(rules.NOT_THE_HOLDER)


@transaction.atomic
def lead_update(
    *,
    lead: Lead,
    actor: User,
    changes: dict,
    expected_version: int | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> bool:
    """Change a lead's fields; False (nothing written) when nothing changed."""
    _lock(lead, expected_version)
    _check_work(actor, lead)
    clean = clean_values(changes, partial=True)
    merged = {f: clean.get(f, getattr(lead, f)) for f in ("investment", "fixed_investment")}
    if merged["fixed_investment"] and merged["fixed_investment"] > merged["investment"]:
        raise ValidationError({"fixed_investment": [FIXED_OVER_TOTAL]})
    old, new = {}, {}
    for field, value in clean.items():
        before = getattr(lead, field)
        if before != value:
            old[field], new[field] = as_json(field, before), as_json(field, value)
            setattr(lead, field, value)
    if not new:
        return False
    at = _when(lead, at)
    was = (lead.is_reserve, lead.assess_due)
    _reserve(lead)
    if "investment" in new:
        lead.assess_due = deadlines(
            settings_of(lead.district), lead.reported_at, Decimal(lead.investment)
        ).assess
    if (lead.is_reserve, lead.assess_due) != was:
        old.update(is_reserve=was[0], assess_due=was[1].isoformat())
        new.update(is_reserve=lead.is_reserve, assess_due=lead.assess_due.isoformat())
    _save(lead, at)
    _event(lead, Kind.UPDATED, actor, at, old=old, new=new, reason=str(reason or "").strip()[:2000])
    return True


def _set_status(lead: Lead, status: str, old: dict, new: dict) -> None:
    if lead.status != status:
        old["status"], new["status"] = lead.status, status
        lead.status = status


@transaction.atomic
def lead_respond(
    *, lead: Lead, actor: User, follower: str = "", note: str = "", at: dt.datetime | None = None
) -> None:
    """The holder's first response (指定专人): the lead is followed from now."""
    _lock(lead)
    _check_work(actor, lead)
    if lead.responded_at is not None:
        raise ValidationError(rules.ALREADY_RESPONDED)
    at = _when(lead, at)
    old, new = {}, {}
    follower = clean_values({"follower": follower}, partial=True)["follower"] or actor.display_name
    if follower != lead.follower:
        old["follower"], new["follower"] = lead.follower, follower
        lead.follower = follower
    lead.responded_at = at
    new["responded_at"] = at.isoformat()
    if lead.status == Status.REGISTERED:
        _set_status(lead, Status.FOLLOWING, old, new)
    _save(lead, at)
    _event(lead, Kind.RESPONDED, actor, at, old=old, new=new, reason=str(note or "").strip()[:2000])


@transaction.atomic
def lead_assess(
    *,
    lead: Lead,
    actor: User,
    points: dict,
    conclusion: str,
    note: str = "",
    at: dt.datetime | None = None,
) -> None:
    """The first assessment (研判) on its six points; ``conclusion`` ``follow`` or ``drop``."""
    _lock(lead)
    _check_work(actor, lead)
    errors = {}
    clean_points = {}
    for key, label in ASSESSMENT_POINTS:
        text = str((points or {}).get(key) or "").strip()
        if not text:
            errors[key] = [rules.point_missing(label)]
        elif len(text) > 1000:
            errors[key] = [f"{label}研判意见不能超过 1000 个字。"]
        clean_points[key] = text
    if conclusion not in ("follow", "drop"):
        errors["conclusion"] = ["请选择研判结论：继续跟进或不予跟进。"]
    if errors:
        raise ValidationError(errors)
    note = str(note or "").strip()[:2000]
    if conclusion == "drop" and not note:
        raise ValidationError({"note": ["不予跟进时请说明理由。"]})
    at = _when(lead, at)
    old: dict = {"assessment": lead.assessment}
    assessment = {**clean_points, "conclusion": conclusion, "note": note}
    new: dict = {"assessment": assessment}
    lead.assessment = assessment
    if lead.assessed_at is None:
        lead.assessed_at = at
        new["assessed_at"] = at.isoformat()
        due = feedback_after_assessment(settings_of(lead.district), at)
        old["feedback_due"], new["feedback_due"] = lead.feedback_due.isoformat(), due.isoformat()
        lead.feedback_due = due
    if lead.responded_at is None:
        lead.responded_at = at
        new["responded_at"] = at.isoformat()
    _set_status(lead, Status.ASSESSED if conclusion == "follow" else Status.REJECTED, old, new)
    _save(lead, at)
    _event(lead, Kind.ASSESSED, actor, at, old=old, new=new, reason=note)


@transaction.atomic
def lead_feedback(*, lead: Lead, actor: User, text: str, at: dt.datetime | None = None) -> None:
    """Feedback given to the source (引荐方/投资方); owed also after conversion."""
    _lock(lead)
    if not rules.can_feedback(actor, lead):
        raise PermissionDenied(rules.NOT_THE_HOLDER)
    text = _reason(text, "反馈内容")
    at = _when(lead, at)
    new = {}
    if lead.feedback_at is None:
        lead.feedback_at = at
        new["feedback_at"] = at.isoformat()
    _save(lead, at)
    _event(lead, Kind.FEEDBACK, actor, at, new=new, reason=text)


@transaction.atomic
def lead_note(*, lead: Lead, actor: User, text: str, at: dt.datetime | None = None) -> None:
    """A follow-up note (跟进记录): progress, which keeps the lead from being idle."""
    _lock(lead)
    _check_work(actor, lead)
    text = _reason(text, "跟进情况")
    at = _when(lead, at)
    _save(lead, at)
    _event(lead, Kind.NOTE, actor, at, reason=text)


@transaction.atomic
def lead_reject(*, lead: Lead, actor: User, reason: str, at: dt.datetime | None = None) -> None:
    """Stop following a lead (不予跟进), with the reason."""
    _lock(lead)
    _check_work(actor, lead)
    reason = _reason(reason, "不予跟进的理由")
    at = _when(lead, at)
    old: dict = {}
    new: dict = {}
    _set_status(lead, Status.REJECTED, old, new)
    _save(lead, at)
    _event(lead, Kind.REJECTED, actor, at, old=old, new=new, reason=reason)


def _check_office(actor: User, lead: Lead) -> None:
    if not rules.is_office(actor, lead):
        raise PermissionDenied(rules.NOT_THE_OFFICE)


def _merge(lead: Lead, into: Lead, actor: User, at: dt.datetime, reason: str) -> None:
    """Close ``lead`` as merged into ``into``; ``into`` takes the fields it lacks."""
    old: dict = {}
    new: dict = {"merged_into": into.pk}
    _set_status(lead, Status.MERGED, old, new)
    lead.merged_into = into
    lead.conflict_with = None
    _save(lead, at)
    _event(lead, Kind.MERGED, actor, at, old=old, new=new, reason=reason)
    filled_old: dict = {}
    filled: dict = {}
    for field in FIELDS:
        value = getattr(lead, field)
        if value not in (None, "") and getattr(into, field) in (None, ""):
            filled_old[field], filled[field] = None, as_json(field, value)
            setattr(into, field, value)
    _save(into, at, progress=False)
    _event(
        into,
        Kind.MERGED,
        actor,
        at,
        old=filled_old,
        new={**filled, "merged_from": lead.pk},
        reason=f"并入{lead.unit.name}登记的{lead.code}「{lead.title}」：{reason}",
    )


@transaction.atomic
def lead_arbitrate(
    *, lead: Lead, actor: User, decision: str, reason: str, at: dt.datetime | None = None
) -> None:
    """The office's ruling on a 撞车 lead.

    ``merge``: the lead is merged into the earlier one, whose unit keeps the right;
    ``assign``: the lead's unit gets the right, the earlier lead is merged into it;
    ``reject``: the lead is rejected, the earlier one stands.
    """
    _lock(lead)
    _check_office(actor, lead)
    if lead.status != Status.CONFLICT:
        raise ValidationError(rules.NO_CONFLICT)
    if decision not in ("merge", "assign", "reject"):
        raise ValidationError({"decision": ["请选择裁决结果：合并、改由本单位首谈或退回。"]})
    reason = _reason(reason, "裁决理由")
    at = _when(lead, at)
    earlier = _lock(Lead.objects.get(pk=lead.conflict_with_id or 0))
    _when(earlier, at)
    labels = {"merge": "合并至先报信息", "assign": "由本信息的单位首谈", "reject": "退回"}
    old = {"status": lead.status, "conflict_with": earlier.pk}
    _event(
        lead,
        Kind.ARBITRATED,
        actor,
        at,
        old=old,
        new={"decision": decision},
        reason=f"{labels[decision]}：{reason}",
    )
    if decision == "merge":
        _merge(lead, earlier, actor, at, reason)
        return
    if decision == "reject":
        new: dict = {"conflict_with": None}
        lead.conflict_with = None
        _set_status(lead, Status.REJECTED, {}, new)
        _save(lead, at)
        _event(lead, Kind.REJECTED, actor, at, old=old, new=new, reason=reason)
        return
    if earlier.status not in ACTIVE or earlier.status == Status.CONFLICT:
        raise ValidationError(
            f"先报信息 {earlier.code} 已{earlier.get_status_display()}，不能再改由本单位首谈。"
        )
    # The unit could do nothing while the ruling was awaited: its deadlines run from it.
    due = deadlines(settings_of(lead.district), at, Decimal(lead.investment))
    before = {
        "hold_until": lead.hold_until.isoformat(),
        "respond_due": lead.respond_due.isoformat(),
        "assess_due": lead.assess_due.isoformat(),
        "feedback_due": lead.feedback_due.isoformat(),
    }
    lead.conflict_with = None
    lead.status = Status.FOLLOWING if lead.responded_at else Status.REGISTERED
    lead.hold_until = local_date(at) + dt.timedelta(days=settings_of(lead.district).hold_days)
    lead.respond_due, lead.assess_due, lead.feedback_due = due.respond, due.assess, due.feedback
    _save(lead, at)
    _event(
        lead,
        Kind.UPDATED,
        actor,
        at,
        old={**old, **before},
        new={
            "status": lead.status,
            "conflict_with": None,
            "hold_until": lead.hold_until.isoformat(),
            "respond_due": lead.respond_due.isoformat(),
            "assess_due": lead.assess_due.isoformat(),
            "feedback_due": lead.feedback_due.isoformat(),
        },
        reason="裁决后由本单位首谈，办理时限自裁决之日起算。",
    )
    _merge(earlier, lead, actor, at, reason)


def idle_days(lead: Lead, today: dt.date | None = None) -> int:
    """Days since the lead's last progress."""
    today = today or timezone.localdate()
    return (today - local_date(lead.last_progress_at)).days


def can_reassign_now(lead: Lead, today: dt.date | None = None) -> bool:
    return (
        lead.status in ACTIVE
        and lead.status != Status.CONFLICT
        and (idle_days(lead, today) >= settings_of(lead.district).idle_days)
    )


@transaction.atomic
def lead_reassign(
    *, lead: Lead, actor: User, unit: Unit, reason: str, at: dt.datetime | None = None
) -> None:
    """The office hands a lead with no progress for the district's days to another unit."""
    _lock(lead)
    _check_office(actor, lead)
    if lead.status not in ACTIVE or lead.status == Status.CONFLICT:
        raise ValidationError(rules.not_reassignable(lead.get_status_display()))
    at = _when(lead, at)
    limit = settings_of(lead.district).idle_days
    idle = idle_days(lead, local_date(at))
    if idle < limit:
        raise ValidationError(rules.too_early_to_reassign(idle, limit))
    if not isinstance(unit, Unit) or unit.pk == lead.unit_id:
        raise ValidationError({"unit": ["请选择另一个单位。"]})
    try:
        check_unit(lead.district, unit)
    except ValidationError as exc:
        raise ValidationError({"unit": exc.messages}) from None
    reason = _reason(reason, "改派理由")
    hold = local_date(at) + dt.timedelta(days=settings_of(lead.district).hold_days)
    old = {
        "unit": lead.unit_id,
        "follower": lead.follower,
        "hold_until": lead.hold_until.isoformat(),
    }
    new = {"unit": unit.pk, "follower": "", "hold_until": hold.isoformat()}
    lead.unit, lead.follower, lead.hold_until = unit, "", hold
    _save(lead, at)
    _event(lead, Kind.REASSIGNED, actor, at, old=old, new=new, reason=reason)


def _project_values(lead: Lead) -> dict:
    company = lead.company
    while company.merged_into is not None:  # merged by the office since: the record kept
        company = company.merged_into
    source = Source(lead.source).label
    values = {
        "investor": company.name,
        "investor_uscc": company.uscc,
        "investor_region": company.region,
        "industry": lead.industry,
        "fixed_investment": lead.fixed_investment,
        "annual_output": lead.annual_output,
        "annual_tax": lead.annual_tax,
        "land_area_mu": lead.land_mu,
        "info_unit": lead.first_unit,
        "info_source": f"{source}：{lead.source_detail}"[:200] if lead.source_detail else source,
        "contact_name": company.contact_name,
        "contact_phone": company.contact_phone,
        "is_global500": Tag.GLOBAL_500 in company.tags,
        "is_china500": Tag.CHINA_500 in company.tags,
        "is_listed": Tag.LISTED in company.tags,
        "progress": lead.summary[:5000],
        "remarks": f"由投资信息 {lead.code} 转化。",
    }
    return {key: value for key, value in values.items() if value not in (None, "")}


@transaction.atomic
def lead_convert(
    *, lead: Lead, actor: User, stage: str = "planning", at: dt.datetime | None = None
) -> Project:
    """Make an assessed lead a 策划 (or 意向) project of its unit, in one step."""
    _lock(lead)
    _check_work(actor, lead)
    if lead.status != Status.ASSESSED:
        raise ValidationError(rules.NOT_CONVERTIBLE)
    if stage not in CONVERT_STAGES:
        raise ValidationError({"stage": ["只能转化为策划或意向阶段的项目。"]})
    stage_row = Stage.objects.filter(code=stage).first()
    if stage_row is None:
        raise ValidationError({"stage": ["项目阶段不存在。"]})
    at = _when(lead, at)
    project = projects.project_create(
        actor=actor,
        district=lead.district,
        unit=lead.unit,
        name=lead.title,
        investment=lead.investment,
        stage=stage_row,
        at=at,
        **_project_values(lead),
    )
    projects.note_add(
        project=project,
        actor=actor,
        text=f"由投资信息 {lead.code} 转化（{Source(lead.source).label}，"
        f"{lead.first_unit.name}{local_date(lead.reported_at):%Y-%m-%d}首报）。",
        at=at,
    )
    old: dict = {}
    new: dict = {"project": project.pk, "converted_at": at.isoformat()}
    _set_status(lead, Status.CONVERTED, old, new)
    lead.project = project
    lead.converted_at = at
    _save(lead, at)
    _event(lead, Kind.CONVERTED, actor, at, old=old, new=new, reason=f"转化为项目 {project.code}")
    return project
