"""The activities' pages through the test client: scope, refusals that write nothing,
wrong methods, registering, the signed list, the plan, the calendar, export and import."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from baton.testing import make_project

from .. import services
from ..models import Activity, PlanItem, Signing
from .helpers import DAY, activity, byd, company, state

pytestmark = pytest.mark.django_db


def signed(client, user):
    client.force_login(user)
    return client


def test_the_list_shows_the_units_own_activities_only(client, w):
    mine = activity(w)
    theirs = activity(w, actor=w.other_promoter, unit=w.other_town, title="新店推介会")
    text = signed(client, w.promoter).get(reverse("activities:list")).content.decode()
    assert mine.code in text and theirs.code not in text
    office = signed(client, w.office).get(reverse("activities:list")).content.decode()
    assert mine.code in office and theirs.code in office


def test_the_list_is_empty_with_a_way_to_begin(client, w):
    text = signed(client, w.promoter).get(reverse("activities:list")).content.decode()
    assert "还没有招商活动" in text and reverse("activities:new") in text


def test_a_bad_filter_is_said_in_chinese(client, w):
    page = signed(client, w.promoter).get(reverse("activities:list"), {"year": "abc"})
    assert page.status_code == 200 and "年度应为四位数字" in page.content.decode()


def test_another_units_activity_is_not_found_and_not_writable(client, w):
    theirs = activity(w, actor=w.other_promoter, unit=w.other_town)
    c = signed(client, w.promoter)
    before = state()
    for name in ("detail", "edit", "sign", "signings"):
        assert c.get(reverse(f"activities:{name}", args=[theirs.code])).status_code == 404
    post = c.post(reverse("activities:unsign", args=[theirs.code]), {"signing": 1})
    assert post.status_code == 404
    assert state() == before


def test_a_leader_reads_but_may_not_write(client, w):
    a = activity(w)
    c = signed(client, w.leader)
    assert c.get(reverse("activities:detail", args=[a.code])).status_code == 200
    before = state()
    assert c.get(reverse("activities:new")).status_code == 403
    assert c.post(reverse("activities:sign", args=[a.code]), {}).status_code == 403
    assert state() == before


@pytest.mark.parametrize(
    ("name", "method", "args"),
    [
        ("list", "post", []),
        ("export", "post", []),
        ("calendar", "post", []),
        ("detail", "post", ["code"]),
        ("signings", "post", ["code"]),
        ("unsign", "get", ["code"]),
        ("plan_remove", "get", ["pk"]),
        ("edit", "put", ["code"]),
    ],
)
def test_it_rejects_the_wrong_method(client, w, name, method, args):
    a = activity(w)
    values = {"code": a.code, "pk": 1}
    path = reverse(f"activities:{name}", args=[values[k] for k in args])
    assert getattr(signed(client, w.promoter), method)(path).status_code == 405


def test_registering_an_activity_with_companies_and_leaders(client, w):
    firm = company(w)
    c = signed(client, w.promoter)
    assert c.get(reverse("activities:new")).status_code == 200
    page = c.post(
        reverse("activities:new"),
        {
            "unit": w.town.pk, "kind": "promotion", "title": "深圳新能源产业推介会",
            "organizer": "翔安区人民政府", "start_on": "2026-04-01", "end_on": "2026-04-02",
            "place": "深圳", "budget": "30", "cost": "", "companies": [firm.pk],
            "leaders": [w.leader_person.pk],
        },
    )  # fmt: skip
    a = Activity.objects.get()
    assert page.status_code == 302 and page["Location"] == reverse(
        "activities:detail", args=[a.code]
    )
    assert list(a.companies.all()) == [firm] and a.end_on.day == 2


def test_a_bad_activity_is_refused_in_chinese_and_writes_nothing(client, w):
    c = signed(client, w.promoter)
    before = state()
    page = c.post(
        reverse("activities:new"),
        {"unit": w.town.pk, "kind": "promotion", "title": " ", "organizer": "区政府",
         "start_on": "2026-04-02", "end_on": "2026-04-01", "place": "深圳", "budget": "-3"},
    )  # fmt: skip
    text = page.content.decode()
    assert page.status_code == 422
    assert "请填写活动名称。" in text
    assert state() == before
    page = c.post(
        reverse("activities:new"),
        {"unit": w.town.pk, "kind": "promotion", "title": "推介会", "organizer": "区政府",
         "start_on": "2026-04-02", "end_on": "2026-04-01", "place": "深圳", "budget": "-3"},
    )  # fmt: skip
    text = page.content.decode()
    assert page.status_code == 422 and "金额不能为负数。" in text
    assert state() == before


def test_signing_from_the_page_shows_how_each_line_counts(client, w):
    first = activity(w, title="首场签约", start_on=DAY.replace(month=1))
    project = make_project(w, name="储能电池项目")
    services.signing_add(
        activity=first, actor=w.promoter, project=project, kind="intent", amount="5000"
    )
    later = activity(w, title="第二场签约")
    c = signed(client, w.promoter)
    path = reverse("activities:sign", args=[later.code])
    assert c.get(path, headers={"HX-Request": "true"}).status_code == 200
    done = c.post(
        path,
        {"project": project.pk, "kind": "contract", "amount": "8000"},
        headers={"HX-Request": "true"},
    )
    assert done.status_code == 200 and done["HX-Redirect"].endswith(f"/{later.code}/")
    text = c.get(reverse("activities:detail", args=[later.code])).content.decode()
    assert "升级签约（只计升级）" in text and "首场签约" in text
    assert Signing.objects.filter(activity=later).count() == 1
    refused = c.post(path, {"kind": "contract", "amount": "1"})
    assert refused.status_code == 422 and "请选择签约的项目或企业。" in refused.content.decode()


def test_removing_a_line(client, w):
    a = activity(w)
    s = services.signing_add(
        activity=a, actor=w.promoter, company=byd(w), kind="intent", amount="1"
    )
    c = signed(client, w.promoter)
    page = c.post(reverse("activities:unsign", args=[a.code]), {"signing": s.pk})
    assert page.status_code == 302 and not Signing.objects.exists()


def test_editing_keeps_the_unit_and_refuses_a_stale_form(client, w):
    a = activity(w)
    c = signed(client, w.promoter)
    assert c.get(reverse("activities:edit", args=[a.code])).status_code == 200
    data = {
        "unit": w.other_town.pk, "kind": "signing", "title": "改名后的签约仪式",
        "organizer": a.organizer, "start_on": "2026-03-10", "place": a.place,
        "budget": "20", "version": a.version,
    }  # fmt: skip
    assert c.post(reverse("activities:edit", args=[a.code]), data).status_code == 302
    a.refresh_from_db()
    assert a.title == "改名后的签约仪式" and a.unit == w.town and a.version == 2
    before = state()
    stale = c.post(
        reverse("activities:edit", args=[a.code]), {**data, "title": "再改", "version": 1}
    )
    assert stale.status_code == 409 and state() == before


def test_the_plan_page_compares_plan_and_held(client, w):
    c = signed(client, w.promoter)
    page = c.get(reverse("activities:plan"), {"year": "2026"})
    assert page.status_code == 200 and "还没有计划的活动" in page.content.decode()
    added = c.post(
        reverse("activities:plan") + "?year=2026",
        {
            "unit": w.town.pk,
            "kind": "signing",
            "title": "春季签约仪式",
            "month": "3",
            "budget": "25",
        },
    )
    assert added.status_code == 302
    item = PlanItem.objects.get()
    a = activity(w, plan_item=item, cost="30")
    text = c.get(reverse("activities:plan"), {"year": "2026"}).content.decode()
    assert "超预算" in text and reverse("activities:detail", args=[a.code]) in text
    bad = c.post(
        reverse("activities:plan") + "?year=2026", {"unit": w.town.pk, "kind": "x", "month": "13"}
    )
    assert bad.status_code == 422 and PlanItem.objects.count() == 1


def test_only_the_office_sets_the_deadline(client, w):
    assert signed(client, w.promoter).get(reverse("activities:plan_settings")).status_code == 403
    c = signed(client, w.office)
    assert (
        c.post(
            reverse("activities:plan_settings"), {"plan_month": "11", "plan_day": "30"}
        ).status_code
        == 302
    )
    assert services.plan_deadline(w.district, 2027).isoformat() == "2026-11-30"
    bad = c.post(reverse("activities:plan_settings"), {"plan_month": "2", "plan_day": "31"})
    assert bad.status_code == 422 and "截止日期无效" in bad.content.decode()


def test_the_calendar_shows_the_months_activities(client, w):
    a = activity(w)
    c = signed(client, w.promoter)
    text = c.get(reverse("activities:calendar"), {"month": "2026-03"}).content.decode()
    assert a.title in text and "2026年3月" in text
    other = c.get(reverse("activities:calendar"), {"month": "2026-05"}).content.decode()
    assert a.title not in other and "本月没有活动" in other
    assert c.get(reverse("activities:calendar"), {"month": "x"}).status_code == 200


def test_the_calendar_shows_trips_and_receptions_too(client, w):
    from baton.visits import services as visits

    visits.trip_create(
        actor=w.promoter, title="赴深圳", start=DAY, end=DAY, destinations="深圳", companies=[]
    )
    visits.reception_create(
        actor=w.promoter, date=DAY, visitors="宁德时代考察团", companies=[company(w)]
    )
    text = signed(client, w.promoter).get(reverse("activities:calendar"), {"month": "2026-03"})
    body = text.content.decode()
    assert "外出招商" in body and "来访接待" in body and "宁德时代考察团" in body


def test_export_then_import_changes_nothing_and_a_bad_row_writes_nothing(client, w):
    a = activity(w, companies=[company(w)])
    services.signing_add(
        activity=a, actor=w.promoter, project=make_project(w), kind="contract", amount="12.5"
    )
    c = signed(client, w.promoter)
    download = c.get(reverse("activities:export"))
    assert download.status_code == 200
    data = b"".join(download.streaming_content)
    book = load_workbook(io.BytesIO(data))
    assert book["招商活动"]["B2"].value == a.title and book["签约清单"]["H2"].value == 12.5
    before = state()
    again = c.post(reverse("activities:import"), {"file": _upload(data)})
    assert again.status_code == 200 and "已有未重复导入 2 条" in again.content.decode()
    assert state() == before
    bad = _book([["新推介会", "推介会", "马巷街道", "区政府", "2026-05-01", "杭州"],
                 ["错误行", "舞会", "马巷街道", "区政府", "2026-13-01", "杭州"]])  # fmt: skip
    page = c.post(reverse("activities:import"), {"file": _upload(bad)})
    text = page.content.decode()
    assert page.status_code == 422 and "第 3 行" in text and "活动类型应为" in text
    assert state() == before
    good = _book([["新推介会", "推介会", "马巷街道", "区政府", "2026-05-01", "杭州"]])
    assert c.post(reverse("activities:import"), {"file": _upload(good)}).status_code == 200
    assert Activity.objects.filter(title="新推介会").exists()


def test_import_refuses_another_units_rows_and_a_non_workbook(client, w):
    c = signed(client, w.promoter)
    before = state()
    other = _book([["新店推介会", "推介会", "新店街道", "区政府", "2026-05-01", "杭州"]])
    page = c.post(reverse("activities:import"), {"file": _upload(other)})
    assert page.status_code == 422 and state() == before
    assert "只有本单位招商员和区招商办" in page.content.decode()
    junk = c.post(reverse("activities:import"), {"file": _upload(b"not a workbook")})
    assert junk.status_code == 422 and "无法读取该文件" in junk.content.decode()


HEAD = ["活动名称", "活动类型", "责任单位", "主办单位", "开始日期", "地点"]


def _book(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "招商活动"
    sheet.append(HEAD)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("activities.xlsx", data)


def test_an_activity_held_without_its_cost_waits_in_the_units_todo(client, w):
    import datetime as dt

    from baton.todo.selectors import todo_items

    today = dt.date(2026, 4, 1)
    a = activity(w, start_on=dt.date(2026, 3, 10))
    items = [i for i in todo_items(w.promoter, today) if i.kind == "activity_cost"]
    assert [(i.title, i.due, i.overdue) for i in items] == [
        (f"填报实际费用：{a.title}", dt.date(2026, 3, 25), True)
    ]
    assert not [i for i in todo_items(w.other_promoter, today) if i.kind == "activity_cost"]
    services.activity_update(activity=a, actor=w.promoter, cost="18")
    assert not [i for i in todo_items(w.promoter, today) if i.kind == "activity_cost"]


def test_a_line_first_signed_at_another_units_activity_does_not_name_it(client, w):
    project = make_project(w, actor=w.office, unit=w.town)
    theirs = activity(w, actor=w.other_promoter, unit=w.other_town, title="新店的保密活动")
    services.signing_add(
        activity=theirs, actor=w.office, project=project, kind="contract", amount="10"
    )
    mine = activity(w, title="马巷签约会", start_on=DAY.replace(day=20))
    services.signing_add(
        activity=mine, actor=w.promoter, project=project, kind="contract", amount="10"
    )
    text = signed(client, w.promoter).get(reverse("activities:detail", args=[mine.code]))
    body = text.content.decode()
    assert "已计入本区其他单位的活动" in body and "新店的保密活动" not in body
    office = signed(client, w.office).get(reverse("activities:detail", args=[mine.code]))
    assert "新店的保密活动" in office.content.decode()


def test_a_companys_timeline_shows_its_activities_and_signings_in_scope(client, w):
    catl = company(w)
    mine = activity(w, companies=[catl])
    services.signing_add(
        activity=mine, actor=w.promoter, company=catl, title="储能电池项目", kind="intent",
        amount="5000",
    )  # fmt: skip
    url = reverse("companies:detail", args=[catl.pk])
    page = signed(client, w.promoter).get(url).content.decode()
    assert f"应邀参加{mine.title}" in page and "签约储能电池项目（意向）" in page
    assert reverse("activities:detail", args=[mine.code]) in page
    other = signed(client, w.other_promoter).get(url).content.decode()
    assert reverse("activities:detail", args=[mine.code]) not in other
