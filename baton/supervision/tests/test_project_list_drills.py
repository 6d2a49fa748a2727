"""The project list's drill-downs by this app's rows (``open_problem``, ``acted_by``),
registered in ``baton.projects.hooks``: the list shows the projects the cockpit counts."""

import datetime as dt

from django.utils import timezone

from baton.projects.listing import drill_caption, project_page
from baton.projects.tests.helpers_views import HTMX, login
from baton.supervision import services
from baton.supervision.models import LeaderAct
from baton.testing import admit, at, make_project

T0 = at(2024, 3, 1)
T1 = at(2024, 3, 5)
D = dt.date(2024, 3, 10)


def codes(page) -> set[str]:
    return {p.code for p in page.rows}


def test_open_problem_lists_the_projects_paused_by_a_problem_open_that_day(w):
    paused = make_project(w, name="等待用地的项目", at=T0)
    running = make_project(w, name="顺利推进的项目", at=T0)
    for project in (paused, running):
        admit(w, project, when=T0)
    services.problem_open(
        project=paused,
        actor=w.promoter,
        category="land",
        description="用地指标尚未落实",
        responsible_unit=w.department,
        deadline=D,
        at=T1,
    )

    listed = project_page(user=w.office, filters={"as_of": D, "open_problem": True})
    others = project_page(user=w.office, filters={"as_of": D, "open_problem": False})

    assert codes(listed) == {paused.code}
    assert running.code in codes(others) and paused.code not in codes(others)


def test_acted_by_lists_the_projects_a_leader_acted_on_in_the_window(w):
    visited = make_project(w, name="领导考察过的项目", at=T0)
    make_project(w, name="无人问津的项目", at=T0)
    admit(w, visited, when=T0)
    services.leader_act_record(
        project=visited,
        actor=w.leader,
        leader=w.leader_person,
        kind=LeaderAct.Kind.INSPECT,
        date=dt.date(2024, 3, 4),
        at=T1,
    )
    window = {"since": dt.date(2024, 3, 1), "until": D}

    by_him = project_page(user=w.office, filters={**window, "acted_by": w.leader_person.pk})
    by_any = project_page(user=w.office, filters={**window, "acted_by": "all"})

    assert codes(by_him) == codes(by_any) == {visited.code}
    assert drill_caption(by_any.filters).endswith("领导亲自推介、洽谈、考察、协调或督办过的项目")


def test_the_list_page_of_all_leaders_acts_answers(client, w):
    # The cockpit links its 领导活动 total here with acted_by=all.
    login(client, w.office)
    until = timezone.localdate().isoformat()
    query = f"/projects/?acted_by=all&since=2024-01-01&until={until}"

    assert client.get(query).status_code == 200
    assert client.get(query, **HTMX).status_code == 200
