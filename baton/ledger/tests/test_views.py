import io
import re
import time
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from baton.jobs.models import Job
from baton.ledger import views
from baton.ledger.reading import Limits
from baton.projects.models import Project, Stage
from baton.projects.tests.helpers_views import login
from baton.testing import admit, make_project

from .helpers import dump, row, xlsx

IMPORT = reverse("ledger:import")
EXPORT = reverse("ledger:export")


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _upload(client, data: bytes, name: str = "马巷台账.xlsx"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})


def _token(response) -> str:
    assert response.status_code == 302, response.content.decode()[:500]
    return re.search(r"/ledger/import/([A-Za-z0-9_\-]{32})/$", response["Location"]).group(1)


def _data() -> dict:
    """Every table but the sessions (an upload is remembered in the session)."""
    tables = dump()
    tables.pop("sessions.Session")
    tables.pop("jobs.Job")  # the check's record, not data of the library
    return tables


def _uploads(tmp_path) -> list:
    return list((tmp_path / "ledger-uploads").glob("*.xlsx"))


def test_it_previews_with_a_dry_run_then_imports_on_confirm(w, client, tmp_path):
    login(client, w.promoter)
    data = xlsx([row(入库状态="草稿"), row(项目编号="350213-2019-0902", 入库状态="已上报")])
    token = _token(_upload(client, data))
    preview = client.get(reverse("ledger:import_preview", args=[token]))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "将新建" in page and "350213-2019-0901" in page and "确认导入" in page
    assert not Project.objects.exists()  # a preview writes nothing
    done = client.post(reverse("ledger:import_confirm", args=[token]))
    # The check and the import ran in their tasks (at once, in the tests).
    assert Job.objects.get(kind="ledger_check").result["created"] == 2
    job = Job.objects.get(kind="ledger_import")
    assert done["Location"] == reverse("ledger:import_done", args=[job.pk])
    assert job.user == w.promoter and job.status == "done" and job.result["counts"] == [2, 0, 0]
    project = Project.objects.get(original_code="350213-2019-0901")
    assert project.unit == w.town and project.created_by == w.promoter
    assert Project.objects.get(original_code="350213-2019-0902").review_state == "submitted"
    assert _uploads(tmp_path) == []  # the file is gone once imported
    assert list((tmp_path / "ledger-uploads").glob("*.queued")) == []
    result = client.get(done["Location"])
    assert result.status_code == 200 and "导入完成" in result.content.decode()
    assert project.code in result.content.decode()
    assert client.post(reverse("ledger:import_confirm", args=[token])).status_code == 404


def test_it_shows_the_errors_writes_nothing_and_gives_the_annotated_workbook(w, client):
    login(client, w.promoter)
    before = _data()
    data = xlsx([row(入库状态="草稿"), row(项目编号="350213-2019-0902", **{"总投资(万元)": -5})])
    token = _token(_upload(client, data))
    preview = client.get(reverse("ledger:import_preview", args=[token]))
    page = preview.content.decode()
    assert "台账有错误，未写入" in page and "下载错误标注工作簿" in page
    assert reverse("ledger:import_confirm", args=[token]) not in page
    errors = client.get(reverse("ledger:import_errors", args=[token]))
    assert errors.status_code == 200
    assert "filename*=UTF-8''" in errors["Content-Disposition"]
    assert unquote(errors["Content-Disposition"].split("''")[1]) == "马巷台账-错误标注.xlsx"
    book = load_workbook(io.BytesIO(b"".join(errors.streaming_content)))
    assert book.sheetnames[0] == "错误清单"
    listed = [r for r in book["错误清单"].iter_rows(min_row=2, values_only=True)]
    assert listed and listed[0][1] == 3  # the second data row is Excel row 3
    assert client.post(reverse("ledger:import_confirm", args=[token])).status_code == 422
    assert _data() == before


def test_it_refuses_an_upload_that_is_not_an_xlsx_or_too_large(w, client, monkeypatch):
    login(client, w.promoter)
    response = _upload(client, b"a,b\n", name="台账.csv")
    assert response.status_code == 422 and "只能导入 .xlsx 文件" in response.content.decode()
    monkeypatch.setattr("baton.ledger.forms.Limits", lambda: Limits(max_bytes=100))
    response = _upload(client, xlsx([row()]))
    assert response.status_code == 422 and "文件过大" in response.content.decode()
    assert not Project.objects.exists()


def test_it_keeps_a_unit_to_what_it_may_change(w, client):
    login(client, w.promoter)
    token = _token(_upload(client, xlsx([row(入库状态="已入库")])))
    page = client.get(reverse("ledger:import_preview", args=[token])).content.decode()
    assert "单位导入的入库状态只能是草稿或已上报" in page
    token = _token(_upload(client, xlsx([row(责任单位="新店街道", 入库状态="草稿")])))
    page = client.get(reverse("ledger:import_preview", args=[token])).content.decode()
    assert "您无权在这个区或单位下新建项目" in page


