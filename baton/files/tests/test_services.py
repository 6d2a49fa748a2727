"""Attachments kept and removed by the services: checked by content, stored under the
server's names, each step an event of the project in the same transaction."""

import pytest
from django.core.exceptions import ValidationError

from baton.files import content, services, store
from baton.files.models import Attachment
from baton.projects.models import ProjectEvent
from baton.projects.tests.helpers import make_landed
from baton.testing import at, make_project

from .helpers import (
    EXE,
    HTML,
    JPEG,
    PDF,
    PNG,
    SVG,
    db_state,
    docx_bytes,
    refused,
    stored,
    upload,
    xlsx_bytes,
    zip_bytes,
)

T0 = at(2024, 3, 1)
DOCX, XLSX = content.DOCX, content.XLSX


@pytest.fixture
def project(w):
    return make_landed(w, name="马巷新能源电池项目", when=T0)


def add(w, project, file, *, actor=None, kind="document", **kwargs) -> Attachment:
    return services.attachment_add(
        project=project, actor=actor or w.promoter, file=file, kind=kind, **kwargs
    )


@pytest.mark.parametrize(
    "name, data, content_type",
    [
        ("投资协议.pdf", PDF, "application/pdf"),
        ("现场.JPG", JPEG, "image/jpeg"),
        ("现场.jpeg", JPEG, "image/jpeg"),
        ("航拍.png", PNG, "image/png"),
        ("协议.docx", docx_bytes(), DOCX),
        ("台账.xlsx", xlsx_bytes(), XLSX),
        (
            "电子公文.ofd",
            zip_bytes({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<x/>"}),
            "application/ofd",
        ),
    ],
)
def test_it_keeps_each_allowed_kind_under_a_name_it_makes(w, project, name, data, content_type):
    found = add(w, project, upload(name, data, "application/octet-stream"))
    assert (found.name, found.content_type, found.size) == (name, content_type, len(data))
    assert found.storage_name.startswith(f"{w.district.code}/")
    assert name not in found.storage_name
    assert store.read(found.storage_name) == data
    assert stored() == [found.storage_name]


def test_the_upload_is_an_event_of_the_project(w, project):
    signed = project.milestones.get(kind="signed")
    found = add(
        w,
        project,
        upload("投资协议.pdf", PDF),
        kind="agreement",
        label="正式文本",
        milestone=signed,
    )
    event = project.events.order_by("id").last()
    facts = {
        "attachment": found.pk,
        "name": "投资协议.pdf",
        "kind": "agreement",
        "label": "正式文本",
        "size": len(PDF),
        "milestone": "signed",
    }
    assert (event.kind, event.actor, event.old, event.new) == ("attachment", w.promoter, {}, facts)
    assert found.milestone == signed and found.district == w.district


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("病毒.pdf", EXE, "附件“病毒.pdf”不是允许的类型"),  # a program renamed
        ("病毒.exe", EXE, "附件“病毒.exe”不是允许的类型"),
        ("协议.exe", PDF, "附件“协议.exe”不是允许的类型"),  # a PDF renamed to run
        ("页面.png", HTML, "附件“页面.png”不是允许的类型"),  # HTML posing as an image
        ("页面.html", HTML, "附件“页面.html”不是允许的类型"),
        ("图.png", SVG, "附件“图.png”不是允许的类型"),
        ("照片.png", JPEG, "附件“照片.png”不是允许的类型"),  # the name must agree
        ("协议.docx", zip_bytes({"a.txt": b"x"}), "附件“协议.docx”不是允许的类型"),
        ("协议.docx", xlsx_bytes(), "附件“协议.docx”不是允许的类型"),  # a workbook is no letter
        ("台账.xlsx", b"PK\x03\x04" + b"\x00" * 40, "附件“台账.xlsx”不是允许的类型"),  # broken zip
        ("压缩包.zip", zip_bytes({"word/document.xml": b"x"}), "附件“压缩包.zip”不是允许的类型"),
        ("空.pdf", b"", "附件“空.pdf”是空文件。"),
        ("大.pdf", PDF + b"0" * content.MAX_BYTES, "附件“大.pdf”文件过大"),
    ],
)
def test_it_refuses_by_content_and_stores_nothing(w, project, name, data, message):
    before = db_state()
    with pytest.raises(ValidationError) as info:
        add(w, project, upload(name, data))
    assert info.value.message_dict["file"][0].startswith(message)
    assert db_state() == before


