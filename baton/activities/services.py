"""Register and change activities, their signed lists and the annual plan; each change
with its event, in one transaction.

A refusal raises ``ValidationError`` (bad input, a rule) or ``PermissionDenied`` (not the
user's to do) and writes nothing. Whenever an activity's leaders or signed projects
change, the leaders' acts that are part of it are made to match
(``supervision.services.leader_acts_sync``) in the same transaction: each leader who
attended acts once on each project signed there (推介 at a 推介会, 展会 or 投洽会, 洽谈 at a
签约仪式), so that the 三个亲自 counts and the activity counts agree.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from baton.accounts.models import User
from baton.companies.models import Company
from baton.core.messages import fill_in, too_long, unknown_fields
from baton.core.money import plain, to_wan
from baton.leads.services import MERGED_COMPANY
from baton.org.models import District, Person, Unit
from baton.projects.models import Project
from baton.projects.rules import check_leader_of
from baton.projects.services import ConflictError
from baton.supervision.models import LeaderAct
from baton.supervision.services import leader_acts_sync

from . import rules
from .models import (
    Activity,
    ActivityEvent,
    ActivitySequence,
    ActivitySettings,
    Kind,
    PlanItem,
    Signing,
    SigningKind,
)

EventKind = ActivityEvent.Kind

#: The text fields of an activity, their labels and limits.
TEXTS = {
    "title": ("活动名称", 200, True),
    "organizer": ("主办单位", 200, True),
    "host": ("承办单位", 200, False),
    "place": ("地点", 200, True),
    "guests": ("嘉宾", 2000, False),
    "note": ("备注", 2000, False),
}
#: What ``activity_update`` may change.
EDITABLE = (*TEXTS, "kind", "start_on", "end_on", "budget", "cost", "companies", "leaders")


def _text(field: str, value: Any) -> str:
    label, limit, required = TEXTS[field]
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: [fill_in(label)]})
    if len(text) > limit:
        raise ValidationError({field: [too_long(limit, label)]})
    return text


def _money(field: str, value: Any, *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            return Decimal(0)
        return None
    return _amount(field, value)


def _amount(field: str, value: Any) -> Decimal:
    """An amount in 万元 (blank: 0), or the refusal on ``field``."""
    if value in (None, ""):
        return Decimal(0)
    try:
        return to_wan(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def _day(field: str, value: Any, label: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationError({field: [fill_in(label)]})
    if not 2000 <= value.year <= 2100:
        raise ValidationError({field: [f"{label}应在 2000 年至 2100 年之间。"]})
    return value


def _clean(district: District, values: dict) -> dict:
    """Check and convert an activity's values (all of them, or those being changed)."""
    clean: dict[str, Any] = {}
    for field, value in values.items():
        if field in TEXTS:
            clean[field] = _text(field, value)
        elif field == "kind":
            if value not in Kind.values:
                raise ValidationError({"kind": [rules.NO_KIND]})
            clean[field] = value
        elif field == "start_on":
            clean[field] = _day(field, value, "开始日期")
        elif field == "end_on":
            clean[field] = _day(field, value, "结束日期")
        elif field == "budget":
            clean[field] = _money(field, value)
        elif field == "cost":
            clean[field] = _money(field, value, required=False)
        elif field == "companies":
            clean[field] = _companies(district, value)
        elif field == "leaders":
            clean[field] = _leaders(district, value)
        else:
            raise ValidationError(unknown_fields([field]))
    return clean


def _companies(district: District, companies: Iterable[Company]) -> list[Company]:
    chosen = list(dict.fromkeys(companies or ()))
    for company in chosen:
        if company.district_id != district.pk:
            raise ValidationError({"companies": [rules.not_in_district("企业", company.name)]})
        if company.merged_into_id:
            raise ValidationError({"companies": [MERGED_COMPANY]})
    return chosen


