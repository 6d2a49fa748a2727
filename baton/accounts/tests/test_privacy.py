"""Phone numbers masked for roles without the right, each unmasked view audited (item 6)."""

import io
import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from baton.accounts import privacy
from baton.accounts.privacy import FULL, NONE, ON_REQUEST, mask_phone
from baton.audit.models import AuditRecord
from baton.audit.services import audit_context
from baton.audit.tests.helpers import table_text
from baton.ledger.exporter import ledger_export
from baton.ledger.importer import ledger_import
from baton.ledger.tests.helpers import dump, row, xlsx
from baton.projects import services
from baton.projects.tests.helpers_views import HTMX, login
from baton.testing import make_project

PHONE = "13812341234"
MASKED = "138****1234"
Event = AuditRecord.Event


@pytest.mark.parametrize(
    ("phone", "shown"),
    [
        ("13812341234", "138****1234"),
        ("138 1234 1234", "138****1234"),
        ("+86 138-1234-1234", "138****1234"),
        ("0592-1234567", "0592-***4567"),
        ("(010)12345678", "010-****5678"),
        ("0592-7777777转123", "0592-***7777"),
        ("400-800-1234", "******1234"),
        ("7654321", "***4321"),
        ("12345", "****"),
        ("95555", "****"),
        ("call me", "****"),
        ("", ""),
        (None, ""),
        ("138****1234", "138****1234"),
        ("0592-12345678", "0592-****5678"),
    ],
)
def test_one_masking_rule(phone, shown):
    assert mask_phone(phone) == shown


@given(st.text(alphabet="0123456789+-() 转", max_size=30))
def test_a_mask_hides_the_middle_and_is_stable(phone):
    shown = mask_phone(phone)
    digits = re.sub(r"\D", "", phone)
    visible = re.sub(r"\D", "", shown)
    # At most eight digits shown (a mobile's 3 + 4, a landline's area code of up to four
    # and its last four: 0592-****5678), at least three hidden, all of a short value.
    assert len(visible) <= 8
    if digits:
        assert "*" in shown
        assert len(visible) <= len(digits) - 3 if len(digits) >= 7 else visible == ""
    assert mask_phone(shown) == shown


@pytest.fixture
def project(w):
    return make_project(w, contact_name="林先生", contact_phone=PHONE)


@pytest.fixture
def shared(w, project):
    """The project with 新店街道 as a co-unit: it sees the project, not the number."""
    services.project_update(project=project, actor=w.promoter, changes={"co_units": {w.other_town}})
    project.refresh_from_db()
    return project


def test_who_may_see_the_number(w, shared):
    expected = {
        "promoter": FULL,
        "office": FULL,
        "leader": ON_REQUEST,
        "reviewer": ON_REQUEST,
        "other_promoter": NONE,
        "sys_admin": NONE,
        "sec_admin": NONE,
        "audit_admin": NONE,
    }
    for name, access in expected.items():
        user = getattr(w, name)
        assert privacy.contact_access(user, shared) == access, name
        shown = privacy.shown_phone(user, shared)
        assert shown == (PHONE if access == FULL else MASKED), name


def _detail(client, user, project):
    login(client, user)
    return client.get(reverse("projects:detail", args=[project.code])).content.decode()


def test_the_project_page_masks_the_number_and_offers_to_show_it(client, w, shared):
    page = _detail(client, w.promoter, shared)
    assert PHONE in page and "显示号码" not in page
    client.logout()
    page = _detail(client, w.leader, shared)
    assert PHONE not in page and MASKED in page and "显示号码" in page
    client.logout()
    page = _detail(client, w.other_promoter, shared)
    assert PHONE not in page and MASKED in page and "显示号码" not in page


def test_a_number_is_tap_to_call_only_for_those_who_see_it_whole(client, w, shared):
    call = f'href="tel:{PHONE}"'
    assert call in _detail(client, w.promoter, shared)
    client.logout()
    assert "tel:" not in _detail(client, w.leader, shared)
    assert call in _reveal(client, shared, **HTMX).content.decode()
    client.logout()
    assert "tel:" not in _detail(client, w.other_promoter, shared)


def test_the_timeline_masks_a_phone_change(client, w, project):
    services.project_update(
        project=project, actor=w.promoter, changes={"contact_phone": "13900001111"}
    )
    page = _detail(client, w.leader, project)
    assert "13900001111" not in page and PHONE not in page
    assert "139****1111" in page
    client.logout()
    assert "13900001111" in _detail(client, w.promoter, project)


def _reveal(client, project, **extra):
    return client.post(reverse("projects:contact", args=[project.code]), **extra)


