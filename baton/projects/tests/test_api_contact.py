"""显示号码 through the API: POST /api/v1/projects/{code}/contact-phone (privacy, item 6)."""

import pytest
from django.urls import reverse

from baton.accounts import privacy
from baton.audit import services as audit_services
from baton.audit.models import AuditRecord
from baton.audit.tests.helpers import table_text
from baton.projects import services
from baton.projects.tests.helpers_views import HTMX, login
from baton.testing import make_project

from .test_api import ADMINS, Api, refused

PHONE = "13812341234"
MASKED = "138****1234"
Event = AuditRecord.Event


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def project(w):
    return make_project(w, name="锂电池隔膜生产基地", contact_name="林先生", contact_phone=PHONE)


@pytest.fixture
def shared(w, project):
    """The project with 新店街道 as a co-unit: it sees the project, not the number."""
    services.project_update(project=project, actor=w.promoter, changes={"co_units": {w.other_town}})
    project.refresh_from_db()
    return project


def path(project) -> str:
    return f"/projects/{project.code}/contact-phone"


def reveal(api, user, project, **extra):
    return api.client.post(
        f"/api/v1{path(project)}",
        "",
        content_type="application/json",
        headers=api._headers(user),
        **extra,
    )


def unmasked_records():
    return AuditRecord.objects.filter(event=Event.CONTACT_UNMASKED)


@pytest.mark.parametrize("persona", ["leader", "reviewer"])
def test_a_leader_or_the_city_reviewer_gets_the_number_and_the_view_is_audited(
    api, w, project, persona
):
    user = getattr(w, persona)
    assert api.get(user, f"/projects/{project.code}").json()["contact_phone"] == MASKED
    response = reveal(api, user, project, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 200, response.content.decode()
    assert response.json() == {"contact_phone": PHONE}
    assert "no-store" in response["Cache-Control"]
    record = unmasked_records().get()
    assert (record.user_id, record.role, record.ip) == (user.pk, user.role, "10.9.8.7")
    assert (record.object_type, record.object_id) == ("projects.project", str(project.pk))
    assert record.object_label == f"{project.code} 锂电池隔膜生产基地"
    # The record names the project, never the number; the detail stays masked.
    assert PHONE not in table_text()
    assert api.get(user, f"/projects/{project.code}").json()["contact_phone"] == MASKED
    # Each view is a record of its own.
    api.post(user, path(project))
    assert unmasked_records().count() == 2


def test_the_api_writes_the_same_record_as_the_web(api, client, w, project):
    assert reveal(api, w.leader, project, REMOTE_ADDR="10.0.0.1").status_code == 200
    login(client, w.leader)
    web = client.post(
        reverse("projects:contact", args=[project.code]), REMOTE_ADDR="10.0.0.1", **HTMX
    )
    assert web.status_code == 200 and PHONE in web.content.decode()
    fields = ("user_id", "role", "event", "outcome", "ip", "object_type", "object_id")
    fields += ("object_label", "detail", "before", "after")
    from_api, from_web = (
        {name: getattr(record, name) for name in fields}
        for record in unmasked_records().order_by("seq")
    )
    assert from_api == from_web


@pytest.mark.parametrize("persona", ["promoter", "office"])
def test_the_holder_and_its_office_get_the_number_without_a_record(api, w, project, persona):
    response = api.post(getattr(w, persona), path(project))
    assert response.status_code == 200 and response.json() == {"contact_phone": PHONE}
    # As on the web: they see the number on every page anyway, nothing was unmasked.
    assert not unmasked_records().exists()


def test_it_denies_a_co_unit_with_403(api, w, shared):
    assert api.get(w.other_promoter, f"/projects/{shared.code}").status_code == 200
    body = refused(api.post(w.other_promoter, path(shared)), 403, "无权查看")
    assert PHONE not in str(body)
    assert not unmasked_records().exists()


def test_it_denies_an_earlier_leg_of_the_relay_with_403(api, w, project):
    services.project_handoff(
        project=project, to_unit=w.other_town, actor=w.office, reason="交由新店推进"
    )
    # 马巷街道 still sees the project it ran a leg of, but no longer its contact's number.
    assert api.get(w.promoter, f"/projects/{project.code}").json()["contact_phone"] == MASKED
    refused(api.post(w.promoter, path(project)), 403, "无权查看")
    assert api.post(w.other_promoter, path(project)).json() == {"contact_phone": PHONE}
    assert not unmasked_records().exists()


@pytest.mark.parametrize("persona", ["other_promoter", "tongan_office", *ADMINS])
def test_it_denies_a_project_outside_the_scope_with_404(api, w, project, persona):
    body = refused(api.post(getattr(w, persona), path(project)), 404, "不存在或您无权查看")
    assert PHONE not in str(body)
    assert not unmasked_records().exists()


def test_an_unknown_or_malformed_code_is_404(api, w):
    refused(api.post(w.leader, "/projects/350213-2019-9999/contact-phone"), 404)
    refused(api.post(w.leader, "/projects/%00/contact-phone"), 404)


def test_it_rejects_the_wrong_method(api, w, project):
    assert api.get(w.leader, path(project)).status_code == 405
    for method in ("put", "patch", "delete"):
        response = api.send(w.leader, method, path(project))
        assert response.status_code == 405
        assert response.json() == {"detail": "不支持该请求方法。"}
    assert response["Allow"] == "POST"
    assert not unmasked_records().exists()


def test_it_needs_a_token(client, project):
    response = client.post(f"/api/v1{path(project)}")
    assert response.status_code == 401 and "令牌" in response.json()["detail"]
    assert not unmasked_records().exists()


def test_a_blank_number_shows_nothing_and_writes_no_record(api, w):
    project = make_project(w, contact_name="林先生")
    assert api.post(w.leader, path(project)).json() == {"contact_phone": ""}
    assert not unmasked_records().exists()


def test_no_number_without_its_audit_record(api, w, project, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("审计库不可用")

    monkeypatch.setattr(privacy, "audit_write", broken)
    response = api.post(w.leader, path(project))
    assert response.status_code == 500
    assert PHONE not in response.content.decode()
    assert not unmasked_records().exists()
    monkeypatch.setattr(privacy, "audit_write", audit_services.audit_write)
    assert api.post(w.leader, path(project)).json() == {"contact_phone": PHONE}


def test_the_openapi_document_describes_it(api, w):
    document = api.get(w.promoter, "/openapi.json").json()
    operations = document["paths"]["/api/v1/projects/{code}/contact-phone"]
    assert set(operations) == {"post"}
    operation = operations["post"]
    assert operation["summary"] == "显示联系人完整电话"
    assert "审计" in operation["description"] and "403" in operation["description"]
    assert {"200", "401", "403", "404"} <= set(operation["responses"])
    detail = document["components"]["schemas"]["ProjectOut"]["properties"]["contact_phone"]
    assert "/contact-phone" in detail["description"]
