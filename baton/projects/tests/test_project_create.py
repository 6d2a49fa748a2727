import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from baton.projects import services
from baton.projects.models import CodeSequence, Milestone, ProjectEvent, ReviewState
from baton.projects.tests.helpers import INVESTOR, SIGNED_ON, kinds, make_landed, refused
from baton.testing import at, make_project, stage

T0 = at(2024, 3, 1)


def create(w, **kwargs):
    values = {
        "actor": w.promoter,
        "district": w.district,
        "unit": w.town,
        "name": "新能源电池项目",
        "investment": "10000",
        "at": T0,
    }
    return services.project_create(**{**values, **kwargs})


def test_it_writes_one_created_event_with_a_full_snapshot(w):
    project = create(
        w,
        name=" 宁德时代锂电池项目 ",
        investor="宁德时代新能源科技股份有限公司",
        investment=Decimal("150000.5"),
        industry=w.industry,
        leader=w.leader_person,
        land_area_mu="120.5",
        info_source="市招商局推荐",
        contact_name="张先生",
        contact_phone="0592-7777777",
        co_units={w.department},
    )

    event = project.events.get()
    assert event.kind == ProjectEvent.Kind.CREATED
    assert event.actor == w.promoter
    assert event.at == T0
    assert event.district_id == w.district.pk
    assert event.old == {}
    assert event.new == {
        "name": "宁德时代锂电池项目",
        "investor": "宁德时代新能源科技股份有限公司",
        "investment": "150000.5",
        "industry": w.industry.pk,
        "leader": w.leader_person.pk,
        "land_area_mu": "120.5",
        "info_source": "市招商局推荐",
        "progress": "",
        "issues_text": "",
        "contact_name": "张先生",
        "contact_phone": "0592-7777777",
        "remarks": "",
        "info_unit": w.town.pk,
        "talks_unit": None,
        "landing_unit": None,
        "co_units": [w.department.pk],
        "project_type": "",
        "is_global500": False,
        "is_china500": False,
        "is_listed": False,
        "investor_region": "",
        "investor_uscc": "",
        "fixed_investment": None,
        "annual_output": None,
        "annual_tax": None,
        "planned_start_on": None,
        "planned_production_on": None,
        "land_use": "",
        "code": "350213-2024-0001",
        "district": w.district.pk,
        "unit": w.town.pk,
        "stage": stage("planning").pk,
        "review_state": "draft",
    }


def test_it_saves_a_draft_in_the_first_stage(w):
    project = create(w, investor="宁德时代新能源科技股份有限公司", co_units={w.department})
    project.refresh_from_db()

    assert project.code == "350213-2024-0001"
    assert project.name == "新能源电池项目"
    assert project.name_key == "新能源电池"
    assert project.investor_key == "宁德时代新能源科技"
    assert project.stage == stage("planning")
    assert project.review_state == ReviewState.DRAFT
    assert project.investment == Decimal("10000")
    assert project.version == 1
    assert project.created_by == w.promoter
    assert project.created_at == project.updated_at == project.stage_entered_at == T0
    assert project.submitted_at is None
    assert project.admitted_at is None
    assert project.info_unit == w.town
    assert list(project.co_units.all()) == [w.department]


def test_it_numbers_codes_per_district_and_year(w):
    half_hour = dt.timedelta(minutes=30)
    codes = [
        make_project(w, at=at(2019, 5, 1)).code,
        make_project(w, at=at(2019, 6, 1)).code,
        make_project(w, unit=w.tongan_unit, actor=w.tongan_office, at=at(2019, 6, 1)).code,
        make_project(w, at=at(2019, 12, 31, 23)).code,
        # 2020-01-01 00:30 in 厦门 is still 2019 in UTC: the local year counts.
        make_project(w, at=(at(2020, 1, 1, 0) + half_hour).astimezone(dt.UTC)).code,
        make_project(w, at=at(2020, 2, 1)).code,
    ]

    assert codes == [
        "350213-2019-0001",
        "350213-2019-0002",
        "350212-2019-0001",
        "350213-2019-0003",
        "350213-2020-0001",
        "350213-2020-0002",
    ]


def test_it_keeps_a_given_code_as_original_and_issues_its_own(w):
    make_project(w, at=at(2019, 5, 1))
    given = make_project(w, original_code=" 350213-2019-0042 ", at=at(2019, 5, 2))
    following = make_project(w, at=at(2019, 5, 3))

    assert (given.code, given.original_code) == ("350213-2019-0002", "350213-2019-0042")
    assert given.events.get().new["original_code"] == "350213-2019-0042"
    assert following.code == "350213-2019-0003"
    assert CodeSequence.objects.get(district=w.district, year=2019).last == 3


def test_it_never_moves_a_sequence_for_an_original_code(w):
    make_project(w, original_code="350212-2018-0007", at=at(2019, 5, 1))

    assert list(CodeSequence.objects.values_list("district", "year", "last")) == [
        (w.district.pk, 2019, 1)
    ]


