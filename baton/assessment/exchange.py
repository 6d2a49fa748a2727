"""Schemes as JSON files (``docs/assessment.md``, ``docs/assessment.schema.json``).

``scheme_clean`` checks a file's data against the database (the district, its units) and
returns it in the form the services take, or every error, each naming the place in the
file (``指标 2 › 目标 1``); ``scheme_dump`` writes a scheme back in the file form, so that
loading a dump changes nothing.

A file is loaded into the latest version of the scheme of that name in that district:
the same content is left alone (not even a new version); a draft is replaced; a
published version is kept and the file becomes a new draft version (a published
scheme never changes).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from baton.org.models import City, District, Unit
from baton.policies.exchange import unknown_key

from . import services
from .config import number, validate_config
from .engine import num
from .models import Indicator, Scheme, Target

SCHEME_KEYS = {"name", "district", "city", "period_kind", "shares", "units", "indicators"}
INDICATOR_KEYS = {"name", "kind", "weight", "cap", "floor", "bonus", "config", "targets"}
TARGET_KEYS = {"unit", "part", "value"}
UNIT_KEYS = {"unit", "group"}
SHARE_KEYS = ("info", "talks", "landing")
#: The most indicators and assessed units a file may bring.
MAX_ITEMS = 200


class SchemeFileError(ValidationError):
    """The errors of a refused file, each naming its place."""


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else num(value)


def scheme_dump(scheme: Scheme) -> dict:
    """Return the scheme in the file form (``docs/assessment.md``)."""
    members = scheme.units.select_related("unit", "district").order_by(
        "unit__order", "district__code", "unit_id"
    )
    units = {m.party_id: m.party_name for m in members}
    owner = {"city": scheme.city.code} if scheme.is_city else {"district": scheme.district.code}
    out = {
        "name": scheme.name,
        **owner,
        "period_kind": scheme.period_kind,
        "shares": {key: num(value) for key, value in scheme.relay_shares().items()},
        "units": [{"unit": m.party_name, "group": m.group} for m in members],
        "indicators": [],
    }
    for indicator in scheme.indicators.order_by("order", "id"):
        targets = indicator.targets.select_related("unit", "district").order_by(
            "part", "unit__order", "district__code", "unit"
        )
        out["indicators"].append(
            {
                "name": indicator.name,
                "kind": indicator.kind,
                "weight": num(indicator.weight),
                "cap": _decimal_text(indicator.cap),
                "floor": _decimal_text(indicator.floor),
                "bonus": indicator.is_bonus,
                "config": indicator.config,
                "targets": [
                    {
                        "unit": units.get(t.party_id, t.party_name),
                        "part": t.part,
                        "value": num(t.value),
                    }
                    for t in targets
                ],
            }
        )
    return out


@dataclass
class Clean:
    district: District | None
    city: City
    name: str
    period_kind: str
    shares: dict[str, Decimal]
    units: list[tuple[Unit, str]]
    indicators: list[dict]


def _district(value) -> District | None:
    text = _text(value)
    if not text:
        return None
    return District.objects.filter(code=text).first() or District.objects.filter(name=text).first()


def scheme_clean(data) -> tuple[Clean | None, list[str]]:
    """Return (the scheme's content, []) or (None, every error)."""
    if not isinstance(data, dict):
        return None, ["文件格式不对：应为一个考核方案对象（见 docs/assessment.md）。"]
    errors: list[str] = []
    name = _text(data.get("name"))

    def bad(message: str) -> None:
        errors.append(f"{name or '（缺少方案名称）'}：{message}")

    for key in sorted(set(data) - SCHEME_KEYS):
        bad(unknown_key(key))
    if not name or len(name) > 100:
        bad("缺少方案名称（name），或超过 100 个字。")
    district, city = None, None
    if ("district" in data) == ("city" in data):
        bad("须写明 district（区级方案，考核本区单位）或 city（市级方案，考核全市各区）之一。")
    elif "city" in data:
        text = _text(data.get("city"))
        city = City.objects.filter(code=text).first() or City.objects.filter(name=text).first()
        if city is None:
            bad(f"city 应为本系统中某个市的区划代码或名称（“{text}”不是）。")
    else:
        district = _district(data.get("district"))
        if district is None:
            bad(
                f"district 应为本系统中某个区的区划代码或名称（“{data.get('district') or ''}”不是）。"
            )
        else:
            city = district.city
    period_kind = data.get("period_kind")
    if period_kind not in Scheme.PeriodKind.values:
        bad("period_kind 应为 month（月度）、quarter（季度）或 year（年度）。")
    shares_in = data.get("shares", {"info": "0.2", "talks": "0.3", "landing": "0.5"})
    shares: dict[str, Decimal] = {}
    if not isinstance(shares_in, dict) or set(shares_in) - set(SHARE_KEYS):
        bad("shares 应为 {info, talks, landing} 三方的接力分成。")
    else:
        try:
            clean = services.clean_shares({f"share_{k}": shares_in.get(k, "0") for k in SHARE_KEYS})
            shares = {k: clean[f"share_{k}"] for k in SHARE_KEYS}
        except ValidationError as exc:
            bad(f"shares：{exc.messages[0]}")
    units_by_name: dict = {}
    if district is not None:
        units_by_name = {u.name: u for u in Unit.objects.filter(district=district)}
    elif city is not None:
        units_by_name = {d.name: d for d in District.objects.filter(city=city)}
    owner = district.name if district else city.name if city else ""
    members: list[tuple] = []
    raw_units = data.get("units")
    if not isinstance(raw_units, list) or not raw_units or len(raw_units) > MAX_ITEMS:
        bad(f"units 应为 1 到 {MAX_ITEMS} 个被考核单位的列表。")
        raw_units = []
    seen_units: set[str] = set()
    for i, item in enumerate(raw_units, start=1):
        where = f"被考核单位 {i}"
        if not isinstance(item, dict) or set(item) - UNIT_KEYS:
            bad(f"{where} 应为 {{unit, group}}。")
            continue
        unit_name, group = _text(item.get("unit")), item.get("group", "")
        unit = units_by_name.get(unit_name)
        if owner and unit is None:
            what = "单位" if district is not None else "区"
            bad(f"{where}：{owner}没有名为“{unit_name}”的{what}。")
        elif unit_name in seen_units:
            bad(f"{where}：“{unit_name}”出现了两次。")
        if not isinstance(group, str) or len(group.strip()) > 20:
            bad(f"{where}：分组（group）应为不超过 20 个字的文本。")
            group = ""
        seen_units.add(unit_name)
        if unit is not None:
            members.append((unit, group.strip()))
    indicators: list[dict] = []
    raw_indicators = data.get("indicators")
    if not isinstance(raw_indicators, list) or len(raw_indicators) > MAX_ITEMS:
        bad(f"indicators 应为不超过 {MAX_ITEMS} 个考核指标的列表。")
        raw_indicators = []
    member_names = {u.name: u for u, _ in members}
    for i, item in enumerate(raw_indicators, start=1):
        indicator, problems = _indicator(item, f"指标 {i}", member_names)
        for problem in problems:
            bad(problem)
        if indicator is not None:
            indicators.append(indicator)
    if errors or city is None:
        return None, errors
    return Clean(district, city, name, period_kind, shares, members, indicators), []


def _indicator(item, where: str, units: dict) -> tuple[dict | None, list[str]]:
    if not isinstance(item, dict):
        return None, [f"{where} 应为对象。"]
    errors = [f"{where}：{unknown_key(key)}" for key in sorted(set(item) - INDICATOR_KEYS)]
    name = _text(item.get("name"))
    if name:
        where = f"{where}“{name}”"
    else:
        errors.append(f"{where}：缺少指标名称（name）。")
    kind = item.get("kind")
    if kind not in Indicator.Kind.values:
        errors.append(f"{where}：计分方式 kind 应为 {'、'.join(Indicator.Kind.values)} 之一。")
    out: dict = {"name": name, "kind": kind, "targets": []}
    for key, label, required in (
        ("weight", "分值", True),
        ("cap", "最高得分", False),
        ("floor", "最低得分", False),
    ):
        value = item.get(key)
        if value is None and not required:
            out[key] = None
            continue
        try:
            out[key] = number(value, label)
            if out[key] < 0:
                errors.append(f"{where}：{label}不能为负数。")
        except ValidationError as exc:
            errors.append(f"{where}：{exc.messages[0]}")
    bonus = item.get("bonus", False)
    if not isinstance(bonus, bool):
        errors.append(f"{where}：bonus（加分项）应为 true 或 false。")
    out["is_bonus"] = bonus is True
    config = item.get("config", {})
    if kind in Indicator.Kind.values:
        try:
            validate_config(kind, config)
        except ValidationError as exc:
            errors.append(f"{where}：{exc.messages[0]}")
    out["config"] = config
    targets = item.get("targets", [])
    if not isinstance(targets, list):
        errors.append(f"{where}：targets 应为目标任务的列表。")
        targets = []
    seen = set()
    for j, target in enumerate(targets, start=1):
        at = f"{where} › 目标 {j}"
        if not isinstance(target, dict) or set(target) - TARGET_KEYS:
            errors.append(f"{at} 应为 {{unit, part, value}}。")
            continue
        unit = units.get(_text(target.get("unit")))
        if unit is None:
            errors.append(f"{at}：“{target.get('unit')}”不是本方案的被考核单位。")
            continue
        part = target.get("part", 0)
        if not isinstance(part, int) or isinstance(part, bool) or not 0 <= part < 20:
            errors.append(f"{at}：part（分项序号）应为 0 起的整数。")
            continue
        try:
            value = number(target.get("value"), "目标值")
        except ValidationError as exc:
            errors.append(f"{at}：{exc.messages[0]}")
            continue
        if value <= 0 or value != value.quantize(Decimal("0.0001")) or value >= 10**12:
            errors.append(f"{at}：目标值须大于 0，最多 4 位小数。")
            continue
        if (unit.pk, part) in seen:
            errors.append(f"{at}：{unit.name}第 {part} 分项的目标出现了两次。")
            continue
        seen.add((unit.pk, part))
        out["targets"].append((unit, part, value))
    return (None if errors else out), errors


def _content(clean: Clean) -> dict:
    """The file form of cleaned content, to compare with a scheme's dump."""
    owner = {"district": clean.district.code} if clean.district else {"city": clean.city.code}
    return {
        "name": clean.name,
        **owner,
        "period_kind": clean.period_kind,
        "shares": {k: num(v) for k, v in clean.shares.items()},
        "units": sorted((u.pk, g) for u, g in clean.units),
        "indicators": [
            {
                "name": i["name"],
                "kind": i["kind"],
                "weight": num(i["weight"]),
                "cap": _decimal_text(i["cap"]),
                "floor": _decimal_text(i["floor"]),
                "bonus": i["is_bonus"],
                "config": i["config"],
                "targets": sorted((u.pk, p, num(v)) for u, p, v in i["targets"]),
            }
            for i in clean.indicators
        ],
    }


def _scheme_content(scheme: Scheme) -> dict:
    dump = scheme_dump(scheme)
    ids = {m.party_name: m.party_id for m in scheme.units.select_related("unit", "district")}
    dump["units"] = sorted((ids[u["unit"]], u["group"]) for u in dump["units"])
    for indicator in dump["indicators"]:
        indicator["targets"] = sorted(
            (ids[t["unit"]], t["part"], t["value"]) for t in indicator["targets"]
        )
    return dump


@dataclass
class LoadResult:
    scheme: Scheme
    outcome: str  # "created", "replaced", "new_version" or "unchanged"

    @property
    def summary(self) -> str:
        return {
            "created": "已新建考核方案（草稿）",
            "replaced": "已替换草稿的内容",
            "new_version": "原方案已发布，已另存为新版本（草稿）",
            "unchanged": "内容相同，未作修改",
        }[self.outcome] + f"：{self.scheme}。"


@transaction.atomic
def scheme_load(data) -> LoadResult:
    """Load a scheme file all or nothing (see the module's docstring)."""
    clean, errors = scheme_clean(data)
    if errors or clean is None:
        raise SchemeFileError(errors)
    latest = services.versions_of(clean.city, clean.district, clean.name).first()
    if latest is not None and _scheme_content(latest) == _content(clean):
        return LoadResult(latest, "unchanged")
    if latest is None or latest.is_frozen:
        owner = {"district": clean.district} if clean.district else {"city": clean.city}
        scheme = services.scheme_create(
            **owner,
            name=clean.name,
            period_kind=clean.period_kind,
            **{f"share_{k}": v for k, v in clean.shares.items()},
        )
        outcome = "created" if latest is None else "new_version"
        if latest is not None:
            Scheme.objects.filter(pk=scheme.pk).update(copied_from=latest)
    else:
        scheme, outcome = latest, "replaced"
        services.scheme_update(
            scheme=scheme,
            changes={"period_kind": clean.period_kind}
            | {f"share_{k}": v for k, v in clean.shares.items()},
        )
    _replace(scheme, clean)
    return LoadResult(scheme, outcome)


def _replace(scheme: Scheme, clean: Clean) -> None:
    """Make the draft's units, indicators and targets the file's; an indicator of the same
    name keeps its manual scores."""
    members = {unit: group for unit, group in clean.units}
    services.scheme_units_set(scheme=scheme, members=members)
    old = {i.name: i for i in scheme.indicators.all()}
    keep = []
    for order, item in enumerate(clean.indicators, start=1):
        fields = {
            "kind": item["kind"],
            "weight": item["weight"],
            "config": item["config"],
            "order": order,
            "cap": item["cap"],
            "floor": item["floor"],
            "is_bonus": item["is_bonus"],
        }
        indicator = old.pop(item["name"], None)
        if indicator is None or indicator.pk in keep:
            indicator = services.indicator_add(scheme=scheme, name=item["name"], **fields)
        else:
            indicator = services.indicator_update(indicator=indicator, changes=fields)
        keep.append(indicator.pk)
        Target.objects.filter(indicator=indicator).delete()
        Target.objects.bulk_create(
            Target(indicator=indicator, **services.party_fields(unit), part=part, value=value)
            for unit, part, value in item["targets"]
        )
    for indicator in old.values():
        services.indicator_remove(indicator=indicator)
