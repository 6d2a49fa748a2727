"""The lead ledger (招商线索台账) import: all or nothing, in 首报 order, the page's rules."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from baton.companies.models import Company
from baton.companies.tests.helpers import BYD, CATL, bad
from baton.leads.models import Lead, LeadEvent, Status
from baton.ledger.lead_import import import_leads

pytestmark = pytest.mark.django_db

HEADER = [
    "序号", "项目名称", "投资方", "统一社会信用代码", "信息来源", "引荐人", "首报单位",
    "首报时间", "行业代码", "总投资（万元）", "固定资产投资（万元）", "项目概况",
]  # fmt: skip


def book(*rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def row(n, title="动力电池项目", company="宁德时代新能源科技股份有限公司", uscc=CATL, **kw):
    values = {
        "source": "引荐人",
        "referrer": "张先生",
        "unit": "马巷街道",
        "day": dt.date(2026, 3, 2),
        "code": "C3841",
        "investment": 200000,
        "fixed": 150000,
        "summary": "年产 20GWh",
    } | kw
    return (n, title, company, uscc, values["source"], values["referrer"], values["unit"],
            values["day"], values["code"], values["investment"], values["fixed"],
            values["summary"])  # fmt: skip


def test_rows_registered_in_report_order_with_conflicts_and_companies(w):
    data = book(
        row(1, unit="新店街道", day="2026-03-05"),
        row(2, day=dt.date(2026, 3, 2)),
        row(
            3, title="储能项目", company="比亚迪股份有限公司", uscc=BYD, investment="8000", fixed=""
        ),
    )
    result = import_leads(data=data, actor=w.office, district=w.district)
    assert result.ok, result.errors
    first = Lead.objects.get(unit=w.town, company__uscc=CATL)
    second = Lead.objects.get(unit=w.other_town)
    assert first.status == Status.REGISTERED and second.status == Status.CONFLICT
    assert second.conflict_with == first and first.reported_at.date() == dt.date(2026, 3, 2)
    assert len(result.companies) == 2 and len(result.reserves) == 1
    assert LeadEvent.objects.filter(kind="registered").count() == 3


def test_one_bad_row_writes_nothing(w):
    data = book(
        row(1),
        row(2, uscc=bad(BYD), company="比亚迪", source="朋友", unit="火星街道", investment="很多"),
        row(3, day="2099-01-01"),
    )
    result = import_leads(data=data, actor=w.office, district=w.district)
    text = "\n".join(result.errors)
    assert not result.ok
    for part in (
        "第 3 行 统一社会信用代码",
        "第 3 行 信息来源",
        "第 3 行 首报单位",
        "第 3 行 总投资",
        "第 4 行 首报时间",
    ):
        assert part in text
    assert not Lead.objects.exists() and not Company.objects.exists()


def test_a_project_already_negotiating_is_an_error_of_its_row(w):
    from baton.projects import services as projects
    from baton.testing import admit, make_project, stage

    project = make_project(w, name="动力电池项目", investor="宁德时代新能源科技股份有限公司")
    admit(w, project)
    projects.project_move(project=project, actor=w.promoter, stage=stage("intent"))
    projects.project_move(project=project, actor=w.promoter, stage=stage("negotiating"))
    result = import_leads(data=book(row(1)), actor=w.office, district=w.district)
    assert "第 2 行" in result.errors[0] and "在谈" in result.errors[0]
    assert not Lead.objects.exists()


def test_only_the_districts_office_imports_and_dry_run_writes_nothing(w):
    for user in (w.promoter, w.leader, w.reviewer, w.tongan_office):
        with pytest.raises(PermissionDenied):
            import_leads(data=book(row(1)), actor=user, district=w.district)
    result = import_leads(data=book(row(1)), actor=w.office, district=w.district, dry_run=True)
    assert result.ok and "未写入" in result.summary()
    assert not Lead.objects.exists()


def test_the_command(w, tmp_path, capsys):
    path = tmp_path / "线索台账.xlsx"
    path.write_bytes(book(row(1)))
    call_command("import_leads", str(path), "--district", w.district.code)
    assert "登记投资信息 1 条" in capsys.readouterr().out
    path.write_bytes(book(row(1, unit="火星街道")))
    with pytest.raises(CommandError) as refused:
        call_command("import_leads", str(path), "--user", w.promoter.username)
    assert refused.value.returncode == 2
    with pytest.raises(CommandError):
        call_command("import_leads", str(path), "--district", w.district.code)
    assert Lead.objects.count() == 1


def test_the_upload_page(client, w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = "/ledger/leads/import/"
    client.force_login(w.promoter)
    assert client.get(url).status_code == 403
    client.force_login(w.office)
    assert "导入线索台账" in client.get(url).content.decode()
    upload = SimpleUploadedFile("台账.xlsx", book(row(1, unit="火星街道")))
    refused = client.post(url, {"file": upload})
    assert refused.status_code == 422 and "未写入任何数据" in refused.content.decode()
    upload = SimpleUploadedFile("台账.xlsx", book(row(1)))
    done = client.post(url, {"file": upload})
    assert done.status_code == 200 and "登记投资信息 1 条" in done.content.decode()
    assert Lead.objects.count() == 1
