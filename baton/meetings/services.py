"""Prepare, record and follow up the monthly meetings; each change with its event.

Who may is ``rules``: the district's office (``actor`` None: the system — the demo, a
command). A refusal raises ``PermissionDenied`` (not the actor's) or ``ValidationError``
(bad input, keyed by field where there is one) and writes nothing. Every change to a
meeting takes its row's lock and, given ``expected_version``, refuses a stale page
(``ConflictError``); each writes its ``MeetingEvent`` in the same transaction.

Here: the meeting itself (opened, its details, held, its minutes, settled) and who
attended. The agenda is changed in ``services_agenda``, the decisions recorded and closed
in ``services_decisions``; both go through the checks here (``_begin_edit``, ``_event``).
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
from baton.projects.rules import check_district_unit, event_time
from baton.projects.services import ConflictError
from baton.visits.services import NOTHING_CHANGED  # noqa: F401 — said by the views too

from . import agenda, rules
from .models import AgendaItem, Attendance, Decision, Meeting, MeetingEvent

Kind = MeetingEvent.Kind
STALE = "这次例会已被他人修改，请刷新后重试。"
ALREADY = "{month}例会已经建立。"
FUTURE_MONTH = "{month}尚未开始，不能建立该月例会。"
TOO_EARLY = "例会月份不能早于 2000 年。"
NOT_HELD = "例会尚未召开（请先登记召开），不能定稿纪要。"
NO_MINUTES = "请先填写会议纪要再定稿。"
NO_DATE = "请先填写会议日期。"
DATE_AHEAD = "会议日期晚于今天，例会召开后再登记。"
ALREADY_HELD = "例会已登记召开。"
NOT_OF_MEETING = "该议题不属于这次例会。"
SOMEONE = "请选择出席或缺席的单位或人员。"
REASON_NEEDED = "请填写缺席原因。"
NOT_ON_FILE = "请选择在册人员。"
TWICE = "“{name}”已登记。"
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