def _leaders(district: District, leaders: Iterable[Person]) -> list[Person]:
    chosen = list(dict.fromkeys(leaders or ()))
    for leader in chosen:
        if not leader.is_leader or not leader.is_active:
            raise ValidationError({"leaders": [rules.NOT_LEADER]})
        try:
            check_leader_of(district, leader)
        except ValidationError as exc:
            raise ValidationError({"leaders": exc.messages}) from None
    return chosen


def _as_json(field: str, value: Any) -> Any:
    if field in ("companies", "leaders"):
        return sorted(item.pk for item in value)
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _event(
    activity: Activity,
    kind: str,
    actor: User,
    at: dt.datetime,
    old: dict | None = None,
    new: dict | None = None,
) -> None:
    ActivityEvent.objects.create(
        activity=activity,
        district_id=activity.district_id,
        kind=kind,
        actor=actor,
        at=at,
        old=old or {},
        new=new or {},
    )


def _act_kind(activity: Activity) -> str:
    if activity.kind == Kind.SIGNING:
        return LeaderAct.Kind.NEGOTIATE
    return LeaderAct.Kind.PROMOTE


def _sync_acts(activity: Activity, actor: User, at: dt.datetime) -> None:
    """Make the leaders' acts that are part of the activity what it now says."""
    projects = {s.project for s in activity.signings.select_related("project") if s.project}
    leaders = list(activity.leaders.all())
    kind = _act_kind(activity)
    acts = [
        (leader, project, kind, activity.start_on)
        for leader in leaders
        for project in sorted(projects, key=lambda p: p.pk)
    ]
    leader_acts_sync(
        origin=LeaderAct.Origin.ACTIVITY,
        origin_id=activity.pk,
        district=activity.district,
        acts=acts,
        actor=actor,
        note=f"{activity.get_kind_display()}：{activity.title}",
        at=at,
    )


def _check_dates(values: dict) -> None:
    if values["end_on"] < values["start_on"]:
        raise ValidationError({"end_on": [rules.DATES]})


@transaction.atomic
def activity_create(
    *,
    actor: User,
    unit: Unit,
    kind: str,
    title: str,
    organizer: str,
    place: str,
    start_on: dt.date,
    end_on: dt.date | None = None,
    host: str = "",
    budget: Any = None,
    cost: Any = None,
    guests: str = "",
    note: str = "",
    companies: Iterable[Company] = (),
    leaders: Iterable[Person] = (),
    plan_item: PlanItem | None = None,
    at: dt.datetime | None = None,
) -> Activity:
    """Register an activity of ``unit`` (the unit's promoters, or its district's office)."""
    if not isinstance(unit, Unit) or not unit.is_active:
        raise ValidationError({"unit": [rules.NO_UNIT]})
    if not rules.can_write_for(actor, unit.district_id, unit.pk):
        raise PermissionDenied(rules.NOT_A_WRITER)
    district = unit.district
    values = _clean(
        district,
        {
            "kind": kind, "title": title, "organizer": organizer, "host": host,
            "place": place, "start_on": start_on, "end_on": end_on or start_on,
            "budget": budget, "cost": cost, "guests": guests, "note": note,
            "companies": companies, "leaders": leaders,
        },
    )  # fmt: skip
    _check_dates(values)
    if plan_item is not None and (
        plan_item.district_id != district.pk or hasattr(plan_item, "activity")
    ):
        raise ValidationError({"plan_item": ["该计划不属于本区或已对应其他活动。"]})
    at = at or timezone.now()
    invited, attending = values.pop("companies"), values.pop("leaders")
    code = ActivitySequence.issue(
        district, values["start_on"].year, prefix="HD", taken=Activity.objects.all()
    )
    activity = Activity.objects.create(
        code=code,
        district=district,
        unit=unit,
        plan_item=plan_item,
        created_by=actor,
        created_at=at,
        updated_at=at,
        **values,
    )
    activity.companies.set(invited)
    activity.leaders.set(attending)
    new = {k: _as_json(k, v) for k, v in values.items()}
    new.update(unit=unit.pk, companies=_as_json("companies", invited))
    new["leaders"] = _as_json("leaders", attending)
    _event(activity, EventKind.CREATED, actor, at, new=new)
    return activity


