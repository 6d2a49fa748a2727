import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from baton.projects.tests.helpers_views import login

from ..models import Reception, Trip, VisitEvent
from .helpers import days_ago, trip


@pytest.fixture
def client_of():
    def make(user):
        return login(Client(), user)

    return make


def test_the_lists_and_pages_answer_in_scope(w, client_of):
    t = trip(w)
    mine = client_of(w.promoter)
    page = mine.get(reverse("visits:list"))
    assert page.status_code == 200 and t.title in page.content.decode()
    assert mine.get(reverse("visits:trip_detail", args=[t.pk])).status_code == 200
    other = client_of(w.other_promoter)
    assert t.title not in other.get(reverse("visits:list")).content.decode()
    assert other.get(reverse("visits:trip_detail", args=[t.pk])).status_code == 404
    assert other.get(reverse("visits:trip_edit", args=[t.pk])).status_code == 404
    assert (
        client_of(w.tongan_office).get(reverse("visits:trip_detail", args=[t.pk])).status_code
        == 404
    )
    # The district's leader reads, and may not edit.
    leader = client_of(w.leader)
    assert leader.get(reverse("visits:trip_detail", args=[t.pk])).status_code == 200
    assert leader.get(reverse("visits:trip_edit", args=[t.pk])).status_code == 403
    assert leader.get(reverse("visits:trip_new")).status_code == 403


def test_empty_states(w, client_of):
    mine = client_of(w.promoter)
    assert "还没有外出招商记录" in mine.get(reverse("visits:list")).content.decode()
    assert "还没有来访接待记录" in mine.get(reverse("visits:receptions")).content.decode()
    assert "本月没有外出招商记录" in mine.get(reverse("visits:monthly")).content.decode()


@pytest.mark.parametrize(
    "name, args",
    [
        ("visits:list", []),
        ("visits:trip_detail", ["pk"]),
        ("visits:monthly", []),
        ("visits:trip_export", []),
        ("visits:reception_detail", ["rk"]),
    ],
)
def test_a_get_page_refuses_a_post(w, client_of, name, args):
    t = trip(w)
    r = Reception.objects.create(
        district=w.district, unit=w.town, date=days_ago(1), visitors="客商",
        created_at=timezone.now(), updated_at=timezone.now(),
    )  # fmt: skip
    keys = {"pk": t.pk, "rk": r.pk}
    url = reverse(name, args=[keys[a] for a in args])
    assert client_of(w.promoter).post(url).status_code == 405


def test_a_trip_is_recorded_on_the_page_and_bad_input_changes_nothing(w, client_of):
    mine = client_of(w.promoter)
    data = {
        "title": "赴苏州拜访",
        "start": days_ago(3).isoformat(),
        "end": days_ago(2).isoformat(),
        "destinations": "苏州",
        "members": [w.zhang.pk],
        "companies": [w.catl.pk, w.byd.pk],
    }
    bad = mine.post(reverse("visits:trip_new"), {**data, "end": days_ago(5).isoformat()})
    assert bad.status_code == 422 and "返回日期不能早于出发日期" in bad.content.decode()
    other_unit = mine.post(reverse("visits:trip_new"), {**data, "companies": [999999]})
    assert other_unit.status_code == 422
    assert Trip.objects.count() == 0 and VisitEvent.objects.count() == 0
    done = mine.post(reverse("visits:trip_new"), data)
    assert done.status_code == 302
    t = Trip.objects.get()
    assert t.unit == w.town and t.companies.count() == 2


