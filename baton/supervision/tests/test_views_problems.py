"""存在问题与督办: the project's section, the dialogs that write, the scoped list, 工作台."""

import datetime as dt
import json

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from baton.accounts.models import User
from baton.org.models import Person
from baton.projects.models import ProjectEvent
from baton.projects.tests.helpers_views import HTMX, login
from baton.supervision import services
from baton.supervision import views as problem_views
from baton.supervision.models import LeaderAct, Problem, Supervision
from baton.supervision.tests.helpers import db_state as state
from baton.testing import at, make_project, make_user

T0 = at(2024, 3, 1)
LIST = reverse("supervision:problems")


def today() -> dt.date:
    return timezone.localdate()


def later(days: int = 14) -> str:
    return (today() + dt.timedelta(days=days)).isoformat()


def section(project) -> str:
    return reverse("supervision:project_problems", args=[project.code])


def new_problem(project) -> str:
    return reverse("supervision:problem_new", args=[project.code])


def update(problem) -> str:
    return reverse("supervision:problem_update", args=[problem.pk])


def supervise(project) -> str:
    return reverse("supervision:supervision_new", args=[project.code])


def open_problem(w, project, *, unit=None, when=None, deadline=None, category="land", text=None):
    return services.problem_open(
        project=project,
        actor=w.promoter,
        category=category,
        description=text or "用地指标尚未落实",
        responsible_unit=unit or w.town,
        deadline=deadline or today() + dt.timedelta(days=30),
        at=when,
    )


@pytest.fixture
def project(w):
    return make_project(w, name="马巷新能源电池项目", at=T0)


@pytest.fixture
def overdue(w, project):
    """A 用地 problem opened in March 2024, due ten days later: long overdue."""
    return open_problem(w, project, when=at(2024, 3, 2), deadline=dt.date(2024, 3, 12))


@pytest.fixture
def for_department(w, project):
    """A problem on 马巷's project that 区工信局 must solve."""
    return open_problem(w, project, unit=w.department, category="approval", text="环评审批待加快")


@pytest.fixture
def supervision(w, project, overdue):
    return services.supervision_issue(
        project=project,
        actor=w.leader,
        leader=w.leader_person,
        instruction="两周内落实用地指标",
        deadline=today() + dt.timedelta(days=14),
        problem=overdue,
    )


def triggers(response) -> set[str]:
    return set(json.loads(response["HX-Trigger"]))


def outside(persona: str) -> int:
    """Another unit or district: 404, the project is not there for them; an administrator:
    403, they get no business page (三员分立)."""
    return 403 if persona.endswith("_admin") else 404


# --- the project's section -----------------------------------------------------------


def test_it_shows_a_projects_problems_supervisions_and_acts(client, w, project, supervision):
    services.leader_act_record(
        project=project, actor=w.leader, leader=w.leader_person, kind="inspect", date=today()
    )

    response = login(client, w.promoter).get(section(project))

    assert response.status_code == 200
    text = response.content.decode()
    for shown in ("用地指标尚未落实", "已逾期", "陈立新", "两周内落实用地指标", "考察", "马巷街道"):
        assert shown in text
    assert response.templates[0].name == "supervision/problem_project.html"


def test_it_answers_htmx_with_the_section_only(client, w, project, overdue):
    response = login(client, w.promoter).get(section(project), **HTMX)

    assert response.templates[0].name == "supervision/_project_problems.html"
    assert "<html" not in response.content.decode()
    assert 'hx-trigger="problemsChanged from:body"' in response.content.decode()


def test_the_section_loads_itself_when_the_project_page_gives_only_the_project(w, project):
    request = RequestFactory().get("/projects/x/")
    request.user = w.promoter

    html = render_to_string(
        "supervision/_project_problems.html", {"project": project}, request=request
    )

    assert 'hx-trigger="load, problemsChanged from:body"' in html
    assert section(project) in html


