import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import Workbook

from baton.accounts.api_auth import token_create
from baton.outcomes.models import OutcomeEvent, Promise, Result
from baton.projects.models import Milestone
from baton.projects.tests.helpers_views import login
from baton.testing import admit, at

from .helpers import landed, promise, result, state


@pytest.fixture
def project(w):
    row = landed(w)
    admit(w, row, when=at(2025, 3, 4))
    return row


def test_the_card_shows_promises_results_and_mu(client, w, project):
    promise(project, actor=w.office, target="20000")
    result(project, actor=w.office, output="12000", tax="900")
    login(client, w.promoter)
    html = client.get(reverse("projects:detail", args=[project.code])).content.decode()
    assert "履约与效益" in html and "未履约" in html
    assert "低于承诺 20000 万元/年，差 8000 万元/年" in html
    assert "400.00" in html and "30 亩（未关联地块，按项目拟用地面积）" in html
    assert reverse("outcomes:promise_new", args=[project.code]) in html
    login(client, w.leader)
    html = client.get(reverse("projects:detail", args=[project.code])).content.decode()
    assert "履约与效益" in html and reverse("outcomes:result_new", args=[project.code]) not in html


def test_recording_a_promise_and_a_result_on_the_pages(client, w, project):
    login(client, w.promoter)
    url = reverse("outcomes:promise_new", args=[project.code])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"kind": "jobs", "target": "300", "due_on": "2026-10-31", "check_on": "2026-11-30"}
    )
    assert response.status_code == 302
    row = Promise.objects.get(project=project, kind="jobs")
    assert (row.target, row.check_on) == (D("300"), dt.date(2026, 11, 30))
    response = client.post(url, {"kind": "jobs", "target": "x", "due_on": "2026-10-31"})
    assert response.status_code == 422
    assert "承诺就业人数应为整数。" in response.content.decode()
    url = reverse("outcomes:result_new", args=[project.code])
    data = {
        "year": "2025",
        "quarter": "0",
        "output": "1,234.5",
        "jobs": "120",
        "source": "enterprise",
    }
    assert client.post(url, data).status_code == 302
    one = Result.objects.get(project=project)
    assert (one.output, one.jobs, one.source) == (D("1234.5"), 120, "enterprise")
    # A stale edit: 409 with the reason, nothing changed.
    edit = reverse("outcomes:result_edit", args=[one.pk])
    response = client.post(edit, {**data, "output": "1", "version": "7"})
    assert response.status_code == 409 and "已被他人修改" in response.content.decode()
    assert client.post(edit, {**data, "output": "2000", "version": "1"}).status_code == 302
    one.refresh_from_db()
    assert one.output == D("2000") and one.version == 2


def test_who_may_record(client, w, project):
    url = reverse("outcomes:promise_new", args=[project.code])
    login(client, w.other_promoter)
    assert client.get(url).status_code == 404
    login(client, w.leader)
    response = client.get(url)
    assert response.status_code == 403 and "区招商办和项目责任单位" in response.content.decode()
    login(client, w.tongan_office)
    assert client.get(url).status_code == 404
    login(client, w.office)
    assert client.get(url).status_code == 200
    assert client.put(url).status_code == 405


def test_the_figures_page_counts_the_batches_and_opens_the_rows(client, w, project):
    Milestone.objects.create(project=project, kind="started", date=dt.date(2025, 5, 1))
    Milestone.objects.create(project=project, kind="in_production", date=dt.date(2025, 9, 1))
    result(project, output="12000", tax="900")
    login(client, w.office)
    response = client.get(reverse("outcomes:figures"))
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("生成一批", "洽谈一批", "签约一批", "建设一批", "投产生效一批"):
        assert label in html
    assert "400.00" in html  # 亩均产值 of the one project: 12000 / 30
    rows = client.get(reverse("outcomes:rows") + "?batch=producing").content.decode()
    assert project.name in rows
    # As of before its start: a signed project, not in production.
    before = client.get(reverse("outcomes:rows") + "?batch=signed&as_of=2025-04-01")
    assert project.name in before.content.decode()
    login(client, w.tongan_office)
    assert project.name not in client.get(reverse("outcomes:rows")).content.decode()
    assert client.post(reverse("outcomes:figures")).status_code == 405


