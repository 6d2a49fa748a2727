"""A unit's handoff waits for the receiving unit: asked, accepted, declined, withdrawn."""

import datetime as dt

import pytest
from django.utils import timezone

from baton.accounts.models import User
from baton.notices.models import Notice
from baton.projects import services
from baton.testing import admit, make_project, make_user

T0 = timezone.now() - dt.timedelta(days=1)
Kind = Notice.Kind


def told(user) -> list[str]:
    return list(
        Notice.objects.filter(recipient=user).order_by("id").values_list("title", flat=True)
    )


@pytest.fixture
def asked(w):
    project = admit(w, make_project(w, name="新能源电池项目", at=T0), when=T0)
    Notice.objects.all().delete()
    w.receiver = make_user(User.Role.UNIT_STAFF, unit=w.headquarters)
    services.project_handoff(
        project=project, to_unit=w.headquarters, actor=w.promoter, reason="进入落地阶段", at=T0
    )
    return project


def test_the_request_tells_the_receiving_unit(w, asked):
    assert told(w.receiver) == ["有项目待您单位接收"]
    body = Notice.objects.get(recipient=w.receiver).body
    assert "马巷街道" in body and "进入落地阶段" in body
    assert told(w.promoter) == [] and told(w.other_promoter) == []


def test_acceptance_tells_the_giving_unit(w, asked):
    services.handoff_accept(project=asked, actor=w.receiver, at=T0)
    assert told(w.promoter) == ["交接已被接收"]
    assert "新机场片区指挥部已接收" in Notice.objects.get(recipient=w.promoter).body
    assert told(w.receiver) == ["有项目待您单位接收"]  # not told of their own act


def test_a_refusal_tells_the_giving_unit_why(w, asked):
    services.handoff_decline(project=asked, actor=w.receiver, reason="不属本单位职责", at=T0)
    notice = Notice.objects.get(recipient=w.promoter)
    assert notice.title == "交接被拒绝" and "不属本单位职责" in notice.body
    assert notice.kind == Kind.HANDOFF_ANSWERED


def test_a_withdrawal_tells_the_unit_that_was_asked(w, asked):
    services.handoff_withdraw(project=asked, actor=w.promoter, at=T0)
    assert told(w.receiver) == ["有项目待您单位接收", "交接已撤回"]
