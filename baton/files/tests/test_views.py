"""The 附件 card, its dialogs and the download: scoped like the project, refused with
the reason, served only as a download with nosniff."""

import pytest
from django.urls import reverse

from baton.files import permissions, services
from baton.files.models import Attachment
from baton.projects.tests.helpers import make_landed
from baton.projects.tests.helpers_views import HTMX, login
from baton.testing import at, make_project

from .helpers import EXE, HTML, PDF, PNG, db_state, stored, upload

T0 = at(2024, 3, 1)


@pytest.fixture
def project(w):
    return make_landed(w, name="马巷新能源电池项目", when=T0)


@pytest.fixture
def kept(w, project):
    return services.attachment_add(
        project=project, actor=w.promoter, file=upload("投资协议.pdf", PDF), kind="agreement"
    )


def new_url(project) -> str:
    return reverse("files:new", args=[project.code])


def test_the_project_page_shows_the_card_with_its_files(client, w, project, kept):
    page = login(client, w.promoter).get(reverse("projects:detail", args=[project.code]))
    html = page.content.decode()
    assert "投资协议.pdf" in html and reverse("files:file", args=[kept.pk]) in html
    assert new_url(project) in html and reverse("files:delete", args=[kept.pk]) in html
    html = (
        login(client, w.leader)
        .get(reverse("projects:detail", args=[project.code]))
        .content.decode()
    )
    assert "投资协议.pdf" in html and new_url(project) not in html
    assert reverse("files:delete", args=[kept.pk]) not in html


def test_upload_through_the_dialog(client, w, project):
    login(client, w.promoter)
    assert client.get(new_url(project), **HTMX).status_code == 200
    signed = project.milestones.get()
    response = client.post(
        new_url(project),
        {
            "kind": "agreement",
            "milestone": signed.pk,
            "label": "正式文本",
            "file": upload("协议.pdf", PDF),
        },
        **HTMX,
    )
    # In place: the dialog closes, the message shows, the card and the timeline refetch.
    assert response.status_code == 204
    triggers = response["HX-Trigger"]
    assert "closeDialog" in triggers and "attachmentsChanged" in triggers
    assert "附件已上传" in triggers.encode().decode("unicode_escape")
    found = Attachment.objects.get()
    assert (found.name, found.milestone, found.uploaded_by) == ("协议.pdf", signed, w.promoter)


@pytest.mark.parametrize(
    "name, data, message",
    [
        (
            "病毒.pdf",
            EXE,
            "附件“病毒.pdf”不是允许的类型，只能上传 PDF、JPG、PNG、DOCX、XLSX、OFD 文件。",
        ),
        (
            "页面.png",
            HTML,
            "附件“页面.png”不是允许的类型，只能上传 PDF、JPG、PNG、DOCX、XLSX、OFD 文件。",
        ),
    ],
)
def test_a_refused_file_comes_back_with_the_reason_and_nothing_stored(
    client, w, project, name, data, message
):
    before = db_state()
    response = login(client, w.promoter).post(
        new_url(project), {"kind": "photo", "file": upload(name, data, "image/png")}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert db_state() == before


def test_no_file_is_asked_for(client, w, project):
    response = login(client, w.promoter).post(new_url(project), {"kind": "photo"})
    assert response.status_code == 422 and "请选择要上传的文件。" in response.content.decode()


def test_others_may_not_upload(client, w, project):
    before = db_state()
    for user in (w.leader, w.reviewer):
        response = login(client, user).post(
            new_url(project), {"kind": "photo", "file": upload("a.png", PNG)}
        )
        assert response.status_code == 403 and permissions.ADD_REFUSED in response.content.decode()
    for user in (w.other_promoter, w.tongan_office):
        response = login(client, user).post(
            new_url(project), {"kind": "photo", "file": upload("a.png", PNG)}
        )
        assert response.status_code == 404
    assert db_state() == before


def test_the_download_is_scoped_and_never_sniffed(client, w, project, kept):
    address = reverse("files:file", args=[kept.pk])
    for user in (w.promoter, w.office, w.leader, w.reviewer):
        response = login(client, user).get(address)
        assert response.status_code == 200 and response.content == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith('attachment; filename="attachment-')
        assert (
            "filename*=UTF-8''%E6%8A%95%E8%B5%84%E5%8D%8F%E8%AE%AE.pdf"
            in response["Content-Disposition"]
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert "no-store" in response["Cache-Control"]
    for user in (w.other_promoter, w.tongan_office):  # another unit, another district
        assert login(client, user).get(address).status_code == 404
    assert login(client, w.sys_admin).get(address).status_code in (403, 404)
    assert client.get(reverse("files:file", args=[kept.pk + 1000])).status_code in (403, 404)


def test_another_districts_file_is_not_found_by_its_id(client, w, kept):
    tongan = make_project(w, unit=w.tongan_unit, actor=w.tongan_office, name="同安项目", at=T0)
    theirs = services.attachment_add(
        project=tongan, actor=w.tongan_office, file=upload("同安.pdf", PDF), kind="document"
    )
    login(client, w.office)
    assert client.get(reverse("files:file", args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("files:delete", args=[theirs.pk]), {"confirm": "on"}).status_code == 404
    )
    assert Attachment.objects.filter(pk=theirs.pk).exists()


def test_delete_by_the_uploader_or_the_office_only(client, w, project, kept):
    address = reverse("files:delete", args=[kept.pk])
    by_office = services.attachment_add(
        project=project, actor=w.office, file=upload("批复.pdf", PDF), kind="document"
    )
    response = login(client, w.promoter).post(
        reverse("files:delete", args=[by_office.pk]), {"confirm": "on"}
    )
    assert response.status_code == 403 and permissions.DELETE_REFUSED in response.content.decode()
    unconfirmed = client.post(address, {})
    assert (
        unconfirmed.status_code == 422 and "请先勾选确认，再提交。" in unconfirmed.content.decode()
    )
    assert client.post(address, {"confirm": "on"}).status_code == 302
    assert list(Attachment.objects.values_list("name", flat=True)) == ["批复.pdf"]
    assert (
        login(client, w.office)
        .post(reverse("files:delete", args=[by_office.pk]), {"confirm": "on"})
        .status_code
        == 302
    )
    assert not Attachment.objects.exists()
    assert project.events.filter(kind="attachment").count() == 4


def test_wrong_methods_are_refused(client, w, project, kept):
    login(client, w.promoter)
    assert client.post(reverse("files:file", args=[kept.pk])).status_code == 405
    assert client.put(new_url(project)).status_code == 405
    assert client.post(reverse("files:project", args=[project.code])).status_code == 405
    assert stored() == [kept.storage_name]
