"""The demo's 月例会: 翔安区's meeting held last month, written through the services.

The office opened the meeting of the month before last (its agenda drafted from that
month's figures), held it early last month with the district leader in the chair, recorded
who came and who was away, the minutes, and three decisions: one on the district's largest
project in talks, issued as the leader's 督办; two tasks of units, one of them already closed
with a note. The minutes are settled (文号). The office's next click on 下月例会 opens last
month's meeting, whose agenda opens with the two decisions still open.
"""

import datetime as dt

from django.utils import timezone

from baton.accounts.models import User
from baton.meetings import services, services_decisions
from baton.meetings.models import Meeting
from baton.org.models import District, Person, Unit
from baton.projects.models import Project

from .builder import moment

MINUTES = (
    "会议听取了区招商办关于全区招商项目推进情况的汇报，各镇街、指挥部逐一汇报了重点项目"
    "进展和存在问题。\n"
    "会议指出，在谈项目要紧盯投资方决策节点，挂钩领导要亲自出面洽谈；连续30天无进展的项目，"
    "责任单位要说明原因、明确下步安排。\n"
    "会议要求，各单位对照议定事项抓好落实，按时限报送办理情况。"
)


def load_meetings(district: District, today: dt.date | None = None) -> int:
    """Record the demo's meeting in ``district`` once, by its office's demo account; return
    how many (none without that account)."""
    office = (
        User.objects.filter(role=User.Role.DISTRICT_OFFICE, district=district, is_active=True)
        .order_by("pk")
        .first()
    )
    if office is None or Meeting.objects.filter(district=district).exists():
        return 0
    today = today or timezone.localdate()
    last = today.replace(day=1) - dt.timedelta(days=1)
    held = last.replace(day=5)  # every step dated on the demo's clock, before its today
    month = (last.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    leader = (
        Person.objects.filter(district=district, level=Person.Level.DISTRICT_LEADER)
        .order_by("rank", "pk")
        .first()
    )
    units = list(
        Unit.objects.filter(district=district, is_active=True).promotion().order_by("order", "pk")
    )
    meeting = services.meeting_create(actor=office, month=month, at=moment(last.replace(day=1), 9))
    services.meeting_update(
        meeting=meeting,
        actor=office,
        title=meeting.title,
        date=held,
        time=dt.time(9, 0),
        place="区行政中心三楼会议室",
        chair=leader,
        at=moment(last.replace(day=2), 10),
    )
    if leader is not None:
        services.attendance_add(meeting=meeting, actor=office, person=leader, at=moment(held, 9))
    for unit in units[:5]:
        services.attendance_add(meeting=meeting, actor=office, unit=unit, at=moment(held, 9))
    if len(units) > 5:
        services.attendance_add(
            meeting=meeting,
            actor=office,
            unit=units[5],
            present=False,
            reason="外出招商",
            at=moment(held, 9),
        )
    services.minutes_save(meeting=meeting, actor=office, minutes=MINUTES, at=moment(held, 11))
    talks = (
        Project.objects.filter(
            district=district,
            review_state="admitted",
            stage__code="negotiating",
            updated_at__lt=moment(
                held, 11
            ),  # a 督办 is never dated before the project's last event
        )
        .order_by("-investment", "code")
        .first()
    )
    if talks is not None and leader is not None:
        services_decisions.decision_record(
            meeting=meeting,
            actor=office,
            text=f"由挂钩领导牵头，与投资方高层面谈，力争{talks.name}下月签约",
            deadline=today + dt.timedelta(days=20),
            project=talks,
            owner_person=leader,
            at=moment(held, 11, 10),
        )
    if len(units) > 1:
        done = services_decisions.decision_record(
            meeting=meeting,
            actor=office,
            text="梳理辖区闲置厂房和可用地块清单，报区招商办汇总",
            deadline=today + dt.timedelta(days=10),
            owner_unit=units[0],
            at=moment(held, 11, 20),
        )
        services_decisions.decision_close(
            decision=done,
            actor=office,
            note="已梳理闲置厂房 12 处、可用地块 5 宗，清单已报送。",
            at=moment(held + dt.timedelta(days=8), 16),
        )
        services_decisions.decision_record(
            meeting=meeting,
            actor=office,
            text="对连续30天无进展的项目逐个说明原因，提出盘活或退库意见",
            deadline=today + dt.timedelta(days=15),
            owner_unit=units[1],
            at=moment(held, 11, 30),
        )
    services.meeting_hold(meeting=meeting, actor=office, at=moment(held, 12))
    services.meeting_finalize(
        meeting=meeting, actor=office, at=moment(held + dt.timedelta(days=1), 15)
    )
    return 1
