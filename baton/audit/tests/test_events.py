"""Each wired event writes exactly one audit record, with the right fields and no secret."""

import io

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from baton.accounts.admin import UserAdmin
from baton.accounts.api_auth import token_create, token_revoke
from baton.accounts.models import User
from baton.accounts.services import enrolment_code_issue
from baton.audit.models import AuditRecord
from baton.audit.services import audit_context, audit_verify, current_context
from baton.ledger.tests.helpers import row, xlsx
from baton.projects import services
from baton.projects.tests.helpers_views import login as force_login
from baton.testing import make_project

from .helpers import only, table_text

Event = AuditRecord.Event
PASSWORD = "Relay-2019-baton"
NEW_PASSWORD = "Baton-2024-relay!"


@pytest.fixture
def promoter(w):
    w.promoter.set_password(PASSWORD)
    w.promoter.save()
    return w.promoter


def _login(client, username, password=PASSWORD):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR="10.1.2.3",
    )


def test_login_success(client, promoter):
    _login(client, "mx_promoter")
    record = only(Event.LOGIN)
    assert (record.user_id, record.username, record.role) == (
        promoter.pk,
        "mx_promoter",
        "unit_staff",
    )
    assert record.outcome == "success" and record.ip == "10.1.2.3"
    assert record.time.tzinfo is not None
    assert PASSWORD not in table_text()
    assert audit_verify().ok


def test_failures_and_lockout(client, promoter):
    for _ in range(5):
        _login(client, "mx_promoter", "Wrong-pass-1")
    failed = AuditRecord.objects.filter(event=Event.LOGIN_FAILED)
    assert failed.count() == 5
    assert {(r.username, r.outcome, r.ip, r.user_id) for r in failed} == {
        ("mx_promoter", "failure", "10.1.2.3", None)
    }
    lockout = only(Event.LOCKOUT)
    assert lockout.username == "mx_promoter" and lockout.outcome == "failure"
    assert "Wrong-pass-1" not in table_text()
    assert not AuditRecord.objects.filter(event=Event.LOGIN).exists()


def test_logout(client, promoter):
    _login(client, "mx_promoter")
    client.post(reverse("accounts:logout"), REMOTE_ADDR="10.1.2.3")
    record = only(Event.LOGOUT)
    assert record.user_id == promoter.pk and record.ip == "10.1.2.3"


def test_password_change(client, promoter):
    _login(client, "mx_promoter")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    record = only(Event.PASSWORD_CHANGED)
    assert record.user_id == promoter.pk and record.object_id == str(promoter.pk)
    text = table_text()
    assert PASSWORD not in text and NEW_PASSWORD not in text


def test_otp_failure_and_success(client, w):
    w.audit_admin.set_password(PASSWORD)
    w.audit_admin.save()
    _login(client, "auditadmin")
    code = enrolment_code_issue(user=w.audit_admin, actor=None)
    client.post(reverse("accounts:otp"), {"code": code})  # the enrolment code first
    device = TOTPDevice.objects.get(user=w.audit_admin)
    client.post(reverse("accounts:otp"), {"token": "000000"})
    failed = only(Event.OTP_FAILED)
    assert failed.outcome == "failure" and failed.username == "auditadmin"
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    token = (
        f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
    )
    client.post(reverse("accounts:otp"), {"token": token})
    assert only(Event.OTP_PASSED).user_id == w.audit_admin.pk
    text = table_text()
    assert token not in text and PASSWORD not in text
    assert device.bin_key.hex() not in text


def _admin_save(w, user, **changes):
    w.sys_admin.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_user", "view_user"])
    )
    admin = UserAdmin(User, site)
    request = RequestFactory().post("/admin/", REMOTE_ADDR="10.9.9.9")
    request.user = User.objects.get(pk=w.sys_admin.pk)  # fresh: its permissions reloaded
    data = {
        "username": user.username,
        "role": user.role,
        "unit": user.unit_id or "",
        "district": user.district_id or "",
        "city": user.city_id or "",
        "is_active": "on" if user.is_active else "",
        **changes,
    }
    form = admin.get_form(request, user, change=True)(instance=user, data=data)
    assert form.is_valid(), form.errors
    admin.save_model(request, form.save(commit=False), form, change=True)


