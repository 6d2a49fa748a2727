"""A 翔安 world where every kind of to-do item waits for someone, dated in 2024."""

import datetime as dt
from types import SimpleNamespace

from baton.projects import services
from baton.supervision import services as supervision
from baton.testing import admit, at, make_project

TODAY = dt.date(2024, 6, 28)


def make_todo_world(w) -> SimpleNamespace:
    """Return the projects and rows of one item of each kind.

        马巷街道 (``promoter``): a draft, a returned project, a project idle since March with an
        open problem on it that 新店街道 must solve (overdue) and a 督办 on it (due later).
        新店街道: a project submitted in June (for the office), one district-approved (for the
        city), an active project (a note in June), and a draft it offered 马巷 on 20 June that
    马巷 has not accepted.
    """
    t = SimpleNamespace()
    t.draft = make_project(w, name="马巷草稿项目", at=at(2024, 6, 1))
    t.returned = make_project(w, name="马巷退回项目", at=at(2024, 5, 1))
    services.project_submit(project=t.returned, actor=w.promoter, at=at(2024, 5, 2))
    services.project_review(
        project=t.returned, actor=w.office, approve=False, reason="投资额需核实", at=at(2024, 5, 3)
    )
    t.idle = make_project(w, name="马巷停滞项目", at=at(2024, 3, 1))
    admit(w, t.idle, when=at(2024, 3, 2))
    t.problem = supervision.problem_open(
        project=t.idle,
        actor=w.office,
        category="land",
        description="用地指标尚未落实",
        responsible_unit=w.other_town,
        deadline=dt.date(2024, 3, 20),
        at=at(2024, 3, 3),
    )
    t.supervision = supervision.supervision_issue(
        project=t.idle,
        actor=w.leader,
        leader=w.leader_person,
        instruction="月底前提交推进方案",
        deadline=dt.date(2024, 7, 15),
        at=at(2024, 6, 20),
    )
    t.submitted = make_project(w, unit=w.other_town, actor=w.other_promoter, at=at(2024, 6, 3))
    services.project_submit(project=t.submitted, actor=w.other_promoter, at=at(2024, 6, 4))
    t.approved = make_project(w, unit=w.other_town, actor=w.other_promoter, at=at(2024, 6, 5))
    services.project_submit(project=t.approved, actor=w.other_promoter, at=at(2024, 6, 6))
    services.project_review(project=t.approved, actor=w.office, approve=True, at=at(2024, 6, 7))
    t.active = make_project(w, unit=w.other_town, actor=w.other_promoter, at=at(2024, 3, 1))
    admit(w, t.active, when=at(2024, 3, 2))
    services.note_add(project=t.active, actor=w.other_promoter, text="电话回访", at=at(2024, 6, 10))
    # Offered to 马巷 on Thursday 20 June: due by the third working day, Tuesday 25 June.
    t.handed = make_project(w, unit=w.other_town, actor=w.other_promoter, at=at(2024, 6, 19))
    services.project_handoff(
        project=t.handed,
        to_unit=w.town,
        actor=w.other_promoter,
        reason="项目选址在马巷，移交马巷街道推进",
        at=at(2024, 6, 20),
    )
    t.idle.leader = w.leader_person
    t.idle.save(update_fields=["leader"])
    return t
