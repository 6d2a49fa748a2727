"""导出 Excel: the list as filtered, in the import's columns, phones as the list shows
them, audited; export → import into a district that has none of them gives them back."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from baton.audit.models import AuditRecord
from baton.companies import services
from baton.companies.exporting import HEADERS, region_text
from baton.companies.importing import import_companies
from baton.companies.models import Company, CompanyEvent
from baton.core.xlsx import unneutralize
from baton.org import divisions
from baton.projects.tests.helpers_views import login
from baton.testing import add_coordinating

from .helpers import BYD, CATL, OTHER

EXPORT = reverse("companies:export")
LIST = reverse("companies:list")


def rows_of(response) -> list[tuple]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].startswith("attachment;")
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    return [tuple(("" if v is None else v) for v in (*row, *[None] * 10))[:10] for row in rows]


@pytest.fixture
def library(w):
    catl = services.company_create(
        actor=w.office,
        district=w.district,
        name="宁德时代新能源科技股份有限公司",
        former_names=['=HYPERLINK("x")', "宁德新能源"],
        uscc=CATL,
        region="350900",
        industry_code="C3841",
        tags=["listed", "chain_leader"],
        size="large",
        contact_name="张三",
        contact_phone="13812345678",
        note="第一行\n第二行",
    )
    byd = services.company_create(
        actor=w.promoter,
        district=w.district,
        name="比亚迪股份有限公司",
        uscc=BYD,
        region="广东省深圳市",
        tags=["global500"],
        contact_phone="0592-1234567",
    )
    plain = services.company_create(
        actor=w.promoter, district=w.district, name="+86某某电子有限公司", size="micro"
    )
    other = services.company_create(
        actor=w.tongan_office, district=w.other_district, name="同安食品有限公司", uscc=OTHER
    )
    return catl, byd, plain, other


def test_the_export_has_the_imports_columns_and_the_list_rows(client, w, library):
    rows = rows_of(login(client, w.office).get(EXPORT))
    assert rows[0] == tuple(HEADERS)
    assert rows[0][:3] == ("企业名称", "曾用名", "统一社会信用代码")
    names = [unneutralize(row[0]) for row in rows[1:]]
    assert names == [c.name for c in Company.objects.filter(district=w.district)]
    assert "同安食品有限公司" not in names
    catl = dict(zip(HEADERS, rows[1 + names.index("宁德时代新能源科技股份有限公司")], strict=True))
    assert catl["企业标签"] == "上市、链主" and catl["企业规模"] == "大型"
    assert catl["企业所在地"] == divisions.name_of("350900") and catl["联系电话"] == "13812345678"
    # A text that a spreadsheet would run as a formula is neutralised.
    assert catl["曾用名"].startswith("'=HYPERLINK")
    assert rows[1 + names.index("+86某某电子有限公司")][0] == "'+86某某电子有限公司"


def test_the_export_follows_the_lists_filters(client, w, library):
    login(client, w.office)
    assert [r[0] for r in rows_of(client.get(EXPORT, {"tag": "global500"}))[1:]] == [
        "比亚迪股份有限公司"
    ]
    assert [r[0] for r in rows_of(client.get(EXPORT, {"q": "宁德新能源", "page": "3"}))[1:]] == [
        "宁德时代新能源科技股份有限公司"
    ]
    assert rows_of(client.get(EXPORT, {"q": "没有这家"}))[1:] == []
    bad = client.get(EXPORT, {"tag": "最好"})
    assert bad.status_code == 400 and "企业标签" in bad.content.decode()


def test_phones_masked_for_readers_and_the_city_sees_the_city(client, w, library):
    for reader in (w.leader, w.reviewer):
        rows = rows_of(login(client, reader).get(EXPORT))
        phones = {row[0]: row[HEADERS.index("联系电话")] for row in rows[1:]}
        assert phones["宁德时代新能源科技股份有限公司"] == "138****5678", reader
        assert phones["比亚迪股份有限公司"] == "0592-***4567", reader
        assert "13812345678" not in str(rows)
    assert "同安食品有限公司" in {row[0] for row in rows_of(client.get(EXPORT))}


def test_the_export_is_audited(client, w, library):
    rows_of(login(client, w.office).get(EXPORT, {"tag": "listed"}))
    record = AuditRecord.objects.get(event=AuditRecord.Event.EXPORT)
    assert record.object_type == "companies" and record.after["rows"] == 1
    assert record.after["query"] == {"tag": "listed"}


def test_the_export_is_refused_to_administrators_and_a_coordinating_unit(client, w, library):
    add_coordinating(w)
    for user in (w.sys_admin, w.sec_admin, w.audit_admin, w.coordinator):
        response = login(client, user).get(EXPORT)
        assert response.status_code == 403, user
        assert "Content-Disposition" not in response
    assert not AuditRecord.objects.filter(event=AuditRecord.Event.EXPORT).exists()


def test_the_list_links_to_the_export_with_its_filters(client, w, library):
    page = login(client, w.leader).get(LIST, {"q": "比亚迪", "tag": "global500"})
    assert f'href="{EXPORT}?q=%E6%AF%94%E4%BA%9A%E8%BF%AA&amp;tag=global500"' in (
        page.content.decode()
    )
    empty = client.get(LIST, {"q": "没有这家"}).content.decode()
    assert 'id="company-export"' not in empty


def _records(district) -> list[dict]:
    fields = [f for f in services.FIELDS]
    return sorted(
        (
            {f: getattr(c, f) for f in fields}
            for c in Company.objects.filter(district=district, merged_into__isnull=True)
        ),
        key=lambda r: r["name"],
    )


def test_export_then_import_into_a_fresh_district_gives_the_same_records(client, w, library):
    *_ours, other = library
    other.delete()  # 同安区 starts empty
    before = _records(w.district)
    data = b"".join(login(client, w.office).get(EXPORT).streaming_content)
    # The credit codes are unique across the city: the records move, as in a fresh install.
    CompanyEvent.objects.all().delete()
    Company.objects.all().delete()
    result = import_companies(data=data, actor=w.tongan_office, district=w.other_district)
    assert result.ok and not result.duplicates, (result.errors, result.duplicates)
    assert len(result.created) == len(before) == 3
    assert _records(w.other_district) == before


def test_a_readers_export_imports_without_the_masked_phones(client, w, library):
    data = b"".join(login(client, w.leader).get(EXPORT).streaming_content)
    Company.objects.filter(district=w.district).update(contact_phone="")
    result = import_companies(data=data, actor=w.office, district=w.district)
    assert result.ok and result.created == []
    assert not Company.objects.filter(contact_phone__contains="*").exists()


def test_every_region_reads_back():
    assert all(
        divisions.clean_division(region_text(code)) == code for code, _name in divisions.choices()
    )
