"""baton remind: what is due by tomorrow or waiting, once a day per item."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from baton.notices.models import Delivery, Notice, Reminder
from baton.notices.remind import remind
from baton.projects import services
from baton.supervision import services as supervision
from baton.testing import admit, make_project


def today() -> dt.date:
    """Read when a test runs: a run that crosses midnight in Beijing moves the day."""
    return timezone.localdate()


def tomorrow() -> dt.date:
    return today() + dt.timedelta(days=1)


def reminders(user) -> list[Notice]:
    return list(Notice.objects.filter(recipient=user, kind=Notice.Kind.REMINDER).order_by("id"))


@pytest.fixture
def supervised(w):
    project = admit(w, make_project(w, name="新能源电池项目"))
    supervision.supervision_issue(
        project=project,
        actor=w.office,
        leader=w.leader_person,
        instruction="尽快完成供地",
        deadline=tomorrow(),
    )
    Notice.objects.all().delete()
    return project


def test_a_supervision_due_tomorrow_is_reminded_once_a_day(w, supervised, settings):
    settings.BATON_NOTICE_EMAIL = True
    w.promoter.email = "mx@example.gov.cn"
    w.promoter.save()
    out = io.StringIO()
    call_command("remind", stdout=out)
    assert "已提醒 2 人、2 项待办" in out.getvalue()  # the unit and the leader who issued it
    [notice] = reminders(w.promoter)
    assert notice.title == "您有 1 项待办需要办理"
    assert "尽快完成供地" in notice.body and "明天到期" in notice.body
    assert notice.url == f"/projects/{supervised.code}/problems/"
    assert Delivery.objects.filter(notice=notice, via="email").exists()
    # Twice on the same day: nothing more.
    call_command("remind", stdout=out)
    assert "已提醒 0 人" in out.getvalue()
    assert len(reminders(w.promoter)) == 1
    assert Reminder.objects.filter(recipient=w.promoter).count() == 1
    # The next day (now overdue) it is reminded again.
    remind(tomorrow() + dt.timedelta(days=1))
    later = reminders(w.promoter)
    assert len(later) == 2 and "已逾期" in later[1].body and "已逾期" in later[1].title


def test_nobody_else_is_reminded_of_it(w, supervised):
    remind(today())
    for user in (w.other_promoter, w.tongan_office, w.sys_admin, w.audit_admin):
        assert reminders(user) == []


def test_a_later_deadline_is_not_reminded_yet(w):
    project = admit(w, make_project(w))
    supervision.supervision_issue(
        project=project,
        actor=w.office,
        leader=w.leader_person,
        instruction="下月完成",
        deadline=today() + dt.timedelta(days=10),
    )
    remind(today())
    assert reminders(w.promoter) == []


def test_a_waiting_review_is_reminded_and_a_draft_is_not(w):
    waiting = make_project(w, name="待审核项目")
    services.project_submit(project=waiting, actor=w.promoter)
    make_project(w, name="草稿项目")
    Notice.objects.all().delete()
    remind(today())
    [notice] = reminders(w.office)
    assert "待审核项目" in notice.body and notice.url == f"/projects/{waiting.code}/review/"
    assert reminders(w.promoter) == []  # its draft is not a deadline
    assert reminders(w.reviewer) == []  # not the city's turn yet


def test_one_notice_lists_a_persons_items(w):
    for n in range(3):
        services.project_submit(project=make_project(w, name=f"项目{n}"), actor=w.promoter)
    remind(today())
    [notice] = reminders(w.office)
    assert notice.title == "您有 3 项待办需要办理" and notice.url == "/todo/"
    assert notice.body.count("\n") == 2
    assert not Delivery.objects.filter(via="webhook").exists()  # never to the group robot


def test_the_database_allows_one_reminder_per_item_a_day(w, supervised):
    remind(today())
    first = Reminder.objects.get(recipient=w.promoter)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            recipient=first.recipient, item=first.item, day=first.day, notice=first.notice
        )