@pytest.mark.parametrize(
    ("persona", "buttons"),
    [
        ("promoter", {"登记问题"}),
        ("office", {"登记问题", "督办", "记录领导活动"}),
        ("leader", {"登记问题", "督办", "记录领导活动"}),
        ("reviewer", set()),
    ],
)
def test_it_offers_the_actions_the_user_may_take(client, w, project, persona, buttons):
    html = login(client, getattr(w, persona)).get(section(project)).content.decode()

    offered = {label for label in ("登记问题", "督办", "记录领导活动") if f"{label}</a>" in html}
    assert offered == buttons


@pytest.mark.parametrize("persona", ["other_promoter", "tongan_office", "sys_admin", "audit_admin"])
def test_it_denies_the_section_to_another_unit(client, w, project, overdue, persona):
    assert login(client, getattr(w, persona)).get(section(project)).status_code == outside(persona)


def test_it_rejects_the_wrong_method_on_the_section(client, w, project):
    assert login(client, w.promoter).post(section(project)).status_code == 405


# --- opening a problem ---------------------------------------------------------------


def test_it_opens_a_problem_and_goes_back(client, w, project):
    back = reverse("projects:detail", args=[project.code])
    data = {
        "category": "planning",
        "description": "  规划调整待批复  ",
        "responsible_unit": w.department.pk,
        "deadline": later(),
        "next": back,
    }

    response = login(client, w.promoter).post(new_problem(project), data)

    assert response.status_code == 302
    assert response.url == back
    problem = project.problems.get()
    assert (problem.category, problem.description) == ("planning", "规划调整待批复")
    assert (problem.responsible_unit, problem.created_by) == (w.department, w.promoter)
    assert project.events.filter(kind=ProjectEvent.Kind.PROBLEM).count() == 1


def test_it_opens_a_problem_in_a_dialog(client, w, project):
    login(client, w.office)

    form = client.get(new_problem(project), **HTMX)
    assert form.templates[0].name == "supervision/_problem_form.html"
    assert "<html" not in form.content.decode()
    assert "data-close-dialog" in form.content.decode()

    data = {"category": "land", "description": "用地", "responsible_unit": w.town.pk}
    done = client.post(new_problem(project), {**data, "deadline": later()}, **HTMX)

    assert done.status_code == 204
    assert triggers(done) == {"closeDialog", "showMessage", "problemsChanged"}
    assert project.problems.count() == 1


def test_it_shows_the_form_as_a_page_without_htmx(client, w, project):
    response = login(client, w.promoter).get(new_problem(project))

    assert response.status_code == 200
    text = response.content.decode()
    assert "<html" in text and "登记存在问题" in text
    assert "新店街道" in text and "同安区招商办" not in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "请选择问题类别。"),
        ({"category": "weather"}, "所选项无效，请重新选择。"),
        ({"description": "   "}, "请填写问题描述。"),
        ({"description": "长" * 2001}, "问题描述不能超过 2000 个字。"),
        ({"deadline": "2024-13-45"}, "日期格式不正确，应为 年-月-日"),
        ({"deadline": "2020-01-01"}, "办结时限不能早于今天。"),
        ({"deadline": "2099-01-01"}, "办结时限不能超过三年。"),
        ({"responsible_unit": "abc"}, "所选项无效，请重新选择。"),
        ({"responsible_unit": "999999"}, "所选项无效，请重新选择。"),
    ],
)
def test_it_refuses_bad_input_in_chinese_and_changes_nothing(client, w, project, data, message):
    good = {
        "category": "land",
        "description": "用地",
        "responsible_unit": w.town.pk,
        "deadline": later(),
    }
    login(client, w.promoter)
    before = state()

    response = client.post(new_problem(project), {**good, **data} if data else {})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert state() == before


def test_it_refuses_a_unit_of_another_district(client, w, project):
    login(client, w.promoter)
    data = {"category": "land", "description": "用地", "deadline": later()}

    response = client.post(new_problem(project), {**data, "responsible_unit": w.tongan_unit.pk})

    assert response.status_code == 400
    assert not Problem.objects.exists()


