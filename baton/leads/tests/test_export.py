"""The leads' ledger: Chinese headers, numbers in 万元, phones masked, scoped, as of a date."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from baton.audit.models import AuditRecord
from baton.leads import services
from baton.leads.export import HEADERS, export_leads
from baton.leads.models import Lead

from .helpers import POINTS, byd, company, register

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


def sheet_of(data) -> list[dict]:
    sheet = load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    return [dict(zip(HEADERS, row, strict=True)) for row in rows[1:]]


def export(**kwargs) -> list[dict]:
    out = io.BytesIO()
    n = export_leads(out=out, **kwargs)
    rows = sheet_of(out.getvalue())
    assert len(rows) == n
    return rows


def test_every_field_under_its_chinese_header_amounts_as_numbers(w):
    comp = company(w, contact_name="李经理", contact_phone=PHONE)
    lead = register(w, comp=comp, land_mu="120.5", annual_output="500000", summary="=HYPERLINK(1)")
    services.lead_assess(lead=lead, actor=w.promoter, points=POINTS, conclusion="follow")
    [row] = export(district=w.district)
    assert row["信息编号"] == lead.code and row["状态"] == "已研判"
    assert row["信息来源"] == "引荐人" and row["投资方"] == comp.name
    assert row["行业代码"] == "C3841" and row["行业门类"] == "制造业"
    assert row["总投资（万元）"] == 200000 and row["固定资产投资（万元）"] == 150000
    assert row["用地需求（亩）"] == 120.5 and row["预计年产值（万元）"] == 500000
    assert row["首报单位"] == row["跟进单位"] == "马巷街道" and row["研判结论"] == "继续跟进"
    assert isinstance(row["首报时间"], dt.datetime) and isinstance(row["响应时限"], dt.datetime)
    assert row["项目概况"] == "'=HYPERLINK(1)"  # never a formula
    assert row["联系电话"] == PHONE  # an operator's export of the district


def test_phones_are_masked_for_whoever_does_not_hold_the_lead(w):
    register(w, comp=company(w, contact_phone=PHONE))
    assert export(user=w.promoter)[0]["联系电话"] == PHONE
    assert export(user=w.office)[0]["联系电话"] == PHONE
    assert export(user=w.leader)[0]["联系电话"] == "138****5678"
    assert export(user=w.reviewer)[0]["联系电话"] == "138****5678"


def test_a_user_exports_only_what_they_see(w):
    register(w)
    register(w, actor=w.other_promoter, comp=byd(w))
    assert [r["跟进单位"] for r in export(user=w.promoter)] == ["马巷街道"]
    assert len(export(user=w.office)) == 2
    assert export(user=w.tongan_office) == []
    assert export(district=w.other_district) == []


def test_as_of_a_date_shows_the_fields_as_they_stood(w, monkeypatch):
    lead = register(w)
    later = timezone.now() + dt.timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    services.lead_update(
        lead=lead, actor=w.promoter, changes={"investment": "300000", "source": "news"}
    )
    today = timezone.localdate(later - dt.timedelta(days=2))
    [then] = export(district=w.district, as_of=today)
    assert then["总投资（万元）"] == 200000 and then["信息来源"] == "引荐人"
    [now] = export(district=w.district)
    assert now["总投资（万元）"] == 300000 and now["信息来源"] == "新闻/报告"
    assert export(district=w.district, as_of=today - dt.timedelta(days=1)) == []
    assert Lead.objects.get().investment == Decimal("300000")


def test_the_command_writes_the_file_and_audits(w, tmp_path):
    register(w)
    path = tmp_path / "leads.xlsx"
    out = io.StringIO()
    call_command("export_leads", str(path), "--district", w.district.code, stdout=out)
    assert "已导出 1 条" in out.getvalue()
    assert len(sheet_of(str(path))) == 1
    assert AuditRecord.objects.filter(object_type="leads").exists()
    with pytest.raises(CommandError, match="找不到区"):
        call_command("export_leads", str(path), "--district", "999999")
    with pytest.raises(CommandError, match="指定区"):
        call_command("export_leads", str(path))
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("export_leads", str(path), "--district", "350213", "--as-of", "2026/1/1")
