"""Writes to schemes, scores and rankings. A published scheme or ranking is never changed.

Services assume the caller checked permission; they validate and raise ``ValidationError``
in Chinese, writing nothing then.
"""

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from baton.accounts.models import User
from baton.audit.services import Event, audit_write
from baton.core.messages import unknown_fields
from baton.org.models import City, District, Unit

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

#: An assessed party: a unit of a district scheme, or a district of a city scheme.
Party = Unit | District

FROZEN = "考核方案“{name}”（第 {version} 版）已发布，不能修改；如需调整，请复制为新版本。"
SCHEME_FIELDS = ("name", "period_kind", "share_info", "share_talks", "share_landing")
NO_MEMBERS = "至少要选择一个被考核单位。"
STALE_TARGETS = "目标任务表已过期（指标或被考核单位有变动），请刷新页面后重新填写。"
REASON_REQUIRED = "人工评分必须填写评分理由。"
TARGET_POSITIVE = "目标值必须大于 0。"
PUBLISHED_RANKING_KEPT = "已发布的排名不能删除。"
ONLY_OFFICE = "只有本区的区招商办可以管理考核方案、人工评分和排名。"
_PERIOD_KINDS = "考核周期只能是月度、季度或年度。"


def _outside(unit: "Unit | District", scheme: Scheme) -> ValidationError:
    return ValidationError(f"“{unit.name}”不属于{scheme.owner_name}，不能纳入本方案考核。")


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
    district: District | None = None,
    city: City | None = None,
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
    if (district is None) == (city is None):
        raise ValueError("scheme_create: give the district, or the city of a city scheme")
    if district is not None:
        city = district.city
    last = versions_of(city, district, name).first()
    assert city is not None  # given, or the district's
    return Scheme.objects.create(
        city=city,
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
    clash = versions_of(scheme.city, scheme.district, name).filter(version=scheme.version)
    if clash.exclude(pk=scheme.pk).exists():
        where = "本市" if scheme.is_city else "本区"
        raise ValidationError(
            {
                "name": f"{where}已有“{name}”第 {scheme.version} 版，请换一个名称，或复制该方案为新版本。"
            }
        )
    scheme.name = name
    scheme.period_kind = merged["period_kind"]
    for key, share in shares.items():
        setattr(scheme, key, share)
    scheme.save()
    return scheme


def _check_party(scheme: Scheme, party: Party) -> None:
    """A district scheme assesses promotion units of its district; a city scheme the
    districts of its city."""
    if scheme.is_city:
        if not isinstance(party, District) or party.city_id != scheme.city_id:
            raise ValidationError(
                f"“{party.name}”不是{scheme.city.name}的区，市级方案只考核本市各区。"
            )
        return
    if not isinstance(party, Unit) or party.district_id != scheme.district_id:
        raise _outside(party, scheme)
    party.check_promotion()


def party_fields(party: Party) -> dict:
    """The model fields naming a party: ``{"unit": …}`` or ``{"district": …}``."""
    return {"district": party} if isinstance(party, District) else {"unit": party}


@transaction.atomic
def scheme_unit_set(*, scheme: Scheme, unit: Party, group: str = "") -> SchemeUnit:
    """Assess ``unit`` (a unit; for a city scheme a district) under the scheme, in
    ``group`` (园区, 乡镇 …)."""
    _check_draft(scheme)
    _check_party(scheme, unit)
    member, _ = SchemeUnit.objects.update_or_create(
        scheme=scheme, **party_fields(unit), defaults={"group": (group or "").strip()}
    )
    return member


@transaction.atomic
def scheme_units_set(*, scheme: Scheme, members: dict[Party, str]) -> None:
    """Make ``members`` ({unit or district: group}) the scheme's assessed parties; the
    others leave it. A party that leaves takes its targets with it.
    """
    _check_draft(scheme)
    if not members:
        raise ValidationError(NO_MEMBERS)
    for unit, group in members.items():
        _check_party(scheme, unit)
        if len((group or "").strip()) > 20:
            raise ValidationError(f"“{unit.name}”的分组名称不能超过 20 个字。")
    if scheme.is_city:
        leaving = scheme.units.exclude(district__in=list(members))
        Target.objects.filter(
            indicator__scheme=scheme, district_id__in=leaving.values("district_id")
        ).delete()
    else:
        leaving = scheme.units.exclude(unit__in=list(members))
        Target.objects.filter(
            indicator__scheme=scheme, unit_id__in=leaving.values("unit_id")
        ).delete()
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
def target_set(*, indicator: Indicator, unit: Party, value: Number, part: int = 0) -> Target:
    _check_draft(indicator.scheme)
    value = number(value, "目标值")
    if value <= 0:
        raise ValidationError({"value": TARGET_POSITIVE})
    if value >= 10**12 or value != value.quantize(Decimal("0.0001")):
        raise ValidationError({"value": "目标值过大，或超过 4 位小数。"})
    target, _ = Target.objects.update_or_create(
        indicator=indicator, **party_fields(unit), part=part, defaults={"value": value}
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
    units = {m.party_id: m.party for m in scheme.units.select_related("unit", "district")}
    for (indicator_id, unit_id, part), value in values.items():
        indicator, unit = indicators.get(indicator_id), units.get(unit_id)
        if indicator is None or unit is None:
            raise ValidationError(STALE_TARGETS)
        if value is None or value == "":
            Target.objects.filter(indicator=indicator, **party_fields(unit), part=part).delete()
            continue
        try:
            target_set(indicator=indicator, unit=unit, value=value, part=part)
        except ValidationError as exc:
            raise ValidationError(f"{unit.name}“{indicator.name}”：{exc.messages[0]}") from None
    return Target.objects.filter(indicator__scheme=scheme).count()


def scheme_problems(scheme: Scheme) -> list[str]:
    """Return what keeps a draft scheme from being published (empty: it may be)."""
    problems = []
    units = [m.party_id for m in scheme.units.all()]
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
            have = {(t.party_id, t.part) for t in indicator.targets.all()}
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


def next_year_name(name: str) -> str:
    """The name of next year's scheme: every year in it moved on by one (2024 → 2025)."""
    moved = re.sub(r"(?<!\d)(19|20)(\d\d)(?!\d)", lambda m: str(int(m.group(0)) + 1), name)
    return moved if moved != name else f"{name}（下一年度）"


@transaction.atomic
def scheme_copy(
    *, scheme: Scheme, district: District | None = None, next_year: bool = False
) -> Scheme:
    """Return a new draft with the scheme's parties, indicators and targets in one step:
    the next version (the default); next year's scheme (``next_year``: the years in its
    name moved on, version 1 unless that name exists); or the same scheme for another
    ``district`` of a district scheme (its units matched by name, the others left out)."""
    if district is not None and scheme.is_city:
        raise ValidationError("市级方案考核全市各区，不能复制到某个区。")
    target_district = district or scheme.district
    name = next_year_name(scheme.name) if next_year else scheme.name
    last = versions_of(scheme.city if district is None else district.city, target_district, name)
    last_version = last.values_list("version", flat=True).first() or 0
    copy = Scheme.objects.create(
        city=district.city if district is not None else scheme.city,
        district=target_district,
        name=name,
        version=last_version + 1,
        period_kind=scheme.period_kind,
        share_info=scheme.share_info,
        share_talks=scheme.share_talks,
        share_landing=scheme.share_landing,
        copied_from=scheme,
    )
    moved = _moved_parties(scheme, district)
    for member in scheme.units.all():
        if member.party_id in moved:
            SchemeUnit.objects.create(
                scheme=copy, **party_fields(moved[member.party_id]), group=member.group
            )
    for indicator in scheme.indicators.all():
        targets = list(indicator.targets.all())
        indicator.pk = None
        indicator.scheme = copy
        indicator.save()
        Target.objects.bulk_create(
            Target(
                indicator=indicator, **party_fields(moved[t.party_id]), part=t.part, value=t.value
            )
            for t in targets
            if t.party_id in moved
        )
    return copy


def _moved_parties(scheme: Scheme, district: District | None) -> dict[int, Party]:
    """{party id in the scheme: the party in the copy}: the same, or for another district
    its units of the same name (or short name) that still promote."""
    members = list(scheme.units.select_related("unit", "district"))
    if district is None or district.pk == scheme.district_id:
        return {m.party_id: m.party for m in members}
    there: dict[str, Unit] = {}
    for unit in Unit.objects.filter(district=district, is_active=True):
        there.setdefault(unit.name, unit)
        if unit.short_name:
            there.setdefault(unit.short_name, unit)
    moved: dict[int, Party] = {}
    for m in members:
        if m.unit is None:
            continue
        found = there.get(m.unit.name) or there.get(m.unit.short_name or m.unit.name)
        if found is not None and found not in moved.values():
            moved[m.party_id] = found
    return moved


def versions_of(city: City | None, district: District | None, name: str) -> QuerySet[Scheme]:
    """The versions of a scheme name of the district (or of the city, for a city scheme)."""
    found = Scheme.objects.filter(name=name)
    found = found.filter(district=district) if district else found.filter(city=city, district=None)
    return found.order_by("-version")


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
    unit: Party,
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
    if not indicator.scheme.units.filter(**party_fields(unit)).exists():
        raise ValidationError(f"“{unit.name}”不是本方案的被考核单位。")
    reason = plain(reason).strip()
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
        **party_fields(unit),
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
            **({"district_id": line.unit_id} if scheme.is_city else {"unit_id": line.unit_id}),
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


#: Pasted text keeps no control character: Word cannot write them (the ranking's .docx).
#: Word's line and page breaks (\x0b, \x0c) become new lines; the rest goes.
_BREAKS = re.compile(r"[\x0b\x0c]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def plain(value: object) -> str:
    """Text as the assessment keeps it: no control character but tab and line ends."""
    return _CONTROL.sub("", _BREAKS.sub("\n", str(value or "")))


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
    unit: Unit | None = None,
    district: District | None = None,
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    value: Number,
    source: str,
    reason: str,
    actor: User | None,
) -> EnteredFact:
    """Enter (or correct) a unit's figure of a period (or, with ``district``, the whole
    district's, for a city scheme), with its source and reason; the change is in the
    audit log with the figure before and after."""
    if (unit is None) == (district is None):
        raise ValueError("entered_fact_set: give the unit, or the district as a whole")
    _check_period(period_start, period_end)
    name = plain(name).strip()
    if not name or len(name) > 40:
        raise ValidationError({"name": ENTERED_NAME})
    number_value = number(value, "数值")
    if abs(number_value) >= 10**12 or number_value != number_value.quantize(Decimal("0.0001")):
        raise ValidationError({"value": ENTERED_VALUE})
    source = source_of(source)
    reason = plain(reason).strip()
    if not reason:
        reason = f"据{EnteredFact.Source(source).label}数据"
    party = {"unit": unit} if unit is not None else {"district": district, "unit": None}
    entry = EnteredFact.objects.filter(
        **party, name=name, period_start=period_start, period_end=period_end
    ).first()
    before = entered_note(entry) if entry else None
    if entry is None:
        entry = EnteredFact(
            district_id=unit.district_id if unit is not None else district.pk,  # type: ignore[union-attr]
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
