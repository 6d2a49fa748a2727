"""Writes to schemes, scores and rankings. A published scheme or ranking is never changed.

Services assume the caller checked permission; they validate and raise ``ValidationError``
in Chinese, writing nothing then.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from baton.accounts.models import User
from baton.audit.services import Event, audit_write
from baton.core.messages import unknown_fields
from baton.org.models import District, Unit

from . import engine
from .config import Number, bad_kind, number, ratio_parts, validate_config
from .models import (
    EnteredFact,
    Indicator,
    ManualScore,
    Ranking,
    RankingLine,
    Scheme,
    SchemeUnit,
    Target,
)
from .periods import period_label

FROZEN = "考核方案“{name}”（第 {version} 版）已发布，不能修改；如需调整，请复制为新版本。"
SCHEME_FIELDS = ("name", "period_kind", "share_info", "share_talks", "share_landing")
NO_MEMBERS = "至少要选择一个被考核单位。"
STALE_TARGETS = "目标任务表已过期（指标或被考核单位有变动），请刷新页面后重新填写。"
REASON_REQUIRED = "人工评分必须填写评分理由。"
TARGET_POSITIVE = "目标值必须大于 0。"
PUBLISHED_RANKING_KEPT = "已发布的排名不能删除。"
ONLY_OFFICE = "只有本区的区招商办可以管理考核方案、人工评分和排名。"
_PERIOD_KINDS = "考核周期只能是月度、季度或年度。"


def _outside(unit: Unit, scheme: Scheme) -> ValidationError:
    return ValidationError(f"“{unit.name}”不属于{scheme.district.name}，不能纳入本方案考核。")


def _check_draft(scheme: Scheme) -> None:
    # Read the status from the database: a stale instance must not slip past the freeze.
    status = Scheme.objects.filter(pk=scheme.pk).values_list("status", flat=True).first()
    if status == Scheme.Status.PUBLISHED:
        raise ValidationError(FROZEN.format(name=scheme.name, version=scheme.version))


def clean_shares(values: dict) -> dict[str, Decimal]:
    clean = {}
    for key in ("share_info", "share_talks", "share_landing"):
        share = number(values[key], "接力分成")
        if share < 0 or share > 1 or share != share.quantize(Decimal("0.0001")):
            raise ValidationError("接力分成须为 0 到 1 之间、最多 4 位小数的比例。")
        clean[key] = share
    if sum(clean.values()) != 1:
        raise ValidationError(
            "信息提供、洽谈推进、落地服务三方的接力分成之和必须等于 1（100%），"
            f"当前为 {engine.num(sum(clean.values(), Decimal(0)) * 100)}%。"
        )
    return clean


@transaction.atomic
def scheme_create(
    *,
    district: District,
    name: str,
    period_kind: str,
    share_info: Number = "0.2",
    share_talks: Number = "0.3",
    share_landing: Number = "0.5",
) -> Scheme:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "方案名称不能为空。"})
    if period_kind not in Scheme.PeriodKind.values:
        raise ValidationError({"period_kind": _PERIOD_KINDS})
    shares = clean_shares(
        {"share_info": share_info, "share_talks": share_talks, "share_landing": share_landing}
    )
    last = Scheme.objects.filter(district=district, name=name).order_by("-version").first()
    return Scheme.objects.create(
        district=district,
        name=name,
        period_kind=period_kind,
        version=last.version + 1 if last else 1,
        **shares,
    )


@transaction.atomic
def scheme_update(*, scheme: Scheme, changes: dict) -> Scheme:
    _check_draft(scheme)
    unknown = set(changes) - set(SCHEME_FIELDS)
    if unknown:
        raise ValidationError(unknown_fields(unknown))
    merged = {k: changes.get(k, getattr(scheme, k)) for k in SCHEME_FIELDS}
    shares = clean_shares(merged)
    if merged["period_kind"] not in Scheme.PeriodKind.values:
        raise ValidationError({"period_kind": _PERIOD_KINDS})
    name = (merged["name"] or "").strip() or scheme.name
    clash = Scheme.objects.filter(district=scheme.district, name=name, version=scheme.version)
    if clash.exclude(pk=scheme.pk).exists():
        raise ValidationError(
            {
                "name": f"本区已有“{name}”第 {scheme.version} 版，请换一个名称，或复制该方案为新版本。"
            }
        )
    scheme.name = name
    scheme.period_kind = merged["period_kind"]
    for key, share in shares.items():
        setattr(scheme, key, share)
    scheme.save()
    return scheme


@transaction.atomic
def scheme_unit_set(*, scheme: Scheme, unit: Unit, group: str = "") -> SchemeUnit:
    """Assess ``unit`` under the scheme, in ``group`` (园区, 乡镇 …)."""
    _check_draft(scheme)
    if unit.district_id != scheme.district_id:
        raise _outside(unit, scheme)
    unit.check_promotion()
    member, _ = SchemeUnit.objects.update_or_create(
        scheme=scheme, unit=unit, defaults={"group": (group or "").strip()}
    )
    return member


@transaction.atomic
def scheme_units_set(*, scheme: Scheme, members: dict[Unit, str]) -> None:
    """Make ``members`` ({unit: group}) the scheme's assessed units; the others leave it.

    A unit that leaves takes its targets with it.
    """
    _check_draft(scheme)
    if not members:
        raise ValidationError(NO_MEMBERS)
    for unit, group in members.items():
        if unit.district_id != scheme.district_id:
            raise _outside(unit, scheme)
        unit.check_promotion()
        if len((group or "").strip()) > 20:
            raise ValidationError(f"“{unit.name}”的分组名称不能超过 20 个字。")
    leaving = scheme.units.exclude(unit__in=list(members))
    Target.objects.filter(indicator__scheme=scheme, unit_id__in=leaving.values("unit_id")).delete()
    leaving.delete()
    for unit, group in members.items():
        scheme_unit_set(scheme=scheme, unit=unit, group=group)


def _clean_decimal(value: Number | None, label: str, *, allow_none: bool = False) -> Decimal | None:
    if value is None and allow_none:
        return None
    return number(value, label)


@transaction.atomic
def indicator_add(
    *,
    scheme: Scheme,
    name: str,
    kind: str,
    weight: Number,
    config: dict,
    order: int | None = None,
    cap: Number | None = None,
    floor: Number | None = None,
    is_bonus: bool = False,
) -> Indicator:
    _check_draft(scheme)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "指标名称不能为空。"})
    if kind not in Indicator.Kind.values:
        raise ValidationError({"kind": bad_kind(kind)})
    weight = number(weight, "分值")
    if weight < 0:
        raise ValidationError({"weight": "分值不能为负数。"})
    validate_config(kind, config)
    if order is None:
        order = scheme.indicators.count() + 1
    return Indicator.objects.create(
        scheme=scheme,
        name=name,
        kind=kind,
        weight=weight,
        config=config,
        order=order,
        cap=_clean_decimal(cap, "最高得分", allow_none=True),
        floor=_clean_decimal(floor, "最低得分", allow_none=True),
        is_bonus=bool(is_bonus),
    )


@transaction.atomic
def indicator_update(*, indicator: Indicator, changes: dict) -> Indicator:
    _check_draft(indicator.scheme)
    allowed = {"name", "kind", "weight", "config", "order", "cap", "floor", "is_bonus"}
    if set(changes) - allowed:
        raise ValidationError(f"不能修改这些字段：{'、'.join(sorted(set(changes) - allowed))}。")
    kind = changes.get("kind", indicator.kind)
    config = changes.get("config", indicator.config)
    validate_config(kind, config)
    for key, value in changes.items():
        if key in ("weight", "cap", "floor"):
            value = _clean_decimal(value, "分值", allow_none=key != "weight")
        setattr(indicator, key, value)
    indicator.save()
    return indicator


@transaction.atomic
def target_set(*, indicator: Indicator, unit: Unit, value: Number, part: int = 0) -> Target:
    _check_draft(indicator.scheme)
    value = number(value, "目标值")
    if value <= 0:
        raise ValidationError({"value": TARGET_POSITIVE})
    if value >= 10**12 or value != value.quantize(Decimal("0.0001")):
        raise ValidationError({"value": "目标值过大，或超过 4 位小数。"})
    target, _ = Target.objects.update_or_create(
        indicator=indicator, unit=unit, part=part, defaults={"value": value}
    )
    return target


@transaction.atomic
def indicator_remove(*, indicator: Indicator) -> None:
    """Delete a draft scheme's indicator with its targets and manual scores."""
    _check_draft(indicator.scheme)
    indicator.delete()