def test_it_ignores_a_next_address_elsewhere(client, w, project):
    data = {
        "category": "land",
        "description": "用地",
        "responsible_unit": w.town.pk,
        "deadline": later(),
        "next": "https://evil.example/",
    }

    response = login(client, w.promoter).post(new_problem(project), data)

    assert response.url == section(project)


@pytest.mark.parametrize("persona", ["other_promoter", "tongan_office", "sys_admin"])
def test_it_denies_opening_a_problem_to_another_unit(client, w, project, persona):
    login(client, getattr(w, persona))
    data = {"category": "land", "description": "x", "responsible_unit": w.town.pk}

    assert client.get(new_problem(project)).status_code == outside(persona)
    posted = client.post(new_problem(project), {**data, "deadline": later()})
    assert posted.status_code == outside(persona)
    assert not Problem.objects.exists()


def test_it_refuses_the_city_reviewer_who_only_reads(client, w, project):
    response = login(client, w.reviewer).get(new_problem(project))

    assert response.status_code == 403
    assert "无权" in response.content.decode()


def test_it_refuses_in_the_dialog_when_htmx_asks(client, w, project):
    response = login(client, w.reviewer).get(new_problem(project), **HTMX)

    assert response.status_code == 403
    assert "<html" not in response.content.decode()
    assert "dialog-head" in response.content.decode()


@pytest.mark.parametrize("method", ["put", "delete"])
def test_it_rejects_the_wrong_method_on_opening(client, w, project, method):
    assert getattr(login(client, w.promoter), method)(new_problem(project)).status_code == 405


# --- moving a problem on -------------------------------------------------------------


def test_it_moves_a_problem_through_its_states(client, w, project, overdue):
    login(client, w.promoter)

    client.post(update(overdue), {"status": "in_progress"})
    overdue.refresh_from_db()
    assert overdue.status == Problem.Status.IN_PROGRESS

    client.post(update(overdue), {"status": "resolved", "note": "已调剂用地指标"})
    overdue.refresh_from_db()
    assert (overdue.status, overdue.resolution) == ("resolved", "已调剂用地指标")
    assert overdue.resolved_at is not None

    client.post(update(overdue), {"status": "open", "note": "指标被收回"})
    overdue.refresh_from_db()
    assert (overdue.status, overdue.resolved_at) == ("open", None)

    client.post(update(overdue), {"status": "closed", "note": "项目改址"})
    overdue.refresh_from_db()
    assert overdue.status == Problem.Status.CLOSED


@pytest.mark.parametrize("status", ["resolved", "closed"])
def test_it_needs_a_note_to_resolve_or_close(client, w, project, overdue, status):
    login(client, w.promoter)
    before = state()

    response = client.post(update(overdue), {"status": status, "note": "  "})

    assert response.status_code == 400
    assert "请说明办理情况或原因" in response.content.decode()
    assert state() == before


def test_it_offers_only_the_steps_allowed_from_the_current_status(client, w, project, overdue):
    services.problem_update(problem=overdue, actor=w.promoter, status="resolved", note="已解决")
    login(client, w.promoter)

    form = client.get(update(overdue)).context["form"]
    refused = client.post(update(overdue), {"status": "in_progress"})

    assert [value for value, _ in form.fields["status"].choices] == ["open"]
    assert refused.status_code == 400
    assert "所选项无效" in refused.content.decode()


def test_it_lets_the_responsible_unit_move_a_problem_on_another_units_project(
    client, w, for_department
):
    staff = login(client, make_user(User.Role.UNIT_STAFF, unit=w.department))

    response = staff.post(update(for_department), {"status": "in_progress"}, **HTMX)

    assert response.status_code == 204
    for_department.refresh_from_db()
    assert for_department.status == Problem.Status.IN_PROGRESS


def test_it_refuses_the_holder_a_problem_another_unit_must_solve(client, w, for_department):
    login(client, w.promoter)
    before = state()

    response = client.post(update(for_department), {"status": "in_progress"})

    assert response.status_code == 403
    assert "只有责任单位或区招商办" in response.content.decode()
    assert state() == before


