"""``baton remind``: once a day, each person is reminded of what is due.

The items are the person's to-do list (``baton.todo``): a 督办, a problem or a handoff
due tomorrow or overdue, and a review waiting; drafts and idle projects stay on the list
without a reminder. Each item is reminded once a day (``Reminder``'s unique constraint:
running the command twice on a day sends nothing the second time); a person's new items
of one run come in one notice, by e-mail too, never to the district's group robot.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse

from baton.accounts.models import User
from baton.todo.selectors import Item, todo_items

from .models import Notice, Reminder
from .rules import Draft
from .services import notify

Role = User.Role
#: The roles with a to-do list (the three administrators have none).
REMINDED_ROLES = (Role.UNIT_STAFF, Role.DISTRICT_OFFICE, Role.CITY_REVIEWER, Role.LEADER)
#: Items without a date that are reminded each day while they wait.
WAITING = frozenset({"review"})
#: Items that stay on the to-do list without a reminder.
NOT_REMINDED = frozenset({"draft", "idle"})
#: Lines a reminder lists before "等".
SHOWN = 20


@dataclass
class Outcome:
    people: int = 0
    items: int = 0


def is_due(entry: Item, today: dt.date) -> bool:
    """Whether ``entry`` is reminded on ``today``: due by tomorrow, or waiting."""
    if entry.kind in NOT_REMINDED:
        return False
    if entry.due is None:
        return entry.kind in WAITING
    return entry.due <= today + dt.timedelta(days=1)


def item_key(entry: Item) -> str:
    """The item's identity across runs: its kind and a digest of where and what it is."""
    digest = hashlib.sha256(f"{entry.project}|{entry.url}|{entry.title}".encode()).hexdigest()
    return f"{entry.kind}:{digest[:40]}"


def _line(entry: Item, today: dt.date) -> str:
    if entry.due is None:
        when = "待办理"
    elif entry.due < today:
        when = f"已逾期（办结时限 {entry.due:%Y-%m-%d}）"
    elif entry.due == today:
        when = "今天到期"
    else:
        when = "明天到期"
    return f"· {entry.title}：{when}"


def remind_user(user: User, today: dt.date) -> int:
    """Remind ``user`` of the items not yet reminded today; return how many."""
    entries = [e for e in todo_items(user, today) if is_due(e, today)]
    keys = {item_key(e): e for e in entries}
    done = set(
        Reminder.objects.filter(recipient=user, day=today, item__in=keys).values_list(
            "item", flat=True
        )
    )
    fresh = [(key, e) for key, e in keys.items() if key not in done]
    if not fresh:
        return 0
    overdue = sum(e.overdue for _key, e in fresh)
    title = f"您有 {len(fresh)} 项待办需要办理" + (f"，其中 {overdue} 项已逾期" if overdue else "")
    lines = [_line(e, today) for _key, e in fresh[:SHOWN]]
    if len(fresh) > SHOWN:
        lines.append(f"等共 {len(fresh)} 项。")
    url = fresh[0][1].url if len(fresh) == 1 else reverse("todo:list")
    draft = Draft([user], Notice.Kind.REMINDER, title, "\n".join(lines), url)
    try:
        # One savepoint: a run racing this one sends it, and this notice is undone.
        with transaction.atomic():
            [notice] = notify([draft], district_id=user.district_id, push=False)
            Reminder.objects.bulk_create(
                [Reminder(recipient=user, item=key, day=today, notice=notice) for key, _e in fresh]
            )
    except IntegrityError:
        return 0
    return len(fresh)


def remind(today: dt.date) -> Outcome:
    """Remind every active person with a to-do list."""
    outcome = Outcome()
    people = User.objects.filter(is_active=True, role__in=REMINDED_ROLES).order_by("pk")
    for user in people.iterator(chunk_size=200):
        sent = remind_user(user, today)
        if sent:
            outcome.people += 1
            outcome.items += sent
    return outcome
