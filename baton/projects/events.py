"""A project's events: what each kind stores, once.

One builder per kind of change returns the event's payload (``Entry``: kind, old and
new values as JSON, reason); the services write it as a ``ProjectEvent`` row, the
ledger import's bulk writer (``bulk/``) and the demo's generator
(``baton/demo/generator``) as the same row in bulk. ``describe`` words an event for the
project's timeline, reading back what the builders stored. The kinds another app writes
about a project (a problem, 督办, a leader's act) are built and worded in that app, and
reach ``describe`` through ``hooks``.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import FieldDoesNotExist

from baton.core.money import plain
from baton.core.templatetags.baton import wan
from baton.org.divisions import name_of
from baton.org.models import District, Person, Unit

from . import hooks
from .duplicates import ELSEWHERE
from .models import (
    Industry,
    Milestone,
    Project,
    ProjectEvent,
    ReviewState,
    Stage,
)
from .rules import AMOUNT_FIELDS, EDITABLE_FIELDS, FLAG_FIELDS

Kind = ProjectEvent.Kind

#: The fields a project's creation records.
SNAPSHOT = (*EDITABLE_FIELDS, "code", "district", "unit", "stage", "review_state")
_ATTNAME = {f.name: f.attname for f in Project._meta.concrete_fields} | {"co_units": "co_units"}
_REVIEWED = {
    ReviewState.RETURNED: Kind.RETURNED,
    ReviewState.DISTRICT_APPROVED: Kind.APPROVED,
    ReviewState.ADMITTED: Kind.ADMITTED,
}


class Entry(NamedTuple):
    """An event's payload: what a ``ProjectEvent`` row holds besides who, when and where."""

    kind: str
    old: dict
    new: dict
    reason: str = ""


def json_value(value):
    """A value as an event stores it: 万元 as plain text, dates ISO, rows by id, sets sorted."""
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, Iterable):
        return sorted(json_value(v) for v in value)
    raise TypeError(f"cannot store {value!r} in an event")


def created(project: Project, *, co_units: Iterable, original_code: str = "") -> Entry:
    """创建: every reported field of the new project (a relation by its id)."""
    snapshot = {}
    for name in SNAPSHOT:
        value = getattr(project, _ATTNAME[name]) if name != "co_units" else co_units
        snapshot[name] = value if value is None or type(value) in (str, int) else json_value(value)
    if original_code:
        snapshot["original_code"] = original_code
    return Entry(Kind.CREATED, {}, snapshot)


def updated(old: dict, new: dict, reason: str = "") -> Entry:
    """修改: the changed fields' old and new values."""
    return Entry(Kind.UPDATED, old, new, (reason or "").strip())


def submitted(old_state: str, duplicates: list[str]) -> Entry:
    """上报, with the codes of the possible duplicates found then."""
    new = {"review_state": ReviewState.SUBMITTED, "duplicates": duplicates}
    return Entry(Kind.SUBMITTED, {"review_state": old_state}, new)


def reviewed(
    old_state: str, new_state: str, *, checked: list[str] | None = None, reason: str = ""
) -> Entry:
    """审核 (approved, admitted or returned), with the duplicates the reviewer checked."""
    new: dict = {"review_state": new_state}
    if checked is not None:
        new["checked_duplicates"] = checked
    return Entry(_REVIEWED[new_state], {"review_state": old_state}, new, reason)


def moved(old: dict, new: dict, from_stage: int, to_stage: int, reason: str = "") -> Entry:
    """阶段变更, with the fields the target stage required, changed on the way."""
    return Entry(Kind.MOVED, {**old, "stage": from_stage}, {**new, "stage": to_stage}, reason)


def handed_off(old: dict, new: dict, from_unit: int, to_unit: int, reason: str) -> Entry:
    """接力, with the relay role and co-units it changed."""
    return Entry(Kind.HANDED_OFF, {**old, "unit": from_unit}, {**new, "unit": to_unit}, reason)


def handoff_requested(handoff) -> Entry:
    """发起交接: the unit asked to take the baton (待接收); the holder does not change yet."""
    new = _answer(handoff)
    if handoff.relay_role:
        new["relay_role"] = handoff.relay_role
    if handoff.keep_as_co_unit:
        new["keep_as_co_unit"] = True
    return Entry(Kind.HANDOFF_REQUESTED, {}, new, handoff.reason)


def handoff_accepted(handoff, old: dict, new: dict, reason: str = "") -> Entry:
    """接收交接: the baton passes; the holder, relay role and co-units it changed."""
    old = {**old, "unit": handoff.from_unit_id}
    new = {**new, "unit": handoff.to_unit_id, "handoff": handoff.pk}
    return Entry(Kind.HANDOFF_ACCEPTED, old, new, reason)


def handoff_declined(handoff, reason: str) -> Entry:
    """拒绝接收, with the reason; the project stays with the giving unit."""
    return Entry(Kind.HANDOFF_DECLINED, {}, _answer(handoff), reason)