def test_role_change_in_the_admin(w):
    _admin_save(w, w.office, role="city_reviewer", city=w.city.pk, district="")
    record = only(Event.ROLE_CHANGED)
    assert record.user_id == w.sys_admin.pk and record.ip == "10.9.9.9"
    assert record.object_id == str(w.office.pk)
    assert (record.before, record.after) == ({"role": "district_office"}, {"role": "city_reviewer"})


def test_user_disabled_in_the_admin(w):
    _admin_save(w, w.promoter, is_active="")
    record = only(Event.USER_DISABLED)
    assert record.object_id == str(w.promoter.pk) and record.after == {"is_active": False}
    assert not AuditRecord.objects.filter(event=Event.ROLE_CHANGED).exists()


def test_project_changes_and_review_decisions_in_a_request(w):
    with audit_context(ip="10.4.4.4"):
        project = make_project(w)
        services.project_submit(project=project, actor=w.promoter)
        services.project_review(project=project, actor=w.office, approve=True)
    changed = list(AuditRecord.objects.filter(event=Event.PROJECT_CHANGED).order_by("seq"))
    assert [r.after["_event"]["kind"] for r in changed] == ["created", "submitted"]
    decision = only(Event.REVIEW_DECISION)
    assert decision.user_id == w.office.pk and decision.ip == "10.4.4.4"
    assert decision.object_type == "projects.project" and decision.object_id == str(project.pk)
    assert project.code in decision.object_label
    event = project.events.get(kind="approved")
    assert decision.after["_event"] == {"id": event.pk, "kind": "approved"}


def test_a_project_change_through_the_web(client, w):
    project = make_project(w)
    force_login(client, w.promoter)
    before = AuditRecord.objects.count()
    response = client.post(
        reverse("projects:note", args=[project.code]), {"text": "跟进一次"}, REMOTE_ADDR="10.5.5.5"
    )
    assert response.status_code in (200, 302)
    assert AuditRecord.objects.count() == before + 1
    record = only(Event.PROJECT_CHANGED)
    assert record.ip == "10.5.5.5" and record.user_id == w.promoter.pk


def test_generators_outside_a_request_are_not_audited(w):
    make_project(w)
    assert not AuditRecord.objects.exists()


def test_import_from_the_command_line_is_one_record(w, tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(xlsx([row(), row(项目编号="350213-2019-0902")]))
    with audit_context(ip="127.0.0.1"):  # even inside a context: one record per import
        call_command("import_ledger", str(path), stdout=io.StringIO())
    record = only(Event.IMPORT)
    assert record.outcome == "success" and record.after["created"] == 2
    assert record.username.startswith("命令行")
    assert not AuditRecord.objects.filter(event=Event.PROJECT_CHANGED).exists()


def test_refused_import_is_recorded_as_a_failure(w, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx([row(**{"总投资(万元)": -1})]))
    with pytest.raises(Exception):  # noqa: B017 — CommandError
        call_command("import_ledger", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    record = only(Event.IMPORT)
    assert record.outcome == "failure" and record.after["errors"] >= 1


def test_export_through_the_web(client, w):
    make_project(w)
    force_login(client, w.promoter)
    response = client.get(reverse("ledger:export"), REMOTE_ADDR="10.6.6.6")
    assert response.status_code == 200
    # Read the download to its end, as a browser would: the test client then closes it,
    # which ends the request's audit context; unread, the context would stay open in this
    # thread and record the tests after it.
    assert response.streaming and b"".join(response.streaming_content)
    assert current_context() is None
    record = only(Event.EXPORT)
    assert record.user_id == w.promoter.pk and record.ip == "10.6.6.6"
    assert record.object_type == "ledger" and record.after["rows"] == 1


def test_export_from_the_command_line(w, tmp_path):
    make_project(w)
    call_command(
        "export_ledger",
        "--district",
        "350213",
        "-o",
        str(tmp_path / "out.xlsx"),
        stdout=io.StringIO(),
    )
    assert only(Event.EXPORT).after["rows"] == 1


def test_token_create_and_revoke(w):
    token, secret = token_create(user=w.office, name="对接", actor=w.sys_admin)
    created = only(Event.TOKEN_CREATED)
    assert created.user_id == w.sys_admin.pk and created.after["owner"] == "xa_office"
    assert token_revoke(token=token)
    assert only(Event.TOKEN_REVOKED).object_id == str(token.pk)
    assert not token_revoke(token=token)  # already revoked: nothing more
    assert AuditRecord.objects.filter(event=Event.TOKEN_REVOKED).count() == 1
    text = table_text()
    assert secret not in text and token.key_hash not in text
