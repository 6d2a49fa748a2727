"""The project page (projects:detail): every field, the relay timeline, the side lists."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from baton.projects import services
from baton.projects.models import ProjectEvent
from baton.testing import admit, make_project, stage

from .helpers_views import login

TODAY = dt.date.today()


def url(project) -> str:
    return reverse("projects:detail", args=[project.code])


def text(response) -> str:
    """Return the page's text without tags, so that assertions read like what one sees."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))


@pytest.fixture
def project(w):
    return make_project(
        w,
        name="新能源电池项目",
        investor="宁德时代新能源科技股份有限公司",
        investment="10000",
        industry=w.industry,
        contact_name="王经理",
        contact_phone="0592-1234567",
        progress="已完成首轮洽谈",
    )


def test_it_rejects_the_wrong_method(client, w, project):
    login(client, w.promoter)
    assert client.post(url(project)).status_code == 405


def test_it_denies_another_unit(client, w, project):
    login(client, w.other_promoter)
    response = client.get(url(project))
    assert response.status_code == 404
    assert "新能源电池项目" not in response.text


def test_it_denies_the_administrators(client, w, project):
    login(client, w.audit_admin)
    response = client.get(url(project))
    assert response.status_code == 403  # the rule, the same for a code that exists or not
    assert "三员分立" in response.text
    assert "新能源电池项目" not in response.text


def test_it_answers_404_for_a_code_that_does_not_exist(client, w):
    login(client, w.promoter)
    assert client.get("/projects/350213-2099-9999/").status_code == 404


def test_it_shows_every_field_with_its_label(client, w, project):
    login(client, w.promoter)
    response = client.get(url(project))
    page = text(response)
    assert response.status_code == 200
    for label, value in [
        ("项目编号", project.code),
        ("项目名称", "新能源电池项目"),
        ("投资方", "宁德时代新能源科技股份有限公司"),
        ("所属区", "翔安区"),
        ("行业", "新能源"),
        ("总投资（万元）", "10,000 万元"),
        ("项目阶段", "策划"),
        ("入库状态", "草稿"),
        ("联系人", "王经理"),
        ("联系电话", "0592-1234567"),
        ("进展情况", "已完成首轮洽谈"),
        ("版本", "第 1 版"),
    ]:
        assert f"{label} {value}" in page, label
    for label in ("拟用地面积（亩）", "信息来源", "存在问题", "备注", "挂钩领导", "上报时间"):
        assert label in page
    assert "信息提供单位 马巷街道" in page


def test_it_tells_the_relay_from_the_events(client, w, project):
    services.project_update(
        project=project,
        actor=w.promoter,
        changes={"investment": Decimal("12000")},
        reason="投资方追加投资",
    )
    services.project_move(project=project, stage=stage("negotiating"), actor=w.promoter)
    admit(w, project)
    services.project_handoff(
        project=project,
        to_unit=w.headquarters,
        actor=w.office,
        reason="项目选址新机场片区",
        relay_role="talks",
        keep_as_co_unit=True,
    )
    services.project_move(
        project=project, stage=stage("intent"), actor=w.office, reason="投资方暂缓决策"
    )
    services.note_add(project=project, actor=w.leader, text="陈区长约见投资方")
    services.note_add(project=project, actor=None, text="系统导入的记录")
    login(client, w.office)

    page = text(client.get(url(project)))

    assert "总投资：10,000 → 12,000 万元" in page
    assert "投资方追加投资" in page
    assert "阶段变更：策划 → 在谈" in page
    assert "阶段变更：在谈 → 意向" in page and "投资方暂缓决策" in page
    assert "上报审核" in page and "区招商办审核通过" in page and "审核入库" in page
    assert "马巷街道 → 新机场片区指挥部" in page
    assert "项目选址新机场片区" in page
    assert "新机场片区指挥部记为洽谈推进单位" in page
    assert "协同单位：马巷街道" in page
    assert "陈区长约见投资方" in page
    assert "系统 · " in page
    assert f"{w.office.display_name} · " in page
    # Newest first, in local time.
    assert page.index("系统导入的记录") < page.index("创建项目")
    first = project.events.order_by("at").first()
    local = first.at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert f"{local:%Y-%m-%d %H:%M}" in page


