"""Writes of the register and the claims: register (备案), edit, revoke an intermediary,
sign its 定向招商协议; file (申报), confirm (认定), refuse and withdraw a claim.

Every function checks who may (``rules``), validates everything before it saves, and
writes its ``IntermediaryEvent`` (old and new values) in the same transaction; a refusal
raises ``ValidationError`` (by field where it names one) or ``PermissionDenied`` and
writes nothing. ``actor`` None is the server itself (the demo, the import's own checks).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from baton.accounts.models import User
from baton.core.dates import local_date
from baton.core.messages import fill_in, too_long
from baton.core.money import plain, to_wan
from baton.core.uscc import clean_uscc
from baton.org.models import District
from baton.projects.models import Milestone, Project
from baton.projects.rules import event_time
from baton.projects.services import ConflictError

from . import rules
from .models import (
    Agreement,
    Claim,
    ClaimRule,
    ClaimSequence,
    Intermediary,
    IntermediaryEvent,
    IntermediarySequence,
    IntermediarySettings,
)

Kind = IntermediaryEvent.Kind
OPEN_CLAIMS = (Claim.Status.FILED, Claim.Status.CONFIRMED)
HUNDRED = Decimal(100)

#: The fields of an intermediary a form or a row of the register gives.
FIELDS = (
    "kind", "name", "uscc", "contact_name", "contact_phone", "address", "filed_on",
    "documents", "declared_on", "affiliates", "declaration", "note",
)  # fmt: skip
LIMITS = {"name": 200, "contact_name": 50, "contact_phone": 30, "address": 200}
#: The three questions of the 利益冲突声明, each a rule of eligibility if answered 是.
DECLARED = {
    "official": rules.RULE_OFFICIAL,
    "relative": rules.RULE_RELATIVE,
    "state_owned": rules.RULE_STATE_OWNED,
}


def settings_for(district: District | int) -> IntermediarySettings:
    """The district's rules (the defaults until its office sets them)."""
    pk = district if isinstance(district, int) else district.pk
    row = IntermediarySettings.objects.filter(district_id=pk).first()
    return row or IntermediarySettings(district_id=pk)


def signed_on(project: Project) -> dt.date | None:
    row = project.milestones.filter(kind=Milestone.Kind.SIGNED).first()
    return row.date if row else None


# --- cleaning ------------------------------------------------------------------------------


