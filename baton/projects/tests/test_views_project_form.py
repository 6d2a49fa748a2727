"""Create and edit (projects:create, projects:edit): clean input, services decide."""

from decimal import Decimal

import pytest
from django.urls import reverse

from baton.org.models import Person, Unit
from baton.projects import services
from baton.projects.models import Milestone, Project, ProjectEvent
from baton.projects.tests.helpers import db_state
from baton.testing import make_project, stage

from .helpers_views import login

CREATE = reverse("projects:create")


def edit_url(project) -> str:
    return reverse("projects:edit", args=[project.code])


def form_data(project, **changes) -> dict:
    """Return the edit form as the browser would post it, with ``changes`` typed in."""
    data = {
        "version": project.version,
        "name": project.name,
        "investor": project.investor,
        "investment": str(project.investment),
        "industry": project.industry_id or "",
        "leader": project.leader_id or "",
        "land_area_mu": project.land_area_mu or "",
        "info_source": project.info_source,
        "progress": project.progress,
        "issues_text": project.issues_text,
        "contact_name": project.contact_name,
        "contact_phone": project.contact_phone,
        "remarks": project.remarks,
        "info_unit": project.info_unit_id or "",
        "talks_unit": project.talks_unit_id or "",
        "landing_unit": project.landing_unit_id or "",
        "co_units": [u.pk for u in project.co_units.all()],
        "reason": "",
    }
    data.update(changes)
    return data


# --- create ---------------------------------------------------------------------------


def test_create_rejects_the_wrong_method(client, w):
    login(client, w.promoter)
    assert client.put(CREATE).status_code == 405
    assert client.delete(CREATE).status_code == 405


def test_create_is_for_unit_staff_only(client, w):
    for user in (w.office, w.reviewer, w.leader):
        login(client, user)
        before = db_state()
        assert client.get(CREATE).status_code == 403
        response = client.post(CREATE, {"name": "越权项目", "investment": "1", "stage": 1})
        assert response.status_code == 403
        assert "只有镇街、部门、指挥部等招商单位的工作人员可以新建项目" in response.text
        assert db_state() == before


def test_create_shows_the_form_with_the_districts_choices(client, w):
    Unit.objects.create(
        district=w.district, name="已撤销单位", kind=Unit.Kind.TOWN, is_active=False
    )
    login(client, w.promoter)
    response = client.get(CREATE)
    form = response.context["form"]
    assert response.status_code == 200
    assert set(form.fields["talks_unit"].queryset) == {
        w.town,
        w.other_town,
        w.department,
        w.headquarters,
        w.office_unit,
    }
    assert set(form.fields["leader"].queryset) == {w.leader_person}
    assert set(form.fields["stage"].queryset) == {
        stage("planning"),
        stage("intent"),
        stage("negotiating"),
        stage("landed"),
    }
    for label in (
        "项目名称",
        "投资方",
        "总投资（万元）",
        "挂钩领导",
        "行业",
        "协同单位",
        "联系电话",
    ):
        assert label in response.text


def test_create_creates_a_draft_and_redirects(client, w):
    login(client, w.promoter)
    response = client.post(
        CREATE,
        {
            "name": "新能源电池项目",
            "investor": "宁德时代",
            "investment": "12,000.5",
            "stage": stage("intent").pk,
            "industry": w.industry.pk,
            "leader": w.leader_person.pk,
            "info_unit": w.town.pk,
            "co_units": [w.department.pk],
            "contact_phone": "0592-1234567",
        },
    )
    project = Project.objects.get(name="新能源电池项目")
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:detail", args=[project.code])
    assert project.unit == w.town
    assert project.investment == Decimal("12000.5")
    assert project.stage == stage("intent")
    assert project.leader == w.leader_person
    assert set(project.co_units.all()) == {w.department}
    assert project.created_by == w.promoter
    assert project.review_state == "draft"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any(project.code in m for m in messages)