def test_a_zip_bomb_is_refused_unopened(w, project):
    members = {"[Content_Types].xml": b"x", "word/document.xml": b"x"}
    members |= {f"word/media/{n}.xml": b"" for n in range(content.MAX_ENTRIES)}
    with refused(content.refused("炸弹.docx").messages[0], project=project):
        add(w, project, upload("炸弹.docx", zip_bytes(members)))
    big = zip_bytes(
        {"[Content_Types].xml": b"x", "word/document.xml": b"0" * (content.MAX_UNPACKED + 1)}
    )
    assert len(big) < content.MAX_BYTES
    with refused(content.refused("炸弹.docx").messages[0], project=project):
        add(w, project, upload("炸弹.docx", big))


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("../../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\协议.pdf", "协议.pdf"),
        ("/var/lib/baton/baton.sqlite3.pdf", "baton.sqlite3.pdf"),
        ("协\x00议\n.pdf", "协议.pdf"),
        ("\u202efdp.exe.pdf", "fdp.exe.pdf"),  # a right-to-left override hides nothing
    ],
)
def test_a_path_in_the_name_never_reaches_the_store(w, project, raw, shown):
    found = add(w, project, upload(raw, PDF))
    assert found.name == shown
    assert ".." not in found.storage_name and shown not in found.storage_name
    assert stored() == [found.storage_name]


def test_a_milestone_of_another_project_or_a_bad_kind_is_refused(w, project):
    other = make_landed(w, name="另一个项目", when=T0)
    with refused("所选里程碑不属于该项目。", project=project, field="milestone"):
        add(w, project, upload("a.pdf", PDF), milestone=other.milestones.get())
    for kind in ("report", "virus", ""):
        with refused("请选择附件类别。", project=project, field="kind"):
            add(w, project, upload("a.pdf", PDF), kind=kind)
    with refused("说明不能超过 100 个字。", project=project, field="label"):
        add(w, project, upload("a.pdf", PDF), label="长" * 101)


def test_removal_is_an_event_and_the_bytes_go_once_it_commits(
    w, project, django_capture_on_commit_callbacks
):
    found = add(w, project, upload("照片.png", PNG), kind="photo")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.attachment_delete(attachment=found, actor=w.office)
    assert not Attachment.objects.exists()
    assert stored() == [found.storage_name]  # not yet committed: the bytes stay
    for callback in callbacks:
        callback()
    assert stored() == []
    event = project.events.order_by("id").last()
    assert (event.kind, event.actor, event.new) == ("attachment", w.office, {})
    assert event.old["name"] == "照片.png"


def test_a_failed_store_leaves_no_row_and_no_bytes(w, project, monkeypatch):
    def broken(name, data):
        raise OSError("磁盘已满")

    monkeypatch.setattr(store, "put", broken)
    before = db_state()
    with pytest.raises(OSError):
        add(w, project, upload("a.pdf", PDF))
    assert db_state() == before


def test_kinds_of_event_words_on_the_timeline(client, w, project):
    from baton.projects.events import Names, describe

    add(w, project, upload("协议.pdf", PDF), kind="agreement", milestone=project.milestones.get())
    event = project.events.order_by("id").last()
    entry = describe(event, Names([event]))
    assert entry["title"] == "上传附件"
    assert entry["lines"] == ["签约协议：协议.pdf；里程碑：签约"]
    assert ProjectEvent.objects.filter(kind="attachment").count() == 1


def test_a_project_in_review_takes_no_file_from_its_holder(w):
    submitted = make_project(w, name="在审项目", at=T0)
    from baton.projects import services as project_services

    project_services.project_submit(project=submitted, actor=w.promoter)
    from baton.files import permissions

    assert not permissions.can_add(w.promoter, submitted)
    assert not permissions.can_add(w.office, submitted)
