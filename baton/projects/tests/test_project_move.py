import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from baton.projects import services
from baton.projects.models import Milestone, ProjectEvent
from baton.projects.services import ConflictError
from baton.projects.tests.helpers import INVESTOR, kinds, refused
from baton.testing import admit, at, make_project, stage

Kind = ProjectEvent.Kind
T0 = at(2024, 3, 1)
T1 = at(2024, 3, 5)


@pytest.fixture
def project(w):
    return make_project(w, name="新能源电池项目", at=T0)


def move(project, actor, code, **kwargs):
    return services.project_move(
        project=project, stage=stage(code), actor=actor, **{"at": T1, **kwargs}
    )


def test_it_moves_forward_one_rung(w, project):
    event = move(project, w.promoter, "intent")

    assert event.kind == Kind.MOVED
    assert event.actor == w.promoter
    assert event.at == T1
    assert event.old == {"stage": stage("planning").pk}
    assert event.new == {"stage": stage("intent").pk}
    assert event.reason == ""
    project.refresh_from_db()
    assert project.stage == stage("intent")
    assert project.stage_entered_at == T1
    assert project.updated_at == T1
    assert project.version == 2
    assert kinds(project) == [Kind.CREATED, Kind.MOVED]


def test_it_saves_and_records_the_fields_given_with_the_move(w, project):
    event = move(
        project,
        w.promoter,
        "negotiating",
        fields={"investor": "宁德时代新能源科技股份有限公司", "investment": "20000"},
    )

    assert event.old == {"stage": stage("planning").pk, "investor": "", "investment": "10000"}
    assert event.new == {
        "stage": stage("negotiating").pk,
        "investor": "宁德时代新能源科技股份有限公司",
        "investment": "20000",
    }
    project.refresh_from_db()
    assert project.stage == stage("negotiating")
    assert project.investor == "宁德时代新能源科技股份有限公司"
    assert project.investor_key == "宁德时代新能源科技"
    assert project.investment == Decimal("20000")


def test_it_requires_an_investor_for_talks(w, project):
    with refused("进入“在谈”阶段前须填写：投资方。", project=project):
        move(project, w.promoter, "negotiating", fields={"investor": "  "})


def test_it_requires_investor_and_signing_to_land(w, project):
    with refused("进入“落地”阶段前须填写：投资方、签约日期。", project=project):
        move(project, w.promoter, "landed")


def test_it_records_the_signing_with_the_landing(w, project):
    move(project, w.promoter, "negotiating", fields={"investor": INVESTOR}, at=at(2024, 3, 2))

    event = move(project, w.promoter, "landed", fields={"signed_on": dt.date(2024, 3, 3)})

    assert event.old == {"stage": stage("negotiating").pk}
    assert event.new == {"stage": stage("landed").pk}
    assert kinds(project) == [Kind.CREATED, Kind.MOVED, Kind.MOVED, Kind.MILESTONE]
    signing = project.events.get(kind=Kind.MILESTONE)
    assert signing.at == T1
    assert signing.old == {}
    assert signing.new == {"kind": "signed", "date": "2024-03-03", "note": ""}
    assert list(project.milestones.values_list("kind", "date")) == [
        (Milestone.Kind.SIGNED, dt.date(2024, 3, 3))
    ]


def test_it_lands_with_a_signing_recorded_before(w, project):
    move(project, w.promoter, "negotiating", fields={"investor": INVESTOR}, at=at(2024, 3, 2))
    services.milestone_record(
        project=project,
        kind=Milestone.Kind.SIGNED,
        date=dt.date(2024, 3, 3),
        actor=w.promoter,
        at=at(2024, 3, 3),
    )

    move(project, w.promoter, "landed")

    project.refresh_from_db()
    assert project.stage == stage("landed")
    assert project.milestones.count() == 1


def test_it_lands_and_signs_in_one_transaction(w, project, monkeypatch):
    move(project, w.promoter, "negotiating", fields={"investor": INVESTOR}, at=at(2024, 3, 2))

    def fail(*args, **kwargs):
        raise ValidationError("签约记录失败。")

    monkeypatch.setattr(services, "_set_milestone", fail)
    with refused("签约记录失败。", project=project):
        move(project, w.promoter, "landed", fields={"signed_on": dt.date(2024, 3, 3)})