def test_create_records_the_signing_date_of_a_landed_project(client, w):
    login(client, w.promoter)
    response = client.post(
        CREATE,
        {
            "name": "落地项目",
            "investor": "某公司",
            "investment": "100",
            "stage": stage("landed").pk,
            "signed_on": "2024-03-01",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(name="落地项目")
    assert project.milestones.get().kind == Milestone.Kind.SIGNED


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"name": ""}, "name", "请填写项目名称。"),
        ({"investment": "abc"}, "investment", "“abc”不是有效的金额（万元）。"),
        ({"investment": "-1"}, "investment", "金额不能为负数。"),
        (
            {"investment": "1.123456"},
            "investment",
            "金额以万元为单位，最多保留 4 位小数（精确到元）。",
        ),
        ({"investment": "1e400"}, "investment", "金额超出合理范围（不超过 1 万亿元）。"),
        (
            {"signed_on": "2019-13-45"},
            "signed_on",
            "日期格式不正确，应为 年-月-日，如 2024-03-01。",
        ),
        ({"stage": "999999"}, "stage", "所选项不存在或不可选，请重新选择。"),
        ({"stage": "stopped"}, "stage", "所选项不存在或不可选，请重新选择。"),
        ({"leader": "abc"}, "leader", "所选项不存在或不可选，请重新选择。"),
        ({"co_units": ["999999"]}, "co_units", "所选项不存在或不可选，请重新选择。"),
        ({"land_area_mu": "很多"}, "land_area_mu", "请输入数字（亩），如 12.5。"),
        (
            {"contact_phone": "call me maybe"},
            "contact_phone",
            "联系电话格式不正确，只能包含数字、空格、+、-、括号。",
        ),
        ({"name": "名" * 201}, "name", "不能超过 200 个字（现有 201 个）。"),
    ],
)
def test_create_explains_bad_input_in_chinese(client, w, changes, field, message):
    if changes.get("stage") == "stopped":  # a terminal stage: no new project starts there
        changes = {"stage": stage("stopped").pk}
    login(client, w.promoter)
    data = {"name": "项目", "investment": "100", "stage": stage("planning").pk, **changes}
    before = db_state()

    response = client.post(CREATE, data)

    assert response.status_code == 422
    assert response.context["form"].errors[field] == [message]
    assert message in response.text
    assert db_state() == before


def test_create_puts_a_stage_rule_on_the_form(client, w):
    login(client, w.promoter)
    response = client.post(
        CREATE, {"name": "落地项目", "investment": "100", "stage": stage("landed").pk}
    )
    assert response.status_code == 422
    assert "“落地”阶段的项目必须填写：投资方、签约日期。" in response.text
    assert not Project.objects.exists()


