"""Search by code, 原编号, contact, phone and pinyin initials (``search_keys``): the keys
follow every save, a bulk write is caught up by ``refresh_stale``, and a phone finds a
project only for those who see the number in full."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baton.projects import search_keys, services
from baton.projects.listing import project_page
from baton.projects.models import Project, ProjectSearch
from baton.testing import make_project


def found(user, q: str) -> list[str]:
    page = project_page(user=user, filters={"q": q}, size=200)
    return sorted(row.code for row in page.rows)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("宁德时代新能源科技股份有限公司", "ndsdxnykjgfyxgs"),
        ("重庆长安汽车", "cqcaqc"),  # a phrase's reading, not 重's first (zhòng)
        ("中国银行厦门分行", "zgyhxmfh"),
        ("厦门ABC-12号", "xmabc12h"),
        ("", ""),
    ],
)
def test_initials_follow_the_words(text, expected):
    assert search_keys.initials(text) == expected


def test_pinyin_initials_find_the_name_and_the_investor(w):
    battery = make_project(w, name="宁德时代锂电池基地")
    chip = make_project(w, name="芯片封装项目", investor="重庆长安汽车股份有限公司")
    make_project(w, name="冷链物流园")

    assert found(w.office, "ndsd") == [battery.code]
    assert found(w.office, "NDSD") == [battery.code]  # initials are typed in either case
    assert found(w.office, "cqca") == [chip.code]
    assert found(w.office, "ndsd cqca") == []  # every term must match
    assert found(w.office, "zzzz") == []


def test_the_keys_follow_a_rename_and_a_new_contact(w):
    project = make_project(w, name="宁德时代锂电池基地")
    services.project_update(
        project=project,
        actor=w.promoter,
        changes={"name": "比亚迪刀片电池基地", "contact_name": "王小明"},
        expected_version=project.version,
    )
    assert found(w.office, "ndsd") == []
    assert found(w.office, "bydd") == [project.code]
    assert found(w.office, "王小明") == [project.code]
    assert found(w.office, "王小") == [project.code]  # the start of a name is enough


def test_code_and_original_code(w):
    first = make_project(w, name="光伏组件项目")
    second = make_project(w, name="航空维修基地")
    Project.objects.filter(pk=second.pk).update(original_code="XA-2019-017")
    prefix = first.code[:-2]  # 350213-2024-00: both codes start with it

    assert found(w.office, first.code) == [first.code]
    assert found(w.office, prefix) == sorted([first.code, second.code])
    assert found(w.office, "XA-2019-017") == [second.code]


def test_a_phone_finds_a_project_only_for_those_who_see_the_number(w):
    project = make_project(w, name="光伏组件项目", contact_name="李雷", contact_phone="13800138000")
    make_project(w, name="冷链物流园", contact_phone="13900139000")

    # the holding unit and the district office see the number in full: they find it
    assert found(w.promoter, "13800138000") == [project.code]
    assert found(w.office, "138-0013-8000") == [project.code]
    assert found(w.office, "+8613800138000") == [project.code]
    # the city reviewer sees it masked: searching by it finds nothing (no oracle)
    assert found(w.reviewer, "13800138000") == []
    assert found(w.reviewer, "李雷") == [project.code]  # the name is not masked
    # a part of the number is no key
    assert found(w.office, "1380013") == []


def test_the_phone_is_never_copied_in_clear(w, settings):
    settings.BATON_FIELD_KEY = "00112233445566778899aabbccddeeff"  # phones sealed at rest
    project = make_project(w, contact_phone="13800138000")
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM projects_project WHERE id = %s", [project.pk])
        assert cursor.fetchone()[0].startswith("SM4GCM1:")
    row = ProjectSearch.objects.get(project_id=project.pk)
    assert len(row.phone_digest) == 32
    for value in vars(row).values():
        assert "13800138000" not in str(value) and "0013800" not in str(value)
    assert found(w.office, "13800138000") == [project.code]


def test_a_write_with_sql_is_caught_up_by_refresh_stale(w):
    project = make_project(w, name="冷链物流园")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE projects_project SET name = %s WHERE id = %s", ["宁德时代电池", project.pk]
        )
    assert found(w.office, "ndsd") == []
    assert search_keys.stale_ids() == [project.pk]

    assert search_keys.refresh_stale() == 1

    assert search_keys.stale_ids() == []
    assert found(w.office, "ndsd") == [project.code]


def test_refresh_stale_drops_the_keys_of_a_project_that_is_gone(w):
    kept, gone = make_project(w, name="冷链物流园"), make_project(w, name="宁德时代电池")
    with connection.cursor() as cursor:  # no constraint: SQL may delete a project alone
        cursor.execute("DELETE FROM projects_projectevent WHERE project_id = %s", [gone.pk])
        cursor.execute("DELETE FROM projects_projectperiod WHERE project_id = %s", [gone.pk])
        cursor.execute("DELETE FROM projects_project WHERE id = %s", [gone.pk])

    with CaptureQueriesContext(connection) as queries:
        assert search_keys.refresh_stale() == 0

    assert list(ProjectSearch.objects.values_list("project_id", flat=True)) == [kept.pk]
    # An anti-join: NOT IN (SELECT id …) is a plan of every key against every project on
    # PostgreSQL once the ids outgrow work_mem (it never ended at the national scale).
    (delete,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DELETE")]
    assert "NOT (EXISTS" in delete and " IN (" not in delete


def test_the_command_recomputes_every_row(w):
    project = make_project(w, name="宁德时代电池")
    ProjectSearch.objects.filter(project_id=project.pk).update(name_initials="x")
    call_command("search_keys")  # nothing stale: the copies did not change
    assert found(w.office, "ndsd") == []
    call_command("search_keys", all=True)
    assert found(w.office, "ndsd") == [project.code]


def test_the_export_of_a_search_holds_what_the_list_shows(w):
    from baton.ledger.exporter import ledger_projects

    project = make_project(w, name="光伏组件项目", contact_phone="13800138000")
    for user, expected in ((w.office, [project.code]), (w.reviewer, [])):
        exported = ledger_projects(user=user, filters={"q": "13800138000"})
        assert (
            sorted(exported.values_list("code", flat=True))
            == expected
            == found(user, "13800138000")
        )
