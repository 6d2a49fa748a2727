"""Prepare, record and follow up the monthly meetings; each change with its event.

Who may is ``rules``: the district's office (``actor`` None: the system — the demo, a
command). A refusal raises ``PermissionDenied`` (not the actor's) or ``ValidationError``
(bad input, keyed by field where there is one) and writes nothing. Every change to a
meeting takes its row's lock and, given ``expected_version``, refuses a stale page
(``ConflictError``); each writes its ``MeetingEvent`` in the same transaction.

A decision on a project is issued as a 督办 (``supervision.services.supervision_issue``)
of the leader it names, to the unit the 督办 goes to (the project's); it is closed by
signing that 督办 off (``supervision_close``, the same rule as on the project's page), and
reads the 督办's status however it was closed. Any other decision is its owner unit's task,
closed here by the office with a note.
"""

import datetime as dt
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from baton.accounts.models import User
from baton.core.dates import local_date
from baton.core.messages import fill_in, too_long
from baton.org.models import District, Person, Unit
from baton.projects.models import Project
from baton.projects.rules import check_district_unit, check_leader_of, event_time
from baton.projects.services import ConflictError
from baton.supervision import rules as sign_off
from baton.supervision.models import Supervision
from baton.supervision.services import _clean_deadline as clean_deadline
from baton.supervision.services import supervision_close, supervision_issue
from baton.visits.services import NOTHING_CHANGED  # noqa: F401 — said by the views too

from . import agenda, rules
from .models import AgendaItem, Attendance, Decision, Meeting, MeetingEvent

Kind = MeetingEvent.Kind
STALE = "这次例会已被他人修改，请刷新后重试。"
STALE_DECISION = "这项决定事项已被他人修改，请刷新后重试。"
ALREADY = "{month}例会已经建立。"
FUTURE_MONTH = "{month}尚未开始，不能建立该月例会。"
TOO_EARLY = "例会月份不能早于 2000 年。"
NOT_HELD = "例会尚未召开（请先登记召开），不能定稿纪要。"
NO_MINUTES = "请先填写会议纪要再定稿。"
NO_DATE = "请先填写会议日期。"
DATE_AHEAD = "会议日期晚于今天，例会召开后再登记。"
ALREADY_HELD = "例会已登记召开。"
LEADER_NEEDED = "关联项目的决定事项将作为督办下达，请选择督办领导。"
NOT_A_LEADER = "督办领导须为在册的本区或本市领导。"
PROJECT_ELSEWHERE = "所选项目不属于本区。"
COORDINATING = (
    "“{name}”是协调部门，其账号只办理交办的问题：请在项目的“存在问题”中交办给它，"
    "或选择牵头的招商单位。"
)
NO_ISSUER = "督办须由区招商办的账号下达。"
UNIT_NEEDED = "未关联项目的决定事项，请选择责任单位。"
ALREADY_CLOSED = "该决定事项已办结。"
NOT_REPORTED = "督办交办单位尚未报送办理情况，不能办结；请待其报送后再办结。"
NOT_OF_MEETING = "该议题不属于这次例会。"
SOMEONE = "请选择出席或缺席的单位或人员。"
REASON_NEEDED = "请填写缺席原因。"
NOT_ON_FILE = "请选择在册人员。"
TWICE = "“{name}”已登记。"
BAD_DIRECTION = "移动方向无效。"
LIMITS = {"title": 200, "place": 100, "text": 2000, "note": 2000, "minutes": 20000, "reason": 200}
LABELS = {
    "title": "会议名称",
    "place": "会议地点",
    "text": "内容",
    "note": "办结情况",
    "minutes": "会议纪要",
    "reason": "缺席原因",
}


# --- checking what was given -----------------------------------------------------------


