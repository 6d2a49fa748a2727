import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from baton.audit.models import AuditRecord
from baton.audit.services import audit_write
from baton.projects.tests.helpers_views import login

Event = AuditRecord.Event


def test_only_the_audit_admin_opens_the_page_and_the_export(client, w):
    for user in (w.promoter, w.office, w.reviewer, w.leader, w.sys_admin, w.sec_admin):
        client.logout()
        login(client, user)
        assert client.get(reverse("audit:log")).status_code == 403
        assert client.get(reverse("audit:export")).status_code == 403
    client.logout()
    login(client, w.audit_admin)
    page = client.get(reverse("audit:log"))
    assert page.status_code == 200
    assert "审计日志" in page.text
    assert reverse("audit:log") in page.text  # the side-menu entry


def test_the_side_menu_shows_the_entry_to_the_audit_admin_only(client, w):
    login(client, w.sys_admin)
    assert reverse("audit:log") not in client.get("/").text


def test_search_filters_and_pages(client, w):
    for i in range(60):
        audit_write(event=Event.CONFIG_CHANGED, username=f"user{i}", object_label=f"对象{i}")
    audit_write(event=Event.LOGIN_FAILED, outcome="failure", username="mallory")
    login(client, w.audit_admin)
    page = client.get(reverse("audit:log"), {"event": "login_failed"})
    assert "mallory" in page.text and "user1<" not in page.text
    page = client.get(reverse("audit:log"), {"user": "mallory", "outcome": "failure"})
    assert page.context["page"].paginator.count == 1
    page = client.get(reverse("audit:log"), {"object": "对象59"})
    assert page.context["page"].paginator.count == 1
    first = client.get(reverse("audit:log"), {"event": "config_changed"})
    assert first.context["page"].paginator.num_pages == 2
    bad = client.get(reverse("audit:log"), {"start": "2024-05-02", "end": "2024-05-01"})
    assert bad.status_code == 400 and "起始日期不能晚于截止日期" in bad.text


@pytest.mark.parametrize("evil", ['=HYPERLINK("http://x")', "+1+1", "@SUM(A1)", "-2"])
def test_export_neutralises_formulas_and_is_itself_audited(client, w, evil):
    audit_write(event=Event.CONFIG_CHANGED, username="someone", object_label=evil)
    login(client, w.audit_admin)
    before = AuditRecord.objects.count()
    response = client.get(reverse("audit:export"), {"event": "config_changed"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    labels = [row[9] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert labels == ["'" + evil]
    assert AuditRecord.objects.count() == before + 1
    export = AuditRecord.objects.get(event=Event.EXPORT)
    assert export.object_type == "audit" and export.user_id == w.audit_admin.pk


def test_a_change_reads_in_chinese_with_names_and_old_to_new(client, w):
    import re

    from baton.audit.services import audit_context
    from baton.projects import services
    from baton.testing import make_project, stage

    project = make_project(w, name="马巷新能源电池项目")
    with audit_context():
        services.project_move(project=project, stage=stage("intent"), actor=w.promoter)
    audit_write(
        event=Event.ROLE_CHANGED,
        obj=w.promoter,
        before={"role": "unit_staff", "unit": "马巷街道"},
        after={"role": "district_office", "unit": None},
    )
    login(client, w.audit_admin)
    page = re.sub(r"<[^>]+>", "", client.get(reverse("audit:log")).text)
    assert "项目阶段：策划 → 意向" in page
    assert "角色：单位招商员 → 区招商办" in page and "单位：马巷街道 → —" in page
    assert "stage_id" not in page and "district_office" not in page
    response = client.get(reverse("audit:export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    changed = [row[rows[0].index("变更内容")] for row in rows[1:]]
    assert any("项目阶段：策划 → 意向" in (cell or "") for cell in changed)
    assert "角色：单位招商员 → 区招商办\n单位：马巷街道 → —" in changed
    assert {"招商项目", "用户"} <= {row[rows[0].index("对象类型")] for row in rows[1:]}
