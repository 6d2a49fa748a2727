import datetime as dt

import pytest

from baton.org.models import Person, Unit
from baton.projects.models import ProjectEvent
from baton.projects.tests.helpers import kinds
from baton.supervision import services
from baton.supervision.models import LeaderAct, Problem, Supervision
from baton.supervision.tests.helpers import refused
from baton.testing import at, make_project

Kind = ProjectEvent.Kind
T0 = at(2024, 3, 1)
T1 = at(2024, 3, 5)
DEADLINE = dt.date(2024, 4, 30)


@pytest.fixture
def project(w):
    return make_project(w, name="新能源电池项目", at=T0)


def open_problem(w, project, **kwargs):
    return services.problem_open(
        **{
            "project": project,
            "actor": w.promoter,
            "category": Problem.Category.LAND,
            "description": "用地指标尚未落实",
            "responsible_unit": w.department,
            "deadline": DEADLINE,
            "at": T1,
            **kwargs,
        }
    )


def test_it_opens_a_problem_with_its_event(w, project):
    problem = open_problem(w, project)
    assert (problem.status, problem.responsible_unit, problem.district) == (
        Problem.Status.OPEN,
        w.department,
        w.district,
    )
    event = project.events.last()
    assert event.kind == Kind.PROBLEM and event.reason == "用地指标尚未落实"
    assert event.new == {
        "problem": problem.pk,
        "category": "land",
        "status": "open",
        "responsible_unit": w.department.pk,
        "deadline": "2024-04-30",
    }
    project.refresh_from_db()
    assert project.updated_at == T1 and project.version == 1


def test_it_refuses_a_unit_of_another_district(w, project):
    with refused("“同安区招商办”不是翔安区的单位。", project=project, field="responsible_unit"):
        open_problem(w, project, responsible_unit=w.tongan_unit)


def test_it_refuses_a_past_deadline_and_an_empty_description(w, project):
    with refused("办结时限不能早于今天。", project=project, field="deadline"):
        open_problem(w, project, deadline=dt.date(2024, 3, 4))
    with refused("问题描述不能为空。", project=project):
        open_problem(w, project, description="  ")


def test_it_moves_a_problem_on_and_needs_a_note_to_resolve(w, project):
    problem = open_problem(w, project)
    services.problem_update(problem=problem, actor=w.promoter, status="in_progress", at=T1)
    with refused("办理情况不能为空。", project=project):
        services.problem_update(problem=problem, actor=w.promoter, status="resolved", at=T1)
    services.problem_update(
        problem=problem, actor=w.promoter, status="resolved", note="已调剂用地指标", at=T1
    )
    problem.refresh_from_db()
    assert problem.status == "resolved" and problem.resolution == "已调剂用地指标"
    assert problem.resolved_at == T1
    assert kinds(project)[-3:] == [Kind.PROBLEM, Kind.PROBLEM, Kind.PROBLEM]
    last = project.events.last()
    assert last.old == {"problem": problem.pk, "status": "in_progress"}
    assert last.new == {"problem": problem.pk, "status": "resolved"}


def test_it_refuses_a_step_that_is_not_allowed(w, project):
    problem = open_problem(w, project)
    services.problem_update(problem=problem, actor=w.promoter, status="closed", note="撤销", at=T1)
    with refused("问题当前为“已关闭”，不能改为“协调中”。", project=project):
        services.problem_update(problem=problem, actor=w.promoter, status="in_progress", at=T1)


def test_a_leader_supervises_and_it_counts_as_an_act(w, project):
    problem = open_problem(w, project)
    supervision = services.supervision_issue(
        project=project,
        actor=w.leader,
        leader=w.leader_person,
        instruction="两周内落实用地",
        deadline=DEADLINE,
        problem=problem,
        at=T1,
    )
    assert supervision.status == Supervision.Status.ACTIVE
    act = LeaderAct.objects.get(project=project)
    assert (act.kind, act.leader, act.date) == ("supervise", w.leader_person, T1.date())
    assert project.events.last().kind == Kind.SUPERVISED


def test_it_refuses_to_supervise_a_closed_problem(w, project):
    problem = open_problem(w, project)
    services.problem_update(problem=problem, actor=w.promoter, status="closed", note="撤销", at=T1)
    with refused("该问题已关闭，无需督办。", project=project, field="problem"):
        services.supervision_issue(
            project=project,
            actor=w.leader,
            leader=w.leader_person,
            instruction="督办",
            deadline=DEADLINE,
            problem=problem,
            at=T1,
        )


def test_it_refuses_a_person_who_is_not_a_leader(w, project):
    staff = Person.objects.create(name="张三", city=w.city, district=w.district, unit=w.town)
    with refused("请选择在册的区或市领导。", project=project, field="leader"):
        services.leader_act_record(
            project=project,
            actor=w.office,
            leader=staff,
            kind="inspect",
            date=dt.date(2024, 3, 4),
            at=T1,
        )


def test_it_logs_a_leader_act(w, project):
    act = services.leader_act_record(
        project=project,
        actor=w.leader,
        leader=w.leader_person,
        kind="negotiate",
        date=dt.date(2024, 3, 4),
        note="与投资方高层洽谈",
        at=T1,
    )
    event = project.events.last()
    assert event.kind == Kind.LEADER_ACT and event.reason == "与投资方高层洽谈"
    assert event.new == {
        "act": act.pk,
        "leader": w.leader_person.pk,
        "kind": "negotiate",
        "date": "2024-03-04",
    }


def test_it_refuses_an_unknown_act_kind_and_a_future_date(w, project):
    with refused("活动类型无效。", project=project, field="kind"):
        services.leader_act_record(
            project=project,
            actor=w.leader,
            leader=w.leader_person,
            kind="dance",
            date=dt.date(2024, 3, 4),
            at=T1,
        )
    with refused("日期不能晚于今天。", project=project, field="date"):
        services.leader_act_record(
            project=project,
            actor=w.leader,
            leader=w.leader_person,
            kind="inspect",
            date=dt.date(2999, 1, 1),
            at=T1,
        )


def test_the_responsible_unit_reports_on_a_supervision_of_its_problem(w, project):
    from baton.supervision.permissions import can_report_supervision, can_sign_off
    from baton.testing import make_user

    problem = open_problem(w, project)
    supervision = services.supervision_issue(
        project=project,
        actor=w.leader,
        leader=w.leader_person,
        instruction="督办",
        deadline=DEADLINE,
        problem=problem,
        at=T1,
    )
    dept_staff = make_user("unit_staff", unit=w.department)
    assert can_report_supervision(dept_staff, supervision)
    assert not can_sign_off(dept_staff, supervision)
    assert not can_report_supervision(w.other_promoter, supervision)
    assert not can_report_supervision(w.promoter, supervision)  # holds the project only
    assert Unit.objects.filter(pk=w.department.pk).exists()