def test_it_skips_a_code_already_taken(w):
    make_project(w, at=at(2019, 5, 1))
    CodeSequence.objects.filter(district=w.district, year=2019).update(last=0)

    assert make_project(w, at=at(2019, 5, 2)).code == "350213-2019-0002"


@pytest.mark.parametrize("code", ["350213 2019 1", "-1", "项目1", "A" * 33])
def test_it_refuses_a_malformed_original_code(w, code):
    with refused("原编号只能包含字母、数字、短横线和下划线，最长 32 位。", field="original_code"):
        make_project(w, original_code=code)


def test_it_keeps_the_given_information_unit(w):
    project = create(w, info_unit=w.department)

    assert project.info_unit == w.department
    assert project.events.get().new["info_unit"] == w.department.pk


def test_it_creates_a_landed_project_with_its_signing(w):
    project = make_landed(w, when=T0)

    assert project.stage == stage("landed")
    assert project.investor == INVESTOR
    assert kinds(project) == [ProjectEvent.Kind.CREATED, ProjectEvent.Kind.MILESTONE]
    milestone_event = project.events.get(kind=ProjectEvent.Kind.MILESTONE)
    assert milestone_event.at == T0
    assert milestone_event.new == {"kind": "signed", "date": "2024-03-01", "note": ""}
    assert list(project.milestones.values_list("kind", "date")) == [
        (Milestone.Kind.SIGNED, SIGNED_ON)
    ]


def test_it_refuses_a_landed_project_without_investor_and_signing(w):
    with refused("“落地”阶段的项目必须填写：投资方、签约日期。"):
        create(w, stage=stage("landed"))


def test_it_refuses_a_signing_date_in_the_future(w):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    with refused("日期不能晚于今天。"):
        create(w, stage=stage("landed"), investor=INVESTOR, signed_on=tomorrow)


def test_it_refuses_to_start_in_an_exit_stage(w):
    with refused("新项目不能直接处于“中止”阶段。"):
        create(w, stage=stage("stopped"))


def test_it_refuses_a_unit_of_another_district(w):
    with refused("“同安区招商办”不是翔安区的单位。"):
        create(w, unit=w.tongan_unit)


def test_it_refuses_an_inactive_unit(w):
    w.department.is_active = False
    w.department.save()

    with refused("“区工信局”已停用。"):
        create(w, unit=w.department)


def test_it_refuses_a_co_unit_of_another_district(w):
    with refused("“同安区招商办”不是翔安区的单位。", field="co_units"):
        create(w, co_units={w.department, w.tongan_unit})


@pytest.mark.parametrize(
    ("investment", "message"),
    [
        ("-1", "金额不能为负数。"),
        ("1.00001", "金额以万元为单位，最多保留 4 位小数（精确到元）。"),
        (1.5, "金额不能是浮点数，请以文本或 Decimal 传入。"),
        ("一百万", "“一百万”不是有效的金额（万元）。"),
        ("NaN", "“NaN”不是有效的金额（万元）。"),
        ("100000000.0001", "金额超出合理范围（不超过 1 万亿元）。"),
        ("", "总投资不能为空。"),
        (None, "总投资不能为空。"),
    ],
)
def test_it_refuses_a_bad_amount(w, investment, message):
    with refused(message, field="investment"):
        create(w, investment=investment)


@pytest.mark.parametrize("phone", ["abc", "1234", "0592-777777#1", "1" * 31])
def test_it_refuses_a_bad_phone(w, phone):
    message = (
        "不能超过 30 个字。"
        if len(phone) > 30
        else "联系电话格式不正确，只能包含数字、空格、+、-、括号。"
    )
    with refused(message, field="contact_phone"):
        create(w, contact_phone=phone)


def test_it_refuses_an_empty_name(w):
    with refused("项目名称不能为空。", field="name"):
        create(w, name="   ")


def test_it_names_every_bad_field_at_once(w):
    with refused(["金额不能为负数。", "拟用地面积最多保留 2 位小数。"]) as info:
        create(w, investment="-1", land_area_mu="1.234")
    assert info.value.message_dict == {
        "investment": ["金额不能为负数。"],
        "land_area_mu": ["拟用地面积最多保留 2 位小数。"],
    }


def test_it_refuses_fields_that_have_their_own_service(w):
    with refused("不能修改这些字段：review_state。"):
        create(w, review_state=ReviewState.ADMITTED)


def test_it_refuses_a_naive_time(w):
    with refused("发生时间必须带时区。"):
        create(w, at=dt.datetime(2024, 3, 1, 10))


def test_it_refuses_a_time_in_the_future(w):
    with refused("发生时间不能晚于当前时间。"):
        create(w, at=timezone.now() + dt.timedelta(hours=1))
