"""录入数据: the district office enters or imports figures; nobody else may."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from baton.assessment.models import EnteredFact

from .helpers_views import login

pytestmark = pytest.mark.django_db
URL = reverse("assessment:figures")


def test_the_office_enters_a_figure_with_source_and_reason(client, w):
    login(client, w.office)
    page = client.get(URL).content.decode()
    assert "还没有录入数据" in page and "马巷街道" in page and "同安区招商办" not in page
    data = {
        "unit": w.town.pk,
        "name": "实际利用外资",
        "period": "2024年度",
        "value": "4800",
        "source": "stats",
        "reason": "市统计局快报",
    }
    response = client.post(URL, data, follow=True)
    assert "已录入马巷街道“实际利用外资”4800。" in response.content.decode()
    entry = EnteredFact.objects.get()
    assert (entry.period_start, entry.period_end) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert entry.entered_by == w.office and entry.reason == "市统计局快报"
    assert "市统计局快报" in client.get(URL).content.decode()


def test_bad_input_is_refused_in_chinese_and_nothing_changes(client, w):
    login(client, w.office)
    data = {
        "unit": w.tongan_unit.pk,
        "name": "",
        "period": "2024-13",
        "value": "x",
        "source": "web",
    }
    response = client.post(URL, data)
    page = response.content.decode()
    assert response.status_code == 400
    for text in (
        "不是本区的单位",
        "请填写指标名称",
        "期间“2024-13”无效",
        "请输入数字",
        "来源只能是",
    ):
        assert text in page
    assert not EnteredFact.objects.exists()


def test_an_upload_is_all_or_nothing_with_each_error_named(client, w):
    login(client, w.office)
    bad = "被考核对象,期间,指标,数值,来源\n马巷街道,2024,到位资金,100,文件\n同安区招商办,2024,到位资金,1,文件\n"
    upload = SimpleUploadedFile("f.csv", bad.encode("utf-8"), content_type="text/csv")
    response = client.post(reverse("assessment:figures_upload"), {"file": upload})
    assert response.status_code == 400
    assert "第 3 行“被考核对象”列：“同安区招商办”不是本区的单位。" in response.content.decode()
    assert not EnteredFact.objects.exists()
    good = SimpleUploadedFile(
        "f.csv", bad.splitlines(True)[0].encode() + bad.splitlines(True)[1].encode()
    )
    response = client.post(reverse("assessment:figures_upload"), {"file": good}, follow=True)
    assert "新增 1 条" in response.content.decode()
    assert EnteredFact.objects.get().value == 100


def test_only_its_office_enters_and_deletes_a_units_figure(client, w):
    login(client, w.office)
    client.post(
        URL,
        {"unit": w.town.pk, "name": "弄虚作假", "period": "2024", "value": "1", "source": "file"},
    )
    entry = EnteredFact.objects.get()
    for user in (w.promoter, w.leader):
        login(client, user)
        assert client.get(URL).status_code == 403
        assert client.post(reverse("assessment:figure_delete", args=[entry.pk])).status_code == 403
    # The city office enters the districts' figures as a whole; a unit's is not its own.
    login(client, w.reviewer)
    assert client.post(reverse("assessment:figure_delete", args=[entry.pk])).status_code == 404
    login(client, w.tongan_office)
    assert "还没有录入数据" in client.get(URL).content.decode()
    assert client.post(reverse("assessment:figure_delete", args=[entry.pk])).status_code == 404
    login(client, w.office)
    delete = reverse("assessment:figure_delete", args=[entry.pk])
    assert client.post(delete).status_code == 400  # not confirmed
    client.post(delete, {"confirm": "on"})
    assert not EnteredFact.objects.exists()


def test_the_city_office_enters_and_imports_the_districts_figures(client, w):
    login(client, w.reviewer)
    page = client.get(URL).content.decode()
    assert "翔安区" in page and "同安区" in page and "马巷街道" not in page
    data = {
        "unit": w.other_district.pk,
        "name": "实际利用外资",
        "period": "2024",
        "value": "4400",
        "source": "commerce",
        "reason": "市商务局年报",
    }
    assert client.post(URL, data).status_code == 302
    csv = "被考核对象,期间,指标,数值,来源\n翔安区,2024,实际利用外资,4800,商务局\n马巷街道,2024,实际利用外资,1,商务局\n"
    upload = SimpleUploadedFile("f.csv", csv.encode("utf-8"))
    response = client.post(reverse("assessment:figures_upload"), {"file": upload})
    assert "第 3 行“被考核对象”列：“马巷街道”不是本市的区。" in response.content.decode()
    upload = SimpleUploadedFile(
        "f.csv", csv.splitlines(True)[0].encode() + csv.splitlines(True)[1].encode()
    )
    assert client.post(reverse("assessment:figures_upload"), {"file": upload}).status_code == 302
    rows = {(e.district.name, e.unit_id, e.value) for e in EnteredFact.objects.all()}
    assert rows == {("同安区", None, 4400), ("翔安区", None, 4800)}
    # The district office sees its units' figures, not the city's entries of its district.
    login(client, w.office)
    assert "还没有录入数据" in client.get(URL).content.decode()
