import datetime as dt
from decimal import Decimal

import pytest

from baton.org.models import Person
from baton.projects import services
from baton.projects.models import ProjectEvent
from baton.projects.services import ConflictError
from baton.projects.tests.helpers import kinds, refused
from baton.testing import admit, at, make_project

T0 = at(2024, 3, 1)
T1 = at(2024, 3, 5)


@pytest.fixture
def project(w):
    return make_project(w, name="新能源电池项目", at=T0)


def update(project, actor, changes, **kwargs):
    return services.project_update(
        project=project, actor=actor, changes=changes, **{"at": T1, **kwargs}
    )


def test_it_records_old_and_new_of_only_the_changed_fields(w, project):
    changed = update(
        project,
        w.promoter,
        {
            "name": "新能源电池项目",
            "investment": "12000.5",
            "investor": "厦门某某科技有限公司",
            "remarks": "",
        },
        reason=" 投资方调整投资计划 ",
    )

    assert changed is True
    event = project.events.get(kind=ProjectEvent.Kind.UPDATED)
    assert event.old == {"investment": "10000", "investor": ""}
    assert event.new == {"investment": "12000.5", "investor": "厦门某某科技有限公司"}
    assert event.reason == "投资方调整投资计划"
    assert event.actor == w.promoter
    assert event.at == T1
    assert kinds(project) == [ProjectEvent.Kind.CREATED, ProjectEvent.Kind.UPDATED]
    project.refresh_from_db()
    assert project.investment == Decimal("12000.5")
    assert project.investor == "厦门某某科技有限公司"
    assert project.investor_key == "厦门某某科技"
    assert project.version == 2
    assert project.updated_at == T1


def test_it_records_relations_as_ids(w, project):
    update(project, w.promoter, {"industry": w.industry, "leader": w.leader_person})

    event = project.events.get(kind=ProjectEvent.Kind.UPDATED)
    assert event.old == {"industry": None, "leader": None}
    assert event.new == {"industry": w.industry.pk, "leader": w.leader_person.pk}


def test_it_writes_nothing_when_nothing_changed(w, project):
    changed = update(
        project,
        w.promoter,
        {"name": "  新能源电池项目 ", "investment": "10000.0000", "co_units": set()},
    )

    assert changed is False
    assert kinds(project) == [ProjectEvent.Kind.CREATED]
    project.refresh_from_db()
    assert project.version == 1
    assert project.updated_at == T0


def test_it_records_a_change_of_co_units(w, project):
    update(project, w.promoter, {"co_units": {w.department, w.headquarters}})
    update(project, w.promoter, {"co_units": [w.headquarters]}, at=at(2024, 3, 6))

    first, second = project.events.filter(kind=ProjectEvent.Kind.UPDATED)
    assert first.old == {"co_units": []}
    assert first.new == {"co_units": sorted([w.department.pk, w.headquarters.pk])}
    assert second.old == {"co_units": sorted([w.department.pk, w.headquarters.pk])}
    assert second.new == {"co_units": [w.headquarters.pk]}
    assert list(project.co_units.all()) == [w.headquarters]
    project.refresh_from_db()
    assert project.version == 3


def test_it_edits_an_admitted_project(w, project):
    admit(w, project, when=at(2024, 3, 2))

    assert update(project, w.promoter, {"progress": "已完成厂房设计"}) is True
    assert project.events.last().new == {"progress": "已完成厂房设计"}


def test_it_lets_a_draft_have_no_amount_yet(w, project):
    assert update(project, w.promoter, {"investment": "0"}) is True
    project.refresh_from_db()
    assert project.investment == Decimal("0")


def test_it_refuses_to_empty_the_amount_of_an_admitted_project(w, project):
    admit(w, project, when=at(2024, 3, 2))

    with refused("已上报或入库的项目总投资必须大于 0。", project=project, field="investment"):
        update(project, w.promoter, {"investment": "0"})


@pytest.mark.parametrize(
    ("state", "label"),
    [("submitted", "已上报"), ("district_approved", "区已审核")],
)
def test_it_refuses_changes_during_review(w, project, state, label):
    services.project_submit(project=project, actor=w.promoter, at=at(2024, 3, 2))
    if state == "district_approved":
        services.project_review(project=project, actor=w.office, approve=True, at=at(2024, 3, 3))

    with refused(
        f"项目处于“{label}”状态，审核期间不能修改；如需修改，请审核人先退回。", project=project
    ):
        update(project, w.promoter, {"remarks": "补充说明"})


def test_it_edits_a_returned_project(w, project):
    services.project_submit(project=project, actor=w.promoter, at=at(2024, 3, 2))
    services.project_review(
        project=project, actor=w.office, approve=False, reason="缺少投资方", at=at(2024, 3, 3)
    )

    assert update(project, w.promoter, {"investor": "厦门某某科技有限公司"}) is True


