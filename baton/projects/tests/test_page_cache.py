"""The 项目库's kept pages (page_cache) and the counters the triggers raise (migration 0007)."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from baton.org.models import Unit
from baton.projects import services
from baton.projects.models import Industry, LibraryVersion, Project
from baton.testing import make_project

from .helpers_views import HTMX, login

URL = reverse("projects:list")


def counter(scope) -> int:
    found = LibraryVersion.objects.filter(scope=getattr(scope, "pk", scope)).first()
    return found.version if found else 0


def rises(scope, write) -> bool:
    before = counter(scope)
    write()
    return counter(scope) > before


def reads_projects(client, url=URL, **headers) -> tuple[bool, str]:
    """Open the list; return whether it read the project table, and the page."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    read = any("projects_project" in q["sql"] for q in queries.captured_queries)
    return read, response.content.decode()


def main(page: str) -> str:
    """The page's own part (the rest carries a fresh CSRF token each time)."""
    return page[page.index('<main class="content"') :]


# --- the counters -------------------------------------------------------------------------


def test_every_write_to_a_project_raises_its_districts_counter(w):
    project = make_project(w, name="鹭岛冷链物流园")
    assert counter(w.district) > 0
    assert rises(
        w.district,
        lambda: services.project_update(
            project=project, actor=w.promoter, changes={"name": "鹭岛冷链物流园二期"}
        ),
    )
    assert rises(w.district, lambda: project.co_units.add(w.department))
    assert rises(w.district, lambda: project.co_units.remove(w.department))
    assert rises(w.district, lambda: Project.objects.filter(pk=project.pk).update(investor="甲"))
    before = counter(w.other_district)
    assert rises(
        w.district,
        lambda: Project.objects.filter(pk=project.pk).update(district=w.other_district),
    )  # a move raises both districts
    assert counter(w.other_district) > before


def test_a_write_leaves_other_districts_alone(w):
    make_project(w, unit=w.tongan_unit, actor=w.tongan_office)
    before = counter(w.other_district)
    make_project(w, name="只在翔安")
    assert counter(w.other_district) == before


def test_names_and_choices_raise_the_organisation_counter(w):
    organisation = LibraryVersion.ORGANISATION
    assert rises(organisation, lambda: Unit.objects.filter(pk=w.town.pk).update(name="马巷镇"))
    assert rises(organisation, lambda: Industry.objects.create(name="低空经济", order=99))
    assert rises(organisation, lambda: w.district.save())


def test_a_counter_never_returns_to_a_value_it_had(w):
    project = make_project(w)
    seen = set()
    for i in range(5):
        Project.objects.filter(pk=project.pk).update(name=f"项目{i}")
        seen.add(counter(w.district))
    assert len(seen) == 5  # one write after another, within a millisecond or not


# --- the kept pages -----------------------------------------------------------------------


def test_a_kept_page_is_served_without_reading_projects_until_a_change(client, w):
    project = make_project(w, name="鹭岛冷链物流园")
    login(client, w.office)
    read, page = reads_projects(client)
    assert read and "鹭岛冷链物流园" in page
    read, again = reads_projects(client)
    assert not read and main(again) == main(page)
    services.project_update(project=project, actor=w.promoter, changes={"name": "鹭岛航空维修基地"})
    read, page = reads_projects(client)
    assert read and "鹭岛航空维修基地" in page and "鹭岛冷链物流园" not in page


def test_the_htmx_results_are_kept_apart_from_the_page(client, w):
    make_project(w, name="鹭岛冷链物流园")
    login(client, w.office)
    reads_projects(client)
    read, fragment = reads_projects(client, **HTMX)
    assert read and "<html" not in fragment and "鹭岛冷链物流园" in fragment
    read, _ = reads_projects(client, **HTMX)
    assert not read


def test_a_renamed_unit_shows_at_once(client, w):
    make_project(w, name="鹭岛冷链物流园")
    login(client, w.office)
    assert "马巷街道" in reads_projects(client)[1]
    Unit.objects.filter(pk=w.town.pk).update(name="马巷镇")
    read, page = reads_projects(client)
    assert read and "马巷镇" in page and "马巷街道" not in page


def test_scopes_never_share_a_page(client, w):
    make_project(w, name="翔安马巷项目")
    make_project(w, unit=w.other_town, actor=w.other_promoter, name="翔安新店项目")
    make_project(w, unit=w.tongan_unit, actor=w.tongan_office, name="同安项目")
    seen = {}
    for user in (w.office, w.tongan_office, w.promoter, w.other_promoter, w.reviewer, w.leader):
        login(client, user)
        seen[user.username] = reads_projects(client)[1]
        client.logout()
    assert "同安项目" not in seen["xa_office"] and "翔安马巷项目" in seen["xa_office"]
    assert "同安项目" in seen["ta_office"] and "翔安马巷项目" not in seen["ta_office"]
    assert "翔安新店项目" not in seen["mx_promoter"] and "翔安马巷项目" in seen["mx_promoter"]
    assert "翔安马巷项目" not in seen["xd_promoter"] and "翔安新店项目" in seen["xd_promoter"]
    assert all(name in seen["xm_reviewer"] for name in ("同安项目", "翔安马巷项目"))
    assert "同安项目" not in seen["xa_leader"]


def test_two_officers_of_a_district_share_a_page(client, w):
    from baton.testing import make_user

    make_project(w, name="鹭岛冷链物流园")
    colleague = make_user("district_office", username="xa_office_2", district=w.district)
    login(client, w.office)
    reads_projects(client)
    client.logout()
    login(client, colleague)
    read, page = reads_projects(client)
    assert not read and "鹭岛冷链物流园" in page


@pytest.mark.parametrize(
    "query", ["?as_of=2024-06-30", "?idle=30", "?change=advanced&since=2024-01-01"]
)
def test_pages_that_read_the_history_are_never_kept(client, w, query):
    make_project(w)
    login(client, w.office)
    client.get(URL + query)
    read, _ = reads_projects(client, URL + query)
    assert read


def test_a_page_with_errors_is_never_kept(client, w):
    login(client, w.office)
    assert client.get(URL + "?amount_min=abc").status_code == 400
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL + "?amount_min=abc").status_code == 400
    assert any("projects_stage" in q["sql"] for q in queries.captured_queries)  # built again


def test_after_a_backup_is_restored_new_changes_are_not_hidden_by_older_pages(client, w):
    """Restore: the data and counters go back; the processes' kept pages do not."""
    project = make_project(w, name="原名项目")
    saved = counter(w.district)
    login(client, w.office)
    services.project_update(project=project, actor=w.promoter, changes={"name": "恢复前的改名"})
    assert "恢复前的改名" in reads_projects(client)[1]  # kept under the newer counter
    # The restore: yesterday's data and counters are back.
    Project.objects.filter(pk=project.pk).update(name="原名项目")
    LibraryVersion.objects.filter(scope=w.district.pk).update(version=saved)
    time.sleep(0.005)
    Project.objects.filter(pk=project.pk).update(name="恢复后的改名")
    read, page = reads_projects(client)
    assert read and "恢复后的改名" in page and "恢复前的改名" not in page