def _book(rows, header=("项目编号", "年度", "季度", "产值（万元）", "税收（万元）", "数据来源")):
    book = Workbook()
    sheet = book.active
    sheet.title = "效益数据"
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, data, name="stats.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, data)
    return client.post(reverse("outcomes:import"), {"file": upload})


def test_the_import_is_all_or_nothing_and_idempotent(client, w, project):
    login(client, w.office)
    good = _book([(project.code, 2025, None, 12000, 900, "统计局")])
    bad = _book(
        [(project.code, 2024, None, 100, 10, "统计局"), (project.code, 2025, "第五季度", -5, 1, "")]
    )
    before = state()
    response = _upload(client, bad)
    html = response.content.decode()
    assert response.status_code == 422
    assert "工作表：效益数据；行：第 3 行；列：季度（C列）；原因：季度应为 1–4" in html
    assert state() == before
    response = _upload(client, _book([("350213-2099-0001", 2025, None, 1, 1, "")]))
    assert "行：第 2 行；列：项目编号（A列）；原因：项目编号不存在，或不在您的范围内。" in (
        response.content.decode()
    )
    response = _upload(client, good)
    assert response.status_code == 200 and "新增 1 条" in response.content.decode()
    events = OutcomeEvent.objects.count()
    response = _upload(client, good)
    assert "未变 1 条" in response.content.decode() and OutcomeEvent.objects.count() == events
    assert _upload(client, b"not a workbook").status_code == 422
    login(client, w.leader)
    assert client.get(reverse("outcomes:import")).status_code == 403


def test_the_office_runs_the_check(client, w, project):
    result(project, output="12000")
    promise(project, target="20000")
    login(client, w.office)
    url = reverse("outcomes:check")
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 422
    response = client.post(url, {"as_of": "2026-01-05"}, follow=True)
    assert "履约核查：承诺 1 项" in response.content.decode()
    html = client.get(reverse("outcomes:promises") + "?status=broken").content.decode()
    assert project.name in html and "已提出问题" in html
    login(client, w.promoter)
    assert client.get(url).status_code == 403


def test_the_api_reads_and_writes_scoped_like_the_project(client, w, project):
    token = token_create(user=w.promoter, name="t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    base = f"/api/v1/projects/{project.code}"
    response = client.post(
        f"{base}/promises",
        {"kind": "output", "target": "20000", "due_on": "2025-12-31"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "broken"  # no figures 90 days after the check
    response = client.post(
        f"{base}/results",
        {"year": 2025, "output": "12000", "tax": "900.5", "source": "statistics"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["years"][0]["output_per_mu"] == "400" and body["land_basis"] == "拟用地面积"
    promises = client.get(f"{base}/promises", **auth).json()
    assert promises[0]["gap"] == "8000" and promises[0]["actual"] == "12000"
    response = client.patch(
        f"{base}/promises",
        {"kind": "output", "version": 99, "target": "10000", "due_on": "2025-12-31"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 409
    response = client.post(
        f"{base}/results", {"year": 2025, "source": "statistics"},
        content_type="application/json", **auth,
    )  # fmt: skip
    assert response.status_code == 422
    assert "至少填一项" in response.json()["detail"]
    other = token_create(user=w.tongan_office, name="t")[1]
    response = client.get(f"{base}/results", HTTP_AUTHORIZATION=f"Bearer {other}")
    assert response.status_code == 404
    leader = token_create(user=w.leader, name="t")[1]
    response = client.post(
        f"{base}/results", {"year": 2025, "output": "1", "source": "statistics"},
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {leader}",
    )  # fmt: skip
    assert response.status_code == 403
