"""Importing a company list: all or nothing, duplicates reported, enrichment only."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from baton.companies import services
from baton.companies.importing import import_companies
from baton.companies.models import Company, CompanyEvent
from baton.projects.tests.helpers_views import login

from .helpers import BYD, CATL, OTHER, bad

HEADER = ("企业名称", "统一社会信用代码", "行业代码", "企业标签", "联系人", "联系电话")


def workbook(*rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def state():
    return (
        list(Company.objects.order_by("pk").values()),
        list(CompanyEvent.objects.order_by("pk").values()),
    )


def run(w, data, **kwargs):
    return import_companies(data=data, actor=w.office, district=w.district, **kwargs)


def test_new_companies_registered_with_events(w):
    result = run(
        w, workbook(("宁德时代新能源科技股份有限公司", CATL, "C3841", "上市、链主", "张三", ""))
    )
    assert result.ok and result.created == ["宁德时代新能源科技股份有限公司"]
    company = Company.objects.get()
    assert company.tags == ["listed", "chain_leader"] and company.district == w.district
    assert company.events.get().kind == CompanyEvent.Kind.CREATED


def test_a_bad_credit_code_refuses_the_whole_list(w):
    services.company_create(actor=w.office, district=w.district, name="已有企业")
    before = state()
    data = workbook(
        ("宁德时代", CATL, "", "", "", ""),
        ("比亚迪", bad(BYD), "", "", "", ""),
        ("某某电子", OTHER[:10], "", "", "", ""),
        ("某某科技", "", "Z99", "", "", ""),
    )
    result = run(w, data)
    assert not result.ok and result.created == []
    assert any(e.startswith("第 3 行 统一社会信用代码：") and "校验位" in e for e in result.errors)
    assert any(e.startswith("第 4 行") for e in result.errors)
    assert any(e.startswith("第 5 行 行业代码") for e in result.errors)
    assert state() == before


def test_enrichment_fills_empty_fields_and_never_overwrites(w):
    company = services.company_create(
        actor=w.office,
        district=w.district,
        name="宁德时代新能源科技股份有限公司",
        contact_name="张三",
    )
    result = run(
        w, workbook(("宁德时代新能源科技有限公司", CATL, "C3841", "链主", "李四", "13800001111"))
    )
    assert result.ok and result.enriched == [company.name] and not result.created
    company.refresh_from_db()
    assert company.contact_name == "张三" and company.uscc == CATL
    assert company.industry_code == "C3841" and company.contact_phone == "13800001111"
    assert company.events.filter(kind=CompanyEvent.Kind.ENRICHED).count() == 1
    again = run(w, workbook(("宁德时代", CATL, "C3841", "链主", "王五", "")))
    assert again.unchanged == [company.name] and company.events.count() == 2


def test_alike_names_reported_not_imported(w):
    services.company_create(
        actor=w.office, district=w.district, name="宁德时代新能源科技股份有限公司"
    )
    result = run(w, workbook(("宁德时代新能源科技（厦门）发展有限公司", "", "", "", "", "")))
    assert result.ok and result.duplicates and not result.created
    assert Company.objects.count() == 1


def test_another_districts_code_is_an_error(w):
    services.company_create(
        actor=w.tongan_office, district=w.other_district, name="宁德时代", uscc=CATL
    )
    before = state()
    result = run(w, workbook(("宁德时代", CATL, "", "", "", "")))
    assert not result.ok and "同安区" in result.errors[0]
    assert state() == before


def test_dry_run_writes_nothing(w):
    result = run(w, workbook(("比亚迪", BYD, "", "", "", "")), dry_run=True)
    assert result.ok and result.created == ["比亚迪"] and "未写入" in result.summary()
    assert not Company.objects.exists()


def test_the_command(w, tmp_path, capsys):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(workbook(("比亚迪", bad(BYD), "", "", "", "")))
    with pytest.raises(CommandError):
        call_command("import_companies", str(path), district=w.district.code)
    assert not Company.objects.exists()
    path.write_bytes(workbook(("比亚迪", BYD, "", "", "", "")))
    call_command("import_companies", str(path), user=w.promoter.username, dry_run=True)
    assert not Company.objects.exists()
    call_command("import_companies", str(path), user=w.promoter.username)
    assert Company.objects.get().district == w.district
    with pytest.raises(CommandError):
        call_command("import_companies", str(path), user=w.leader.username)


def test_the_upload_page(client, w):
    url = reverse("companies:import")
    login(client, w.promoter)
    bad_list = SimpleUploadedFile("名单.xlsx", workbook(("比亚迪", bad(BYD), "", "", "", "")))
    response = client.post(url, {"file": bad_list})
    assert response.status_code == 422 and "校验位" in response.content.decode()
    assert not Company.objects.exists()
    good = SimpleUploadedFile("名单.xlsx", workbook(("比亚迪", BYD, "", "", "", "")))
    response = client.post(url, {"file": good})
    assert response.status_code == 200 and "新登记 1 家" in response.content.decode()
    assert Company.objects.get().uscc == BYD
    assert login(client, w.reviewer).get(url).status_code == 403


def test_every_import_is_audited_but_a_dry_run(client, w, tmp_path):
    from baton.audit.models import AuditRecord

    def imports():
        rows = AuditRecord.objects.filter(event=AuditRecord.Event.IMPORT).order_by("pk")
        return [(r.object_type, r.outcome, r.after["created"], r.after["errors"]) for r in rows]

    url = reverse("companies:import")
    login(client, w.promoter)
    bad_list = SimpleUploadedFile("名单.xlsx", workbook(("比亚迪", bad(BYD), "", "", "", "")))
    client.post(url, {"file": bad_list})
    trial = SimpleUploadedFile("名单.xlsx", workbook(("比亚迪", BYD, "", "", "", "")))
    client.post(url, {"file": trial, "dry_run": "on"})
    good = SimpleUploadedFile("名单.xlsx", workbook(("比亚迪", BYD, "", "", "", "")))
    client.post(url, {"file": good})
    path = tmp_path / "名单.xlsx"
    path.write_bytes(workbook(("宁德时代", CATL, "", "", "", "")))
    call_command("import_companies", str(path), user=w.office.username, dry_run=True)
    call_command("import_companies", str(path), user=w.office.username)
    assert imports() == [
        ("companies", "failure", 0, 1),
        ("companies", "success", 1, 0),
        ("companies", "success", 1, 0),
    ]
    record = AuditRecord.objects.filter(event=AuditRecord.Event.IMPORT).order_by("pk").last()
    assert record.user == w.office and record.after["district"] == "翔安区"