@transaction.atomic
def targets_set(*, scheme: Scheme, values: dict[tuple[int, int, int], Number | None]) -> int:
    """Set the targets ``{(indicator_id, unit_id, part): value}`` all at once; ``None`` or
    ``""`` clears one. Return how many targets the scheme has afterwards."""
    _check_draft(scheme)
    indicators = {i.pk: i for i in scheme.indicators.all()}
    units = {m.unit_id: m.unit for m in scheme.units.select_related("unit")}
    for (indicator_id, unit_id, part), value in values.items():
        indicator, unit = indicators.get(indicator_id), units.get(unit_id)
        if indicator is None or unit is None:
            raise ValidationError(STALE_TARGETS)
        if value is None or value == "":
            Target.objects.filter(indicator=indicator, unit=unit, part=part).delete()
            continue
        try:
            target_set(indicator=indicator, unit=unit, value=value, part=part)
        except ValidationError as exc:
            raise ValidationError(f"{unit.name}“{indicator.name}”：{exc.messages[0]}") from None
    return Target.objects.filter(indicator__scheme=scheme).count()


def scheme_problems(scheme: Scheme) -> list[str]:
    """Return what keeps a draft scheme from being published (empty: it may be)."""
    problems = []
    units = list(scheme.units.values_list("unit_id", flat=True))
    if not units:
        problems.append("尚未设置被考核单位")
    indicators = list(scheme.indicators.all())
    if not indicators:
        problems.append("尚未设置考核指标")
    for indicator in indicators:
        try:
            validate_config(indicator.kind, indicator.config)
        except ValidationError as exc:
            problems.append(f"指标“{indicator.name}”：{exc.messages[0]}")
            continue
        if indicator.kind == Indicator.Kind.RATIO:
            have = set(indicator.targets.values_list("unit_id", "part"))
            parts = [i for i, p in enumerate(ratio_parts(indicator.config)) if "over" not in p]
            if any((u, i) not in have for u in units for i in parts):
                problems.append(f"指标“{indicator.name}”尚有单位未设目标任务")
    return problems