@pytest.mark.parametrize("persona", ["other_promoter", "tongan_office", "audit_admin"])
def test_it_denies_moving_a_problem_to_another_unit(client, w, overdue, persona):
    login(client, getattr(w, persona))

    assert client.get(update(overdue)).status_code == outside(persona)
    assert client.post(update(overdue), {"status": "in_progress"}).status_code == outside(persona)


@pytest.mark.parametrize("pk", ["999999"])
def test_it_answers_an_unknown_problem_with_a_404(client, w, pk):
    assert login(client, w.office).get(f"/projects/problems/{pk}/update/").status_code == 404


def test_it_rejects_the_wrong_method_on_moving(client, w, overdue):
    assert login(client, w.promoter).put(update(overdue)).status_code == 405


# --- 督办 ------------------------------------------------------------------------------


def test_a_leader_supervises_in_person(client, w, project, overdue):
    data = {"problem": overdue.pk, "instruction": "本周内召开协调会", "deadline": later(7)}

    response = login(client, w.leader).post(supervise(project), data)

    assert response.status_code == 302
    supervision = Supervision.objects.get()
    assert (supervision.leader, supervision.problem, supervision.issued_by) == (
        w.leader_person,
        overdue,
        w.leader,
    )
    assert LeaderAct.objects.get().kind == LeaderAct.Kind.SUPERVISE


def test_a_leader_is_not_asked_who_supervises(client, w, project):
    form = login(client, w.leader).get(supervise(project), **HTMX)

    assert "leader" not in form.context["form"].fields
    assert "督办领导：陈立新" in form.content.decode()


def test_the_office_records_a_supervision_for_a_chosen_leader(client, w, project):
    mayor = Person.objects.create(
        name="李国强", title="副市长", level=Person.Level.CITY_LEADER, city=w.city
    )
    login(client, w.office)
    data = {"instruction": "加快推进签约", "deadline": later(10)}

    missing = client.post(supervise(project), data)
    done = client.post(supervise(project), {**data, "leader": mayor.pk}, **HTMX)

    assert missing.status_code == 400
    assert "请选择督办领导。" in missing.content.decode()
    assert done.status_code == 204
    supervision = Supervision.objects.get()
    assert (supervision.leader, supervision.problem, supervision.issued_by) == (
        mayor,
        None,
        w.office,
    )


def test_the_office_chooses_only_leaders_of_the_district_or_city(client, w, project):
    staff = Person.objects.create(name="张三", city=w.city, district=w.district)
    tongan = Person.objects.create(
        name="同安区长",
        level=Person.Level.DISTRICT_LEADER,
        city=w.city,
        district=w.other_district,
    )
    login(client, w.office)

    form = client.get(supervise(project)).context["form"]
    refused = client.post(
        supervise(project), {"leader": tongan.pk, "instruction": "x", "deadline": later()}
    )

    assert list(form.fields["leader"].queryset) == [w.leader_person]
    assert staff not in form.fields["leader"].queryset
    assert refused.status_code == 400
    assert not Supervision.objects.exists()


def test_it_preselects_the_problem_to_supervise(client, w, project, overdue):
    form = login(client, w.leader).get(supervise(project), {"problem": overdue.pk})

    assert f'<option value="{overdue.pk}" selected>' in form.content.decode()


def test_it_refuses_a_problem_of_another_project(client, w, project):
    other = make_project(w, name="另一个项目", at=T0)
    foreign = open_problem(w, other)
    login(client, w.leader)

    response = client.post(
        supervise(project), {"problem": foreign.pk, "instruction": "x", "deadline": later()}
    )

    assert response.status_code == 400
    assert not Supervision.objects.exists()


def test_it_refuses_a_deadline_in_the_past(client, w, project):
    login(client, w.leader)
    before = state()

    response = client.post(supervise(project), {"instruction": "x", "deadline": "2020-05-01"})

    assert response.status_code == 400
    assert "办结时限不能早于今天。" in response.content.decode()
    assert state() == before


