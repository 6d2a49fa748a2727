"""Publishing a month freezes its figures; later corrections show as differences."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from baton.projects import services
from baton.reports.models import PublishedReport
from baton.reports.publish import (
    Difference,
    can_publish,
    published_get,
    report_differences,
    report_publish,
)
from baton.reports.selectors import Scope, figures_as_of
from baton.reports.summary import figures_json
from baton.testing import admit, at, make_project, stage

D = dt.date(2019, 8, 31)


@pytest.fixture
def library(w):
    project = make_project(w, name="锂电池隔膜生产基地", investment="10000", at=at(2019, 6, 1))
    admit(w, project, when=at(2019, 6, 5))
    return project


def test_it_freezes_the_figures(w, library):
    scope = Scope(district=w.district)
    report = report_publish(scope=scope, as_of=D, actor=w.office)
    report.refresh_from_db()
    assert report.figures == figures_json(figures_as_of(as_of=D, scope=scope))
    assert report.figures["total"] == {"count": 1, "investment_wan": "10000"}
    assert report.published_by == w.office
    assert published_get(scope=scope, as_of=D) == report
    assert report_differences(report=report, figures=figures_as_of(as_of=D, scope=scope)) == []


def test_a_back_dated_correction_shows_as_a_difference(w, library):
    scope = Scope(district=w.district)
    report = report_publish(scope=scope, as_of=D, actor=w.office)
    # Recorded now, dated inside the published month: 策划 → 意向 on 2019-08-20.
    services.project_move(
        project=library, stage=stage("intent"), actor=w.promoter, at=at(2019, 8, 20)
    )
    services.project_update(
        project=library,
        actor=w.promoter,
        changes={"investment": Decimal("12000")},
        at=at(2019, 8, 21),
    )
    report.refresh_from_db()
    assert report.figures["total"] == {"count": 1, "investment_wan": "10000"}
    diffs = report_differences(report=report, figures=figures_as_of(as_of=D, scope=scope))
    assert diffs == [
        Difference("合计（在库）", 1, 1, Decimal("10000"), Decimal("12000")),
        Difference("策划", 1, 0, Decimal("10000"), Decimal("0")),
        Difference("意向", 0, 1, Decimal("0"), Decimal("12000")),
    ]
    assert [(d.count_change, d.investment_change) for d in diffs[1:]] == [
        (-1, Decimal("-10000")),
        (1, Decimal("12000")),
    ]


def test_a_second_publish_of_the_month_is_refused(w, library):
    scope = Scope(district=w.district)
    report_publish(scope=scope, as_of=D, actor=w.office)
    with pytest.raises(ValidationError) as caught:
        report_publish(scope=scope, as_of=D, actor=w.office)
    assert caught.value.messages[0].startswith("截至2019年8月31日的月报已于")
    assert "不能重复发布" in caught.value.messages[0]
    assert PublishedReport.objects.count() == 1
    # The city's month is another report.
    report_publish(scope=Scope(city=w.city), as_of=D, actor=w.reviewer)
    assert PublishedReport.objects.count() == 2


def test_only_a_closed_month_end_is_published(w, library):
    with pytest.raises(ValidationError, match="月末"):
        report_publish(scope=Scope(district=w.district), as_of=dt.date(2019, 8, 30), actor=w.office)
    with pytest.raises(ValidationError, match="区或市"):
        report_publish(scope=Scope(unit=w.town), as_of=D, actor=w.office)


def test_a_published_report_is_never_changed_or_deleted(w, library):
    report = report_publish(scope=Scope(district=w.district), as_of=D, actor=w.office)
    report.figures = {}
    with pytest.raises(PermissionError):
        report.save()
    with pytest.raises(PermissionError):
        report.delete()
    assert PublishedReport.objects.get().figures["total"]["count"] == 1


def test_who_may_publish(w):
    district, city = Scope(district=w.district), Scope(city=w.city)
    assert can_publish(w.office, district)
    assert not can_publish(w.office, city)
    assert not can_publish(w.tongan_office, district)
    assert can_publish(w.reviewer, city)
    assert not can_publish(w.reviewer, district)
    for user in (w.promoter, w.leader, w.sys_admin):
        assert not can_publish(user, district)


def test_the_command_publishes_once(w, library):
    out = io.StringIO()
    call_command("publish_report", district="350213", as_of="2019-08-31", stdout=out)
    assert out.getvalue().strip() == (
        "已发布厦门翔安区截至2019年8月31日的月报：入库项目1个，总投资10000万元。"
    )
    assert PublishedReport.objects.get().published_by is None
    with pytest.raises(CommandError, match="不能重复发布"):
        call_command("publish_report", district="350213", as_of="2019-08-31")


def test_the_page_publishes_and_then_shows_the_differences(w, library, client):
    client.force_login(w.office)
    url = reverse("reports:monthly")
    page = client.get(url, {"scope": "district:350213", "as_of": "2019-08-31"})
    assert "发布本月月报" in page.content.decode() and 'name="confirm"' in page.content.decode()
    response = client.post(
        reverse("reports:monthly_publish"),
        {"scope": "district:350213", "as_of": "2019-08-31", "confirm": "on"},
    )
    assert response.status_code == 302
    services.project_move(
        project=library, stage=stage("intent"), actor=w.promoter, at=at(2019, 8, 20)
    )
    page = client.get(url, {"scope": "district:350213", "as_of": "2019-08-31"})
    html = page.content.decode()
    assert "本月数字已于" in html and "xa_office" in html
    assert [d.name for d in page.context["differences"]] == ["策划", "意向"]
    again = client.post(
        reverse("reports:monthly_publish"),
        {"scope": "district:350213", "as_of": "2019-08-31", "confirm": "on"},
    )
    assert "不能重复发布" in client.get(again.url).content.decode()
    assert PublishedReport.objects.count() == 1


def test_publishing_must_be_confirmed(w, library, client):
    client.force_login(w.office)
    query = {"scope": "district:350213", "as_of": "2019-08-31"}
    response = client.post(reverse("reports:monthly_publish"), query)
    assert response.status_code == 302 and not PublishedReport.objects.exists()
    page = client.get(response.url).content.decode()
    assert "请先勾选确认，再提交。" in page and "发布本月月报" in page
    response = client.post(reverse("reports:monthly_publish"), {**query, "confirm": "on"})
    assert "已发布" in client.get(response.url).content.decode()
    assert PublishedReport.objects.count() == 1


def test_publish_rejects_the_wrong_method(w, client):
    client.force_login(w.office)
    assert client.get(reverse("reports:monthly_publish")).status_code == 405


def test_publish_denies_another_district(w, library, client):
    client.force_login(w.tongan_office)
    response = client.post(
        reverse("reports:monthly_publish"),
        {"scope": "district:350213", "as_of": "2019-08-31", "confirm": "on"},
    )
    assert response.status_code == 400
    client.force_login(w.promoter)
    response = client.post(
        reverse("reports:monthly_publish"),
        {"scope": "district:350213", "as_of": "2019-08-31", "confirm": "on"},
    )
    assert response.status_code == 403
    assert not PublishedReport.objects.exists()


def test_the_page_downloads_the_pack(w, library, client):
    client.force_login(w.office)
    query = {"scope": "district:350213", "as_of": "2019-08-31"}
    response = client.get(reverse("reports:monthly_docx"), query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert Document(io.BytesIO(response.content)).paragraphs[0].text == (
        "厦门翔安区招商引资项目月报（2019年8月）"
    )
    response = client.get(reverse("reports:monthly_xlsx"), query)
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "汇总"
