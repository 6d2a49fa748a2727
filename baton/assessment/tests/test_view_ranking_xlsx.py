"""导出 Excel: the stored ranking, its 红黑榜 and every formula, as numbers read back."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from baton.assessment import services
from baton.audit.models import AuditRecord
from baton.org.models import Unit
from baton.projects import services as project_services
from baton.projects.models import Project

from .helpers import project
from .helpers_views import login, published_scheme, ranking, signed_projects, url

pytestmark = pytest.mark.django_db


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_it_exports_the_ranking_with_numbers_and_formulas(client, w):
    scheme = published_scheme(w)
    signed_projects(w)
    result = ranking(w, scheme, publish=True)
    response = login(client, w.office).get(url("ranking_xlsx", result.pk))
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    book = workbook(response)
    assert book.sheetnames == ["考核排名", "红黑榜", "计算过程"]
    rows = values(book["考核排名"])
    assert rows[0][0] == "翔安区季度招商考核考核排名（2024年第一季度）"
    assert rows[2] == ["名次", "单位", "分组", "总分", "签约项目", "工作评价"]
    assert rows[3:] == [[1, "马巷街道", "乡镇", 60, 60, 0], [2, "新店街道", "乡镇", 15, 15, 0]]
    assert values(book["红黑榜"])[2:] == [
        ["红榜", 1, "马巷街道", "乡镇", 60],
        ["黑榜", 2, "新店街道", "乡镇", 15],
    ]
    steps = values(book["计算过程"])
    assert [2, "新店街道", "乡镇", "签约项目", "(1÷4)×60", 15] in steps
    assert [1, "马巷街道", "乡镇", "工作评价", "未评分", 0] in steps
    assert AuditRecord.objects.filter(event="export", object_type="ranking").count() == 1


def test_it_neutralises_text_a_spreadsheet_would_run(client, w):
    scheme = services.scheme_create(district=w.district, name="=考核", period_kind="quarter")
    evil = Unit.objects.create(district=w.district, name='=HYPERLINK("http://x")', kind="town")
    services.scheme_unit_set(scheme=scheme, unit=evil, group="@组")
    services.scheme_unit_set(scheme=scheme, unit=w.town, group="-组")
    services.indicator_add(scheme=scheme, name="+评分", kind="manual", weight="10", config={})
    result = ranking(w, scheme)
    book = workbook(login(client, w.office).get(url("ranking_xlsx", result.pk)))
    texts = [v for row in values(book["考核排名"]) for v in row if isinstance(v, str)]
    assert '\'=HYPERLINK("http://x")' in texts and "'@组" in texts and "'-组" in texts
    assert "'+评分" in texts
    assert not [t for t in texts if t[:1] in "=+-@"]


def test_a_published_ranking_exports_the_same_after_the_projects_change(client, w):
    scheme = published_scheme(w)
    signed_projects(w)
    result = ranking(w, scheme, publish=True)
    login(client, w.office)
    before = [values(s) for s in workbook(client.get(url("ranking_xlsx", result.pk)))]
    p = Project.objects.get(unit=w.other_town)
    project_services.project_update(project=p, actor=w.office, changes={"investment": Decimal("1")})
    project(w, w.other_town, "9000", admitted=dt.date(2024, 3, 9), signed=dt.date(2024, 3, 9))
    after = [values(s) for s in workbook(client.get(url("ranking_xlsx", result.pk)))]
    assert after == before
    assert ranking(w, scheme).lines.get(unit=w.other_town).total == Decimal("30.00")


def test_a_leader_exports_the_published_ranking_but_no_trial(client, w):
    scheme = published_scheme(w)
    published = ranking(w, scheme, publish=True)
    trial = ranking(w, scheme)
    login(client, w.leader)
    assert client.get(url("ranking_xlsx", published.pk)).status_code == 200
    assert client.get(url("ranking_xlsx", trial.pk)).status_code == 404


def test_it_denies_another_district(client, w):
    result = ranking(w, published_scheme(w), publish=True)
    assert login(client, w.tongan_office).get(url("ranking_xlsx", result.pk)).status_code == 404


def test_it_rejects_the_wrong_method(client, w):
    result = ranking(w, published_scheme(w), publish=True)
    assert login(client, w.office).post(url("ranking_xlsx", result.pk)).status_code == 405