def _lock(activity: Activity, version: int | None) -> None:
    fresh = Activity.objects.select_for_update().get(pk=activity.pk)
    if version is not None and fresh.version != version:
        raise ConflictError(rules.STALE)
    for field in fresh._meta.concrete_fields:
        setattr(activity, field.attname, getattr(fresh, field.attname))


def _check_edit(actor: User, activity: Activity) -> None:
    if not rules.can_edit(actor, activity):
        raise PermissionDenied(rules.NOT_A_WRITER)


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    actor: User,
    version: int | None = None,
    at: dt.datetime | None = None,
    **changes: Any,
) -> Activity:
    """Change the activity's fields (``EDITABLE``); the leaders' acts follow."""
    _check_edit(actor, activity)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(unknown_fields(unknown))
    _lock(activity, version)
    values = _clean(activity.district, changes)
    current = {
        "companies": list(activity.companies.all()),
        "leaders": list(activity.leaders.all()),
        **{f: getattr(activity, f) for f in changes if f not in ("companies", "leaders")},
    }
    _check_dates({**{"start_on": activity.start_on, "end_on": activity.end_on}, **values})
    old, new = {}, {}
    for field, value in values.items():
        before = _as_json(field, current[field])
        after = _as_json(field, value)
        if before != after:
            old[field], new[field] = before, after
    if not new:
        return activity
    at = at or timezone.now()
    for field, value in values.items():
        if field == "companies":
            activity.companies.set(value)
        elif field == "leaders":
            activity.leaders.set(value)
        else:
            setattr(activity, field, value)
    activity.version += 1
    activity.updated_at = at
    activity.save()
    _event(activity, EventKind.UPDATED, actor, at, old, new)
    if {"leaders", "kind", "start_on", "title"} & set(new):
        _sync_acts(activity, actor, at)
    return activity


@transaction.atomic
def signing_add(
    *,
    activity: Activity,
    actor: User,
    kind: str,
    amount: Any,
    project: Project | None = None,
    company: Company | None = None,
    title: str = "",
    at: dt.datetime | None = None,
) -> Signing:
    """Add a line to the signed list: a project of the district's library, or a company."""
    _check_edit(actor, activity)
    _lock(activity, None)
    if project is None and company is None:
        raise ValidationError({"project": [rules.NO_SUBJECT]})
    if project is not None and project.district_id != activity.district_id:
        raise ValidationError({"project": [rules.not_in_district("项目", project.name)]})
    if company is not None:
        _companies(activity.district, [company])
    if kind not in SigningKind.values:
        raise ValidationError({"kind": [rules.NO_SIGNING_KIND]})
    money: dict[str, Any] = {"amount": _amount("amount", amount)}
    title = str(title or "").strip() or (project.name if project else company.name)  # type: ignore[union-attr]
    if len(title) > 200:
        raise ValidationError({"title": [too_long(200, "签约项目名称")]})
    subject = {"project": project} if project is not None else {"company": company}
    if activity.signings.filter(**subject).exists():
        raise ValidationError({"project": ["该项目已在本活动的签约清单中。"]})
    at = at or timezone.now()
    signing = Signing.objects.create(
        activity=activity,
        district_id=activity.district_id,
        project=project,
        company=company,
        title=title,
        kind=kind,
        created_at=at,
        **money,
    )
    _touch(activity, at)
    _event(activity, EventKind.SIGNED, actor, at, new=_signing_json(signing))
    if project is not None:
        _sync_acts(activity, actor, at)
    return signing


def _signing_json(signing: Signing) -> dict:
    return {
        "signing": signing.pk,
        "project": signing.project_id,
        "company": signing.company_id,
        "title": signing.title,
        "kind": signing.kind,
        "amount": plain(Decimal(signing.amount)),
    }


