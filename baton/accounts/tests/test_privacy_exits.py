"""Every way a project contact's number leaves the system shows it as privacy says.

One project of 马巷街道 with 新店街道 as a co-unit, whose number was changed once (so
its history holds the old and the new number), seen by every persona through every
page, API answer and export that carries a contact phone: the holder and the district
office see the numbers, the leader and the city reviewer see them masked (and may ask,
audited: test_privacy, test_api_contact), the co-unit sees them masked, another district
and the administrators do not see the project at all.
"""

import html
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from baton.accounts.api_auth import token_create
from baton.accounts.models import User
from baton.accounts.privacy import FULL, NONE, ON_REQUEST
from baton.ledger.columns import COLUMNS
from baton.ledger.exporter import ledger_export
from baton.ledger.importer import ledger_import
from baton.projects import services
from baton.projects.models import Stage
from baton.projects.tests.helpers_views import login
from baton.testing import admit, make_project, make_user

OLD, OLD_MASKED = "13812341234", "138****1234"
PHONE, MASKED = "13900001111", "139****1111"

#: Who sees the project, and how they see its contact's number.
ACCESS = {
    "promoter": FULL,
    "office": FULL,
    "leader": ON_REQUEST,
    "reviewer": ON_REQUEST,
    "other_promoter": NONE,
}
ADMINS = ("sys_admin", "sec_admin", "audit_admin")
OUTSIDE = ("tongan_office", *ADMINS)
EVERYONE = (*ACCESS, *OUTSIDE)


def outside_status(persona: str) -> int:
    """Another district: 404 (the project is not there for them); an administrator: 403,
    the rule that they see no business page (三员分立)."""
    return 403 if persona in ADMINS else 404


@pytest.fixture
def project(w):
    project = make_project(w, name="锂电池隔膜生产基地", contact_name="林先生", contact_phone=OLD)
    services.project_update(project=project, actor=w.promoter, changes={"co_units": {w.other_town}})
    services.project_update(project=project, actor=w.promoter, changes={"contact_phone": PHONE})
    project.refresh_from_db()
    return project


def assert_as_seen(text: str, access: str) -> None:
    """The numbers in full for ``FULL``, masked for everyone else."""
    if access == FULL:
        assert PHONE in text and MASKED not in text
    else:
        assert PHONE not in text and OLD not in text, access
        assert MASKED in text


def api_get(client, user, path: str):
    headers = {"Authorization": f"Bearer {token_create(user=user)[1]}"}
    return client.get(f"/api/v1{path}", headers=headers)


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_project_page_and_its_timeline(client, w, project, persona):
    login(client, getattr(w, persona))
    response = client.get(reverse("projects:detail", args=[project.code]))
    if persona in OUTSIDE:
        assert response.status_code == outside_status(persona)
        assert PHONE not in response.content.decode()
        return
    page = response.content.decode()
    assert response.status_code == 200 and project.name in page
    assert_as_seen(page, ACCESS[persona])
    if ACCESS[persona] == FULL:
        assert OLD in page  # the change on the timeline: 138… → 139…
    else:
        assert OLD_MASKED in page


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_api_detail_its_timeline_and_the_list(client, w, project, persona):
    user = getattr(w, persona)
    detail = api_get(client, user, f"/projects/{project.code}")
    events = api_get(client, user, f"/projects/{project.code}/events")
    listed = api_get(client, user, "/projects")
    assert listed.status_code == 200
    if persona in OUTSIDE:
        assert (detail.status_code, events.status_code) == (404, 404)
        assert listed.json()["items"] == []
        return
    access = ACCESS[persona]
    assert detail.json()["contact_phone"] == (PHONE if access == FULL else MASKED)
    phones = [
        event[side]["contact_phone"]
        for event in events.json()
        for side in ("old", "new")
        if "contact_phone" in event[side]
    ]
    # created (138…), then changed 138… → 139….
    expected = [OLD, OLD, PHONE] if access == FULL else [OLD_MASKED, OLD_MASKED, MASKED]
    assert phones == expected
    # The list's rows carry no contact at all, for anybody.
    (row,) = listed.json()["items"]
    assert row["code"] == project.code
    assert "contact_phone" not in row and OLD not in listed.content.decode()
    assert PHONE not in listed.content.decode() and MASKED not in listed.content.decode()


