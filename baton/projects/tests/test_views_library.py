"""项目库 (projects:list): scope, filters, totals, sorting, pagination, htmx fragment."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from baton.org.models import Person
from baton.projects.listing import SORTS, project_page
from baton.projects.models import Project
from baton.testing import admit, make_project, stage

from .helpers_views import HTMX, login

URL = reverse("projects:list")


def codes(response) -> list[str]:
    return [p.code for p in response.context["page"].rows]


def test_it_rejects_the_wrong_method(client, w):
    login(client, w.promoter)
    assert client.post(URL).status_code == 405


def test_it_requires_login(client, w):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_it_denies_another_unit(client, w):
    project = make_project(w, name="马巷项目")
    login(client, w.other_promoter)

    response = client.get(URL)

    assert response.status_code == 200
    assert project.code not in codes(response)
    assert "马巷项目" not in response.text
    assert response.context["page"].total == 0


def test_it_shows_the_empty_state(client, w):
    login(client, w.other_promoter)
    response = client.get(URL)
    assert "项目库里还没有项目" in response.text
    assert "新建第一个项目" in response.text


def test_it_lists_the_units_projects_with_their_columns(client, w):
    project = make_project(
        w, name="新能源电池项目", investor="宁德时代", investment="12000.5", stage=stage("intent")
    )
    login(client, w.promoter)

    response = client.get(URL)

    html = response.text
    assert response.status_code == 200
    assert codes(response) == [project.code]
    assert f'href="/projects/{project.code}/"' in html
    for text in ("新能源电池项目", "宁德时代", "马巷街道", "意向", "草稿", "12,000.5"):
        assert text in html
    assert 'class="badge stage-intent"' in html
    assert 'class="badge review-draft"' in html
    assert "总投资（万元）" in html and "最近动态" in html


def test_it_shows_the_count_and_yi_total_of_what_is_filtered(client, w):
    make_project(w, investment="10000")
    make_project(w, investment="25000.5")
    make_project(w, investment="7", unit=w.other_town, actor=w.other_promoter)
    login(client, w.office)

    response = client.get(URL)

    page = response.context["page"]
    assert page.total == 3
    assert page.investment == Decimal("35007.5")
    assert '共 <strong class="total-count">3</strong> 个项目' in response.text
    assert '<strong class="total-yi">3.50</strong> 亿元' in response.text

    response = client.get(URL, {"unit": w.town.pk})
    assert response.context["page"].total == 2
    assert response.context["page"].investment == Decimal("35000.5")


def test_it_filters_by_every_field(client, w):
    leader = w.leader_person
    a = make_project(
        w,
        name="航空维修基地",
        investor="太古集团",
        investment="50000",
        industry=w.industry,
        leader=leader,
        stage=stage("negotiating"),
    )
    b = make_project(w, name="冷链物流园", investor="顺丰", investment="8000")
    c = make_project(
        w, name="芯片封测", investment="20000", unit=w.other_town, actor=w.other_promoter
    )
    admit(w, b)
    login(client, w.office)

    def found(**params):
        response = client.get(URL, params)
        assert response.status_code == 200, response.context["form"].errors
        return set(codes(response))

    assert found() == {a.code, b.code, c.code}
    assert found(q="航空") == {a.code}
    assert found(q="顺丰") == {b.code}
    assert found(unit=w.other_town.pk) == {c.code}
    assert found(stage=stage("negotiating").pk) == {a.code}
    assert found(report_group="在谈") == {a.code}
    assert found(review_state="admitted") == {b.code}
    assert found(review_state="draft") == {a.code, c.code}
    assert found(industry=w.industry.pk) == {a.code}
    assert found(leader=leader.pk) == {a.code}
    assert found(amount_min="10000") == {a.code, c.code}
    assert found(amount_max="20,000") == {b.code, c.code}
    assert found(amount_min="10000", amount_max="20000") == {c.code}
    assert found(q="航空", stage=stage("planning").pk) == set()


def test_it_offers_the_district_filter_to_city_level_users_only(client, w):
    xiangan = make_project(w)
    tongan = make_project(w, unit=w.tongan_unit, actor=w.tongan_office)

    login(client, w.reviewer)
    response = client.get(URL)
    assert "district" in response.context["form"].fields
    assert set(codes(response)) == {xiangan.code, tongan.code}
    assert "所属区" in response.text
    response = client.get(URL, {"district": w.other_district.pk})
    assert set(codes(response)) == {tongan.code}

    login(client, w.office)
    response = client.get(URL, {"district": w.other_district.pk})
    assert "district" not in response.context["form"].fields
    assert set(codes(response)) == {xiangan.code}


def test_it_limits_the_choices_to_the_users_area(client, w):
    city_leader = Person.objects.create(name="市领导", level=Person.Level.CITY_LEADER, city=w.city)
    other_leader = Person.objects.create(
        name="同安区长", level=Person.Level.DISTRICT_LEADER, city=w.city, district=w.other_district
    )
    login(client, w.office)
    form = client.get(URL).context["form"]
    assert w.tongan_unit not in form.fields["unit"].queryset
    assert w.town in form.fields["unit"].queryset
    assert set(form.fields["leader"].queryset) == {w.leader_person, city_leader}
    assert other_leader not in form.fields["leader"].queryset
    response = client.get(URL, {"unit": w.tongan_unit.pk})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "params, message",
    [
        ({"amount_min": "abc"}, "“abc”不是有效的金额（万元）。"),
        ({"amount_max": "-5"}, "金额不能为负数。"),
        ({"amount_min": "500", "amount_max": "100"}, "总投资上限不能小于下限。"),
        ({"stage": "999999"}, "所选项不存在或不可选，请重新选择。"),
        ({"stage": "abc"}, "所选项不存在或不可选，请重新选择。"),
        ({"review_state": "nonsense"}, "所选项不存在或不可选，请重新选择。"),
        ({"sort": "password"}, "所选项不存在或不可选，请重新选择。"),
        ({"industry": "1;drop table"}, "所选项不存在或不可选，请重新选择。"),
        ({"q": "一 二 三 四 五 六"}, "搜索词不能超过 5 个。"),
        ({"q": "长" * 51}, "不能超过 50 个字（现有 51 个）。"),
    ],
)
def test_it_explains_bad_filters_in_chinese(client, w, params, message):
    login(client, w.promoter)
    for headers in ({}, HTMX):
        response = client.get(URL, params, **headers)
        assert response.status_code == 400
        assert "筛选条件有误" in response.text
        assert message in response.text


def test_it_explains_a_damaged_cursor(client, w):
    make_project(w)
    login(client, w.promoter)
    for cursor in ("garbage", "W10", "WyJ4IiwgMV0", "%%%", "eyJhIjoxfQ", "x" * 400):
        response = client.get(URL, {"cursor": cursor})
        assert response.status_code == 400
        assert "分页" in response.text
        assert "回到第一页" in response.text or "不能超过" in response.text


@pytest.mark.parametrize("sort", list(SORTS))
def test_it_pages_through_everything_once_in_every_order(client, w, sort):
    amounts = ["300", "100", "300", "200", "100"] * 5  # ties in amount on purpose
    projects = [make_project(w, investment=a) for a in amounts[:21]]
    login(client, w.promoter)

    first = client.get(URL, {"sort": sort, "size": "20"})
    second = client.get(URL, {"sort": sort, "size": "20", "page": "2"})
    seen = codes(first) + codes(second)

    assert sorted(seen) == sorted(p.code for p in projects)
    assert len(seen) == 21 and len(codes(second)) == 1
    assert "第 1 / 2 页" in first.text and "第 2 / 2 页" in second.text
    assert first.context["page"].total == second.context["page"].total == 21
    ordered = Project.objects.filter(pk__in=[p.pk for p in projects]).order_by(*SORTS[sort][1])
    assert seen == [p.code for p in ordered]


def test_a_link_from_before_numbered_pages_still_pages_by_cursor(client, w):
    projects = [make_project(w) for _ in range(3)]
    first = project_page(user=w.promoter, size=2)
    login(client, w.promoter)
    response = client.get(URL, {"cursor": first.next_cursor})
    assert codes(response) == [projects[0].code]
    assert "回到第一页" in response.text


def test_it_sorts_by_amount(client, w):
    small = make_project(w, investment="5")
    big = make_project(w, investment="900")
    login(client, w.promoter)
    assert codes(client.get(URL, {"sort": "investment_desc"})) == [big.code, small.code]
    assert codes(client.get(URL, {"sort": "investment_asc"})) == [small.code, big.code]


def test_it_answers_htmx_with_the_results_only(client, w):
    make_project(w, name="新能源电池项目")
    login(client, w.promoter)

    full = client.get(URL, {"q": "电池"})
    fragment = client.get(URL, {"q": "电池"}, **HTMX)

    assert "<html" in full.text and 'id="results"' in full.text
    assert "<html" not in fragment.text and 'id="results"' not in fragment.text
    assert "新能源电池项目" in fragment.text
    assert "HX-Request" in fragment["Vary"]
    restore = client.get(URL, **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restore.text


def test_it_keeps_the_filters_in_the_pagination_links(client, w):
    for i in range(21):
        make_project(w, name=f"电池{i}")
    login(client, w.promoter)
    response = client.get(URL, {"q": "电池", "sort": "name"}, **HTMX)
    assert "?q=%E7%94%B5%E6%B1%A0&amp;sort=name&amp;page=2" in response.text
    assert 'hx-target="#results"' in response.text
    # a column's header keeps the filters, turns the sort and goes back to page 1
    assert 'href="?q=%E7%94%B5%E6%B1%A0&amp;sort=name_desc"' in response.text
    assert 'aria-sort="ascending"' in response.text
    # the form's sort and size follow what a header or a link chose (swapped out of band)
    assert re.search(r'<select name="sort"[^>]*hx-swap-oob="true"', response.text)
    assert '<option value="name" selected>' in response.text
    full = client.get(URL, {"q": "电池", "sort": "name"})
    assert "hx-swap-oob" not in full.text


def test_it_refuses_the_administrators(client, w):
    make_project(w)
    login(client, w.sys_admin)
    response = client.get(URL)
    assert response.status_code == 403
    assert "三员分立" in response.text


def test_it_shows_the_create_button_to_unit_staff_only(client, w):
    login(client, w.promoter)
    assert reverse("projects:create") in client.get(URL).text
    login(client, w.office)
    assert reverse("projects:create") not in client.get(URL).text
