"""The meetings' services: the agenda drafted from the month's figures, decisions issued
as 督办 or tasks, closed, and carried to the next meeting while open."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from baton.projects.services import ConflictError
from baton.supervision.models import Supervision
from baton.supervision.services import supervision_close, supervision_report
from baton.testing import add_coordinating
from baton.todo.selectors import todo_items

from .. import rules, services, services_agenda, services_decisions
from ..models import AgendaItem, Decision, Meeting, MeetingEvent
from .helpers import in_days, last_month


def state() -> dict:
    return {
        "meetings": list(Meeting.objects.order_by("pk").values()),
        "items": list(AgendaItem.objects.order_by("pk").values()),
        "decisions": list(Decision.objects.order_by("pk").values()),
        "events": MeetingEvent.objects.count(),
        "supervisions": Supervision.objects.count(),
    }


def refused(block, message, error=ValidationError):
    before = state()
    with pytest.raises(error) as info:
        block()
    assert message in " ".join(
        info.value.messages if hasattr(info.value, "messages") else [str(info.value)]
    )
    assert state() == before


def test_it_drafts_the_agenda_from_last_months_figures(w):
    meeting = services.meeting_create(actor=w.office)
    month = last_month()
    assert meeting.month == month
    assert meeting.title == f"翔安区招商工作{month.year}年{month.month}月例会"
    items = list(meeting.agenda.order_by("order"))
    kinds = [i.kind for i in items]
    assert kinds[:3] == ["figures", "admitted", "landed"]
    figures = items[0]
    assert "在库项目 2 个，总投资 8.00 亿元" in figures.text
    assert f"district={w.district.pk}" in figures.url and "as_of=" in figures.url
    assert items[1].text == f"{month.month}月新入库项目 2 个。"
    assert "change=admitted" in items[1].url
    assert items[2].text == f"{month.month}月新落地项目 0 个。"
    assert any(i.kind == "assessment" for i in items)
    event = MeetingEvent.objects.get(meeting=meeting)
    assert event.kind == "created" and event.actor == w.office


def test_the_next_meeting_is_the_month_after_the_latest(w):
    services.meeting_create(actor=w.office)
    second = services.meeting_create(actor=w.office)
    assert second.month == (last_month() + dt.timedelta(days=31)).replace(day=1)
    refused(
        lambda: services.meeting_create(actor=w.office),
        "尚未开始，不能建立该月例会",
    )


def test_only_the_district_office_prepares_a_meeting(w):
    for user in (w.promoter, w.leader, w.reviewer, w.sys_admin):
        refused(
            lambda user=user: services.meeting_create(actor=user),
            rules.NOT_THE_OFFICE,
            PermissionDenied,
        )


def test_a_month_has_one_meeting(w):
    services.meeting_create(actor=w.office, month=last_month())
    refused(lambda: services.meeting_create(actor=w.office, month=last_month()), "例会已经建立")


def test_a_decision_on_a_project_becomes_a_supervision(w):
    meeting = services.meeting_create(actor=w.office)
    decision = services_decisions.decision_record(
        meeting=meeting,
        actor=w.office,
        text="协调解决电池项目用地指标",
        deadline=in_days(20),
        project=w.p1,
        owner_person=w.leader_person,
    )
    sup = decision.supervision
    assert sup.project == w.p1 and sup.leader == w.leader_person
    assert sup.deadline == in_days(20) and sup.status == "active"
    assert "例会决定：协调解决电池项目用地指标" in sup.instruction
    assert decision.owner_unit == w.town and decision.number == 1
    assert decision.is_open and decision.status_label == "督办中"
    assert MeetingEvent.objects.filter(decision=decision, kind="decided").count() == 1


def test_a_decision_on_a_project_needs_a_leader(w):
    meeting = services.meeting_create(actor=w.office)
    refused(
        lambda: services_decisions.decision_record(
            meeting=meeting, actor=w.office, text="推进", deadline=in_days(5), project=w.p1
        ),
        services_decisions.LEADER_NEEDED,
    )
    refused(
        lambda: services_decisions.decision_record(
            meeting=meeting,
            actor=w.office,
            text="推进",
            deadline=in_days(5),
            project=w.p1,
            owner_person=w.zhang,
        ),
        services_decisions.NOT_A_LEADER,
    )
    refused(
        lambda: services_decisions.decision_record(
            meeting=meeting,
            actor=w.office,
            text="推进",
            deadline=in_days(-1),
            owner_unit=w.town,
        ),
        "办结时限不能早于今天。",
    )
    refused(
        lambda: services_decisions.decision_record(
            meeting=meeting, actor=w.office, text="推进", deadline=in_days(5)
        ),
        services_decisions.UNIT_NEEDED,
    )
    coord = add_coordinating(w).coord_unit
    refused(
        lambda: services_decisions.decision_record(
            meeting=meeting, actor=w.office, text="调剂用地", deadline=in_days(5), owner_unit=coord
        ),
        services_decisions.COORDINATING.format(name="自然资源局"),
    )
    refused(
        lambda: services_decisions.decision_record(
            meeting=meeting,
            actor=w.promoter,
            text="推进",
            deadline=in_days(5),
            owner_unit=w.town,
        ),
        rules.NOT_THE_OFFICE,
        PermissionDenied,
    )
    refused(
        lambda: services_decisions.decision_record(
            meeting=meeting,
            actor=w.office,
            text="推进",
            deadline=in_days(5),
            owner_unit=w.tongan_unit,
        ),
        "不是翔安区的单位",
    )


def test_a_task_is_in_the_owner_units_todo_until_closed(w):
    meeting = services.meeting_create(actor=w.office)
    decision = services_decisions.decision_record(
        meeting=meeting, actor=w.office, text="梳理闲置厂房清单", deadline=in_days(10),
        owner_unit=w.town, owner_person=w.zhang,
    )  # fmt: skip
    titles = [i.title for i in todo_items(w.promoter, in_days(0)) if i.kind == "meeting_decision"]
    assert titles == [f"{meeting.month_label}例会决定第1项：梳理闲置厂房清单"]
    assert not [i for i in todo_items(w.other_promoter, in_days(0)) if i.kind == "meeting_decision"]
    refused(
        lambda: services_decisions.decision_close(decision=decision, actor=w.office, note=""),
        "请填写办结情况",
    )
    services_decisions.decision_close(decision=decision, actor=w.office, note="已梳理 12 处")
    decision.refresh_from_db()
    assert decision.status == "closed" and decision.closing_note == "已梳理 12 处"
    assert not [i for i in todo_items(w.promoter, in_days(0)) if i.kind == "meeting_decision"]
    refused(
        lambda: services_decisions.decision_close(decision=decision, actor=w.office, note="再次"),
        services_decisions.ALREADY_CLOSED,
    )


def test_a_supervision_decision_closes_once_the_unit_reported(w):
    meeting = services.meeting_create(actor=w.office)
    decision = services_decisions.decision_record(
        meeting=meeting, actor=w.office, text="加快供地", deadline=in_days(10), project=w.p1,
        owner_person=w.leader_person,
    )  # fmt: skip
    refused(
        lambda: services_decisions.decision_close(decision=decision, actor=w.office, note="完成"),
        services_decisions.NOT_REPORTED,
    )
    supervision_report(supervision=decision.supervision, actor=w.promoter, response="已供地")
    services_decisions.decision_close(decision=decision, actor=w.office, note="确认办结")
    decision.refresh_from_db()
    assert decision.supervision.status == "done" and not decision.is_open


def test_the_next_meeting_opens_with_the_decisions_still_open(w):
    first = services.meeting_create(actor=w.office)
    kept = services_decisions.decision_record(
        meeting=first, actor=w.office, text="推进电池项目签约", deadline=in_days(30),
        project=w.p1, owner_person=w.leader_person,
    )  # fmt: skip
    closed_elsewhere = services_decisions.decision_record(
        meeting=first, actor=w.office, text="推进装备项目开工", deadline=in_days(30),
        project=w.p2, owner_person=w.leader_person,
    )  # fmt: skip
    task = services_decisions.decision_record(
        meeting=first, actor=w.office, text="整理政策清单", deadline=in_days(30),
        owner_unit=w.department,
    )  # fmt: skip
    # The 督办 closed on the project's page closes its decision: not carried.
    supervision_report(
        supervision=closed_elsewhere.supervision, actor=w.promoter, response="已开工"
    )
    supervision_close(supervision=closed_elsewhere.supervision, actor=w.office, note="好")
    services_decisions.decision_close(decision=task, actor=w.office, note="已整理")
    second = services.meeting_create(actor=w.office)
    items = list(second.agenda.order_by("order"))
    assert items[0].kind == "carried" and items[0].decision == kept
    assert "例会决定第1项：推进电池项目签约" in items[0].text
    assert items[1].kind == "figures"
    assert [i.decision_id for i in items if i.kind == "carried"] == [kept.pk]


def test_a_stale_page_is_refused(w):
    meeting = services.meeting_create(actor=w.office)
    version = meeting.version
    services.minutes_save(
        meeting=meeting, actor=w.office, minutes="一、听取汇报", expected_version=version
    )
    stale = Meeting.objects.get(pk=meeting.pk)
    refused(
        lambda: services.minutes_save(
            meeting=stale, actor=w.office, minutes="别的", expected_version=version
        ),
        services.STALE,
        ConflictError,
    )


def test_the_agenda_is_edited_reordered_and_trimmed(w):
    meeting = services.meeting_create(actor=w.office)
    added = services_agenda.agenda_add(meeting=meeting, actor=w.office, text="研究招商引资奖励兑现")
    count = meeting.agenda.count()
    assert added.order == count
    services_agenda.agenda_move(meeting=meeting, item=added, actor=w.office, direction="up")
    orders = list(meeting.agenda.order_by("order").values_list("text", flat=True))
    assert orders[-2] == "研究招商引资奖励兑现"
    services_agenda.agenda_edit(meeting=meeting, item=added, actor=w.office, text="研究奖励兑现")
    first = meeting.agenda.order_by("order").first()
    services_agenda.agenda_remove(meeting=meeting, item=first, actor=w.office)
    assert list(meeting.agenda.order_by("order").values_list("order", flat=True)) == list(
        range(1, count)
    )
    assert MeetingEvent.objects.filter(meeting=meeting, kind="agenda").count() == 4


def test_attendance_hold_and_final(w):
    meeting = services.meeting_create(actor=w.office)
    services.attendance_add(meeting=meeting, actor=w.office, person=w.leader_person)
    services.attendance_add(meeting=meeting, actor=w.office, unit=w.town)
    refused(
        lambda: services.attendance_add(
            meeting=meeting, actor=w.office, unit=w.department, present=False
        ),
        "请填写缺席原因",
    )
    services.attendance_add(
        meeting=meeting, actor=w.office, unit=w.department, present=False, reason="外出招商"
    )
    refused(lambda: services.attendance_add(meeting=meeting, actor=w.office, unit=w.town), "已登记")
    refused(lambda: services.meeting_finalize(meeting=meeting, actor=w.office), services.NOT_HELD)
    refused(lambda: services.meeting_hold(meeting=meeting, actor=w.office), services.NO_DATE)
    services.meeting_update(
        meeting=meeting, actor=w.office, title=meeting.title, date=in_days(0), place="区政府 3 楼",
        chair=w.leader_person,
    )  # fmt: skip
    services.meeting_hold(meeting=meeting, actor=w.office)
    refused(lambda: services.meeting_finalize(meeting=meeting, actor=w.office), services.NO_MINUTES)
    services.minutes_save(meeting=meeting, actor=w.office, minutes="会议听取了各单位汇报。")
    services.meeting_finalize(meeting=meeting, actor=w.office)
    assert meeting.number == f"翔安区招商办纪〔{in_days(0).year}〕1号"
    refused(
        lambda: services.minutes_save(meeting=meeting, actor=w.office, minutes="改"), rules.FINAL
    )


def test_who_sees_which_meetings(w):
    meeting = services.meeting_create(actor=w.office)
    assert list(rules.visible_meetings(w.office)) == [meeting]
    assert list(rules.visible_meetings(w.leader)) == [meeting]
    assert list(rules.visible_meetings(w.reviewer)) == [meeting]
    assert not rules.visible_meetings(w.tongan_office).exists()
    assert not rules.visible_meetings(w.sys_admin).exists()
    assert not rules.visible_meetings(w.promoter).exists()
    services_decisions.decision_record(
        meeting=meeting, actor=w.office, text="梳理", deadline=in_days(3), owner_unit=w.town
    )
    assert list(rules.visible_meetings(w.promoter)) == [meeting]
    assert not rules.visible_meetings(w.other_promoter).exists()
    assert rules.visible_decisions(w.promoter).count() == 1


def test_the_office_is_told_of_its_overdue_decisions(w):
    meeting = services.meeting_create(actor=w.office)
    services_decisions.decision_record(
        meeting=meeting, actor=w.office, text="报送厂房清单", deadline=in_days(2), owner_unit=w.town
    )
    assert not [i for i in todo_items(w.office, in_days(0)) if i.kind == "meeting_decision"]
    late = [i for i in todo_items(w.office, in_days(3)) if i.kind == "meeting_decision"]
    assert len(late) == 1 and late[0].overdue and late[0].due == in_days(2)
    assert not [i for i in todo_items(w.tongan_office, in_days(3)) if i.kind == "meeting_decision"]


def test_the_agenda_is_drafted_again_keeping_the_offices_own_items(w):
    meeting = services.meeting_create(actor=w.office, month=in_days(0).replace(day=1))
    own = services_agenda.agenda_add(meeting=meeting, actor=w.office, text="研究奖励兑现")
    drafted = meeting.agenda.exclude(kind="other").count()
    services_agenda.agenda_edit(
        meeting=meeting, item=meeting.agenda.get(kind="figures"), actor=w.office, text="改过"
    )
    count = services_agenda.agenda_redraft(meeting=meeting, actor=w.office)
    items = list(meeting.agenda.order_by("order"))
    assert count == len(items) == drafted + 2  # the drafted 研究部署下月 item, and its own
    assert items[-1].pk == own.pk and items[-1].order == len(items)
    assert "在库项目 2 个" in meeting.agenda.get(kind="figures").text
    assert [i.order for i in items] == list(range(1, len(items) + 1))