def test_a_leader_shows_the_number_and_the_view_is_audited(client, w, project):
    login(client, w.leader)
    response = _reveal(client, project, REMOTE_ADDR="10.9.8.7", **HTMX)
    assert response.status_code == 200
    text = response.content.decode()
    assert PHONE in text and "记入审计日志" in text and "<html" not in text
    record = AuditRecord.objects.get(event=Event.CONTACT_UNMASKED)
    assert (record.user_id, record.object_id, record.ip) == (
        w.leader.pk,
        str(project.pk),
        "10.9.8.7",
    )
    assert record.object_type == "projects.project" and project.code in record.object_label
    assert PHONE not in table_text() and "1234" not in repr(record.after)


def test_without_htmx_the_number_is_shown_on_a_page(client, w, project):
    login(client, w.reviewer)
    response = _reveal(client, project)
    assert response.status_code == 200 and PHONE in response.content.decode()
    assert "<html" in response.content.decode()
    assert AuditRecord.objects.filter(event=Event.CONTACT_UNMASKED).count() == 1


def test_it_rejects_the_wrong_method(client, w, project):
    login(client, w.leader)
    assert client.get(reverse("projects:contact", args=[project.code])).status_code == 405
    assert not AuditRecord.objects.filter(event=Event.CONTACT_UNMASKED).exists()


def test_it_denies_a_co_unit_and_another_district(client, w, shared):
    login(client, w.other_promoter)
    assert _reveal(client, shared, **HTMX).status_code == 403
    client.logout()
    login(client, w.tongan_office)
    assert _reveal(client, shared, **HTMX).status_code == 404
    client.logout()
    login(client, w.audit_admin)
    assert _reveal(client, shared, **HTMX).status_code == 403  # 三员分立: no business page
    assert not AuditRecord.objects.filter(event=Event.CONTACT_UNMASKED).exists()


def test_the_holder_needs_no_reveal_and_writes_no_record(client, w, project):
    login(client, w.promoter)
    response = _reveal(client, project, **HTMX)
    assert response.status_code == 200 and PHONE in response.content.decode()
    assert not AuditRecord.objects.filter(event=Event.CONTACT_UNMASKED).exists()


def test_the_api_masks_the_number_and_its_history(client, w, project):
    from baton.accounts.api_auth import token_create

    services.project_update(
        project=project, actor=w.promoter, changes={"contact_phone": "13900001111"}
    )

    def get(user, path):
        secret = token_create(user=user)[1]
        headers = {"Authorization": f"Bearer {secret}"}
        return client.get(f"/api/v1/projects/{project.code}{path}", headers=headers).json()

    assert get(w.leader, "")["contact_phone"] == "139****1111"
    assert get(w.office, "")["contact_phone"] == "13900001111"
    events = get(w.leader, "/events")
    phones = [
        e[side]["contact_phone"]
        for e in events
        for side in ("old", "new")
        if "contact_phone" in e[side]
    ]
    assert phones and all("*" in p for p in phones), phones
    events = get(w.promoter, "/events")
    assert "13900001111" in repr(events)


def test_a_project_change_is_audited_with_the_phone_masked(w, project):
    with audit_context(ip="10.0.0.1"):
        services.project_update(
            project=project, actor=w.promoter, changes={"contact_phone": "13900001111"}
        )
    (record,) = [
        r
        for r in AuditRecord.objects.filter(event=Event.PROJECT_CHANGED)
        if r.after["_event"]["kind"] == "updated"
    ]
    assert record.before["contact_phone"] == MASKED
    assert record.after["contact_phone"] == "139****1111"
    assert PHONE not in table_text() and "13900001111" not in table_text()


# --- the ledger round trip -------------------------------------------------------------


def _export(**kwargs) -> bytes:
    buffer = io.BytesIO()
    ledger_export(out=buffer, **kwargs)
    return buffer.getvalue()


def test_a_masked_export_re_imported_keeps_the_real_number(w):
    ledger_import(data=xlsx([row(联系电话=PHONE)]), district=w.district)
    data = _export(user=w.leader)
    assert b"13812341234" not in data  # the leader's export holds the masked number
    before = dump()
    result = ledger_import(data=data, actor=w.office, district=w.district)
    assert result.ok, result.errors
    assert result.events == 0 and len(result.unchanged) == 1
    assert dump() == before


def test_a_masked_number_that_does_not_match_is_refused(w):
    ledger_import(data=xlsx([row(联系电话=PHONE)]), district=w.district)
    before = dump()
    result = ledger_import(data=xlsx([row(联系电话="139****1234")]), district=w.district)
    assert not result.ok
    (error,) = result.errors
    assert (error.sheet, error.row, error.column) == ("项目台账", 2, "联系电话")
    assert "隐去中间位" in error.reason
    assert dump() == before


def test_a_new_project_with_a_masked_number_is_refused(w):
    before = dump()
    result = ledger_import(data=xlsx([row(联系电话=MASKED)]), district=w.district)
    assert not result.ok and "隐去中间位" in result.errors[0].reason
    assert dump() == before
