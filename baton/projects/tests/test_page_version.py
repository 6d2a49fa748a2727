"""A project's kept page (page_cache.project_seen) and the counters its triggers raise
(``page_version``: migration 0016 and each card app's own)."""

import datetime as dt
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from baton.demo.tests.snapshot import load_demo_once
from baton.projects.models import LibraryVersion, PageVersion, Project
from baton.supervision import services as supervision
from baton.supervision.models import Problem
from baton.testing import make_project

from .helpers_views import login

#: Tables that hold a project's id and that its page does not show, and why.
NOT_SHOWN = {
    "projects_projectperiod": "the monthly figures' periods (reports read them)",
    "projects_projectsearch": "search keys derived from the project's own row",
    "land_parcelevent": "a parcel's history, shown on the parcel's page",
    "intermediaries_reward": "rewards, shown on the intermediary's page",
    "activities_signing": "an event's signings, shown on the event's page",
    "visits_trip_projects": "a trip's projects, shown on the trip's page",
    "visits_reception_projects": "a reception's projects, shown on the reception's page",
    "outcomes_outcomeevent": "the promises' history, on the outcomes pages",
    "meetings_decision": "a meeting's decisions, on the meeting's page",
}
#: Tables without a project column whose rows the page shows, and the row that names them.
INDIRECT = {
    "policies_instalment": "application_id",
    "land_parcel": "id",
}


def page_counter(project_id) -> int:
    found = PageVersion.objects.filter(project_id=project_id).first()
    return found.version if found else 0


def organisation_counter() -> int:
    found = LibraryVersion.objects.filter(scope=LibraryVersion.ORGANISATION).first()
    return found.version if found else 0


def triggered_tables() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT DISTINCT trigger_name FROM information_schema.triggers")
        names = [row[0] for row in cursor.fetchall()]
    return {m[1] for n in names if (m := re.fullmatch(r"(.+)_page_(insert|update|delete)", n))}


def tables_with_a_project() -> set[str]:
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Project:
                tables.add(model._meta.db_table)
    return tables


# --- the counters -------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_table_with_a_project_is_followed_or_named_as_not_on_the_page():
    followed = triggered_tables()
    holding = tables_with_a_project()
    assert not followed & set(NOT_SHOWN), "a table both followed and named as not shown"
    missing = holding - followed - set(NOT_SHOWN)
    assert not missing, f"a project's page may show these tables, which raise no counter: {missing}"
    assert set(INDIRECT) <= followed
    assert set(NOT_SHOWN) <= holding  # the list names no table that is gone


@pytest.mark.django_db
def test_a_change_of_any_followed_row_raises_its_projects_counter():
    load_demo_once()
    for table in sorted(triggered_tables()):
        column = INDIRECT.get(table, "id" if table == "projects_project" else "project_id")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {column} FROM {table} ORDER BY id LIMIT 1")  # noqa: S608
            row = cursor.fetchone()
        if row is None and table == "files_attachment":  # the demo uploads no file
            project = Project.objects.order_by("pk").first()
            row = (attach(project).pk, project.pk)
        assert row is not None, f"the demo has no row in {table} to try"
        project_id = project_of(table, row)
        before = page_counter(project_id)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = {column} WHERE id = %s", [row[0]])  # noqa: S608
        assert page_counter(project_id) > before, table


def attach(project):
    from baton.accounts.models import User

    return apps.get_model("files", "Attachment").objects.create(
        project=project,
        district=project.district,
        kind="photo",
        name="现场照片.jpg",
        storage_name="page-version-test",
        content_type="image/jpeg",
        size=1,
        sha256="0" * 64,
        uploaded_by=User.objects.filter(role=User.Role.DISTRICT_OFFICE).first(),
    )


def project_of(table: str, row) -> int:
    if table == "policies_instalment":
        return apps.get_model("policies", "Application").objects.get(pk=row[1]).project_id
    if table == "land_parcel":
        reservation = apps.get_model("land", "ParcelReservation").objects.filter(parcel_id=row[0])
        found = reservation.values_list("project_id", flat=True).first()
        assert found, "the demo's first parcel is reserved by no project"
        return found
    return row[1]


