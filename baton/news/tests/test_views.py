import pytest
from django.urls import reverse

from baton.leads.models import Lead

from ..models import Draft
from .helpers import REPORT, TIANMA

pytestmark = pytest.mark.django_db


def read(client, user, text=REPORT, **extra):
    client.force_login(user)
    return client.post(reverse("news:read"), {"text": text, "title": "厦门日报", **extra})


def test_it_marks_up_the_figures_and_companies(client, w):
    response = read(client, w.promoter)
    page = response.content.decode()
    assert response.status_code == 200
    note = "入库项目 12个，565000万元"
    assert f'<mark class="mk-group" title="{note}" data-note="{note}" data-ref="g1"' in page
    assert (
        '<mark class="mk-company" title="企业：厦门天马微电子有限公司，1200000万元，签约"' in page
    )
    assert "提交为线索" in page
    assert "与厦门翔安区项目库核对" in page
    assert "按您可见的项目统计" in page


def test_it_reconciles_with_the_users_district(client, w):
    page = read(client, w.office).content.decode()
    assert "截至 2024-02-29" in page
    assert "按您可见的项目统计" not in page
    assert "不一致" in page  # the test library is empty


def test_it_refuses_an_empty_form_and_a_binary_upload(client, w):
    response = read(client, w.promoter, text="")
    assert response.status_code == 422
    assert "请粘贴报道文字，或选择要上传的文件。" in response.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("x.bin", bytes(range(256)) * 4)
    response = client.post(reverse("news:read"), {"text": "", "file": upload})
    assert response.status_code == 422
    assert "这不是文本文件" in response.content.decode()


def test_it_reads_an_uploaded_docx(client, w, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from docx import Document

    document = Document()
    for line in REPORT.splitlines():
        document.add_paragraph(line)
    document.save(tmp_path / "r.docx")
    client.force_login(w.promoter)
    upload = SimpleUploadedFile("r.docx", (tmp_path / "r.docx").read_bytes())
    page = client.post(reverse("news:read"), {"file": upload}).content.decode()
    assert "mk-company" in page and TIANMA in page


def test_a_company_becomes_a_draft_then_a_lead(client, w):
    client.force_login(w.promoter)
    response = client.post(
        reverse("news:draft_new"), {"text": REPORT, "name": TIANMA, "title": "厦门日报"}
    )
    draft = Draft.objects.get()
    assert response.status_code == 302 and response.url == reverse("news:draft", args=[draft.pk])
    client.force_login(w.office)
    page = client.get(reverse("news:drafts")).content.decode()
    assert TIANMA in page
    response = client.post(
        reverse("news:accept", args=[draft.pk]),
        {"unit": w.town.pk, "title": "柔性显示模组", "investment": "1200000"},
    )
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.title == "柔性显示模组" and lead.source == "news"
    draft.refresh_from_db()
    assert draft.status == Draft.Status.ACCEPTED


def test_the_accept_form_shows_the_lead_rules_refusal(client, w):
    client.force_login(w.promoter)
    client.post(reverse("news:draft_new"), {"text": REPORT, "name": TIANMA})
    draft = Draft.objects.get()
    client.force_login(w.office)
    response = client.post(
        reverse("news:accept", args=[draft.pk]),
        {"unit": w.town.pk, "title": "x", "investment": "-1"},
    )
    assert response.status_code == 422
    assert "金额不能为负数。" in response.content.decode()
    assert not Lead.objects.exists()


def test_a_promoter_cannot_decide_and_another_district_cannot_see(client, w):
    client.force_login(w.promoter)
    client.post(reverse("news:draft_new"), {"text": REPORT, "name": TIANMA})
    draft = Draft.objects.get()
    response = client.post(reverse("news:discard", args=[draft.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert "只有该线索所属区的区招商办可以审核新闻线索。" in response.content.decode()
    client.force_login(w.tongan_office)
    assert client.get(reverse("news:draft", args=[draft.pk])).status_code == 404
    assert client.post(reverse("news:discard", args=[draft.pk]), {"reason": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("name", "method"),
    [("news:read", "put"), ("news:drafts", "post"), ("news:draft_new", "get")],
)
def test_it_rejects_the_wrong_method(client, w, name, method):
    client.force_login(w.office)
    assert getattr(client, method)(reverse(name)).status_code == 405


def test_the_draft_page_warns_of_a_project_already_in_talks(client, w):
    from baton.leads.tests.helpers import company
    from baton.testing import make_project, stage

    from .helpers import CATL_NAME

    company(w)
    project = make_project(
        w, name="储能基地", investment="80000", investor=CATL_NAME, stage=stage("negotiating")
    )
    client.force_login(w.promoter)
    client.post(reverse("news:draft_new"), {"text": REPORT, "name": CATL_NAME})
    draft = Draft.objects.get()
    client.force_login(w.office)
    page = client.get(reverse("news:draft", args=[draft.pk])).content.decode()
    assert f"项目库中已有该企业在谈的项目 {project.code}「储能基地」" in page


def test_a_text_too_long_to_keep_is_read_but_not_offered_as_leads(client, w):
    from ..services import MAX_TEXT

    page = read(client, w.promoter, text=REPORT + "。" * MAX_TEXT).content.decode()
    assert "mk-company" in page
    assert f"全文超过 {MAX_TEXT} 字，不能提交为线索" in page
    assert 'name="name" value=' not in page