def test_an_api_action_answers_with_the_number_as_the_actor_now_sees_it(client, w, project):
    headers = {"Authorization": f"Bearer {token_create(user=w.promoter)[1]}"}
    body = {"version": project.version, "to_unit": w.department.pk, "reason": "交由工信局推进"}
    response = client.post(
        f"/api/v1/projects/{project.code}/handoff",
        body,
        content_type="application/json",
        headers=headers,
    )
    # 马巷街道 asked 工信局 to take the project: until it accepts, 马巷 still holds it and
    # the answer shows what 马巷 sees now, the number in full.
    assert response.status_code == 200, response.content.decode()
    assert response.json()["unit"]["id"] == w.town.pk
    assert response.json()["pending_handoff"] is not None
    assert response.json()["contact_phone"] == PHONE
    receiver = make_user(User.Role.UNIT_STAFF, username="gx_promoter", unit=w.department)
    response = client.post(
        f"/api/v1/projects/{project.code}/handoff/accept",
        {},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_create(user=receiver)[1]}"},
    )
    # 工信局 accepted: its answer is what the new holder sees, the number in full; 马巷,
    # a runner of the relay now, reads it masked.
    assert response.status_code == 200, response.content.decode()
    assert response.json()["unit"]["id"] == w.department.pk
    assert response.json()["contact_phone"] == PHONE
    response = client.get(f"/api/v1/projects/{project.code}", headers=headers)
    assert response.json()["contact_phone"] == MASKED
    headers = {"Authorization": f"Bearer {token_create(user=w.leader)[1]}"}
    response = client.post(
        f"/api/v1/projects/{project.code}/notes",
        {"text": "已与企业联系"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201 and PHONE not in response.content.decode()


def _export(client, query: dict) -> list[tuple]:
    response = client.get(reverse("ledger:export"), query)
    assert response.status_code == 200, response.content.decode()[:500]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


@pytest.mark.parametrize("layout", ["contract", "official"])
@pytest.mark.parametrize("persona", EVERYONE)
def test_the_ledger_export(client, w, project, persona, layout):
    login(client, getattr(w, persona))
    if persona in ADMINS:
        assert client.get(reverse("ledger:export")).status_code == 403
        return
    rows = _export(client, {"layout": layout})
    text = repr(rows)
    if persona in OUTSIDE:
        assert project.code not in text and PHONE not in text
        return
    (row,) = [r for r in rows if project.code in r]
    if layout == "contract":
        phone = row[[c.header for c in COLUMNS].index("联系电话")]
        assert phone == (PHONE if ACCESS[persona] == FULL else MASKED)
    assert_as_seen(text, ACCESS[persona])


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_forms_carry_the_number_only_for_those_who_may_change_it(client, w, project, persona):
    # A stage that asks for the phone before entry: the move form fills in the current one.
    Stage.objects.filter(code="intent").update(required_fields=["contact_phone"])
    login(client, getattr(w, persona))
    edit = client.get(reverse("projects:edit", args=[project.code]))
    intent = Stage.objects.get(code="intent")
    move = client.get(reverse("projects:move", args=[project.code]), {"stage": intent.pk})
    for response in (edit, move):
        text = response.content.decode()
        if persona in OUTSIDE:
            assert response.status_code == outside_status(persona)
        elif ACCESS[persona] == FULL:
            assert response.status_code == 200
            assert f'value="{PHONE}"' in text
        else:
            assert response.status_code == 403
        assert MASKED not in text
        if ACCESS.get(persona) != FULL:
            assert PHONE not in text


def test_the_review_page_shows_no_number_to_the_city_reviewer(client, w, project):
    services.project_submit(project=project, actor=w.promoter)
    services.project_review(project=project, actor=w.office, approve=True)
    login(client, w.reviewer)
    response = client.get(reverse("projects:review", args=[project.code]))
    page = response.content.decode()
    assert response.status_code == 200 and "林先生" in page
    assert PHONE not in page and OLD not in page


def _parts(data: bytes) -> str:
    """Every XML part of an Office file (docx, xlsx) as one string, references resolved."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        names = [name for name in book.namelist() if name.endswith((".xml", ".rels"))]
        return html.unescape("".join(book.read(name).decode("utf-8") for name in names))


def test_the_report_pack_holds_no_number(client, w):
    # Admitted this month after a move that set the phone: the pack lists the project in
    # its month's movements, and no number with it.
    Stage.objects.filter(code="intent").update(required_fields=["contact_phone"])
    project = make_project(w, name="氢能装备产业园", investor="鹭岛氢能科技有限公司")
    services.project_move(
        project=project,
        stage=Stage.objects.get(code="intent"),
        actor=w.promoter,
        fields={"contact_phone": PHONE},
    )
    admit(w, project)
    login(client, w.leader)
    day = timezone.localdate(project.admitted_at)
    query = {"scope": f"district:{w.district.code}", "as_of": day.isoformat()}
    for name in ("reports:monthly_docx", "reports:monthly_xlsx"):
        response = client.get(reverse(name), query)
        assert response.status_code == 200, response.content.decode()[:500]
        text = _parts(response.content)
        assert project.name in text and PHONE not in text and MASKED not in text


# --- the ledger import: no way to confirm a guessed number -----------------------------


def _reimport(user, rows: list[tuple], phone: str):
    """Import the user's own export back with the phone cell set to ``phone`` (a dry run)."""
    header, *body = rows
    column = header.index("联系电话")
    body = [list(r) for r in body]
    for r in body:
        r[column] = phone
    book = Workbook()
    sheet = book.active
    sheet.title = "项目台账"
    sheet.append(header)
    for r in body:
        sheet.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    return ledger_import(
        data=buffer.getvalue(), actor=user, district=user.unit.district, dry_run=True
    )


def _own_export(user) -> list[tuple]:
    buffer = io.BytesIO()
    ledger_export(out=buffer, user=user)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    return list(book.active.iter_rows(values_only=True))


def test_a_co_unit_cannot_confirm_a_guessed_number_by_importing_it(w, project):
    rows = _own_export(w.other_promoter)
    assert MASKED in repr(rows) and PHONE not in repr(rows)
    right = _reimport(w.other_promoter, rows, PHONE)
    wrong = _reimport(w.other_promoter, rows, "13955551111")  # the same mask, other digits
    as_exported = _reimport(w.other_promoter, rows, MASKED)
    outcome = [
        (result.ok, len(result.unchanged), [e.reason for e in result.errors])
        for result in (right, wrong, as_exported)
    ]
    assert outcome == [(True, 1, [])] * 3
    # A number that does not even match what they see is a change, which is not theirs.
    other = _reimport(w.other_promoter, rows, "13800009999")
    assert not other.ok and "只有责任单位" in other.errors[0].reason


def test_the_holder_s_import_still_compares_the_number_itself(w, project):
    rows = _own_export(w.promoter)
    assert _reimport(w.promoter, rows, PHONE).unchanged == [project.code]
    assert _reimport(w.promoter, rows, "13955551111").updated == [project.code]