def _text(value: Any, label: str, limit: int | None = None, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError(fill_in(label))
    if limit and len(text) > limit:
        raise ValidationError(too_long(limit, label))
    return text


def _date(value: Any, label: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError(fill_in(label))
    if value > timezone.localdate():
        raise ValidationError(f"{label}晚于今天，请核对。")
    return value


def _lines(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        items = [str(v) for v in value]
    else:
        items = str(value or "").replace("；", "\n").replace(";", "\n").splitlines()
    return [i.strip() for i in items if i.strip()]


def clean_affiliates(value: Any) -> list[dict]:
    """关联方 as ``[{"name", "uscc"}]``: a list of those, or lines "名称 统一社会信用代码"."""
    out = []
    for item in value if isinstance(value, list) else _lines(value):
        if isinstance(item, dict):
            name, code = str(item.get("name") or "").strip(), item.get("uscc") or ""
        else:
            parts = str(item).split()
            maybe = parts[-1] if len(parts) > 1 and len(parts[-1]) == 18 else ""
            name = " ".join(parts[:-1] if maybe else parts)
            code = maybe
        if not name:
            raise ValidationError("关联方须写明名称。")
        if len(name) > 200:
            raise ValidationError(too_long(200, "关联方名称"))
        try:
            code = clean_uscc(code)
        except ValidationError as exc:
            raise ValidationError(f"关联方“{name}”的{exc.messages[0]}") from None
        out.append({"name": name, "uscc": code})
    return out


def clean_values(values: dict) -> dict:
    """Return an intermediary's fields from ``values``, or refuse them by field."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}

    def take(field: str, fn: Any) -> None:
        try:
            out[field] = fn(values.get(field))
        except ValidationError as exc:
            errors[field] = exc.messages

    take("kind", lambda v: v if v in Intermediary.Kind.values else _bad_kind())
    take("name", lambda v: _text(v, "名称或姓名", 200, required=True))
    take("uscc", clean_uscc)
    for field, label in (("contact_name", "联系人"), ("contact_phone", "联系电话")):
        take(field, lambda v, f=field, lb=label: _text(v, lb, LIMITS[f]))
    take("address", lambda v: _text(v, "地址", 200))
    take("filed_on", lambda v: _date(v, "备案日期"))
    take("declared_on", lambda v: _date(v, "声明日期"))
    take("documents", _documents)
    take("affiliates", clean_affiliates)
    take("declaration", lambda v: _text(v, "声明内容", 2000))
    take("note", lambda v: _text(v, "备注", 2000))
    if out.get("kind") == Intermediary.Kind.AGENCY and "uscc" in out and not out["uscc"]:
        errors["uscc"] = ["中介机构须填写统一社会信用代码。"]
    for key, rule in DECLARED.items():
        if values.get(key):
            errors.setdefault(key, []).append(rules.refused(rule))
    if errors:
        raise ValidationError(errors)
    return out


def _bad_kind() -> str:
    raise ValidationError("请选择类型：中介机构或个人引荐人。")


def _documents(value: Any) -> list[str]:
    items = _lines(value)
    if len(items) > 30:
        raise ValidationError("备案材料最多 30 项。")
    for item in items:
        if len(item) > 100:
            raise ValidationError(too_long(100, "备案材料名称"))
    return items


# --- the register ----------------------------------------------------------------------


def _event(
    intermediary: Intermediary,
    kind: str,
    actor: User | None,
    at: dt.datetime,
    *,
    claim: Claim | None = None,
    old: dict | None = None,
    new: dict | None = None,
    reason: str = "",
) -> IntermediaryEvent:
    return IntermediaryEvent.objects.create(
        district_id=intermediary.district_id,
        intermediary=intermediary,
        claim=claim,
        kind=kind,
        actor=actor,
        at=at,
        old=old or {},
        new=new or {},
        reason=reason,
    )


def _jsonable(values: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


def _check_office(actor: User | None, district_id: int) -> None:
    if not rules.is_office(actor, district_id):
        raise PermissionDenied(rules.NOT_THE_OFFICE)


def _check_unique(district: District, values: dict, exclude: int | None = None) -> None:
    rows = Intermediary.objects.filter(district=district, status=Intermediary.Status.ACTIVE)
    if exclude:
        rows = rows.exclude(pk=exclude)
    if values["uscc"] and rows.filter(uscc=values["uscc"]).exists():
        raise ValidationError({"uscc": ["该统一社会信用代码已在本区备案。"]})
    if rows.filter(kind=values["kind"], name=values["name"]).exists():
        raise ValidationError({"name": [f"“{values['name']}”已在本区备案。"]})


@transaction.atomic
def intermediary_register(
    *, actor: User | None, district: District, values: dict, at: dt.datetime | None = None
) -> Intermediary:
    """备案: put an intermediary on the district's register, its declaration made."""
    _check_office(actor, district.pk)
    clean = clean_values(values)
    at = event_time(at)
    # The code first: it locks the district's sequence, so that two registrations of
    # one name are checked one after the other.
    code = IntermediarySequence.issue(
        district, clean["filed_on"].year, prefix="ZJ", taken=Intermediary.objects.all()
    )
    _check_unique(district, clean)
    row = Intermediary.objects.create(
        code=code,
        district=district,
        created_by=actor,
        created_at=at,
        updated_at=at,
        **clean,
    )
    _event(row, Kind.REGISTERED, actor, at, new=_jsonable({"code": code, **clean}))
    return row


def _lock(row: Intermediary, expected_version: int | None) -> Intermediary:
    fresh = Intermediary.objects.select_for_update().get(pk=row.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ConflictError(rules.STALE)
    return fresh


@transaction.atomic
def intermediary_update(
    *,
    actor: User | None,
    intermediary: Intermediary,
    values: dict,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Intermediary:
    """修改 the register's row; the event keeps what changed."""
    row = _lock(intermediary, expected_version)
    _check_office(actor, row.district_id)
    clean = clean_values(values)
    _check_unique(row.district, clean, exclude=row.pk)
    at = event_time(at)
    old = {f: getattr(row, f) for f in FIELDS if getattr(row, f) != clean[f]}
    if not old:
        return row
    new = {f: clean[f] for f in old}
    for field, value in new.items():
        setattr(row, field, value)
    row.version += 1
    row.updated_at = at
    row.save()
    _event(row, Kind.CHANGED, actor, at, old=_jsonable(old), new=_jsonable(new))
    return row


@transaction.atomic
def intermediary_revoke(
    *, actor: User | None, intermediary: Intermediary, reason: str, at: dt.datetime | None = None
) -> Intermediary:
    """注销: off the register (its claims stay as they are)."""
    row = _lock(intermediary, None)
    _check_office(actor, row.district_id)
    if row.status == Intermediary.Status.REVOKED:
        raise ValidationError("该中介已注销。")
    reason = _text(reason, "注销原因", 500, required=True)
    at = event_time(at)
    row.status = Intermediary.Status.REVOKED
    row.version += 1
    row.updated_at = at
    row.save()
    _event(row, Kind.REVOKED, actor, at, old={"status": "active"}, new={"status": row.status},
           reason=reason)  # fmt: skip
    return row


@transaction.atomic
def agreement_sign(
    *,
    actor: User | None,
    intermediary: Intermediary,
    start_on: dt.date,
    end_on: dt.date,
    number: str = "",
    target_leads: Any = None,
    target_fixed_wan: Any = None,
    scope: str = "",
    at: dt.datetime | None = None,
) -> Agreement:
    """签订定向招商协议: a term (from–to) and its targets (at least one)."""
    row = _lock(intermediary, None)
    _check_office(actor, row.district_id)
    errors: dict[str, list[str]] = {}
    if not isinstance(start_on, dt.date) or not isinstance(end_on, dt.date):
        errors["start_on"] = ["请填写协议期限。"]
    elif end_on <= start_on:
        errors["end_on"] = ["协议截止日须晚于起始日。"]
    leads = None
    if target_leads not in (None, ""):
        try:
            leads = int(target_leads)
        except (TypeError, ValueError):
            leads = -1
        if not 0 < leads <= 10000:
            errors["target_leads"] = [rules.TARGET_RANGE]
    fixed = None
    if target_fixed_wan not in (None, ""):
        try:
            fixed = to_wan(target_fixed_wan)
        except ValidationError as exc:
            errors["target_fixed_wan"] = exc.messages
    if leads is None and fixed is None and not errors:
        errors["target_leads"] = ["请至少填写一项目标（有效信息条数或固定资产投资）。"]
    for field, value, label, limit in (
        ("number", number, "协议编号", 60),
        ("scope", scope, "招商方向", 200),
    ):
        if len(str(value or "").strip()) > limit:
            errors[field] = [too_long(limit, label)]
    if errors:
        raise ValidationError(errors)
    at = event_time(at)
    agreement = Agreement.objects.create(
        intermediary=row,
        number=str(number or "").strip(),
        start_on=start_on,
        end_on=end_on,
        target_leads=leads,
        target_fixed_wan=fixed,  # type: ignore[misc]  # MoneyField: Decimal
        scope=str(scope or "").strip(),
    )
    new = {
        "agreement": agreement.pk,
        "number": agreement.number,
        "start_on": start_on.isoformat(),
        "end_on": end_on.isoformat(),
        "target_leads": leads,
        "target_fixed_wan": plain(fixed) if fixed is not None else None,
    }
    _event(row, Kind.AGREEMENT, actor, at, new=new)
    return agreement


# --- claims ----------------------------------------------------------------------------


def check_affiliate(intermediary: Intermediary, project: Project) -> None:
    """Refuse a claim on a project whose investor is the intermediary or its 关联方."""
    investor_code = project.investor_uscc or ""
    investor = (project.investor or "").strip()
    if intermediary.uscc and investor_code == intermediary.uscc:
        raise ValidationError(
            rules.refused(rules.RULE_AFFILIATE, "中介与投资方的统一社会信用代码相同。")
        )
    if investor and investor == intermediary.name:
        raise ValidationError(rules.refused(rules.RULE_AFFILIATE, "中介即为投资方。"))
    for item in intermediary.affiliates or []:
        same_code = item.get("uscc") and item["uscc"] == investor_code
        if same_code or (investor and item.get("name") == investor):
            raise ValidationError(
                rules.refused(rules.RULE_AFFILIATE, f"投资方是中介申报的关联方“{item['name']}”。")
            )


def check_before_signing(intermediary: Intermediary, project: Project, day: dt.date) -> None:
    """中介需在引进项目签约前完成备案: refuse a claim on or after the signing day."""
    signed = signed_on(project)
    if signed is None:
        return
    if day >= signed:
        raise ValidationError(
            rules.refused(
                rules.RULE_BEFORE_SIGNING,
                f"项目已于 {signed:%Y-%m-%d} 签约，{day:%Y-%m-%d} 申报的认定不予受理。",
            )
        )
    if intermediary.filed_on >= signed:
        raise ValidationError(
            rules.refused(
                rules.RULE_BEFORE_SIGNING,
                f"中介备案日期（{intermediary.filed_on:%Y-%m-%d}）不早于项目签约日期"
                f"（{signed:%Y-%m-%d}）。",
            )
        )


def _share(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        share = Decimal(str(value).strip().rstrip("%％"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"share": [rules.SHARE_INVALID]}) from None
    if (
        not share.is_finite()
        or not 0 < share <= HUNDRED
        or share != share.quantize(Decimal("0.01"))
    ):
        raise ValidationError({"share": [rules.SHARE_RANGE]})
    return share


@transaction.atomic
def claim_file(
    *,
    actor: User | None,
    intermediary: Intermediary,
    project: Project,
    account: str,
    share: Any = None,
    at: dt.datetime | None = None,
) -> Claim:
    """申报认定: the intermediary's claim on ``project``, filed today (the event's day) —
    before the project's 签约, by its unit or the district office."""
    if not rules.can_file(actor, project):
        raise PermissionDenied(rules.NOT_A_FILER)
    Project.objects.select_for_update().filter(pk=project.pk).first()  # one filing at a time
    intermediary = Intermediary.objects.get(pk=intermediary.pk)
    if intermediary.district_id != project.district_id:
        raise ValidationError({"intermediary": ["只能选择本区备案的中介。"]})
    if intermediary.status != Intermediary.Status.ACTIVE:
        raise ValidationError({"intermediary": ["该中介已注销，不能申报认定。"]})
    account = _text(account, "引荐经过", 2000, required=True)
    asked = _share(share)
    at = event_time(at)
    day = local_date(at)
    if intermediary.filed_on > day:
        raise ValidationError({"intermediary": ["该中介的备案日期晚于申报日期。"]})
    check_before_signing(intermediary, project, day)
    check_affiliate(intermediary, project)
    open_ = Claim.objects.filter(project=project, status__in=OPEN_CLAIMS)
    if open_.filter(intermediary=intermediary).exists():
        raise ValidationError("该中介对本项目已有申报，不能重复申报。")
    code = ClaimSequence.issue(project.district, day.year, prefix="RD", taken=Claim.objects.all())
    claim = Claim.objects.create(
        code=code,
        district_id=project.district_id,
        intermediary=intermediary,
        project=project,
        filed_on=day,
        account=account,
        share=asked,
        filed_by=actor,
        created_at=at,
        updated_at=at,
    )
    new = {
        "code": code,
        "project": project.code,
        "filed_on": day.isoformat(),
        "share": plain(asked) if asked is not None else None,
    }
    _event(intermediary, Kind.FILED, actor, at, claim=claim, new=new, reason=account)
    return claim


def _lock_claim(claim: Claim, expected_version: int | None) -> Claim:
    fresh = (
        Claim.objects.select_for_update().select_related("intermediary", "project").get(pk=claim.pk)
    )
    if expected_version is not None and fresh.version != expected_version:
        raise ConflictError(rules.STALE)
    return fresh


def _decide(
    claim: Claim,
    status: str,
    actor: User | None,
    at: dt.datetime,
    day: dt.date,
    reason: str,
    kind: str,
    **extra: Any,
) -> Claim:
    old: dict[str, Any] = {"status": claim.status}
    claim.status = status
    claim.decided_on = day
    claim.reason = reason
    for field, value in extra.items():
        old[field] = plain(getattr(claim, field)) if getattr(claim, field) is not None else None
        setattr(claim, field, value)
    claim.version += 1
    claim.updated_at = at
    claim.save()
    new: dict[str, Any] = {"status": status, "decided_on": day.isoformat()}
    new.update({k: plain(v) if isinstance(v, Decimal) else v for k, v in extra.items()})
    _event(claim.intermediary, kind, actor, at, claim=claim, old=old, new=new, reason=reason)
    return claim


def confirmed_share(project: Project, exclude: int | None = None) -> Decimal:
    rows = Claim.objects.filter(project=project, status=Claim.Status.CONFIRMED)
    if exclude:
        rows = rows.exclude(pk=exclude)
    return sum((c.share or Decimal(0) for c in rows), Decimal(0))


@transaction.atomic
def claim_confirm(
    *,
    actor: User | None,
    claim: Claim,
    share: Any = None,
    reason: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Claim:
    """认定: as the district's rule says — one intermediary a project (the others'
    claims are refused, each with its event), or shares adding up to at most 100%."""
    claim = _lock_claim(claim, expected_version)
    _check_office(actor, claim.district_id)
    if claim.status != Claim.Status.FILED:
        raise ValidationError(rules.not_now(claim.get_status_display(), "再认定"))
    reason = _text(reason, "认定意见", 2000)
    at = event_time(at)
    day = local_date(at)
    rule = settings_for(claim.district_id).claim_rule
    project = claim.project
    others = (
        Claim.objects.filter(project=project).exclude(pk=claim.pk).select_related("intermediary")
    )
    if rule == ClaimRule.SINGLE:
        first = others.filter(status=Claim.Status.CONFIRMED).first()
        if first is not None:
            raise ValidationError(
                rules.refused(
                    rules.RULE_ONE_PER_PROJECT, f"本项目已认定“{first.intermediary.name}”。"
                )
            )
        given = HUNDRED
    else:
        asked = _share(share if share not in (None, "") else claim.share)
        if asked is None:
            raise ValidationError({"share": ["请填写该中介的份额（%）。"]})
        given = asked
        used = confirmed_share(project, exclude=claim.pk)
        if used + given > HUNDRED:
            raise ValidationError(
                {"share": [rules.refused(
                    rules.RULE_SHARES, f"已认定 {plain(used)}%，本次最多 {plain(HUNDRED - used)}%。"
                )]}
            )  # fmt: skip
    _decide(claim, Claim.Status.CONFIRMED, actor, at, day, reason, Kind.CONFIRMED, share=given)
    if rule == ClaimRule.SINGLE:
        for other in others.filter(status=Claim.Status.FILED).select_for_update():
            _decide(
                other, Claim.Status.REFUSED, actor, at, day,
                rules.refused(rules.RULE_ONE_PER_PROJECT, f"本项目已认定“{claim.intermediary.name}”。"),
                Kind.REFUSED,
            )  # fmt: skip
    return claim


@transaction.atomic
def claim_refuse(
    *,
    actor: User | None,
    claim: Claim,
    reason: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Claim:
    """不予认定, with the reason."""
    claim = _lock_claim(claim, expected_version)
    _check_office(actor, claim.district_id)
    if claim.status != Claim.Status.FILED:
        raise ValidationError(rules.not_now(claim.get_status_display(), "不予认定"))
    reason = _text(reason, "不予认定的理由", 2000, required=True)
    at = event_time(at)
    return _decide(claim, Claim.Status.REFUSED, actor, at, local_date(at), reason, Kind.REFUSED)


@transaction.atomic
def claim_withdraw(
    *,
    actor: User | None,
    claim: Claim,
    reason: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Claim:
    """撤回 a claim not decided yet (its filer: the project's unit or the office)."""
    claim = _lock_claim(claim, expected_version)
    if not rules.can_file(actor, claim.project):
        raise PermissionDenied(rules.NOT_A_FILER)
    if claim.status != Claim.Status.FILED:
        raise ValidationError(rules.not_now(claim.get_status_display(), "撤回"))
    reason = _text(reason, "撤回原因", 2000, required=True)
    at = event_time(at)
    return _decide(claim, Claim.Status.WITHDRAWN, actor, at, local_date(at), reason, Kind.WITHDRAWN)


@transaction.atomic
def settings_update(
    *, actor: User | None, district: District, claim_rule: str, publicity_days: Any
) -> IntermediarySettings:
    """The district's rules: several claims shared or one, and the 公示 period."""
    _check_office(actor, district.pk)
    errors: dict[str, list[str]] = {}
    if claim_rule not in ClaimRule.values:
        errors["claim_rule"] = ["请选择同一项目多个中介的处理方式。"]
    try:
        days = int(publicity_days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 60:
        errors["publicity_days"] = [rules.PUBLICITY_RANGE]
    if errors:
        raise ValidationError(errors)
    row = IntermediarySettings.objects.select_for_update().filter(district=district).first()
    row = row or IntermediarySettings(district=district)
    row.claim_rule, row.publicity_days = claim_rule, days
    row.save()
    return row
