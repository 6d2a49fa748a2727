"""The project page (projects:detail) shows this app's card and words its events, through
``baton.projects.hooks`` (projects does not import this app)."""

import datetime as dt

from django.urls import reverse

from baton.projects.tests.helpers_views import login
from baton.projects.tests.test_views_project_detail import text
from baton.supervision import services
from baton.supervision.models import LeaderAct
from baton.testing import make_project

TODAY = dt.date.today()


def test_it_shows_problems_supervisions_and_leader_acts(client, w):
    project = make_project(w, investor="投资方")
    problem = services.problem_open(
        project=project,
        actor=w.promoter,
        category="land",
        description="用地指标不足",
        responsible_unit=w.department,
        deadline=TODAY + dt.timedelta(days=10),
    )
    services.supervision_issue(
        project=project,
        actor=w.leader,
        leader=w.leader_person,
        instruction="月底前解决用地",
        deadline=TODAY + dt.timedelta(days=20),
        problem=problem,
    )
    services.leader_act_record(
        project=project,
        actor=w.leader,
        leader=w.leader_person,
        kind=LeaderAct.Kind.INSPECT,
        date=TODAY,
        note="现场考察",
    )
    services.problem_update(problem=problem, actor=w.office, status="in_progress")
    login(client, w.promoter)

    page = text(client.get(reverse("projects:detail", args=[project.code])))

    # The card, with its rows and the actions the promoter may take.
    assert "存在问题与督办" in page and "＋ 登记问题" in page
    assert "用地指标不足" in page and "责任单位 区工信局" in page
    assert "月底前解决用地" in page and "陈立新" in page
    assert "现场考察" in page and "考察" in page
    # The timeline's wording of these events.
    assert "提出问题：用地保障" in page
    assert "问题状态：待解决 → 协调中 用地保障：用地指标不足" in page
    assert "陈立新督办" in page
    assert "领导活动：陈立新考察" in page


def test_the_card_is_the_fragment_the_card_reloads_itself_with(client, w):
    project = make_project(w)
    login(client, w.office)

    page = client.get(reverse("projects:detail", args=[project.code])).text

    assert 'id="project-problems"' in page
    assert reverse("supervision:project_problems", args=[project.code]) in page
    assert reverse("supervision:supervision_new", args=[project.code]) in page