@transaction.atomic
def scheme_publish(*, scheme: Scheme, actor: User, at: dt.datetime | None = None) -> Scheme:
    """Check the scheme is complete and freeze it (``at``: back-dated, for the demo)."""
    _check_draft(scheme)
    problems = scheme_problems(scheme)
    if problems:
        raise ValidationError(f"考核方案不完整，不能发布：{'；'.join(problems)}。")
    scheme.status = Scheme.Status.PUBLISHED
    scheme.published_at = at or timezone.now()
    scheme.published_by = actor
    scheme.save(update_fields=["status", "published_at", "published_by"])
    return scheme


@transaction.atomic
def scheme_copy(*, scheme: Scheme) -> Scheme:
    """Return a new draft version with the scheme's units, indicators and targets."""
    last = Scheme.objects.filter(district=scheme.district, name=scheme.name).order_by("-version")[0]
    copy = Scheme.objects.create(
        district=scheme.district,
        name=scheme.name,
        version=last.version + 1,
        period_kind=scheme.period_kind,
        share_info=scheme.share_info,
        share_talks=scheme.share_talks,
        share_landing=scheme.share_landing,
        copied_from=scheme,
    )
    for member in scheme.units.all():
        SchemeUnit.objects.create(scheme=copy, unit_id=member.unit_id, group=member.group)
    for indicator in scheme.indicators.all():
        targets = list(indicator.targets.all())
        indicator.pk = None
        indicator.scheme = copy
        indicator.save()
        Target.objects.bulk_create(
            Target(indicator=indicator, unit_id=t.unit_id, part=t.part, value=t.value)
            for t in targets
        )
    return copy