@pytest.mark.parametrize("persona", ["promoter", "reviewer"])
def test_it_refuses_supervision_by_those_who_are_not_leaders(client, w, project, persona):
    response = login(client, getattr(w, persona)).post(
        supervise(project), {"instruction": "x", "deadline": later()}
    )

    assert response.status_code == 403
    assert not Supervision.objects.exists()


@pytest.mark.parametrize("persona", ["other_promoter", "tongan_office"])
def test_it_denies_supervising_another_units_project(client, w, project, persona):
    login(client, getattr(w, persona))

    assert client.get(supervise(project)).status_code == 404


def test_it_rejects_the_wrong_method_on_supervising(client, w, project):
    assert login(client, w.leader).delete(supervise(project)).status_code == 405


# --- the list ------------------------------------------------------------------------


@pytest.fixture
def spread(w, project, overdue, for_department):
    """Problems on projects of 马巷, 新店 (one 马巷 must solve) and 同安."""
    xindian = make_project(w, unit=w.other_town, actor=w.other_promoter, name="新店项目", at=T0)
    tongan = make_project(w, unit=w.tongan_unit, actor=w.tongan_office, name="同安项目", at=T0)
    return {
        "xindian_own": open_problem(w, xindian, unit=w.other_town, text="新店自己的问题"),
        "xindian_for_town": open_problem(w, xindian, unit=w.town, text="马巷负责的新店问题"),
        "tongan": open_problem(w, tongan, unit=w.tongan_unit, text="同安的问题"),
    }


def listed(response) -> list[str]:
    return [p.description for p in response.context["page"]]


def test_it_lists_a_units_problems_and_those_it_must_solve(client, w, spread):
    response = login(client, w.promoter).get(LIST)

    assert response.status_code == 200
    assert sorted(listed(response)) == sorted(
        ["用地指标尚未落实", "环评审批待加快", "马巷负责的新店问题"]
    )


def test_it_shows_another_unit_only_its_own(client, w, spread):
    response = login(client, w.other_promoter).get(LIST)

    assert sorted(listed(response)) == sorted(["新店自己的问题", "马巷负责的新店问题"])
    assert "用地指标尚未落实" not in response.content.decode()


def test_it_shows_the_office_its_district_and_the_city_everything(client, w, spread):
    office = listed(login(client, w.office).get(LIST))
    city = listed(login(client, w.reviewer).get(LIST))

    assert "同安的问题" not in office and len(office) == 4
    assert len(city) == 5


@pytest.mark.parametrize("persona", ["sys_admin", "sec_admin", "audit_admin"])
def test_it_shows_admins_nothing(client, w, spread, supervision, persona):
    response = login(client, getattr(w, persona)).get(LIST)

    assert response.status_code == 403
    assert "三员分立" in response.content.decode()
    assert "用地指标尚未落实" not in response.content.decode()


def test_it_sorts_by_deadline_and_marks_the_overdue(client, w, spread):
    response = login(client, w.promoter).get(LIST)

    rows = list(response.context["page"])
    assert rows[0].description == "用地指标尚未落实"
    assert [r.deadline for r in rows] == sorted(r.deadline for r in rows)
    assert rows[0].days_overdue == (today() - dt.date(2024, 3, 12)).days
    text = response.content.decode()
    assert 'class="is-overdue"' in text and f"逾期 {rows[0].days_overdue} 天" in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"overdue": "on"}, ["用地指标尚未落实"]),
        ({"category": "approval"}, ["环评审批待加快"]),
        ({"unit": "department"}, ["环评审批待加快"]),
        ({"status": "resolved"}, []),
        ({"status": "all", "category": "land"}, ["用地指标尚未落实", "马巷负责的新店问题"]),
    ],
)
def test_it_filters(client, w, spread, query, expected):
    if query.get("unit") == "department":
        query = {"unit": w.department.pk}

    response = login(client, w.promoter).get(LIST, query)

    assert listed(response) == expected