def test_create_refuses_a_unit_of_another_district(client, w):
    login(client, w.promoter)
    response = client.post(
        CREATE,
        {
            "name": "项目",
            "investment": "100",
            "stage": stage("planning").pk,
            "talks_unit": w.tongan_unit.pk,
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["talks_unit"] == ["所选项不存在或不可选，请重新选择。"]


# --- edit -----------------------------------------------------------------------------


@pytest.fixture
def project(w):
    return make_project(w, name="新能源电池项目", investor="宁德时代", investment="10000")


def test_edit_rejects_the_wrong_method(client, w, project):
    login(client, w.promoter)
    assert client.put(edit_url(project)).status_code == 405
    assert client.patch(edit_url(project)).status_code == 405


def test_edit_denies_another_unit(client, w, project):
    login(client, w.other_promoter)
    before = db_state()
    assert client.get(edit_url(project)).status_code == 404
    response = client.post(edit_url(project), form_data(project, name="改名"))
    assert response.status_code == 404
    assert db_state() == before


def test_edit_is_refused_to_those_who_see_but_may_not_edit(client, w, project):
    login(client, w.leader)
    response = client.get(edit_url(project))
    assert response.status_code == 403
    assert "只有责任单位（马巷街道）或区招商办可以修改该项目。" in response.text
    response = client.post(edit_url(project), form_data(project, name="改名"))
    assert response.status_code == 403
    assert Project.objects.get().name == "新能源电池项目"


def test_edit_is_refused_while_in_review(client, w, project):
    services.project_submit(project=project, actor=w.promoter)
    login(client, w.promoter)
    response = client.get(edit_url(project))
    assert response.status_code == 403
    assert "审核期间不能修改" in response.text


def test_edit_shows_the_current_values(client, w, project):
    login(client, w.promoter)
    response = client.get(edit_url(project))
    assert response.status_code == 200
    assert 'name="version" value="1"' in response.text
    assert 'value="新能源电池项目"' in response.text
    assert 'value="10000.0000"' in response.text or 'value="10000"' in response.text


def test_edit_saves_only_what_changed_and_redirects(client, w, project):
    login(client, w.promoter)
    response = client.post(
        edit_url(project),
        form_data(
            project, investment="12,000", reason="投资方追加投资", co_units=[w.department.pk]
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:detail", args=[project.code])
    project.refresh_from_db()
    assert project.investment == Decimal("12000")
    assert project.version == 2
    event = project.events.get(kind=ProjectEvent.Kind.UPDATED)
    assert event.old == {"investment": "10000", "co_units": []}
    assert event.new == {"investment": "12000", "co_units": [w.department.pk]}
    assert event.reason == "投资方追加投资"


def test_edit_without_changes_writes_nothing(client, w, project):
    login(client, w.promoter)
    before = db_state()
    response = client.post(edit_url(project), form_data(project), follow=True)
    assert "没有需要保存的修改。" in response.text
    assert db_state() == before


def test_edit_keeps_a_disabled_unit_the_project_still_points_at(client, w, project):
    services.project_update(project=project, actor=w.promoter, changes={"talks_unit": w.department})
    Unit.objects.filter(pk=w.department.pk).update(is_active=False)
    project.refresh_from_db()
    login(client, w.promoter)
    response = client.post(edit_url(project), form_data(project, name="新名称"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "新名称" and project.talks_unit == w.department


def test_edit_lets_the_district_office_correct_it(client, w, project):
    login(client, w.office)
    response = client.post(edit_url(project), form_data(project, investor="宁德时代新能源"))
    assert response.status_code == 302
    assert Project.objects.get().investor == "宁德时代新能源"


def test_edit_maps_service_errors_to_fields(client, w, project):
    other = Person.objects.create(
        name="同安区长", level=Person.Level.DISTRICT_LEADER, city=w.city, district=w.other_district
    )
    login(client, w.promoter)
    before = db_state()
    response = client.post(
        edit_url(project), form_data(project, contact_phone="电话号码", leader=other.pk)
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert errors["leader"] == ["所选项不存在或不可选，请重新选择。"]
    response = client.post(edit_url(project), form_data(project, contact_phone="电话号码"))
    errors = response.context["form"].errors
    assert errors["contact_phone"] == ["联系电话格式不正确，只能包含数字、空格、+、-、括号。"]
    assert db_state() == before


@pytest.mark.parametrize("version", ["", "abc", "0", "-3"])
def test_edit_refuses_a_missing_or_garbage_version(client, w, project, version):
    login(client, w.promoter)
    before = db_state()
    response = client.post(edit_url(project), form_data(project, name="改名", version=version))
    assert response.status_code == 422
    assert db_state() == before


def test_edit_conflict_loses_nothing(client, w, project):
    """Two people open version 1; the first save wins, the second is told, with its input."""
    stale = form_data(project)
    login(client, w.office)
    first = client.post(edit_url(project), {**stale, "investment": "15000"})
    assert first.status_code == 302

    login(client, w.promoter)
    second = client.post(edit_url(project), {**stale, "progress": "已签订框架协议"})

    assert second.status_code == 409
    assert "已被他人修改" in second.text
    assert "您编辑的是第 1 版，当前是第 2 版" in second.text
    assert "他人的修改已经保存，不会被覆盖" in second.text
    assert "载入最新版本重新编辑" in second.text
    assert "已签订框架协议" in second.text  # the second person's input is still on the form
    assert ("总投资（万元）", "15,000 万元", "10,000 万元") in second.context["differences"]
    project.refresh_from_db()
    assert project.investment == Decimal("15000")
    assert project.progress == ""
    assert project.version == 2

    # Reloading gives the latest version, and saving from it works.
    fresh = client.get(edit_url(project))
    assert fresh.context["form"].initial["version"] == 2
    third = client.post(edit_url(project), form_data(project, progress="已签订框架协议"))
    assert third.status_code == 302
    project.refresh_from_db()
    assert (project.investment, project.progress) == (Decimal("15000"), "已签订框架协议")


def test_create_denies_another_unit(client, w):
    """A promoter creates for their own unit only, whatever the request says."""
    login(client, w.other_promoter)
    response = client.post(
        CREATE,
        {
            "name": "新店项目",
            "investment": "100",
            "stage": stage("planning").pk,
            "unit": w.town.pk,
            "district": w.other_district.pk,
        },
    )
    assert response.status_code == 302
    project = Project.objects.get()
    assert (project.unit, project.district) == (w.other_town, w.district)


def test_the_leader_choices_come_in_protocol_order(w):
    from baton.projects.forms import ProjectFilterForm, leaders_of

    Person.objects.filter(pk=w.leader_person.pk).update(rank=2)
    Person.objects.create(
        name="吴丽华",
        title="副区长",
        level=Person.Level.DISTRICT_LEADER,
        city=w.city,
        district=w.district,
        rank=3,
    )
    Person.objects.create(
        name="林海", title="副市长", level=Person.Level.CITY_LEADER, city=w.city, rank=5
    )
    Person.objects.create(
        name="张书记",
        title="区委书记",
        level=Person.Level.DISTRICT_LEADER,
        city=w.city,
        district=w.district,
        rank=1,
    )
    expected = ["林海", "张书记", "陈立新", "吴丽华"]
    assert [p.name for p in leaders_of(w.district)] == expected
    filters = ProjectFilterForm(user=w.office)
    assert [p.name for p in filters.fields["leader"].queryset] == expected