def test_the_office_names_the_unit_and_edits(w, client_of):
    office = client_of(w.office)
    data = {
        "unit": w.other_town.pk,
        "title": "赴上海",
        "start": days_ago(3).isoformat(),
        "end": days_ago(3).isoformat(),
        "destinations": "上海",
    }
    assert office.post(reverse("visits:trip_new"), data).status_code == 302
    t = Trip.objects.get()
    assert t.unit == w.other_town
    edit = {**data, "title": "赴上海、杭州", "version": t.version}
    assert office.post(reverse("visits:trip_edit", args=[t.pk]), edit).status_code == 302
    t.refresh_from_db()
    assert t.title == "赴上海、杭州"
    stale = office.post(reverse("visits:trip_edit", args=[t.pk]), {**edit, "title": "再改"})
    assert stale.status_code == 409


def test_report_and_lead_dialogs(w, client_of):
    t = trip(w)
    mine = client_of(w.promoter)
    url = reverse("visits:trip_report", args=[t.pk])
    assert mine.post(url, {"report": "  "}).status_code == 422
    assert mine.post(url, {"report": "拜访两家企业"}).status_code == 302
    lead_url = reverse("visits:trip_lead", args=[t.pk])
    assert mine.get(lead_url).status_code == 200
    bad = mine.post(lead_url, {"company": w.catl.pk, "title": "储能", "investment": "abc"})
    assert bad.status_code == 422
    ok = mine.post(lead_url, {"company": w.catl.pk, "title": "储能", "investment": "30000"})
    assert ok.status_code == 302
    assert t.leads.count() == 1
    assert client_of(w.other_promoter).post(url, {"report": "x"}).status_code == 404


def test_receptions_on_the_page(w, client_of):
    from baton.land.tests.helpers import make_parcel

    p1, p2 = make_parcel(w, "XA-01"), make_parcel(w, "XA-02")
    mine = client_of(w.promoter)
    data = {
        "date": days_ago(1).isoformat(),
        "visitors": "宁德时代 王总",
        "companies": [w.catl.pk],
        "parcels": [p1.pk, p2.pk],
    }
    assert mine.post(reverse("visits:reception_new"), {**data, "companies": []}).status_code == 422
    assert Reception.objects.count() == 0
    assert mine.post(reverse("visits:reception_new"), data).status_code == 302
    r = Reception.objects.get()
    page = mine.get(reverse("visits:reception_detail", args=[r.pk])).content.decode()
    assert "XA-01" in page and "XA-02" in page
    assert (
        client_of(w.other_promoter).get(reverse("visits:reception_detail", args=[r.pk])).status_code
        == 404
    )


def test_the_monthly_workbook_sums_with_formulas(w, client_of):
    d = timezone.localdate().replace(day=1) - dt.timedelta(days=20)
    d = d.replace(day=2)
    trip(w, group="一组", start=d, end=d + dt.timedelta(days=1))
    trip(w, group="二组", start=d, end=d, members=[w.zhang], leaders=[], companies=[w.catl])
    mine = client_of(w.office)
    month = f"{d:%Y-%m}"
    page = mine.get(reverse("visits:monthly"), {"month": month})
    assert page.status_code == 200 and "一组" in page.content.decode()
    assert mine.get(reverse("visits:monthly"), {"month": "2026-13"}).status_code == 400
    response = mine.get(reverse("visits:monthly_xlsx"), {"month": month})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    total = next(r for r in rows if r[0] == "合计")
    assert total[2] == "=SUM(C5:C6)" and total[3] == "=SUM(D5:D6)"
    groups = [r for r in rows[4:6]]
    assert sum(r[3] for r in groups) == 4  # 3 人 + 1 人
    assert sum(r[4] for r in groups) == 3  # 2 天 + 1 天