def test_it_refuses_a_stale_version(w, project):
    fresh = make_project(w, at=T0)
    update(project, w.promoter, {"remarks": "第一次修改"}, expected_version=1)

    with refused(
        "项目“新能源电池项目”已被他人修改（您编辑的是第 1 版，当前是第 2 版），"
        "请刷新页面查看最新内容后再操作。",
        project=project,
        error=ConflictError,
    ) as info:
        update(project, w.other_promoter, {"remarks": "第二次修改"}, expected_version=1)
    assert info.value.code == "conflict"
    assert update(fresh, w.promoter, {"remarks": "当前版本"}, expected_version=1) is True


def test_it_refuses_a_time_before_the_last_event(w, project):
    with refused(
        "发生时间 2024-02-29 10:00 早于该项目最近一次动态（2024-03-01 10:00），"
        "项目历史只能向后追加。",
        project=project,
    ):
        update(project, w.promoter, {"remarks": "补记"}, at=at(2024, 2, 29))


def test_it_refuses_a_naive_time(w, project):
    with refused("发生时间必须带时区。", project=project):
        update(project, w.promoter, {"remarks": "补记"}, at=dt.datetime(2024, 3, 5, 10))


@pytest.mark.parametrize(
    ("investment", "message"),
    [
        ("-0.0001", "金额不能为负数。"),
        ("10000.00005", "金额以万元为单位，最多保留 4 位小数（精确到元）。"),
        (12000.5, "金额不能是浮点数，请以文本或 Decimal 传入。"),
        ("一万二", "“一万二”不是有效的金额（万元）。"),
        ("", "总投资不能为空。"),
    ],
)
def test_it_refuses_a_bad_amount(w, project, investment, message):
    with refused(message, project=project, field="investment"):
        update(project, w.promoter, {"investment": investment})


@pytest.mark.parametrize(
    "phone", ["0592-7777777", "13800000000", "+86 (592) 777 7777", "0592-7777777转8001"]
)
def test_it_accepts_a_phone_number(w, project, phone):
    assert update(project, w.promoter, {"contact_phone": f" {phone} "}) is True
    project.refresh_from_db()
    assert project.contact_phone == phone


@pytest.mark.parametrize("phone", ["abc", "1234", "0592_7777777", "电话13800000000"])
def test_it_refuses_a_bad_phone(w, project, phone):
    with refused(
        "联系电话格式不正确，只能包含数字、空格、+、-、括号。",
        project=project,
        field="contact_phone",
    ):
        update(project, w.promoter, {"contact_phone": phone})


def test_it_refuses_fields_that_have_their_own_service(w, project):
    with refused("不能修改这些字段：stage、unit。", project=project):
        update(project, w.promoter, {"unit": w.other_town, "stage": None, "name": "新名称"})


def test_it_names_every_bad_field_at_once(w, project):
    with refused(
        ["项目名称不能为空。", "金额不能为负数。", "拟用地面积最多保留 2 位小数。"],
        project=project,
    ) as info:
        update(project, w.promoter, {"name": "", "investment": "-1", "land_area_mu": "1.234"})
    assert set(info.value.message_dict) == {"name", "investment", "land_area_mu"}


def test_it_refuses_a_text_too_long(w, project):
    with refused("不能超过 50 个字。", project=project, field="contact_name"):
        update(project, w.promoter, {"contact_name": "张" * 51})


def test_it_refuses_a_leader_who_is_not_a_leader(w, project):
    staff = Person.objects.create(name="李明", city=w.city, district=w.district)

    with refused("挂钩领导必须是在册的区或市领导。", project=project, field="leader"):
        update(project, w.promoter, {"leader": staff})


def test_it_refuses_a_leader_of_another_district(w, project):
    tongan_leader = Person.objects.create(
        name="王同", level=Person.Level.DISTRICT_LEADER, city=w.city, district=w.other_district
    )

    with refused("王同不是本区或本市的领导。", project=project, field="leader"):
        update(project, w.promoter, {"leader": tongan_leader})


def test_it_accepts_a_city_leader(w, project):
    city_leader = Person.objects.create(name="周市", level=Person.Level.CITY_LEADER, city=w.city)

    assert update(project, w.promoter, {"leader": city_leader}) is True


def test_it_refuses_a_co_unit_of_another_district(w, project):
    with refused("“同安区招商办”不是翔安区的单位。", project=project, field="co_units"):
        update(project, w.promoter, {"co_units": {w.tongan_unit}})


def test_it_does_not_save_co_units_left_by_a_refused_call(w, project):
    admit(w, project, when=at(2024, 3, 2))
    with refused("已上报或入库的项目总投资必须大于 0。", project=project, field="investment"):
        update(project, w.promoter, {"co_units": {w.department}, "investment": "0"})

    update(project, w.promoter, {"remarks": "另一项修改"}, at=at(2024, 3, 6))

    assert list(project.co_units.all()) == []
    assert project.events.last().new == {"remarks": "另一项修改"}