def handoff_withdrawn(handoff, reason: str = "") -> Entry:
    """撤回交接 by the giving side."""
    return Entry(Kind.HANDOFF_WITHDRAWN, {}, _answer(handoff), (reason or "").strip())


def _answer(handoff) -> dict:
    return {"handoff": handoff.pk, "from_unit": handoff.from_unit_id, "to_unit": handoff.to_unit_id}


def milestone(kind: str, existing, date: dt.date, note: str) -> Entry:
    """里程碑 recorded, or corrected (``existing``: what was recorded, with date and note)."""
    old = (
        {"kind": kind, "date": json_value(existing.date), "note": existing.note} if existing else {}
    )
    return Entry(Kind.MILESTONE, old, {"kind": kind, "date": date.isoformat(), "note": note})


def noted(text: str) -> Entry:
    """跟进记录."""
    return Entry(Kind.NOTE, {}, {}, text)


# --- the timeline's wording ------------------------------------------------------------

#: Event values that are ids, and the model they point at.
_REFERENCES = {
    "unit": Unit,
    "info_unit": Unit,
    "talks_unit": Unit,
    "landing_unit": Unit,
    "co_units": Unit,
    "responsible_unit": Unit,
    "from_unit": Unit,
    "to_unit": Unit,
    "leader": Person,
    "industry": Industry,
    "stage": Stage,
    "district": District,
}
#: Labels whose unit the shown value already carries.
_SHORT_LABELS = {
    "investment": "总投资",
    "land_area_mu": "拟用地面积",
    "fixed_investment": "固定资产投资",
    "annual_output": "预计年产值",
    "annual_tax": "预计年税收",
}
#: Fields stored as a choice's code, shown by its label.
_CHOICES = {
    "project_type": dict(Project.Type.choices),
    "land_use": dict(Project.LandUse.choices),
}
_RELAY_ROLE = {"talks_unit": "洽谈推进单位", "landing_unit": "落地服务单位"}
_REVIEW_TITLES = {
    Kind.SUBMITTED: "上报审核",
    Kind.APPROVED: "区招商办审核通过",
    Kind.ADMITTED: "审核入库",
    Kind.RETURNED: "退回修改",
}
_HANDOFF_STEPS = {
    Kind.HANDOFF_REQUESTED: "发起交接",
    Kind.HANDOFF_ACCEPTED: "接收交接",
    Kind.HANDOFF_DECLINED: "拒绝接收交接",
    Kind.HANDOFF_WITHDRAWN: "撤回交接",
}


class Names:
    """The names behind the ids in a list of events, loaded in one query per model."""

    def __init__(self, events):
        # The apps above register the ids their own events hold (``hooks``).
        self.references = {**hooks.references(), **_REFERENCES}
        wanted = defaultdict(set)
        for event in events:
            for values in (event.old, event.new):
                for field, value in values.items():
                    model = self.references.get(field)
                    for pk in value if isinstance(value, list) else [value]:
                        if model and isinstance(pk, int):
                            wanted[model].add(pk)
        self.objects = {model: model.objects.in_bulk(pks) for model, pks in wanted.items()}

    def name(self, field: str, pk) -> str:
        obj = self.objects.get(self.references[field], {}).get(pk)
        if obj is None:
            return f"#{pk}"
        if isinstance(obj, Person):
            return obj.name
        return str(obj)

    def show(self, field: str, value) -> str:
        if value is None or value == "" or value == []:
            return "（空）"
        if field in self.references:
            values = value if isinstance(value, list) else [value]
            return "、".join(self.name(field, v) for v in values)
        if field == "investment":
            return f"{_wan(value)} 万元"
        if field == "land_area_mu":
            return f"{value} 亩"
        if field in AMOUNT_FIELDS:
            return f"{_wan(value)} 万元"
        if field in FLAG_FIELDS:
            return "是" if value else "否"
        if field in _CHOICES:
            return str(_CHOICES[field].get(value, value))
        if field == "investor_region":
            return name_of(str(value))
        if field == "review_state":
            return str(ReviewState(value).label) if value in ReviewState.values else str(value)
        text = str(value)
        return text if len(text) <= 120 else f"{text[:120]}…"


