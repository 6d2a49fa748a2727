"""月报材料 from the 月度统计 page, built as a background job and downloaded when done."""

import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from baton.jobs.models import Job
from baton.projects.tests.helpers_views import login
from baton.reports import tasks
from baton.testing import admit, at, make_project

PACK = reverse("reports:monthly_pack")


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def test_the_page_queues_the_pack_and_its_job_offers_the_file(w, client):
    project = make_project(w, name="锂电池隔膜生产基地", investment="10000", at=at(2019, 6, 1))
    admit(w, project, when=at(2019, 6, 5))
    login(client, w.office)
    page = client.get(reverse("reports:monthly"), {"scope": "district:350213"}).content.decode()
    assert PACK in page and "生成 Word 月报" in page
    query = {"scope": "district:350213", "as_of": "2019-08-31", "format": "docx"}
    response = client.post(PACK, query)
    job = Job.objects.get(kind=Job.Kind.REPORT_PACK)
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.user == w.office and job.status == "done", job.message
    assert "翔安区" in job.title and "Word" in job.title
    page = client.get(response["Location"]).content.decode()
    assert "已生成" in page and reverse("jobs:download", args=[job.pk]) in page
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert "no-store" in download["Cache-Control"]
    body = b"".join(download.streaming_content)
    assert (
        Document(io.BytesIO(body)).paragraphs[0].text == "厦门翔安区招商引资项目月报（2019年8月）"
    )
    client.post(PACK, {**query, "format": "xlsx"})
    job = Job.objects.filter(kind=Job.Kind.REPORT_PACK).first()
    body = b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    assert load_workbook(io.BytesIO(body)).sheetnames[0] == "汇总"
    # Another district's office cannot fetch it.
    login(client, w.tongan_office)
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_a_scope_out_of_reach_is_refused_now_and_when_the_job_runs(w, client):
    login(client, w.tongan_office)
    query = {"scope": "district:350213", "as_of": "2019-08-31", "format": "docx"}
    assert client.post(PACK, query).status_code == 400  # not one of its scopes
    assert client.post(PACK, {"as_of": "2019-08-31"}).status_code == 400  # no format
    assert not Job.objects.exists()
    login(client, w.sys_admin)
    assert client.post(PACK, query).status_code == 403
    # Asked for while the office had the scope, run after it lost it: refused, no file.
    w.office.district = w.other_district
    w.office.save()
    job = Job.objects.create(
        user=w.office,
        kind=Job.Kind.REPORT_PACK,
        title="翔安区 月报材料",
        params={"scope": "district:350213", "as_of": "2019-08-31", "format": "docx"},
    )
    tasks.build_pack.call(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.message == tasks.SCOPE_GONE and not job.file