#: Characters no text of a meeting keeps: Word cannot write them (the minutes' .docx) and
#: the API refuses them (``core.api``). A page's form may carry them, pasted from Word or
#: a chat: its line and page breaks (\x0b, \x0c) become new lines, the rest goes.
_BREAKS = re.compile(r"[\x0b\x0c]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def plain(value: Any) -> str:
    """The text as a meeting keeps it: no control character but tab and line ends."""
    return _CONTROL.sub("", _BREAKS.sub("\n", str(value or "")))


def _text(field: str, value: Any, *, required: bool = True, label: str | None = None) -> str:
    text = plain(value).strip()
    label = label or LABELS[field]
    if required and not text:
        raise ValidationError({field: [fill_in(label)]})
    if len(text) > LIMITS[field]:
        raise ValidationError({field: [too_long(LIMITS[field], label)]})
    return text


def _deadline(value: Any, at: dt.datetime) -> dt.date:
    """A 督办's deadline rule (today to three years on), for every decision."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError({"deadline": [fill_in("办结时限")]})
    return clean_deadline(value, at)


def not_ours(person: Person) -> str:
    return f"{person.name}不是本区或本市的人员。"


def _chair(district: District, person: Any) -> Person | None:
    if person is None:
        return None
    if not isinstance(person, Person) or not person.is_active:
        raise ValidationError({"chair": ["主持人须为在册人员。"]})
    if person.city_id != district.city_id or person.district_id not in (None, district.pk):
        raise ValidationError({"chair": [not_ours(person)]})
    return person


def _begin_edit(
    meeting: Meeting, actor: User | None, expected_version: int | None, at: dt.datetime | None
) -> dt.datetime:
    """What every change of a meeting not yet final checks first: who writes, the version
    read (the row locked and refreshed), that the minutes are not settled; the change's time."""
    _check_writer(actor, meeting)
    at = event_time(at)
    _lock(meeting, expected_version)
    _not_final(meeting)
    return at


def _check_writer(actor: User | None, meeting: Meeting) -> None:
    if not rules.can_write(actor, meeting):
        raise PermissionDenied(rules.NOT_THE_OFFICE)


def _not_final(meeting: Meeting) -> None:
    if meeting.is_final:
        raise ValidationError(rules.FINAL)


def _lock(meeting: Meeting, expected_version: int | None) -> Meeting:
    fresh = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ConflictError(STALE)
    for field in fresh._meta.concrete_fields:
        setattr(meeting, field.attname, getattr(fresh, field.attname))
    return meeting


def _touch(meeting: Meeting, at: dt.datetime, fields: list[str] | None = None) -> None:
    meeting.version += 1
    meeting.updated_at = at
    meeting.save(update_fields=[*(fields or []), "version", "updated_at"])


def _event(
    meeting: Meeting,
    kind: str,
    actor: User | None,
    at: dt.datetime,
    *,
    decision: Decision | None = None,
    old: dict | None = None,
    new: dict | None = None,
    reason: str = "",
) -> MeetingEvent:
    return MeetingEvent.objects.create(
        meeting=meeting,
        decision=decision,
        district_id=meeting.district_id,
        kind=kind,
        actor=actor,
        at=at,
        old=old or {},
        new=new or {},
        reason=reason,
    )


# --- the meeting ------------------------------------------------------------------------


def next_month(district: District, today: dt.date) -> dt.date:
    """The month of the district's next meeting: the one after its latest meeting, or the
    month before ``today``'s (the last month ended) when it has none."""
    latest = Meeting.objects.filter(district=district).aggregate(m=Max("month"))["m"]
    if latest is None:
        return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return (latest.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def title_for(district: District, month: dt.date) -> str:
    return f"{district.name}招商工作{month.year}年{month.month}月例会"


def _items(meeting: Meeting, today: dt.date) -> None:
    drafts = agenda.draft(meeting.district, meeting.month, as_of=meeting.figures_as_of, today=today)
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            order=n,
            kind=d.kind,
            text=d.text[:2000],
            url=d.url,
            decision=d.decision,
        )
        for n, d in enumerate(drafts, 1)
    )


