"""Who is told what: each event's notices go to the right people of the right district."""

import datetime as dt

import pytest
from django.utils import timezone

from baton.accounts.models import User
from baton.notices.models import Notice
from baton.projects import services
from baton.supervision import services as supervision
from baton.supervision.models import Problem
from baton.testing import admit, make_project, make_user

T0 = timezone.now() - dt.timedelta(days=1)
DEADLINE = timezone.localdate() + dt.timedelta(days=30)
Kind = Notice.Kind


def told(user) -> list[tuple[str, str]]:
    return list(Notice.objects.filter(recipient=user).order_by("id").values_list("kind", "title"))


@pytest.fixture
def project(w):
    return make_project(w, name="新能源电池项目", at=T0)


def test_a_submission_tells_the_district_office_only(w, project):
    services.project_submit(project=project, actor=w.promoter, at=T0)
    assert told(w.office) == [(Kind.SUBMITTED, "项目待审核")]
    notice = Notice.objects.get(recipient=w.office)
    assert "新能源电池项目" in notice.body and notice.project_code == project.code
    assert notice.url == f"/projects/{project.code}/review/"
    # Nobody else: not the submitter, not another district's office, not the city yet.
    for user in (w.promoter, w.tongan_office, w.reviewer, w.other_promoter, w.sys_admin):
        assert told(user) == []


def test_two_level_review_tells_the_city_then_the_holder(w, project):
    services.project_submit(project=project, actor=w.promoter, at=T0)
    services.project_review(project=project, actor=w.office, approve=True, at=T0)
    assert told(w.reviewer) == [(Kind.SUBMITTED, "项目待审核入库")]
    assert told(w.promoter) == []
    services.project_review(project=project, actor=w.reviewer, approve=True, at=T0)
    assert told(w.promoter) == [(Kind.ADMITTED, "项目已审核入库")]
    assert told(w.other_promoter) == []


def test_a_return_tells_the_holder_unit_with_the_reason(w, project):
    colleague = make_user(User.Role.UNIT_STAFF, unit=w.town)
    services.project_submit(project=project, actor=w.promoter, at=T0)
    services.project_review(
        project=project, actor=w.office, approve=False, reason="投资额有误", at=T0
    )
    for user in (w.promoter, colleague):
        assert told(user) == [(Kind.RETURNED, "项目被退回修改")]
    assert "投资额有误" in Notice.objects.filter(recipient=w.promoter).get().body


def test_the_offices_handoff_tells_the_receiving_unit(w, project):
    admit(w, project, when=T0)
    Notice.objects.all().delete()
    receiver = make_user(User.Role.UNIT_STAFF, unit=w.headquarters)
    disabled = make_user(User.Role.UNIT_STAFF, unit=w.headquarters, is_active=False)
    services.project_handoff(
        project=project, to_unit=w.headquarters, actor=w.office, reason="进入落地阶段", at=T0
    )
    assert told(receiver) == [(Kind.HANDED_OFF, "有项目交接给您单位")]
    assert "马巷街道" in Notice.objects.get(recipient=receiver).body
    for user in (w.promoter, disabled, w.other_promoter, w.office):
        assert told(user) == []


def test_supervision_tells_the_unit_and_its_sign_off_tells_each_side(w, project):
    admit(w, project, when=T0)
    Notice.objects.all().delete()
    issued = supervision.supervision_issue(
        project=project,
        actor=w.office,
        leader=w.leader_person,
        instruction="月底前完成供地",
        deadline=DEADLINE,
        at=T0,
    )
    assert told(w.promoter) == [(Kind.SUPERVISED, "领导督办事项")]
    assert "月底前完成供地" in Notice.objects.get(recipient=w.promoter).body
    assert told(w.office) == []  # the issuer is not told of their own act
    supervision.supervision_report(supervision=issued, actor=w.promoter, response="已供地", at=T0)
    # The report waits for the leader: the leader and whoever recorded the 督办 are told.
    assert told(w.leader) == [(Kind.SUPERVISION_ANSWERED, "督办待确认办结")]
    assert told(w.office) == [(Kind.SUPERVISION_ANSWERED, "督办待确认办结")]
    supervision.supervision_return(supervision=issued, actor=w.leader, reason="缺供地批文", at=T0)
    assert told(w.promoter)[-1] == (Kind.SUPERVISED, "督办被退回")
    assert "缺供地批文" in Notice.objects.get(recipient=w.promoter, title="督办被退回").body
    supervision.supervision_report(supervision=issued, actor=w.promoter, response="附批文", at=T0)
    supervision.supervision_close(supervision=issued, actor=w.office, at=T0)
    assert told(w.promoter)[-1] == (Kind.SUPERVISION_ANSWERED, "督办已办结")
    assert told(w.other_promoter) == [] and told(w.tongan_office) == []


def test_a_problem_tells_the_responsible_unit_once(w, project):
    admit(w, project, when=T0)
    Notice.objects.all().delete()
    staff = make_user(User.Role.UNIT_STAFF, unit=w.department)
    problem = supervision.problem_open(
        project=project,
        actor=w.promoter,
        category=Problem.Category.LAND,
        description="用地指标尚未落实",
        responsible_unit=w.department,
        deadline=DEADLINE,
        at=T0,
    )
    assert told(staff) == [(Kind.PROBLEM, "有问题交由您单位解决")]
    supervision.problem_update(
        problem=problem, actor=staff, status=Problem.Status.IN_PROGRESS, note="协调中", at=T0
    )
    assert len(told(staff)) == 1  # a status change tells nobody
    assert told(w.promoter) == []


def test_a_rolled_back_change_leaves_no_notice(w, project):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.project_submit(project=project, actor=w.promoter, at=T0)
        raise RuntimeError
    assert not Notice.objects.exists()


def test_history_written_back_dated_tells_nobody(w):
    long_ago = timezone.now() - dt.timedelta(days=400)
    project = make_project(w, at=long_ago)
    services.project_submit(project=project, actor=w.promoter, at=long_ago)
    assert not Notice.objects.exists()