def test_it_lists_only_unresolved_problems_by_default(client, w, overdue, for_department):
    services.problem_update(problem=overdue, actor=w.promoter, status="closed", note="不再需要")
    login(client, w.promoter)

    assert listed(client.get(LIST)) == ["环评审批待加快"]
    assert len(listed(client.get(LIST, {"status": "all"}))) == 2


@pytest.mark.parametrize(
    "query",
    [
        {"status": "nonsense"},
        {"category": "<script>"},
        {"unit": "abc"},
        {"unit": "999999"},
        {"page": "-1", "spage": "x"},
        {"overdue": "\x00"},
    ],
)
def test_it_answers_garbage_filters_without_failing(client, w, spread, query):
    response = login(client, w.promoter).get(LIST, query)

    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "所选项无效，请重新选择。" in response.content.decode()


def test_it_lists_active_supervisions_and_filters_the_overdue(client, w, supervision):
    login(client, w.office)

    active = client.get(LIST)
    overdue_only = client.get(LIST, {"overdue": "on"})

    assert [v.instruction for v in active.context["spage"]] == ["两周内落实用地指标"]
    assert list(overdue_only.context["spage"]) == []


def test_it_paginates(client, w, project, monkeypatch):
    monkeypatch.setattr(problem_views, "PER_PAGE", 2)
    for n in range(3):
        open_problem(w, project, text=f"问题{n}", deadline=today() + dt.timedelta(days=n + 1))

    response = login(client, w.promoter).get(LIST, {"page": "2"})

    assert listed(response) == ["问题2"]


def test_it_answers_htmx_with_the_results_only(client, w, overdue):
    response = login(client, w.promoter).get(LIST, {"overdue": "on"}, **HTMX)

    assert response.templates[0].name == "supervision/_problem_results.html"
    assert "<html" not in response.content.decode()


def test_it_rejects_the_wrong_method_on_the_list(client, w):
    assert login(client, w.promoter).post(LIST).status_code == 405


# --- 工作台 ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["promoter", "office", "leader"])
def test_the_home_page_queues_overdue_problems_and_active_supervisions(
    client, w, supervision, persona
):
    response = login(client, getattr(w, persona)).get(reverse("reports:home"))

    text = response.content.decode()
    assert "逾期问题与督办" in text
    assert "用地指标尚未落实" in text
    assert "两周内落实用地指标" in text


def test_the_home_page_hides_them_from_another_unit(client, w, supervision):
    text = login(client, w.other_promoter).get(reverse("reports:home")).content.decode()

    assert "用地指标尚未落实" not in text
    assert "两周内落实用地指标" not in text


def test_it_lists_a_problem_the_unit_must_solve_without_opening_the_project(
    client, w, for_department
):
    services.supervision_issue(
        project=for_department.project,
        actor=w.office,
        leader=w.leader_person,
        instruction="请区工信局加快环评审批",
        deadline=today() + dt.timedelta(days=7),
        problem=for_department,
    )
    staff = login(client, make_user(User.Role.UNIT_STAFF, unit=w.department))

    response = staff.get(LIST)

    assert listed(response) == ["环评审批待加快"]
    assert [v.instruction for v in response.context["spage"]] == ["请区工信局加快环评审批"]
    assert section(for_department.project) not in response.content.decode()
    assert staff.get(section(for_department.project)).status_code == 404


@pytest.mark.parametrize("problem", ["abc", "-1", "999999", "1 OR 1=1"])
def test_it_ignores_a_garbage_problem_to_preselect(client, w, project, problem):
    response = login(client, w.leader).get(supervise(project), {"problem": problem})

    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/projects/%00/problems/",
        "/projects/%00/problems/new/",
        "/projects/abc%00/supervisions/new/",
        "/projects/x%00/leader-acts/new/",
        "/projects/problems/99999999999999999999999/update/",
        "/projects/supervisions/99999999999999999999999/close/",
    ],
)
def test_it_answers_a_garbage_address_with_a_404(client, w, url):
    assert login(client, w.office).get(url).status_code == 404
