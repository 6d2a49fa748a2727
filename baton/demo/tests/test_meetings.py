"""The demo's 月例会: held last month, three decisions (a 督办, a closed task, an open
task), minutes settled; the office's 下月例会 opens with the two still open."""

from baton.demo.tests.snapshot import load_demo_once
from baton.meetings import services
from baton.meetings.models import Decision, Meeting
from baton.org.models import District


def test_the_demo_has_a_meeting_held_last_month(db):
    load_demo_once()
    xa = District.objects.get(name="翔安区")
    meeting = Meeting.objects.get(district=xa)
    assert meeting.status == Meeting.Status.FINAL and meeting.number
    assert meeting.attendance.filter(present=False).exclude(reason="").count() == 1
    decisions = list(Decision.objects.filter(meeting=meeting).order_by("number"))
    assert len(decisions) == 3
    assert decisions[0].supervision is not None and decisions[0].is_open
    assert [d.is_open for d in decisions[1:]] == [False, True]
    office = meeting.created_by
    following = services.meeting_create(actor=office)
    carried = [i.decision_id for i in following.agenda.filter(kind="carried").order_by("order")]
    assert carried == [decisions[0].pk, decisions[2].pk]
