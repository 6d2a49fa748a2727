import pytest

from baton.org.models import City, District, Unit
from baton.projects import services
from baton.projects.duplicates import duplicate_candidates, investor_key, name_key
from baton.projects.models import ProjectEvent, ReviewState
from baton.projects.tests.helpers import refused
from baton.testing import admit, at, make_project

T0 = at(2024, 3, 1)
INVESTOR = "宁德时代新能源科技股份有限公司"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("宁德时代新能源科技股份有限公司", "宁德时代新能源科技"),
        ("宁德时代新能源科技有限公司", "宁德时代新能源科技"),
        ("宁德时代新能源科技有限责任公司", "宁德时代新能源科技"),
        ("厦门象屿集团有限公司", "厦门象屿"),
        ("厦门象屿控股集团", "厦门象屿"),
        ("ＡＢＣ（厦门）科技有限公司", "abc厦门科技"),
        ("ABC (厦门) 科技 有限公司", "abc厦门科技"),
        ("戴尔（中国）有限公司", "戴尔"),
        ("  ", ""),
        ("", ""),
    ],
)
def test_it_normalises_the_investor(text, key):
    assert investor_key(text) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("宁德时代锂电池项目", "宁德时代锂电池"),
        ("宁德时代锂电池建设项目", "宁德时代锂电池"),
        ("ＡＢＣ智能制造项目", "abc智能制造"),
        ("ABC 智能制造（一期）", "abc智能制造一期"),
        ("A项目", "a项目"),
        ("项目", "项目"),
    ],
)
def test_it_normalises_the_name(text, key):
    assert name_key(text) == key


def test_it_keeps_the_keys_on_the_project(w):
    project = make_project(w, name="ＡＢＣ智能制造项目", investor="ＡＢＣ（厦门）科技有限公司")

    assert (project.name_key, project.investor_key) == ("abc智能制造", "abc厦门科技")


@pytest.fixture
def existing(w):
    """An admitted project of 马巷街道."""
    project = make_project(w, name="宁德时代锂电池项目", investor=INVESTOR, at=T0)
    return admit(w, project, when=at(2024, 3, 2))


def newcomer(w, unit=None, actor=None, **kwargs):
    values = {"name": "宁德时代锂电池生产基地", "investor": "宁德时代新能源科技有限公司"}
    return make_project(
        w,
        unit=unit or w.other_town,
        actor=actor or w.other_promoter,
        at=at(2024, 3, 3),
        **{**values, **kwargs},
    )


def found(project) -> list[tuple]:
    return [(c.project.code, c.score, c.reason) for c in duplicate_candidates(project)]


def test_it_finds_the_same_investor_with_a_similar_name_in_another_unit(w, existing):
    assert found(newcomer(w)) == [(existing.code, 88, "投资方相同，项目名称相似度 88%")]


def test_it_finds_a_similar_name_whatever_the_investor(w, existing):
    project = newcomer(w, name="宁德时代锂电池项目", investor="福建某某投资有限公司")

    assert found(project) == [(existing.code, 100, "项目名称相似度 100%")]


def test_it_needs_a_closer_name_without_the_same_investor(w, existing):
    same_investor = newcomer(w, name="宁德时代储能电站项目")
    other_investor = newcomer(w, name="宁德时代储能电站项目", investor="福建某某投资有限公司")
    unrelated = newcomer(w, name="总部大楼")

    assert found(same_investor) == [(existing.code, 67, "投资方相同，项目名称相似度 67%")]
    assert found(other_investor) == []
    assert found(unrelated) == []


def test_it_finds_candidates_in_other_districts_of_the_city(w, existing):
    project = newcomer(w, unit=w.tongan_unit, actor=w.tongan_office)

    assert [c.project for c in duplicate_candidates(project)] == [existing]


def test_it_ignores_other_cities(w):
    quanzhou = City.objects.create(code="3505", name="泉州市", short_name="泉州")
    jinjiang = District.objects.create(city=quanzhou, code="350582", name="晋江市")
    unit = Unit.objects.create(district=jinjiang, name="晋江市招商办", kind=Unit.Kind.OFFICE)
    elsewhere = make_project(w, unit=unit, name="宁德时代锂电池项目", investor=INVESTOR, at=T0)
    services.project_submit(project=elsewhere, actor=None, at=at(2024, 3, 2))

    assert found(newcomer(w)) == []