def _touch(activity: Activity, at: dt.datetime) -> None:
    activity.version += 1
    activity.updated_at = at
    activity.save(update_fields=["version", "updated_at"])


@transaction.atomic
def signing_remove(
    *, activity: Activity, actor: User, signing: Signing, at: dt.datetime | None = None
) -> None:
    """Take a line off the signed list (entered by mistake)."""
    _check_edit(actor, activity)
    if signing.activity_id != activity.pk:
        raise ValidationError(rules.NOT_ON_LIST)
    _lock(activity, None)
    at = at or timezone.now()
    old = _signing_json(signing)
    had_project = signing.project_id is not None
    signing.delete()
    _touch(activity, at)
    _event(activity, EventKind.UNSIGNED, actor, at, old=old)
    if had_project:
        _sync_acts(activity, actor, at)


# --- the annual plan --------------------------------------------------------------------


def settings_of(district: District) -> ActivitySettings:
    return ActivitySettings.objects.filter(district=district).first() or ActivitySettings(
        district=district
    )


def plan_deadline(district: District, year: int) -> dt.date:
    """The day a district's plan for ``year`` is due: by default 12月5日 of the year before."""
    conf = settings_of(district)
    try:
        return dt.date(year - 1, conf.plan_month, conf.plan_day)
    except ValueError:
        return dt.date(year - 1, 12, 5)


@transaction.atomic
def plan_item_add(
    *,
    actor: User,
    unit: Unit,
    year: int,
    kind: str,
    title: str,
    month: int,
    place: str = "",
    budget: Any = None,
    at: dt.datetime | None = None,
) -> PlanItem:
    """Add an activity to the district's plan for ``year``; after the deadline it is 补报."""
    if not isinstance(unit, Unit) or not unit.is_active:
        raise ValidationError({"unit": [rules.NO_PLAN_UNIT]})
    if not rules.can_write_for(actor, unit.district_id, unit.pk):
        raise PermissionDenied(rules.NOT_A_WRITER)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": ["计划年度无效。"]})
    if kind not in Kind.values:
        raise ValidationError({"kind": [rules.NO_KIND]})
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise ValidationError({"month": [rules.PLAN_MONTH]})
    title = _text("title", title)
    place = str(place or "").strip()
    if len(place) > 200:
        raise ValidationError({"place": [too_long(200, "拟举办地点")]})
    at = at or timezone.now()
    late = timezone.localdate(at) > plan_deadline(unit.district, year)
    money: dict[str, Any] = {"budget": _amount("budget", budget)}
    return PlanItem.objects.create(
        district_id=unit.district_id,
        year=year,
        unit=unit,
        kind=kind,
        title=title,
        month=month,
        place=place,
        **money,
        entered_by=actor,
        entered_at=at,
        is_late=late,
    )


@transaction.atomic
def plan_item_remove(*, actor: User, item: PlanItem) -> None:
    """Take an item off the plan, unless an activity was held for it."""
    if not rules.can_write_for(actor, item.district_id, item.unit_id):
        raise PermissionDenied(rules.NOT_A_WRITER)
    if Activity.objects.filter(plan_item=item).exists():
        raise ValidationError("该计划已有对应的活动，不能删除。")
    item.delete()


@transaction.atomic
def settings_update(*, actor: User, district: District, plan_month: int, plan_day: int) -> None:
    """Set the district's deadline for next year's plan (the office)."""
    if not rules.is_office_of(actor, district.pk):
        raise PermissionDenied(rules.NOT_THE_OFFICE)
    try:
        dt.date(2023, int(plan_month), int(plan_day))  # a common year: no 2月29日
    except (TypeError, ValueError):
        raise ValidationError({"plan_day": [rules.BAD_DEADLINE]}) from None
    ActivitySettings.objects.update_or_create(
        district=district, defaults={"plan_month": plan_month, "plan_day": plan_day}
    )
