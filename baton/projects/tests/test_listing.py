"""``project_page``: the library list's filters, sorts, keyset pages and totals, in scope."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from baton.projects import services
from baton.projects.listing import SORTS, decode_cursor, encode_cursor, project_page
from baton.projects.models import Industry, Project
from baton.testing import admit, at, make_project, stage

BRANDS = "华芯 鹭岛 天翔 海晟 嘉禾 同创 翔宇 中科 晶元 新航 安泰 凯盛 鼎泰 宏远 博瑞 恒通 瑞昌 金石 星辰 明德 蓝海 和瑞 启明 东方"
PRODUCTS = ["锂电池隔膜生产基地", "航空维修基地", "冷链物流园", "光伏组件生产线"]
AMOUNTS = ["500", "12000", "12000", "12000", "880000", "3000.5", "45000", "45000", "7000", "150"]


@pytest.fixture
def library(w):
    """Twenty-four 翔安 projects (ties in time and amount on purpose) and two 同安 ones."""
    other = Industry.objects.get(name="生物医药")
    made = []
    for i in range(24):
        unit = [w.town, w.other_town, w.department][i % 3]
        actor = {w.town: w.promoter, w.other_town: w.other_promoter}.get(unit, w.office)
        when = at(2024, 1 + i % 6, 3) if i % 4 else at(2024, 2, 3)  # a tie every fourth
        project = make_project(
            w,
            unit=unit,
            actor=actor,
            name=BRANDS.split()[i] + PRODUCTS[i % 4] + f"{i}期",
            investor=[
                f"{BRANDS.split()[i]}新能源有限公司",
                f"厦门{BRANDS.split()[i]}芯光半导体股份有限公司",
                "",
                "",
            ][i % 4],
            investment=AMOUNTS[i % len(AMOUNTS)],
            industry=w.industry if i % 2 else other,
            leader=w.leader_person if i % 5 == 0 else None,
            at=when,
        )
        if i % 3 == 0:
            admit(w, project, when=when)
        made.append(project)
    for i in range(2):
        make_project(
            w, unit=w.tongan_unit, actor=w.tongan_office, name=f"同安冷链物流园{i}", investment="900",
            at=at(2024, 3, 1),
        )  # fmt: skip
    return made


def _all_pages(user, sort, size=5, **filters):
    seen, cursor = [], None
    for _ in range(100):
        page = project_page(user=user, filters=filters, sort=sort, cursor=cursor, size=size)
        seen += page.rows
        cursor = page.next_cursor
        if cursor is None:
            return seen, page
    raise AssertionError("paging did not end")


def _ordered(projects, sort):
    order = SORTS[sort][1]
    return list(Project.objects.filter(pk__in=[p.pk for p in projects]).order_by(*order))


def test_it_pages_through_everything_once_in_order(w, library):
    for sort in SORTS:
        rows, page = _all_pages(w.office, sort)
        assert [p.pk for p in rows] == [p.pk for p in _ordered(library, sort)], sort
        assert page.total == 24
        assert page.investment == sum((p.investment for p in library), Decimal(0))


def test_the_default_is_recent_activity_and_the_page_holds_related_rows(
    w, library, django_assert_num_queries
):
    services.note_add(project=library[5], actor=w.promoter, text="刚刚跟进")
    with django_assert_num_queries(3):  # the totals, the page's ids, its rows with related ones
        page = project_page(user=w.office, filters={}, size=3)
        names = [(p.district.name, p.unit.name, p.stage.name) for p in page.rows]
    assert page.sort == "recent" and page.rows[0] == library[5]
    assert len(names) == 3 and page.next_cursor


def test_it_counts_and_sums_what_is_filtered_not_the_page(w, library):
    page = project_page(user=w.office, filters={"amount_min": "12000"}, size=2)
    expected = [p for p in library if p.investment >= 12000]
    assert page.total == len(expected) and len(page.rows) == 2
    assert page.investment == sum(p.investment for p in expected)


FILTER_CASES = [
    ({"unit": "UNIT"}, lambda p, w: p.unit_id == w.town.pk),
    ({"stage": "STAGE"}, lambda p, w: p.stage.code == "planning"),
    ({"report_group": "策划"}, lambda p, w: p.stage.code == "planning"),
    ({"review_state": "admitted"}, lambda p, w: p.review_state == "admitted"),
    ({"industry": "INDUSTRY"}, lambda p, w: p.industry_id == w.industry.pk),
    ({"leader": "LEADER"}, lambda p, w: p.leader_id == w.leader_person.pk),
    (
        {"amount_min": "3000.5", "amount_max": "45000"},
        lambda p, w: 3000.5 <= p.investment <= 45000,
    ),
    ({"q": "航空维修"}, lambda p, w: "航空维修" in p.name),
    ({"q": "芯光半导体"}, lambda p, w: "芯光半导体" in p.investor),
    ({"q": "冷链"}, lambda p, w: "冷链" in p.name),  # two characters: LIKE, not trigrams
    ({"q": "基地 1"}, lambda p, w: "基地" in p.name and "1" in p.name),
    ({"q": "  光伏组件生产线3期  "}, lambda p, w: p.name.endswith("光伏组件生产线3期")),
    ({"q": "不存在的项目"}, lambda p, w: False),
    ({"district": "DISTRICT", "q": "%"}, lambda p, w: False),
]


def test_each_filter_keeps_exactly_its_projects(w, library):
    values = {
        "UNIT": w.town.pk,
        "STAGE": stage("planning").pk,
        "INDUSTRY": str(w.industry.pk),
        "LEADER": w.leader_person.pk,
        "DISTRICT": w.district.pk,
    }
    current = {p.pk: p for p in Project.objects.select_related("stage")}
    for filters, keep in FILTER_CASES:
        given = {k: values.get(v, v) for k, v in filters.items()}
        rows, page = _all_pages(w.office, "recent", size=4, **given)
        expected = [p for p in library if keep(current[p.pk], w)]
        assert sorted(p.pk for p in rows) == sorted(p.pk for p in expected), filters
        assert page.total == len(expected), filters


def test_text_search_follows_a_rename(w, library):
    project = library[1]
    assert project_page(user=w.office, filters={"q": "航空维修基地1期"}).total == 1
    services.project_update(project=project, actor=w.promoter, changes={"name": "通用航空产业园"})
    assert project_page(user=w.office, filters={"q": "航空维修基地1期"}).total == 0
    assert project_page(user=w.office, filters={"q": "通用航空产业"}).rows == [project]
    assert project_page(user=w.office, filters={"q": "航空"}).total == 6


def test_it_shows_each_user_only_their_scope(w, library):
    assert project_page(user=w.office, filters={}).total == 24
    assert project_page(user=w.reviewer, filters={}).total == 26
    assert project_page(user=w.tongan_office, filters={}).total == 2
    assert project_page(user=w.leader, filters={"q": "同安"}).total == 0
    mine = project_page(user=w.other_promoter, filters={}, size=200)
    assert {p.unit_id for p in mine.rows} == {w.other_town.pk} and mine.total == 8
    # Asking for another district's projects by filter does not widen the scope.
    assert project_page(user=w.promoter, filters={"district": w.other_district.pk}).total == 0
    for admin in (w.sys_admin, w.sec_admin, w.audit_admin):
        page = project_page(user=admin, filters={})
        assert page.total == 0 and page.rows == [] and page.investment == 0


BAD_INPUT = [
    ({"filters": {"colour": "red"}}, "不支持的筛选条件：colour。"),
    ({"filters": {"unit": "abc"}}, "责任单位无效：“abc”。"),
    ({"filters": {"district": "-3"}}, "所属区无效：“-3”。"),
    ({"filters": {"stage": True}}, "项目阶段无效。"),
    ({"filters": {"review_state": "deleted"}}, "入库状态无效：“deleted”。"),
    ({"filters": {"report_group": "已删除"}}, "没有名为“已删除”的报表分组。"),
    ({"filters": {"amount_min": "一百"}}, "总投资下限（万元）：“一百”不是有效的金额（万元）。"),
    ({"filters": {"amount_max": "-1"}}, "总投资上限（万元）：金额不能为负数。"),
    ({"filters": {"amount_min": "10", "amount_max": "5"}}, "总投资上限不能小于下限。"),
    ({"filters": {"q": "长" * 51}}, "搜索内容不能超过 50 个字。"),
    ({"filters": {"q": "a b c d e f"}}, "搜索词不能超过 5 个。"),
    ({"filters": {"stage": ["1", "2"]}}, "项目阶段只能选一个。"),
    ({"filters": "district=1"}, "筛选条件格式不正确。"),
    ({"sort": "password"}, "不支持的排序方式：password。"),
    ({"page": -1}, "页码必须是正整数。"),
    ({"page": "2; DROP TABLE"}, "页码必须是正整数。"),
    ({"size": 10**6}, "每页条数必须是 1 到 200 之间的整数。"),
    (
        {"filters": {"signed_from": "2024-13-01"}},
        "签约日期起格式不正确，应为 年-月-日：“2024-13-01”。",
    ),
    ({"filters": {"signed_from": "1900-01-01"}}, "签约日期起须在 2000 年到 2100 年之间。"),
    (
        {"filters": {"signed_from": "2024-06-01", "signed_to": "2024-01-01"}},
        "签约日期的截止日不能早于起始日。",
    ),
    (
        {"filters": {"amount_min": "50000", "amount_below": "10000"}},
        "总投资“低于”须大于“不低于”，否则没有项目能落在这个区间。",
    ),
    ({"size": 0}, "每页条数必须是 1 到 200 之间的整数。"),
    ({"size": "50"}, "每页条数必须是 1 到 200 之间的整数。"),
    ({"cursor": "not-a-cursor"}, "分页参数无效，请回到第一页。"),
    ({"cursor": "W10"}, "分页参数无效，请回到第一页。"),
]


def test_it_refuses_bad_input_with_a_chinese_message(w, library):
    for kwargs, message in BAD_INPUT:
        with pytest.raises(ValidationError) as caught:
            project_page(user=w.office, **{"filters": {}, **kwargs})
        assert message in caught.value.messages, kwargs


def test_a_cursor_belongs_to_its_sort(w, library):
    page = project_page(user=w.office, filters={}, sort="code", size=3)
    assert decode_cursor(page.next_cursor, "code") == (page.rows[-1].code,)
    with pytest.raises(ValidationError):
        project_page(user=w.office, filters={}, sort="recent", cursor=page.next_cursor)
    forged = encode_cursor("recent", page.rows[-1]).replace("A", "B", 1)
    with pytest.raises(ValidationError):
        decode_cursor(forged + "!", "recent")


def test_blank_filters_are_no_filter(w, library):
    page = project_page(
        user=w.office, filters={"unit": "", "q": "   ", "stage": None, "leader": []}
    )
    assert page.total == 24 and page.filters == {}


def test_a_common_term_gives_the_same_answer_by_scan(w, library, monkeypatch):
    from baton.projects import search

    indexed = project_page(user=w.reviewer, filters={"q": "生产基地"}, size=200)
    monkeypatch.setattr(search, "COMMON", 2)  # now every term with three matches is "common"
    scanned = project_page(user=w.reviewer, filters={"q": "生产基地"}, size=200)
    assert indexed.total == scanned.total == 6
    assert [p.pk for p in indexed.rows] == [p.pk for p in scanned.rows]


@pytest.mark.parametrize("term", ["XS-2019-017", "英锐氢能装备"])
def test_a_search_finds_the_original_code_and_the_name_alike(w, term):
    """An office's own code (原编号) is searched beside the names: a long term goes through
    the full-text index on SQLite, and the 原编号 must not be lost there."""
    kept = make_project(w, name="英锐氢能装备项目")
    Project.objects.filter(pk=kept.pk).update(original_code="XS-2019-017")
    make_project(w, name="冷链物流园")
    page = project_page(user=w.office, filters={"q": term})
    assert [row.code for row in page.rows] == [kept.code]


@pytest.mark.parametrize("term", ["电池", "厦门", "Ab", "%_", "地厦", "储 能"])
def test_a_two_character_term_finds_what_like_finds(w, term):
    """On PostgreSQL a two-character term is looked up in the bigram index (migration
    0015); the answer is LIKE's: case-blind, never across the name and the investor."""
    make_project(w, name="锂电池基地", investor="厦门ABC公司")
    make_project(w, name="储能电站", investor="某基地")
    make_project(w, name="100%_项目")
    found = {p.pk for p in project_page(user=w.office, filters={"q": term}, size=200).rows}
    words = term.lower().split()
    expected = {
        p.pk
        for p in Project.objects.all()
        if all(x in p.name.lower() or x in p.investor.lower() for x in words)
    }
    assert found == expected and (term in ("地厦", "储 能") or found)


def test_postgresql_reads_the_bigram_index(w):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("二字索引只在 PostgreSQL 上建立。")
    make_project(w, name="锂电池基地")
    query = project_page(user=w.office, filters={"q": "电池"}).rows
    assert query
    from baton.projects.search import search

    # Unordered, and with the plain index scans off (a small table's plan would walk the
    # order's index and filter): the term's lookup itself must be able to use the index.
    sql, params = search(Project.objects.order_by(), "电池").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "project_bigrams" in plan, plan
