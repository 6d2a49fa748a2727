"""协调部门: a unit outside the promotion team sees and answers only what is assigned to it.

Its staff (``unit_staff`` of a unit of kind ``coordinating``) open the problems list, a
problem's page and its dialogs, their 工作台, 待办, notices and account, and nothing else
(the 403 page, a JSON 403 from the API). The unit is never a project's holder, a handoff's
receiver, a co-unit or an assessed unit, whichever path tries (web, API, import, the
rules the bulk writer calls, the admin).
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from baton.accounts.api_auth import token_create
from baton.accounts.coordinating import COORDINATING_ONLY
from baton.assessment import services as assessment
from baton.ledger.importer import ledger_import
from baton.ledger.tests.helpers import dump, row, xlsx
from baton.org.models import Unit
from baton.projects import rules, services
from baton.projects.models import Handoff, Project
from baton.projects.tests.helpers_views import HTMX, login
from baton.supervision import services as supervision_services
from baton.supervision.models import Problem, Supervision
from baton.testing import add_coordinating, admit, make_project, make_user

NOT_PROMOTION = (
    "“自然资源局”是协调部门，只办理交办给它的问题，不能负责、接收或协同招商项目，也不参加考核排名。"
)


@pytest.fixture
def c(w):
    """The world with 自然资源局, an admitted project of 马巷 with a problem assigned to
    自然资源局 (with a 督办 on it) and one assigned to 新店街道."""
    add_coordinating(w)
    w.project = admit(
        w,
        make_project(
            w, name="氢能装备产业园", investor="鹭岛氢能科技有限公司", contact_phone="13812345678"
        ),
    )
    deadline = timezone.localdate() + dt.timedelta(days=20)
    w.mine = supervision_services.problem_open(
        project=w.project,
        actor=w.office,
        category=Problem.Category.LAND,
        description="二期用地指标需调剂",
        responsible_unit=w.coord_unit,
        deadline=deadline,
    )
    w.theirs = supervision_services.problem_open(
        project=w.project,
        actor=w.office,
        category=Problem.Category.INFRASTRUCTURE,
        description="配套道路未贯通",
        responsible_unit=w.other_town,
        deadline=deadline,
    )
    w.sup = supervision_services.supervision_issue(
        project=w.project,
        actor=w.leader,
        leader=w.leader_person,
        problem=w.mine,
        instruction="两周内拿出用地调剂方案",
        deadline=deadline,
    )
    return w


def _token(user) -> dict:
    return {"Authorization": f"Bearer {token_create(user=user, name='t')[1]}"}


def _state() -> dict:
    """Every table but the tokens' (a request through the API marks its token used)."""
    state = dump()
    del state["accounts.ApiToken"]
    return state


# --- the one gate -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,args",
    [
        ("projects:list", ()),
        ("projects:create", ()),
        ("projects:review_desk", ()),
        ("reports:cockpit", ()),
        ("reports:monthly", ()),
        ("ledger:import", ()),
        ("ledger:export", ()),
        ("land:map", ()),
        ("assessment:index", ()),
        ("supervision:leader_acts", ()),
        ("jobs:list", ()),
        ("notices:channel", ()),
        ("api-1.0.0:openapi-view", ()),
    ],
)
def test_every_other_page_is_the_403_with_the_rule(client, c, name, args):
    response = login(client, c.coordinator).get(reverse(name, args=args))
    assert response.status_code == 403
    assert COORDINATING_ONLY in response.content.decode()


def test_the_project_of_its_own_problem_is_refused_too(client, c):
    login(client, c.coordinator)
    for name in ("projects:detail", "supervision:project_problems", "supervision:problem_new"):
        response = client.get(reverse(name, args=[c.project.code]))
        assert response.status_code == 403, name
        assert COORDINATING_ONLY in response.content.decode()
    # POSTs meet the same gate, and write nothing.
    before = dump()
    response = client.post(reverse("projects:note", args=[c.project.code]), {"text": "看看"})
    assert response.status_code == 403
    assert dump() == before


def test_the_gate_refuses_in_place_for_htmx(client, c):
    response = login(client, c.coordinator).get(reverse("reports:cockpit"), **HTMX)
    assert response.status_code == 403
    assert COORDINATING_ONLY in response.content.decode()