def test_inserts_and_deletes_raise_it_and_other_projects_keep_theirs(w):
    project = make_project(w, name="鹭岛冷链物流园")
    other = make_project(w, name="翔安光电产业园")
    first = page_counter(project.pk)
    assert first > 0
    problem = supervision.problem_open(
        project=project,
        actor=w.office,
        category=Problem.Category.LAND,
        description="用地指标尚未落实",
        responsible_unit=w.department,
        deadline=dt.date(2027, 3, 1),
    )
    second = page_counter(project.pk)
    assert second > first
    others = page_counter(other.pk)
    type(problem).objects.filter(pk=problem.pk).delete()
    assert page_counter(project.pk) > second
    assert page_counter(other.pk) == others


def test_a_users_name_raises_the_names_counter_and_a_sign_in_does_not(w):
    before = organisation_counter()
    type(w.office).objects.filter(pk=w.office.pk).update(last_login=dt.datetime.now(dt.UTC))
    assert organisation_counter() == before
    type(w.office).objects.filter(pk=w.office.pk).update(last_name="林")
    assert organisation_counter() > before


# --- the kept page ------------------------------------------------------------------------


def opens(client, project) -> tuple[bool, str]:
    """Open the project's page; return whether it read its events, and the page."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("projects:detail", args=[project.code]))
    assert response.status_code == 200
    read = any("projects_projectevent" in q["sql"] for q in queries.captured_queries)
    return read, response.content.decode()


def test_the_page_is_kept_until_anything_it_shows_changes(client, w):
    project = make_project(w, name="鹭岛冷链物流园")
    login(client, w.office)
    assert opens(client, project)[0]
    read, page = opens(client, project)
    assert not read and "鹭岛冷链物流园" in page
    supervision.problem_open(
        project=project,
        actor=w.office,
        category=Problem.Category.LAND,
        description="用地指标尚未落实",
        responsible_unit=w.department,
        deadline=dt.date(2027, 3, 1),
    )
    read, page = opens(client, project)
    assert read and "用地指标尚未落实" in page
    w.department.name = "区工业和信息化局"
    w.department.save()
    read, page = opens(client, project)
    assert read and "区工业和信息化局" in page


def test_each_reader_gets_their_own_page(client, w):
    project = make_project(w, name="鹭岛冷链物流园", contact_phone="13812345678")
    login(client, w.office)
    office_page = opens(client, project)[1]
    assert "13812345678" in office_page and "显示号码" not in office_page
    reviewer = login(Client(), w.reviewer)
    read, page = opens(reviewer, project)
    assert read, "a reader with other abilities was given the office's page"
    assert "13812345678" not in page and "显示号码" in page


def test_a_kept_page_carries_the_readers_own_csrf_token(w):
    project = make_project(w, name="鹭岛冷链物流园", contact_phone="13812345678")
    first = login(Client(enforce_csrf_checks=True), w.reviewer)
    assert opens(first, project)[0]
    second = login(Client(enforce_csrf_checks=True), w.reviewer)  # another browser
    read, page = opens(second, project)
    assert not read
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    response = second.post(
        reverse("projects:contact", args=[project.code]), {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 200
    assert "13812345678" in response.content.decode()


def test_a_reader_without_access_gets_no_kept_page(client, w):
    project = make_project(w, name="鹭岛冷链物流园")
    login(client, w.office)
    opens(client, project)
    outsider = login(Client(), w.tongan_office)
    response = outsider.get(reverse("projects:detail", args=[project.code]))
    assert response.status_code == 404
    assert "鹭岛冷链物流园" not in response.content.decode()


def test_a_page_that_lists_other_projects_is_not_kept(client, w):
    """What a history's list of possible duplicates shows of another project depends on
    where that project is now (another district's code is withheld): not kept."""
    project = make_project(w, name="鹭岛冷链物流园")
    other = make_project(w, name="鹭岛冷链物流园二期")
    event = project.events.order_by("pk").first()
    type(event).objects.filter(pk=event.pk).update(new={"checked_duplicates": [other.code]})
    login(client, w.office)
    assert opens(client, project)[0]
    assert opens(client, project)[0]
    type(event).objects.filter(pk=event.pk).update(new={"checked_duplicates": []})
    assert opens(client, project)[0]
    assert not opens(client, project)[0]  # an empty list names nobody: kept
