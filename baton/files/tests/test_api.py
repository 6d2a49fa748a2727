"""附件 through the API: list, multipart upload and download, in the token's scope."""

import pytest
from django.test import Client

from baton.accounts.api_auth import token_create
from baton.files import services
from baton.files.models import Attachment
from baton.projects.tests.helpers import make_landed
from baton.testing import at

from .helpers import EXE, PDF, PNG, db_state, upload

T0 = at(2024, 3, 1)


@pytest.fixture
def project(w):
    return make_landed(w, name="马巷新能源电池项目", when=T0)


def bearer(user) -> dict:
    _token, secret = token_create(user=user, name="测试")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def address(project) -> str:
    return f"/api/v1/projects/{project.code}/attachments"


def test_upload_list_and_download(w, project):
    client, auth = Client(), bearer(w.promoter)
    response = client.post(
        address(project),
        {
            "kind": "agreement",
            "milestone": "signed",
            "label": "正式文本",
            "file": upload("协议.pdf", PDF),
        },
        **auth,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["kind"], body["milestone"], body["size"]) == (
        "协议.pdf",
        "agreement",
        "signed",
        len(PDF),
    )
    listed = client.get(address(project), **auth).json()
    assert [one["id"] for one in listed] == [body["id"]]
    download = client.get(body["url"], **auth)
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_refused_file_is_a_422_with_the_reason_and_nothing_stored(w, project):
    before = db_state()
    response = Client().post(
        address(project), {"kind": "photo", "file": upload("照片.png", EXE)}, **bearer(w.promoter)
    )
    assert response.status_code == 422
    assert response.json()["errors"]["file"].startswith("附件“照片.png”不是允许的类型")
    assert db_state() == before


def test_without_a_token_or_outside_the_scope(w, project):
    kept = services.attachment_add(
        project=project, actor=w.promoter, file=upload("a.png", PNG), kind="photo"
    )
    before = db_state()
    anonymous = Client()
    assert anonymous.get(address(project)).status_code == 401
    assert anonymous.get(f"/api/v1/attachments/{kept.pk}").status_code == 401
    assert (
        anonymous.post(
            address(project), {"kind": "photo", "file": upload("b.png", PNG)}
        ).status_code
        == 401
    )
    for user in (w.other_promoter, w.tongan_office, w.sys_admin):
        auth = bearer(user)
        assert Client().get(address(project), **auth).status_code == 404
        assert Client().get(f"/api/v1/attachments/{kept.pk}", **auth).status_code == 404
        posted = Client().post(
            address(project), {"kind": "photo", "file": upload("b.png", PNG)}, **auth
        )
        assert posted.status_code == 404
    refused = Client().post(
        address(project), {"kind": "photo", "file": upload("b.png", PNG)}, **bearer(w.leader)
    )
    assert refused.status_code == 403
    assert Attachment.objects.count() == 1
    after = db_state()
    assert after["attachments"] == before["attachments"] and after["stored"] == before["stored"]


def test_an_unknown_milestone_is_refused(w, project):
    response = Client().post(
        address(project),
        {"kind": "agreement", "milestone": "started", "file": upload("a.pdf", PDF)},
        **bearer(w.promoter),
    )
    assert (
        response.status_code == 422
        and response.json()["errors"]["milestone"] == "该项目没有记录这个里程碑。"
    )
    assert not Attachment.objects.exists()