def test_a_promotion_units_staff_is_not_held_by_the_gate(client, c):
    assert login(client, c.promoter).get(reverse("projects:list")).status_code == 200


def test_the_api_answers_only_the_todo(client, c):
    headers = _token(c.coordinator)
    for path in (
        "/api/v1/projects",
        f"/api/v1/projects/{c.project.code}",
        f"/api/v1/projects/{c.project.code}/events",
        "/api/v1/report",
        "/api/v1/units",
        "/api/v1/land/parcels",
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 403, path
        assert response.json() == {"detail": COORDINATING_ONLY}, path
    before = _state()
    response = client.post(
        f"/api/v1/projects/{c.project.code}/notes",
        {"text": "看看"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 403
    assert _state() == before
    todo = client.get("/api/v1/todo", headers=headers)
    assert todo.status_code == 200
    items = todo.json()["items"]
    assert {(i["kind"], i["project"]) for i in items} == {
        ("problem", c.project.code),
        ("supervision", c.project.code),
    }
    assert all(i["url"] == reverse("supervision:problem", args=[c.mine.pk]) for i in items)


def test_the_menu_shows_only_what_it_opens(client, c):
    login(client, c.coordinator)
    nav = client.get(reverse("reports:home")).context["nav"]
    assert [item["label"] for item in nav] == ["工作台", "存在问题"]
    for item in nav:
        assert client.get(item["url"]).status_code == 200


# --- what it sees and answers -------------------------------------------------------------


def test_the_workbench_is_its_short_version(client, c):
    response = login(client, c.coordinator).get(reverse("reports:home"))
    assert response.status_code == 200
    assert "figures" not in response.context and "idle" not in response.context
    assert sorted(entry.kind for entry in response.context["todo"]) == ["problem", "supervision"]
    body = response.content.decode()
    assert "交办给自然资源局的问题" in body
    assert "领导驾驶舱" not in body and "新建项目" not in body


def test_the_list_holds_only_its_problems(client, c):
    response = login(client, c.coordinator).get(reverse("supervision:problems"))
    assert response.status_code == 200
    assert [p.pk for p in response.context["page"].object_list] == [c.mine.pk]
    assert [s.pk for s in response.context["spage"].object_list] == [c.sup.pk]
    body = response.content.decode()
    assert "配套道路未贯通" not in body
    assert reverse("projects:detail", args=[c.project.code]) not in body


def test_the_problem_page_names_only_the_projects_name_code_stage_and_holder(client, c):
    response = login(client, c.coordinator).get(reverse("supervision:problem", args=[c.mine.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for shown in ("氢能装备产业园", c.project.code, c.project.stage.name, "马巷街道", "二期用地"):
        assert shown in body, shown
    for hidden in ("13812345678", "1381", "万元", "亿元", c.project.investor):
        assert hidden not in body, hidden
    assert reverse("projects:detail", args=[c.project.code]) not in body
    assert reverse("supervision:problem_update", args=[c.mine.pk]) in body
    assert reverse("supervision:supervision_report", args=[c.sup.pk]) in body


def test_another_units_problem_and_supervision_are_not_there(client, c):
    other_sup = supervision_services.supervision_issue(
        project=c.project,
        actor=c.leader,
        leader=c.leader_person,
        problem=c.theirs,
        instruction="尽快贯通道路",
        deadline=timezone.localdate() + dt.timedelta(days=9),
    )
    login(client, c.coordinator)
    assert client.get(reverse("supervision:problem", args=[c.theirs.pk])).status_code == 404
    before = dump()
    for name, pk, data in (
        ("supervision:problem_update", c.theirs.pk, {"status": "resolved", "note": "已解决"}),
        ("supervision:supervision_report", other_sup.pk, {"response": "已办"}),
        ("supervision:supervision_close", c.sup.pk, {"confirm": "on"}),
    ):
        status = client.post(reverse(name, args=[pk]), data).status_code
        assert status in (403, 404), name
    assert dump() == before


def test_it_answers_its_problem_and_reports_on_the_supervision(client, c):
    login(client, c.coordinator)
    response = client.post(
        reverse("supervision:problem_update", args=[c.mine.pk]),
        {"status": "resolved", "note": "已从新增建设用地计划中调剂 80 亩"},
    )
    assert response.status_code == 302
    c.mine.refresh_from_db()
    assert (c.mine.status, c.mine.resolution) == ("resolved", "已从新增建设用地计划中调剂 80 亩")
    assert c.project.events.latest("id").actor == c.coordinator

    upload = SimpleUploadedFile("调剂方案.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    response = client.post(
        reverse("supervision:supervision_report", args=[c.sup.pk]),
        {"response": "调剂方案已报区政府", "files": [upload]},
    )
    assert response.status_code == 302
    c.sup.refresh_from_db()
    assert c.sup.status == Supervision.Status.REPORTED
    [kept] = c.sup.files.all()
    download = client.get(reverse("supervision:supervision_file", args=[c.sup.pk, kept.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content if download.streaming else [download.content])
    # The sign-off stays the leader's.
    assert (
        client.post(
            reverse("supervision:supervision_close", args=[c.sup.pk]), {"confirm": "on"}
        ).status_code
        == 403
    )


def test_the_office_assigns_a_problem_to_it_on_the_web(client, c):
    login(client, c.office)
    url = reverse("supervision:problem_new", args=[c.project.code])
    form = client.get(url).context["form"]
    assert c.coord_unit in form.fields["responsible_unit"].queryset
    assert "自然资源局（协调部门）" in client.get(url).content.decode()
    deadline = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    response = client.post(
        url,
        {
            "category": "environment",
            "description": "环评批复待出",
            "responsible_unit": c.coord_unit.pk,
            "deadline": deadline,
        },
    )
    assert response.status_code == 302
    assert Problem.objects.filter(responsible_unit=c.coord_unit).count() == 2


# --- never a promotion unit ---------------------------------------------------------------


def test_the_promotion_units_leave_it_out(c):
    assert c.coord_unit not in Unit.objects.promotion()
    assert list(Unit.objects.coordinating()) == [c.coord_unit]
    assert c.town in Unit.objects.promotion()


def test_no_project_is_created_for_it(c):
    before = dump()
    with pytest.raises(ValidationError) as info:
        make_project(c, unit=c.coord_unit, actor=c.office)
    assert info.value.messages == [NOT_PROMOTION]
    assert dump() == before


def test_the_rules_the_bulk_writer_calls_refuse_it(c):
    with pytest.raises(ValidationError) as info:
        rules.check_handoff(c.project, c.coord_unit, "选址调整")
    assert info.value.messages == [NOT_PROMOTION]
    for field in ("info_unit", "talks_unit", "landing_unit"):
        with pytest.raises(ValidationError):
            rules.clean_values(c.district, {field: c.coord_unit})
    with pytest.raises(ValidationError):
        rules.clean_values(c.district, {"co_units": [c.coord_unit]})


def test_a_handoff_to_it_is_refused_by_the_service(c):
    before = dump()
    with pytest.raises(ValidationError) as info:
        services.project_handoff(
            project=c.project, to_unit=c.coord_unit, actor=c.office, reason="选址调整"
        )
    assert info.value.messages == [NOT_PROMOTION]
    assert dump() == before


def test_the_handoff_form_does_not_offer_it(client, c):
    login(client, c.office)
    url = reverse("projects:handoff", args=[c.project.code])
    form = client.get(url).context["form"]
    assert c.coord_unit not in form.fields["to_unit"].queryset
    before = dump()
    response = client.post(
        url, {"to_unit": c.coord_unit.pk, "reason": "选址调整", "version": c.project.version}
    )
    assert response.status_code == 422
    assert dump() == before


def test_a_handoff_to_it_through_the_api_is_refused(client, c):
    headers = _token(c.office)
    before = _state()
    response = client.post(
        f"/api/v1/projects/{c.project.code}/handoff",
        {"to_unit": c.coord_unit.pk, "reason": "选址调整", "version": c.project.version},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert NOT_PROMOTION in response.json()["detail"]
    assert _state() == before
    assert not Handoff.objects.exists()


def test_a_co_unit_or_relay_leg_through_the_api_is_refused(client, c):
    draft = make_project(c, name="光伏组件智能工厂")
    headers = _token(c.promoter)
    before = _state()
    for body in ({"co_units": [c.coord_unit.pk]}, {"talks_unit": c.coord_unit.pk}):
        response = client.patch(
            f"/api/v1/projects/{draft.code}",
            {"version": draft.version, **body},
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 422, body
        assert NOT_PROMOTION in str(response.json()), body
    assert _state() == before


def test_the_api_lists_no_coordinating_unit_to_hand_to(client, c):
    units = client.get("/api/v1/units", headers=_token(c.office)).json()
    assert c.coord_unit.pk not in {u["id"] for u in units}
    assert c.town.pk in {u["id"] for u in units}


@pytest.mark.parametrize("through_services", [False, True], ids=["bulk", "services"])
def test_an_import_naming_it_as_the_holder_is_refused(c, through_services):
    first = ledger_import(
        data=xlsx([row(入库状态="草稿")]),
        actor=c.office,
        district=c.district,
        through_services=through_services,
    )
    assert first.ok
    before = dump()
    for values in (
        {"责任单位": "自然资源局"},
        {"项目编号": "350213-2019-0902", "责任单位": "自然资源局"},
    ):
        result = ledger_import(
            data=xlsx([row(入库状态="草稿", **values)]),
            actor=c.office,
            district=c.district,
            through_services=through_services,
        )
        assert not result.ok
        assert [e.reason for e in result.errors] == [NOT_PROMOTION]
        assert dump() == before


def test_it_is_never_assessed(c):
    scheme = assessment.scheme_create(district=c.district, name="季度考核", period_kind="quarter")
    with pytest.raises(ValidationError) as info:
        assessment.scheme_unit_set(scheme=scheme, unit=c.coord_unit)
    assert info.value.messages == [NOT_PROMOTION]
    with pytest.raises(ValidationError):
        assessment.scheme_units_set(scheme=scheme, members={c.town: "", c.coord_unit: ""})
    assert not scheme.units.exists()


def test_the_admin_does_not_turn_a_unit_into_one_or_back(client, c):
    admin = make_user("sys_admin", username="cfg_admin", is_staff=True, is_superuser=True)
    login(client, admin)
    for unit, kind in ((c.town, "coordinating"), (c.coord_unit, "town")):
        before = list(Unit.objects.order_by("pk").values())
        response = client.post(
            reverse("admin:org_unit_change", args=[unit.pk]),
            {
                "name": unit.name,
                "short_name": "",
                "kind": kind,
                "division_code": "",
                "order": unit.order,
                "is_active": "on",
            },
        )
        assert response.status_code == 200, unit
        assert "协调部门与招商单位不能互相转换" in response.content.decode()
        assert list(Unit.objects.order_by("pk").values()) == before
    assert Unit.objects.get(pk=c.town.pk).kind == "town"
    assert Project.objects.filter(unit=c.coord_unit).count() == 0


def test_its_notices_lead_to_the_problems_page(client, c):
    from baton.notices.models import Notice

    page = reverse("supervision:problem", args=[c.mine.pk])
    notices = Notice.objects.filter(recipient=c.coordinator).order_by("id")
    assert [(n.title, n.url) for n in notices] == [
        ("有问题交由您单位解决", page),
        ("领导督办事项", page),
    ]
    login(client, c.coordinator)
    assert client.get(reverse("notices:list")).status_code == 200
    response = client.get(reverse("notices:open", args=[notices[0].pk]))
    assert response.status_code == 302 and response["Location"] == page
    assert client.get(page).status_code == 200


def test_the_admins_scheme_unit_and_target_forms_refuse_it(c):
    from django.forms import modelform_factory

    from baton.assessment.admin import SchemeUnitInline, TargetAdmin
    from baton.assessment.models import SchemeUnit

    scheme = assessment.scheme_create(district=c.district, name="季度考核", period_kind="quarter")
    assert TargetAdmin.form is SchemeUnitInline.form
    form_class = modelform_factory(SchemeUnit, form=SchemeUnitInline.form, fields=["unit", "group"])
    refused = form_class({"unit": c.coord_unit.pk, "group": ""}, instance=SchemeUnit(scheme=scheme))
    assert refused.errors == {"unit": [NOT_PROMOTION]}
    taken = form_class({"unit": c.town.pk, "group": "乡镇"}, instance=SchemeUnit(scheme=scheme))
    assert taken.is_valid(), taken.errors