@transaction.atomic
def scheme_delete(*, scheme: Scheme) -> None:
    """Delete a draft scheme with its trial rankings; a published one stays for ever."""
    _check_draft(scheme)
    Ranking.objects.filter(scheme=scheme).delete()
    scheme.delete()


def _check_period(start: dt.date, end: dt.date) -> None:
    if not isinstance(start, dt.date) or not isinstance(end, dt.date) or start > end:
        raise ValidationError("考核期无效：起始日期不能晚于截止日期。")


@transaction.atomic
def manual_score_set(
    *,
    indicator: Indicator,
    unit: Unit,
    period_start: dt.date,
    period_end: dt.date,
    score: Number,
    reason: str,
    actor: User,
    rater: str = "",
) -> ManualScore:
    """Record a reviewer's score with its reason; refused once that period is published."""
    _check_period(period_start, period_end)
    if indicator.kind != Indicator.Kind.MANUAL:
        raise ValidationError(f"指标“{indicator.name}”不是人工评分指标。")
    if not indicator.scheme.units.filter(unit=unit).exists():
        raise ValidationError(f"“{unit.name}”不是本方案的被考核单位。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    score = number(score, "得分")
    if score < 0 or score > indicator.weight:
        raise ValidationError({"score": f"得分须在 0 到 {engine.num(indicator.weight)} 分之间。"})
    published = Ranking.objects.filter(
        scheme=indicator.scheme,
        period_start=period_start,
        period_end=period_end,
        status=Ranking.Status.PUBLISHED,
    )
    if published.exists():
        raise ValidationError("该考核期的排名已发布，不能再修改评分。")
    entry, _ = ManualScore.objects.update_or_create(
        indicator=indicator,
        unit=unit,
        period_start=period_start,
        period_end=period_end,
        rater=(rater or "").strip(),
        defaults={"score": score, "reason": reason, "entered_by": actor},
    )
    return entry


@transaction.atomic
def ranking_compute(
    *,
    scheme: Scheme,
    period_start: dt.date,
    period_end: dt.date,
    at: dt.datetime | None = None,
    progress: engine.ProgressFn | None = None,
) -> Ranking:
    """Run the scheme over the period and store the result as a draft ranking."""
    _check_period(period_start, period_end)
    if period_end >= timezone.localdate() + dt.timedelta(days=1):
        raise ValidationError("考核期尚未结束，不能计算排名。")
    lines = engine.compute(
        scheme=scheme, period_start=period_start, period_end=period_end, progress=progress
    )
    ranking = Ranking.objects.create(
        scheme=scheme,
        period_start=period_start,
        period_end=period_end,
        computed_at=at or timezone.now(),
    )
    entered_ids = {pk for line in lines for s in line.scores for pk in s.entered}
    entered = {e.pk: entered_note(e) for e in EnteredFact.objects.filter(pk__in=entered_ids)}
    RankingLine.objects.bulk_create(
        RankingLine(
            ranking=ranking,
            unit_id=line.unit_id,
            group=line.group,
            rank=line.rank,
            total=line.total,
            scores=[
                {
                    "indicator": s.indicator.pk,
                    "name": s.indicator.name,
                    "score": str(s.score),
                    "raw": str(s.raw),
                    "formula": s.formula,
                    "weight": str(s.indicator.weight),
                    "entered": [entered[pk] for pk in s.entered],
                }
                for s in line.scores
            ],
        )
        for line in lines
    )
    return ranking


@transaction.atomic
def ranking_publish(*, ranking: Ranking, actor: User, at: dt.datetime | None = None) -> Ranking:
    """Freeze a ranking: its lines are the record from now on."""
    ranking = Ranking.objects.select_for_update().get(pk=ranking.pk)
    if ranking.status == Ranking.Status.PUBLISHED:
        raise ValidationError("该排名已发布。")
    if not ranking.scheme.is_frozen:
        raise ValidationError("考核方案尚未发布，其排名只能试算，不能发布。")
    clash = Ranking.objects.filter(
        scheme=ranking.scheme,
        period_start=ranking.period_start,
        period_end=ranking.period_end,
        status=Ranking.Status.PUBLISHED,
    )
    if clash.exists():
        raise ValidationError("该方案本考核期已有发布的排名。")
    ranking.status = Ranking.Status.PUBLISHED
    ranking.published_at = at or timezone.now()
    ranking.published_by = actor
    ranking.save(update_fields=["status", "published_at", "published_by"])
    return ranking


@transaction.atomic
def ranking_discard(*, ranking: Ranking) -> None:
    """Delete a draft ranking; a published one stays."""
    if ranking.status == Ranking.Status.PUBLISHED:
        raise ValidationError(PUBLISHED_RANKING_KEPT)
    ranking.delete()


# --- entered figures ------------------------------------------------------------------------

ENTERED_NAME = "指标名称不能为空，且不超过 40 个字。"
ENTERED_SOURCE = "来源只能是 文件、统计局、商务局 或 其他部门。"
ENTERED_VALUE = "数值过大，或超过 4 位小数。"


def entered_note(entry: EnteredFact) -> dict[str, str]:
    """An entered figure as a ranking line keeps it: what, where from and why."""
    return {
        "name": entry.name,
        "period": period_label(entry.period_start, entry.period_end),
        "value": engine.num(entry.value),
        "source": str(entry.get_source_display()),
        "reason": entry.reason,
    }


def source_of(text: str) -> str:
    """The ``EnteredFact.Source`` of a value or its Chinese label; ValidationError else."""
    text = (text or "").strip()
    for value, label in EnteredFact.Source.choices:
        if text in (value, str(label)):
            return value
    raise ValidationError({"source": ENTERED_SOURCE})


@transaction.atomic
def entered_fact_set(
    *,
    unit: Unit,
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    value: Number,
    source: str,
    reason: str,
    actor: User | None,
) -> EnteredFact:
    """Enter (or correct) a unit's figure of a period, with its source and reason; the
    change is in the audit log with the figure before and after."""
    _check_period(period_start, period_end)
    name = (name or "").strip()
    if not name or len(name) > 40:
        raise ValidationError({"name": ENTERED_NAME})
    number_value = number(value, "数值")
    if abs(number_value) >= 10**12 or number_value != number_value.quantize(Decimal("0.0001")):
        raise ValidationError({"value": ENTERED_VALUE})
    source = source_of(source)
    reason = (reason or "").strip()
    if not reason:
        reason = f"据{EnteredFact.Source(source).label}数据"
    entry = EnteredFact.objects.filter(
        unit=unit, name=name, period_start=period_start, period_end=period_end
    ).first()
    before = entered_note(entry) if entry else None
    if entry is None:
        entry = EnteredFact(
            district_id=unit.district_id,
            unit=unit,
            name=name,
            period_start=period_start,
            period_end=period_end,
        )
    entry.value, entry.source, entry.reason, entry.entered_by = (
        number_value,
        source,
        reason,
        actor,
    )
    entry.save()
    after = entered_note(entry)
    if before != after:
        audit_write(
            user=actor,
            event=Event.CONFIG_CHANGED,
            obj=entry,
            detail=f"录入数据（{after['period']}）",
            before=before or {},
            after=after,
        )
    return entry


@transaction.atomic
def entered_fact_remove(*, entry: EnteredFact, actor: User | None) -> None:
    audit_write(
        user=actor,
        event=Event.CONFIG_CHANGED,
        obj=entry,
        detail="删除录入数据",
        before=entered_note(entry),
        after={},
    )
    entry.delete()