def test_it_shows_the_milestones(client, w):
    project = make_project(
        w, investor="投资方", stage=stage("landed"), signed_on=TODAY - dt.timedelta(days=3)
    )
    services.milestone_record(
        project=project, kind="started", date=TODAY - dt.timedelta(days=1), actor=w.promoter
    )
    login(client, w.promoter)

    page = text(client.get(url(project)))

    assert f"签约 {TODAY - dt.timedelta(days=3):%Y-%m-%d}" in page
    assert f"开工 {TODAY - dt.timedelta(days=1):%Y-%m-%d}" in page
    assert "投产 —" in page
    assert "里程碑：开工" in page


def test_it_offers_only_the_actions_the_user_may_take(client, w, project):
    actions = {
        "edit": reverse("projects:edit", args=[project.code]),
        "submit": reverse("projects:submit", args=[project.code]),
        "move": reverse("projects:move", args=[project.code]),
        "handoff": reverse("projects:handoff", args=[project.code]),
        "milestone": reverse("projects:milestone", args=[project.code]),
        "note": reverse("projects:note", args=[project.code]),
    }

    def offered(user) -> set[str]:
        login(client, user)
        html = client.get(url(project)).text
        return {name for name, link in actions.items() if f'href="{link}"' in html}

    assert offered(w.promoter) == set(actions)
    assert offered(w.office) == set(actions) - {"submit"}
    assert offered(w.leader) == {"note"}
    assert offered(w.reviewer) == {"note"}
    services.project_submit(project=project, actor=w.promoter)
    assert offered(w.promoter) == {"move", "handoff", "milestone", "note"}
    review = reverse("projects:review", args=[project.code])
    login(client, w.office)
    assert f'href="{review}"' in client.get(url(project)).text
    login(client, w.promoter)
    assert f'href="{review}"' not in client.get(url(project)).text


def test_it_shows_the_runners_of_the_relay(client, w, project):
    services.project_handoff(
        project=project,
        to_unit=w.headquarters,
        actor=w.office,
        reason="移交",
        relay_role="landing",
        keep_as_co_unit=True,
    )
    login(client, w.promoter)  # still sees it: a co-unit and the information provider
    page = text(client.get(url(project)))
    assert "当前责任单位（持棒） 新机场片区指挥部" in page
    assert "落地服务单位 新机场片区指挥部" in page
    assert "信息提供单位 马巷街道" in page
    assert "协同单位 马巷街道" in page


def test_it_tells_a_milestones_correction_by_what_changed(client, w):
    signed_on = TODAY - dt.timedelta(days=3)
    project = make_project(w, investor="投资方", stage=stage("negotiating"), signed_on=signed_on)
    services.milestone_record(
        project=project, kind="signed", date=signed_on, note="合同已签", actor=w.promoter
    )
    # As a landing wrote it before a blank note kept the recorded one.
    ProjectEvent.objects.create(
        project=project,
        district_id=project.district_id,
        kind=ProjectEvent.Kind.MILESTONE,
        actor=w.promoter,
        at=timezone.now(),
        old={"kind": "signed", "date": signed_on.isoformat(), "note": "合同已签"},
        new={"kind": "signed", "date": signed_on.isoformat(), "note": ""},
    )
    login(client, w.promoter)

    page = text(client.get(url(project)))

    assert "更正里程碑：签约 合同已签" in page  # the note, not "日期：D → D"
    assert "说明被清空（原为：合同已签）" in page
    assert f"日期：{signed_on} → {signed_on}" not in page