def test_the_district_office_imports_into_its_district(w, client):
    login(client, w.office)
    # A project of one of its units, as a draft: the unit submits it (issue 13, point 4).
    data = xlsx([row(所属区="", 责任单位="新店街道", 入库状态="草稿")])
    token = _token(_upload(client, data))
    client.post(reverse("ledger:import_confirm", args=[token]))
    project = Project.objects.get(name=row()["项目名称"])
    assert project.district == w.district and project.unit == w.other_town
    assert project.review_state == "draft"
    token = _token(_upload(client, xlsx([row(项目编号="XA-2", 项目名称="另一项目")])))
    page = client.get(reverse("ledger:import_preview", args=[token])).content.decode()
    assert "只有责任单位（马巷街道）可以上报该项目" in page


def test_it_denies_another_users_upload(w, client, tmp_path):
    login(client, w.promoter)
    token = _token(_upload(client, xlsx([row(入库状态="草稿")])))
    other = login(type(client)(), w.other_promoter)
    assert other.get(reverse("ledger:import_preview", args=[token])).status_code == 404
    assert other.get(reverse("ledger:import_errors", args=[token])).status_code == 404
    assert other.post(reverse("ledger:import_confirm", args=[token])).status_code == 404
    assert not Project.objects.exists() and len(_uploads(tmp_path)) == 1


def test_an_upload_expires(w, client, tmp_path, monkeypatch):
    login(client, w.promoter)
    token = _token(_upload(client, xlsx([row(入库状态="草稿")])))
    later = time.time() + views.UPLOAD_TTL.total_seconds() + 1
    monkeypatch.setattr(views.time, "time", lambda: later)
    assert client.post(reverse("ledger:import_confirm", args=[token])).status_code == 404
    assert _uploads(tmp_path) == [] and not Project.objects.exists()


def test_it_rejects_the_wrong_method(w, client):
    login(client, w.promoter)
    token = "A" * 32
    assert client.put(IMPORT).status_code == 405
    assert client.get(reverse("ledger:import_confirm", args=[token])).status_code == 405
    assert client.post(reverse("ledger:import_preview", args=[token])).status_code == 405
    assert client.post(EXPORT).status_code == 405


def test_it_sends_anonymous_users_to_the_login_page(client):
    for url in (IMPORT, EXPORT, reverse("ledger:import_preview", args=["A" * 32])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_refuses_the_administrators_and_roles_that_do_not_import(w, client):
    for user in (w.sys_admin, w.sec_admin, w.audit_admin, w.leader, w.reviewer):
        login(client, user)
        assert client.get(IMPORT).status_code == 403
        assert _upload(client, xlsx([row()])).status_code == 403
    login(client, w.sys_admin)
    assert client.get(EXPORT).status_code == 403
    assert not Project.objects.exists()


# --- export -------------------------------------------------------------------------------


def _rows(response) -> list[tuple]:
    assert response.status_code == 200, response.content.decode()[:500]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


def test_it_exports_exactly_the_filtered_list(w, client):
    kept = make_project(w, name="氢能装备产业园")
    admit(w, make_project(w, name="光伏组件智能工厂"))
    make_project(w, unit=w.other_town, actor=w.other_promoter, name="跨境电商产业园")
    login(client, w.promoter)
    response = client.get(EXPORT, {"review_state": "draft"})
    rows = _rows(response)
    assert rows[0][0] == "项目编号"
    assert [r[0] for r in rows[1:]] == [kept.code]
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    name = unquote(response["Content-Disposition"].split("''")[1])
    assert name.startswith("马巷街道项目台账-") and name.endswith(".xlsx")
    listed = client.get(reverse("projects:list"), {"review_state": "draft"}).content.decode()
    assert 'name="review_state" value="draft"' in listed  # the control carries the filters


def test_it_exports_the_official_layout_as_of_a_date(w, client):
    project = admit(w, make_project(w, name="氢能装备产业园"))
    login(client, w.office)
    stage = Stage.objects.get(pk=project.stage_id)
    today = timezone.localdate()
    response = client.get(EXPORT, {"layout": "official", "stage": stage.pk, "as_of": today})
    rows = _rows(response)
    assert rows[0][0] == f"厦门翔安区招商项目台账（截至{today.year}年{today.month}月{today.day}日）"
    assert rows[3][1] == project.code and rows[-1][0] == "合计"
    assert "正式报表" in unquote(response["Content-Disposition"])


def test_it_keeps_the_export_in_the_users_scope(w, client):
    mx = make_project(w, name="氢能装备产业园")
    xd = make_project(w, unit=w.other_town, actor=w.other_promoter, name="跨境电商产业园")
    login(client, w.other_promoter)
    codes = [r[0] for r in _rows(client.get(EXPORT))[1:]]
    assert codes == [xd.code] and mx.code not in codes
    login(client, w.tongan_office)
    assert _rows(client.get(EXPORT))[1:] == []


def test_it_refuses_a_bad_filter_or_date(w, client):
    login(client, w.promoter)
    assert client.get(EXPORT, {"stage": "x"}).status_code == 400
    response = client.get(EXPORT, {"as_of": "2999-01-01"})
    assert response.status_code == 400 and "截至日期不能晚于今天" in response.content.decode()
    assert client.get(EXPORT, {"layout": "pdf"}).status_code == 400