def test_it_ignores_drafts_and_returned_projects(w):
    draft = make_project(w, name="宁德时代锂电池项目", investor=INVESTOR, at=T0)
    project = newcomer(w)

    assert found(project) == []

    services.project_submit(project=draft, actor=w.promoter, at=at(2024, 3, 4))
    assert found(project) == [(draft.code, 88, "投资方相同，项目名称相似度 88%")]

    services.project_review(project=draft, actor=w.office, approve=True, at=at(2024, 3, 5))
    assert found(project) == [(draft.code, 88, "投资方相同，项目名称相似度 88%")]

    services.project_review(
        project=draft, actor=w.reviewer, approve=False, reason="重复上报", at=at(2024, 3, 6)
    )
    assert found(project) == []


def test_it_orders_candidates_by_score(w, existing):
    closer = make_project(w, name="宁德时代锂电池生产基地项目", at=T0, unit=w.department)
    services.project_submit(project=closer, actor=w.promoter, at=at(2024, 3, 2))

    assert found(newcomer(w)) == [
        (closer.code, 100, "项目名称相似度 100%"),
        (existing.code, 88, "投资方相同，项目名称相似度 88%"),
    ]


def test_it_lists_at_most_ten_candidates(w, existing):
    twins = []
    for n in range(11):  # names of 12 characters score 96, the one of 13 scores 92
        twin = make_project(w, name=f"宁德时代锂电池生产基地{n}", at=T0, unit=w.department)
        services.project_submit(project=twin, actor=w.promoter, at=at(2024, 3, 2))
        twins.append(twin)

    assert found(newcomer(w)) == [(t.code, 96, "项目名称相似度 96%") for t in twins[:10]]


def test_it_lists_the_candidates_on_submission(w, existing):
    project = newcomer(w)

    event = services.project_submit(project=project, actor=w.other_promoter, at=at(2024, 3, 4))

    assert event.new == {"review_state": "submitted", "duplicates": [existing.code]}


def test_it_refuses_approval_until_the_reviewer_rules_out_a_duplicate(w, existing):
    project = newcomer(w)
    services.project_submit(project=project, actor=w.other_promoter, at=at(2024, 3, 4))

    with refused(
        f"发现疑似重复项目：{existing.code}“宁德时代锂电池项目”（投资方相同，项目名称相似度 88%）。"
        "请核对后确认不是同一项目再通过，或退回。",
        project=project,
    ) as info:
        services.project_review(project=project, actor=w.office, approve=True, at=at(2024, 3, 5))
    assert info.value.code == "duplicates"

    event = services.project_review(
        project=project, actor=w.office, approve=True, not_duplicate=True, at=at(2024, 3, 5)
    )

    assert event.kind == ProjectEvent.Kind.APPROVED
    assert event.new == {
        "review_state": "district_approved",
        "checked_duplicates": [existing.code],
    }


def test_it_asks_again_at_the_city_level(w, existing):
    project = newcomer(w)
    services.project_submit(project=project, actor=w.other_promoter, at=at(2024, 3, 4))
    services.project_review(
        project=project, actor=w.office, approve=True, not_duplicate=True, at=at(2024, 3, 5)
    )

    with refused(
        f"发现疑似重复项目：{existing.code}“宁德时代锂电池项目”（投资方相同，项目名称相似度 88%）。"
        "请核对后确认不是同一项目再通过，或退回。",
        project=project,
    ):
        services.project_review(project=project, actor=w.reviewer, approve=True, at=at(2024, 3, 6))


def test_it_returns_a_duplicate_without_ruling(w, existing):
    project = newcomer(w)
    services.project_submit(project=project, actor=w.other_promoter, at=at(2024, 3, 4))

    event = services.project_review(
        project=project,
        actor=w.office,
        approve=False,
        reason="与马巷街道项目重复",
        at=at(2024, 3, 5),
    )

    assert event.new == {"review_state": "returned"}
    project.refresh_from_db()
    assert project.review_state == ReviewState.RETURNED


def test_it_records_no_check_without_candidates(w):
    project = make_project(w, at=T0)
    services.project_submit(project=project, actor=w.promoter, at=at(2024, 3, 4))

    event = services.project_review(
        project=project, actor=w.office, approve=True, not_duplicate=True, at=at(2024, 3, 5)
    )

    assert event.new == {"review_state": "district_approved"}