def test_the_exports_are_scoped(w, client_of):
    trip(w)
    trip(w, actor=w.other_promoter, members=[w.wang], title="新店外出")
    response = client_of(w.promoter).get(reverse("visits:trip_export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    titles = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["赴深圳拜访新能源企业"]


def _ledger(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["出发日期", "返回日期", "组别", "出访事由", "目的地", "小分队成员", "拜访企业"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_import_is_all_or_nothing(w, client_of):
    mine = client_of(w.promoter)
    good = [days_ago(5), days_ago(4), "一组", "赴厦门", "厦门", "张敏、李强", "比亚迪股份有限公司"]
    bad = [days_ago(5), days_ago(4), "一组", "赴福州", "福州", "不存在的人", ""]
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(data):
        return SimpleUploadedFile("t.xlsx", data)

    refused = mine.post(reverse("visits:trip_import"), {"file": upload(_ledger([good, bad]))})
    assert refused.status_code == 422 and "不存在的人" in refused.content.decode()
    assert Trip.objects.count() == 0
    done = mine.post(reverse("visits:trip_import"), {"file": upload(_ledger([good]))})
    assert done.status_code == 200
    t = Trip.objects.get()
    assert t.unit == w.town and t.members.count() == 2 and t.companies.get() == w.byd


def test_the_reception_ledger_round_trips_through_export_and_import(w, client_of):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from baton.land.tests.helpers import make_parcel

    from .. import services

    p1, p2 = make_parcel(w, "XA-01"), make_parcel(w, "XA-02")
    services.reception_create(
        actor=w.promoter, date=days_ago(2), visitors="王总一行", companies=[w.catl],
        leaders=[w.leader_person], parcels=[p1, p2], talks="看地",
    )  # fmt: skip
    mine = client_of(w.promoter)
    exported = b"".join(mine.get(reverse("visits:reception_export")).streaming_content)
    Reception.objects.all().delete()
    url = reverse("visits:reception_import")
    done = mine.post(url, {"file": SimpleUploadedFile("r.xlsx", exported)})
    assert done.status_code == 200, done.content.decode()
    r = Reception.objects.get()
    assert (r.visitors, r.talks, r.unit) == ("王总一行", "看地", w.town)
    assert set(r.parcels.all()) == {p1, p2} and list(r.leaders.all()) == [w.leader_person]
    # Another unit's promoter may not import 马巷's rows; nothing is written.
    refused = client_of(w.other_promoter).post(
        url, {"file": SimpleUploadedFile("r.xlsx", exported)}
    )
    assert refused.status_code == 422 and Reception.objects.count() == 1


def test_the_settings_page_is_the_offices(w, client_of):
    url = reverse("visits:settings")
    assert client_of(w.promoter).get(url).status_code == 403
    office = client_of(w.office)
    assert office.get(url).status_code == 200
    assert office.post(url, {"report_days": "abc"}).status_code == 422
    assert office.post(url, {"report_days": "10"}).status_code == 302
    assert w.district.visit_settings.report_days == 10


def test_a_companys_timeline_shows_its_trips_and_receptions_in_scope(w, client_of):
    from .. import services

    t = trip(w)
    services.reception_create(
        actor=w.promoter, date=days_ago(1), visitors="王总一行", companies=[w.catl]
    )
    url = reverse("companies:detail", args=[w.catl.pk])
    page = client_of(w.promoter).get(url).content.decode()
    assert reverse("visits:trip_detail", args=[t.pk]) in page and "王总一行来访" in page
    other = client_of(w.other_promoter).get(url).content.decode()
    assert reverse("visits:trip_detail", args=[t.pk]) not in other


def test_the_workbook_says_what_each_group_did(w, client_of):
    d = timezone.localdate().replace(day=1) - dt.timedelta(days=20)
    trip(w, group="一组", start=d.replace(day=2), end=d.replace(day=3))
    response = client_of(w.promoter).get(reverse("visits:monthly_xlsx"), {"month": f"{d:%Y-%m}"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(4, 8).value == "工作开展情况"
    assert "赴深圳" in sheet.cell(5, 8).value and "拜访企业 2 家" in sheet.cell(5, 8).value


def test_the_form_offers_the_districts_groups(w, client_of):
    trip(w, group="招商一组")
    page = client_of(w.other_promoter).get(reverse("visits:trip_new")).content.decode()
    assert '<option value="招商一组">' in page and 'list="trip-groups"' in page