@transaction.atomic
def meeting_create(
    *,
    actor: User | None,
    district: District | None = None,
    month: dt.date | None = None,
    at: dt.datetime | None = None,
) -> Meeting:
    """Open the district's meeting for ``month`` (default: the next one), its agenda
    drafted from the month's figures as of the month end (today while the month runs)."""
    if actor is not None:
        if not rules.can_prepare(actor):
            raise PermissionDenied(rules.NOT_THE_OFFICE)
        district = actor.district
    if district is None:
        raise ValidationError("请指定例会所属的区。")
    at = event_time(at)
    today = local_date(at)
    District.objects.select_for_update().filter(pk=district.pk).first()  # one meeting at a time
    if month is None:
        month = next_month(district, today)
    if not isinstance(month, dt.date) or isinstance(month, dt.datetime):
        raise ValidationError({"month": [fill_in("例会月份")]})
    month = month.replace(day=1)
    label = f"{month.year}年{month.month}月"
    if month.year < 2000:
        raise ValidationError({"month": [TOO_EARLY]})
    if month > today.replace(day=1):
        raise ValidationError({"month": [FUTURE_MONTH.format(month=label)]})
    if Meeting.objects.filter(district=district, month=month).exists():
        raise ValidationError({"month": [ALREADY.format(month=label)]})
    meeting = Meeting.objects.create(
        district=district,
        month=month,
        title=title_for(district, month),
        figures_as_of=agenda.figures_day(month, today),
        created_by=actor,
        created_at=at,
        updated_at=at,
    )
    _items(meeting, today)
    _event(
        meeting,
        Kind.CREATED,
        actor,
        at,
        new={"month": month.isoformat(), "figures_as_of": meeting.figures_as_of.isoformat()},
    )
    return meeting


MEETING_FIELDS = ("title", "date", "time", "place", "chair")


def _shown(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Person):
        return value.name
    return value


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    actor: User | None,
    expected_version: int | None = None,
    title: Any = None,
    date: Any = None,
    time: Any = None,
    place: Any = "",
    chair: Any = None,
    at: dt.datetime | None = None,
) -> bool:
    """Change the meeting's name, date and time, place and chair; False when unchanged."""
    at = _begin_edit(meeting, actor, expected_version, at)
    clean: dict[str, Any] = {
        "title": _text("title", title),
        "place": _text("place", place, required=False),
        "chair": _chair(meeting.district, chair),
    }
    if date is not None and (not isinstance(date, dt.date) or isinstance(date, dt.datetime)):
        raise ValidationError({"date": ["会议日期无效。"]})
    if date is not None and date < meeting.month:
        raise ValidationError({"date": ["会议日期不能早于例会所议月份。"]})
    if time is not None and not isinstance(time, dt.time):
        raise ValidationError({"time": ["开始时间无效。"]})
    # Kept as text (时:分): the time of day of a meeting, not a moment.
    clean["date"], clean["time"] = date, f"{time:%H:%M}" if time is not None else ""
    old = {f: _shown(getattr(meeting, f)) for f in MEETING_FIELDS}
    new = {f: _shown(clean[f]) for f in MEETING_FIELDS}
    if old == new:
        return False
    for field, value in clean.items():
        setattr(meeting, field, value)
    _touch(meeting, at, list(MEETING_FIELDS))
    changed = [f for f in MEETING_FIELDS if old[f] != new[f]]
    _event(
        meeting,
        Kind.UPDATED,
        actor,
        at,
        old={f: old[f] for f in changed},
        new={f: new[f] for f in changed},
    )
    return True