def _wan(value) -> str:
    try:
        return wan(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


def _label_of(field: str) -> str:
    if field in _SHORT_LABELS:
        return _SHORT_LABELS[field]
    try:
        return str(Project._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:  # an event may name a field the model no longer has
        return field


def _changes(event, names: Names, skip=()) -> list[str]:
    """Return one line per changed field: 总投资：10,000 → 12,000 万元."""
    lines = []
    for field, new in event.new.items():
        if field in skip:
            continue
        old = event.old.get(field)
        if field == "investment":
            lines.append(f"{_label_of(field)}：{_wan(old or 0)} → {_wan(new)} 万元")
        else:
            lines.append(f"{_label_of(field)}：{names.show(field, old)} → {names.show(field, new)}")
    return lines


def describe(event: ProjectEvent, names: Names) -> dict:
    """Return the event worded for the project's timeline: title, lines, text, who, when
    and, for a handoff, the baton passed (from, to); ``names`` holds the rows it names."""
    old, new = event.old, event.new
    entry = {
        "kind": event.kind,
        "title": event.get_kind_display(),
        "baton": None,
        "lines": [],
        "text": event.reason,
        "who": event.actor.display_name if event.actor else "系统",
        "at": event.at,
    }
    lines = entry["lines"]
    if event.kind == Kind.CREATED:
        entry["title"] = "创建项目"
        lines.append(
            f"责任单位：{names.show('unit', new.get('unit'))}；"
            f"阶段：{names.show('stage', new.get('stage'))}；"
            f"总投资：{_wan(new.get('investment', 0))} 万元"
        )
        if new.get("investor"):
            lines.append(f"投资方：{new['investor']}")
    elif event.kind == Kind.UPDATED:
        entry["title"] = "修改项目信息"
        lines += _changes(event, names)
    elif event.kind in _REVIEW_TITLES:
        entry["title"] = _REVIEW_TITLES[event.kind]
        if new.get("duplicates"):
            lines.append(f"系统提示疑似重复项目：{'、'.join(new['duplicates'])}")
        if new.get("duplicates_elsewhere"):
            lines.append(f"系统提示：{ELSEWHERE}")
        if new.get("checked_duplicates"):
            lines.append(
                f"已核对疑似重复项目：{'、'.join(new['checked_duplicates'])}，确认不是同一项目"
            )
        if new.get("checked_duplicates_elsewhere"):
            lines.append("已核对其他区的相似项目，确认不是同一项目")
    elif event.kind == Kind.MOVED:
        entry["title"] = (
            f"阶段变更：{names.show('stage', old.get('stage'))} → {names.show('stage', new.get('stage'))}"
        )
        lines += _changes(event, names, skip=("stage",))
    elif event.kind == Kind.HANDED_OFF:
        entry["title"] = "接力交接"
        entry["baton"] = (names.show("unit", old.get("unit")), names.show("unit", new.get("unit")))
        for field, role in _RELAY_ROLE.items():
            if field in new:
                lines.append(f"{names.show(field, new[field])}记为{role}")
        if "co_units" in new:
            lines.append(f"协同单位：{names.show('co_units', new['co_units'])}")
    elif event.kind in _HANDOFF_STEPS:
        entry["title"] = _HANDOFF_STEPS[event.kind]
        if event.kind == Kind.HANDOFF_REQUESTED:
            entry["baton"] = (
                names.show("from_unit", new.get("from_unit")),
                names.show("to_unit", new.get("to_unit")),
            )
            lines.append(f"交给{names.show('to_unit', new.get('to_unit'))}，待对方接收")
            role = _RELAY_ROLE.get(f"{new.get('relay_role')}_unit")
            if role:
                lines.append(f"接收后记为{role}")
        elif event.kind == Kind.HANDOFF_ACCEPTED:
            entry["baton"] = (
                names.show("unit", old.get("unit")),
                names.show("unit", new.get("unit")),
            )
            lines.append(f"{names.show('unit', new.get('unit'))}已接收，自即日起为责任单位")
            for field, role in _RELAY_ROLE.items():
                if field in new:
                    lines.append(f"{names.show(field, new[field])}记为{role}")
            if "co_units" in new:
                lines.append(f"协同单位：{names.show('co_units', new['co_units'])}")
        elif event.kind == Kind.HANDOFF_DECLINED:
            lines.append(
                f"{names.show('to_unit', new.get('to_unit'))}拒绝接收，项目仍由"
                f"{names.show('from_unit', new.get('from_unit'))}负责"
            )
        else:
            lines.append(f"交给{names.show('to_unit', new.get('to_unit'))}的交接已撤回")
    elif event.kind == Kind.MILESTONE:
        kind_label = _milestone_label(new.get("kind"))
        if old.get("date"):
            entry["title"] = f"更正里程碑：{kind_label}"
            if old["date"] != new.get("date"):
                lines.append(f"日期：{old['date']} → {new.get('date')}")
        else:
            entry["title"] = f"里程碑：{kind_label}"
            lines.append(f"日期：{new.get('date')}")
        if new.get("note"):
            lines.append(new["note"])
        elif old.get("note"):
            # Only a landing recorded before a blank note kept the milestone's could erase
            # one: the timeline is where that note can be read back.
            lines.append(f"说明被清空（原为：{old['note']}）")
    elif word := hooks.wording(event.kind):  # another app's events: a problem, 督办, …
        word(entry, old, new, names)
    return entry


def _milestone_label(kind) -> str:
    return str(Milestone.Kind(kind).label) if kind in Milestone.Kind.values else str(kind)