def test_it_refuses_a_signing_date_in_the_future(w, project):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    with refused("日期不能晚于今天。", project=project):
        move(project, w.promoter, "landed", fields={"investor": INVESTOR, "signed_on": tomorrow})


def test_it_refuses_a_bad_field_given_with_the_move(w, project):
    with refused("金额不能为负数。", project=project, field="investment"):
        move(project, w.promoter, "intent", fields={"investment": "-5"})


def test_it_refuses_to_move_backward_without_a_reason(w, project):
    move(project, w.promoter, "negotiating", fields={"investor": INVESTOR}, at=at(2024, 3, 2))

    with refused("从“在谈”退回“意向”必须说明原因。", project=project, field="reason"):
        move(project, w.promoter, "intent", reason="  ")


def test_it_moves_backward_with_a_reason(w, project):
    move(project, w.promoter, "negotiating", fields={"investor": INVESTOR}, at=at(2024, 3, 2))

    event = move(project, w.promoter, "intent", reason="洽谈降温")

    assert event.old == {"stage": stage("negotiating").pk}
    assert event.new == {"stage": stage("intent").pk}
    assert event.reason == "洽谈降温"


def test_it_refuses_to_stop_without_a_reason(w, project):
    with refused("转为“中止”必须说明原因。", project=project, field="reason"):
        move(project, w.promoter, "stopped")


def test_it_stops_and_resumes_with_reasons(w, project):
    move(project, w.promoter, "stopped", reason="投资方资金链断裂", at=at(2024, 3, 2))

    with refused("从“中止”恢复推进必须说明原因。", project=project, field="reason"):
        move(project, w.promoter, "intent")

    event = move(project, w.promoter, "intent", reason="投资方重新启动")
    assert event.old == {"stage": stage("stopped").pk}
    assert event.new == {"stage": stage("intent").pk}
    assert event.reason == "投资方重新启动"
    assert kinds(project) == [Kind.CREATED, Kind.MOVED, Kind.MOVED]


def test_it_refuses_to_move_to_the_same_stage(w, project):
    with refused("项目已处于“策划”阶段。", project=project):
        move(project, w.promoter, "planning")


def test_it_moves_an_admitted_project(w, project):
    admit(w, project, when=at(2024, 3, 2))

    move(project, w.promoter, "intent")

    project.refresh_from_db()
    assert project.stage == stage("intent")
    assert project.review_state == "admitted"


def test_it_refuses_a_stale_version(w, project):
    move(project, w.promoter, "intent", at=at(2024, 3, 2))

    with refused(
        "项目“新能源电池项目”已被他人修改（您编辑的是第 1 版，当前是第 2 版），"
        "请刷新页面查看最新内容后再操作。",
        project=project,
        error=ConflictError,
    ):
        move(project, w.promoter, "negotiating", fields={"investor": INVESTOR}, expected_version=1)


def test_it_refuses_a_time_before_the_last_event(w, project):
    with refused(
        "发生时间 2024-02-01 10:00 早于该项目最近一次动态（2024-03-01 10:00），"
        "项目历史只能向后追加。",
        project=project,
    ):
        move(project, w.promoter, "intent", at=at(2024, 2, 1))


def test_it_refuses_a_naive_time(w, project):
    with refused("发生时间必须带时区。", project=project):
        move(project, w.promoter, "intent", at=dt.datetime(2024, 3, 5, 10))


def test_it_does_not_save_co_units_left_by_a_refused_move(w, project):
    with refused("进入“在谈”阶段前须填写：投资方。", project=project):
        move(project, w.promoter, "negotiating", fields={"co_units": {w.department}})

    services.note_add(project=project, actor=w.promoter, text="走访企业", at=at(2024, 3, 6))

    assert list(project.co_units.all()) == []


def test_it_refuses_a_signing_date_when_stopping(w, project):
    with refused("转为“中止”时不能记录签约日期。", project=project):
        move(
            project,
            w.promoter,
            "stopped",
            reason="投资方撤回",
            fields={"signed_on": dt.date(2024, 3, 2)},
        )


def test_it_takes_a_missing_reason_as_empty(w, project):
    move(project, w.promoter, "intent")
    with refused("从“意向”退回“策划”必须说明原因。", project=project, field="reason"):
        move(project, w.promoter, "planning", reason=None, at=at(2024, 3, 6))