@transaction.atomic
def meeting_hold(
    *,
    meeting: Meeting,
    actor: User | None,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Meeting:
    """登记召开: the meeting took place on its date."""
    at = _begin_edit(meeting, actor, expected_version, at)
    if meeting.status == Meeting.Status.HELD:
        raise ValidationError(ALREADY_HELD)
    if meeting.date is None:
        raise ValidationError({"date": [NO_DATE]})
    if meeting.date > local_date(at):
        raise ValidationError({"date": [DATE_AHEAD]})
    meeting.status = Meeting.Status.HELD
    _touch(meeting, at, ["status"])
    _event(meeting, Kind.HELD, actor, at, old={"status": "draft"}, new={"status": "held"})
    return meeting


@transaction.atomic
def meeting_finalize(
    *,
    meeting: Meeting,
    actor: User | None,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Meeting:
    """纪要定稿: the minutes are settled and numbered (文号); nothing of the meeting changes
    after, but its decisions are still followed up and closed."""
    at = _begin_edit(meeting, actor, expected_version, at)
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(NOT_HELD)
    if not meeting.minutes.strip():
        raise ValidationError({"minutes": [NO_MINUTES]})
    year = local_date(at).year
    last = Meeting.objects.filter(district_id=meeting.district_id, number_year=year).aggregate(
        n=Max("number_seq")
    )["n"]
    meeting.status = Meeting.Status.FINAL
    meeting.number_year, meeting.number_seq = year, (last or 0) + 1
    try:
        with transaction.atomic():
            _touch(meeting, at, ["status", "number_year", "number_seq"])
    except IntegrityError:
        raise ConflictError(STALE) from None
    _event(
        meeting,
        Kind.FINAL,
        actor,
        at,
        old={"status": "held"},
        new={"status": "final", "document_number": meeting.number},
    )
    return meeting


@transaction.atomic
def minutes_save(
    *,
    meeting: Meeting,
    actor: User | None,
    minutes: Any,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> bool:
    """Write the minutes' text (会议纪要); False when unchanged."""
    at = _begin_edit(meeting, actor, expected_version, at)
    text = _text("minutes", minutes, required=False)
    if text == meeting.minutes:
        return False
    old_len = len(meeting.minutes)
    meeting.minutes = text
    _touch(meeting, at, ["minutes"])
    _event(meeting, Kind.MINUTES, actor, at, old={"length": old_len}, new={"length": len(text)})
    return True


# --- the agenda ---------------------------------------------------------------------------


def _agenda_event(
    meeting: Meeting,
    actor: User | None,
    at: dt.datetime,
    action: str,
    item: AgendaItem,
    old: str = "",
) -> None:
    new = {"action": action, "order": item.order, "text": item.text[:200]}
    _event(meeting, Kind.AGENDA, actor, at, old={"text": old[:200]} if old else {}, new=new)


def _item_of(meeting: Meeting, item: AgendaItem) -> AgendaItem:
    if item.meeting_id != meeting.pk:
        raise ValidationError(NOT_OF_MEETING)
    return AgendaItem.objects.select_for_update().get(pk=item.pk)


@transaction.atomic
def agenda_add(
    *,
    meeting: Meeting,
    actor: User | None,
    text: Any,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> AgendaItem:
    """Add an item at the end of the agenda."""
    at = _begin_edit(meeting, actor, expected_version, at)
    text = _text("text", text, label="议题")
    last = meeting.agenda.aggregate(n=Max("order"))["n"] or 0
    item = AgendaItem.objects.create(meeting=meeting, order=last + 1, text=text)
    _touch(meeting, at)
    _agenda_event(meeting, actor, at, "add", item)
    return item


@transaction.atomic
def agenda_edit(
    *,
    meeting: Meeting,
    item: AgendaItem,
    actor: User | None,
    text: Any,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> bool:
    at = _begin_edit(meeting, actor, expected_version, at)
    item = _item_of(meeting, item)
    text = _text("text", text, label="议题")
    if text == item.text:
        return False
    old = item.text
    item.text = text
    item.save(update_fields=["text"])
    _touch(meeting, at)
    _agenda_event(meeting, actor, at, "edit", item, old)
    return True


@transaction.atomic
def agenda_remove(
    *,
    meeting: Meeting,
    item: AgendaItem,
    actor: User | None,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> None:
    at = _begin_edit(meeting, actor, expected_version, at)
    item = _item_of(meeting, item)
    _agenda_event(meeting, actor, at, "remove", item)
    item.delete()
    for n, row in enumerate(meeting.agenda.order_by("order", "id"), 1):
        if row.order != n:
            row.order = n
            row.save(update_fields=["order"])
    _touch(meeting, at)


@transaction.atomic
def agenda_move(
    *,
    meeting: Meeting,
    item: AgendaItem,
    actor: User | None,
    direction: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> bool:
    """Move an item one place up or down; False at the top (bottom) already."""
    at = _begin_edit(meeting, actor, expected_version, at)
    if direction not in ("up", "down"):
        raise ValidationError(BAD_DIRECTION)
    item = _item_of(meeting, item)
    rows = list(meeting.agenda.order_by("order", "id"))
    index = next(i for i, row in enumerate(rows) if row.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    for n, row in enumerate(rows, 1):
        if row.order != n:
            row.order = n
            row.save(update_fields=["order"])
    _touch(meeting, at)
    item.order = other + 1
    _agenda_event(meeting, actor, at, direction, item)
    return True


@transaction.atomic
def agenda_redraft(
    *,
    meeting: Meeting,
    actor: User | None,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> int:
    """Draft the agenda again from the figures as they stand now (a meeting opened before
    its month ended took them as of that day): the drafted items are replaced, the office's
    own other items (其他议题) kept after them; return the number of items."""
    at = _begin_edit(meeting, actor, expected_version, at)
    today = local_date(at)
    own = list(meeting.agenda.filter(kind=AgendaItem.Kind.OTHER).order_by("order", "id"))
    meeting.agenda.exclude(kind=AgendaItem.Kind.OTHER).delete()
    old = meeting.figures_as_of
    meeting.figures_as_of = agenda.figures_day(meeting.month, today)
    drafts = [
        d
        for d in agenda.draft(
            meeting.district, meeting.month, as_of=meeting.figures_as_of, today=today
        )
        if d.kind != AgendaItem.Kind.OTHER or not own
    ]
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            order=n,
            kind=d.kind,
            text=d.text[:2000],
            url=d.url,
            decision=d.decision,
        )
        for n, d in enumerate(drafts, 1)
    )
    for n, item in enumerate(own, len(drafts) + 1):
        item.order = n
        item.save(update_fields=["order"])
    _touch(meeting, at, ["figures_as_of"])
    _event(
        meeting,
        Kind.AGENDA,
        actor,
        at,
        old={"figures_as_of": old.isoformat()},
        new={"action": "redraft", "figures_as_of": meeting.figures_as_of.isoformat()},
    )
    return len(drafts) + len(own)


# --- attendance ---------------------------------------------------------------------------


@transaction.atomic
def attendance_add(
    *,
    meeting: Meeting,
    actor: User | None,
    unit: Unit | None = None,
    person: Person | None = None,
    present: bool = True,
    reason: Any = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Attendance:
    """Record a unit or a person (with the unit they came for) present, or absent with a
    reason."""
    at = _begin_edit(meeting, actor, expected_version, at)
    district = meeting.district
    if unit is None and person is None:
        raise ValidationError(SOMEONE)
    if unit is not None:
        try:
            check_district_unit(district, unit)
        except ValidationError as exc:
            raise ValidationError({"unit": exc.messages}) from None
    if person is not None:
        if not isinstance(person, Person) or not person.is_active:
            raise ValidationError({"person": [NOT_ON_FILE]})
        if person.city_id != district.city_id or person.district_id not in (None, district.pk):
            raise ValidationError({"person": [not_ours(person)]})
    reason = _text("reason", reason, required=not present)
    if present:
        reason = ""
    rows = meeting.attendance.all()
    twice = (
        rows.filter(person=person) if person is not None else rows.filter(unit=unit, person=None)
    )
    if twice.exists():
        raise ValidationError(TWICE.format(name=person or unit))
    row = Attendance.objects.create(
        meeting=meeting, unit=unit, person=person, present=bool(present), reason=reason
    )
    _touch(meeting, at)
    _event(
        meeting,
        Kind.ATTENDANCE,
        actor,
        at,
        new={"who": str(person or unit), "present": bool(present), "reason": reason},
    )
    return row


@transaction.atomic
def attendance_remove(
    *,
    meeting: Meeting,
    row: Attendance,
    actor: User | None,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> None:
    at = _begin_edit(meeting, actor, expected_version, at)
    if row.meeting_id != meeting.pk:
        raise ValidationError(NOT_OF_MEETING)
    _event(
        meeting,
        Kind.ATTENDANCE,
        actor,
        at,
        old={"who": str(row.person or row.unit), "present": row.present, "reason": row.reason},
    )
    row.delete()
    _touch(meeting, at)


# --- decisions ----------------------------------------------------------------------------


def _leader(district: District, person: Any) -> Person:
    if person is None:
        raise ValidationError({"owner_person": [LEADER_NEEDED]})
    if not isinstance(person, Person) or not person.is_leader or not person.is_active:
        raise ValidationError({"owner_person": [NOT_A_LEADER]})
    try:
        check_leader_of(district, person)
    except ValidationError as exc:
        raise ValidationError({"owner_person": exc.messages}) from None
    return person


@transaction.atomic
def decision_record(
    *,
    meeting: Meeting,
    actor: User | None,
    text: Any,
    deadline: Any,
    owner_unit: Unit | None = None,
    owner_person: Person | None = None,
    project: Project | None = None,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Decision:
    """Record a decision: on a project, a 督办 of ``owner_person`` (a leader) to the unit
    the 督办 goes to; otherwise a task of ``owner_unit`` (``owner_person`` optional: who
    in it, or the leader in charge)."""
    at = _begin_edit(meeting, actor, expected_version, at)
    district = meeting.district
    text = _text("text", text, label="决定事项")
    deadline = _deadline(deadline, at)
    supervision: Supervision | None = None
    if project is not None:
        if not isinstance(project, Project) or project.district_id != district.pk:
            raise ValidationError({"project": [PROJECT_ELSEWHERE]})
        leader = _leader(district, owner_person)
        if actor is None:  # a 督办 is issued by someone (``Supervision.issued_by``)
            raise ValidationError({"project": [NO_ISSUER]})
        try:
            supervision = supervision_issue(
                project=project,
                actor=actor,
                leader=leader,
                instruction=f"{meeting.month_label}例会决定：{text}",
                deadline=deadline,
                at=at,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                keys = {"leader": "owner_person", "deadline": "deadline"}
                raise ValidationError(
                    {keys.get(k, "project"): v for k, v in exc.message_dict.items()}
                ) from None
            raise ValidationError({"project": exc.messages}) from None
        unit_id = sign_off.unit_of(supervision)
        owner_unit = Unit.objects.get(pk=unit_id) if unit_id is not None else project.unit
    else:
        if owner_unit is None:
            raise ValidationError({"owner_unit": [UNIT_NEEDED]})
        try:
            check_district_unit(district, owner_unit)
        except ValidationError as exc:
            raise ValidationError({"owner_unit": exc.messages}) from None
        if owner_unit.is_coordinating:
            raise ValidationError({"owner_unit": [COORDINATING.format(name=owner_unit.name)]})
        if owner_person is not None:
            if not isinstance(owner_person, Person) or not owner_person.is_active:
                raise ValidationError({"owner_person": [NOT_ON_FILE]})
            try:
                check_leader_of(district, owner_person)
            except ValidationError:
                raise ValidationError({"owner_person": [not_ours(owner_person)]}) from None
    number = (meeting.decisions.aggregate(n=Max("number"))["n"] or 0) + 1
    decision = Decision.objects.create(
        meeting=meeting,
        district=district,
        number=number,
        text=text,
        owner_unit=owner_unit,
        owner_person=owner_person,
        deadline=deadline,
        project=project,
        supervision=supervision,
        created_at=at,
    )
    _touch(meeting, at)
    _event(
        meeting,
        Kind.DECIDED,
        actor,
        at,
        decision=decision,
        new={
            "number": number,
            "text": text[:200],
            "owner_unit": owner_unit.name,
            "owner_person": owner_person.name if owner_person else "",
            "deadline": deadline.isoformat(),
            "project": project.code if project else "",
            "supervision": supervision.pk if supervision else None,
        },
    )
    return decision


@transaction.atomic
def decision_close(
    *,
    decision: Decision,
    actor: User | None,
    note: Any,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Decision:
    """办结 with a note. A decision on a 督办 signs the 督办 off (its issuing leader or that
    leader's office, once the unit has reported: ``supervision.rules``); a 督办 closed on
    the project's page already closes its decision, which is then marked here."""
    meeting = decision.meeting
    _check_writer(actor, meeting)
    at = event_time(at)
    fresh = Decision.objects.select_for_update().get(pk=decision.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ConflictError(STALE_DECISION)
    decision.refresh_from_db()
    if decision.status == Decision.Status.CLOSED:
        raise ValidationError(ALREADY_CLOSED)
    note = _text("note", note)
    supervision = decision.supervision
    if supervision is not None and supervision.status != Supervision.Status.DONE:
        if supervision.status != Supervision.Status.REPORTED:
            raise ValidationError(NOT_REPORTED)
        if actor is not None:
            try:
                sign_off.check_sign_off(actor, supervision)
            except ValidationError as exc:
                raise PermissionDenied(exc.messages[0]) from None
            supervision_close(supervision=supervision, actor=actor, note=note, at=at)
        else:
            raise PermissionDenied(sign_off.SIGN_OFF_REFUSED)
    decision.status = Decision.Status.CLOSED
    decision.closing_note = note
    decision.closed_at = at
    decision.closed_by = actor
    decision.version += 1
    decision.save()
    _event(
        meeting,
        Kind.CLOSED,
        actor,
        at,
        decision=decision,
        old={"status": "open"},
        new={"status": "closed", "number": decision.number},
        reason=note,
    )
    return decision
