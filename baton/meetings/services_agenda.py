"""A meeting's agenda: items added, edited, removed, moved, or drafted again from the
figures; each change through ``services._begin_edit`` and with its ``MeetingEvent``."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from baton.accounts.models import User
from baton.core.dates import local_date

from . import agenda
from .models import AgendaItem, Meeting
from .services import NOT_OF_MEETING, Kind, _begin_edit, _event, _text, _touch

BAD_DIRECTION = "移动方向无效。"


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
