"""The land pages: scope, refusals, and the reserve / release / status actions."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from baton.audit.models import AuditRecord
from baton.land import services
from baton.land.models import Parcel
from baton.projects.models import Industry, ProjectEvent
from baton.projects.tests.helpers_views import HTMX, login

from .helpers import collection, feature, land_state, land_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def land(w):
    return land_world(w)


def client_for(client, user):
    return login(client, user)


# --- the map ----------------------------------------------------------------------------------


def test_the_map_lists_the_district_parcels(client, land):
    response = client_for(client, land.promoter).get(reverse("land:map"))
    assert response.status_code == 200
    codes = [row["parcel"].code for row in response.context["rows"]]
    assert codes == ["XA-T-01", "XA-T-02"]  # not 同安's
    html = response.content.decode()
    assert 'id="land-map"' in html and "vendor/leaflet/leaflet.js" in html
    assert "招商地图" in html and "区界为示意轮廓" in html


def test_the_map_filters(client, land):
    c = client_for(client, land.office)
    response = c.get(reverse("land:map"), {"status": "available", "area_min": "80"})
    assert [r["parcel"].code for r in response.context["rows"]] == ["XA-T-01"]
    response = c.get(reverse("land:map"), {"industry": Industry.objects.get(name="生物医药").pk})
    assert response.context["rows"] == []
    assert "没有符合条件的地块" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"area_min": "abc"}, "请输入数字（亩）"),
        ({"area_min": "50", "area_max": "10"}, "面积上限不能小于下限"),
        ({"status": "gone"}, "选择一个有效的选项"),
        ({"land_use": "Z9"}, "用地性质无效"),
    ],
)
def test_bad_filters_say_why(client, land, query, message):
    response = client_for(client, land.office).get(reverse("land:map"), query)
    assert response.status_code == 400
    assert "筛选条件有误" in response.content.decode()
    assert 'id="land-map"' not in response.content.decode()  # no map of a query that failed


@pytest.mark.parametrize(
    "name", ["land:map", "land:parcels_geojson", "land:boundary", "land:match"]
)
def test_the_read_pages_reject_the_wrong_method(client, land, name):
    assert client_for(client, land.office).post(reverse(name)).status_code == 405


@pytest.mark.parametrize(
    "name", ["land:map", "land:parcels_geojson", "land:boundary", "land:match"]
)
def test_the_administrators_see_no_land(client, land, name):
    response = client_for(client, land.sys_admin).get(reverse(name))
    assert response.status_code == 403
    assert "三员分立" in response.content.decode()


def test_the_geojson_names_a_holder_only_to_those_who_see_the_project(client, land):
    services.parcel_reserve(parcel=land.parcel, project=land.mine, actor=land.promoter)
    url = reverse("land:parcels_geojson")
    mine = client_for(client, land.promoter).get(url).json()
    parcels = {
        f["properties"]["code"]: f["properties"]
        for f in mine["features"]
        if f["properties"]["layer"] == "parcel"
    }
    assert set(parcels) == {"XA-T-01", "XA-T-02"}
    assert parcels["XA-T-01"]["project"] == "氢能装备产业园"
    assert parcels["XA-T-01"]["status_label"] == "已预留"
    projects = [f for f in mine["features"] if f["properties"]["layer"] == "project"]
    assert [p["properties"]["code"] for p in projects] == [land.mine.code]
    assert projects[0]["geometry"]["coordinates"] == [
        land.parcel.centroid_lon,
        land.parcel.centroid_lat,
    ]
    client.logout()
    theirs = client_for(client, land.other_promoter).get(url).json()
    props = next(
        f["properties"] for f in theirs["features"] if f["properties"].get("code") == "XA-T-01"
    )
    assert props["project"] == "本区其他项目"
    assert not [f for f in theirs["features"] if f["properties"]["layer"] == "project"]


def test_the_geojson_follows_the_filters_and_the_city_sees_both_districts(client, land):
    url = reverse("land:parcels_geojson")
    data = client_for(client, land.reviewer).get(url, {"status": "available"}).json()
    codes = {
        f["properties"]["code"] for f in data["features"] if f["properties"]["layer"] == "parcel"
    }
    assert codes == {"XA-T-01", "TA-T-01"}
    bad = client.get(url, {"area_max": "-1"})
    assert bad.status_code == 400 and "面积不能为负数" in bad.json()["detail"]


def test_the_boundary_is_the_district_outline(client, land):
    data = client_for(client, land.office).get(reverse("land:boundary")).json()
    outline = next(f for f in data["features"] if f["properties"]["kind"] == "outline")
    assert (
        outline["properties"]["name"] == "翔安区" and outline["geometry"]["type"] == "MultiPolygon"
    )
    assert "马巷街道" in {f["properties"]["name"] for f in data["features"]}
    client.logout()
    assert (
        client_for(client, land.tongan_office).get(reverse("land:boundary")).json()["features"]
        == []
    )


# --- cards ------------------------------------------------------------------------------------


def test_the_card_is_a_fragment_for_htmx_and_a_page_otherwise(client, land):
    c = client_for(client, land.promoter)
    url = reverse("land:parcel", args=["XA-T-01"])
    fragment = c.get(url, **HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    html = fragment.content.decode()
    assert (
        "马巷测试地块" in html and "预留给项目" in html and "氢能装备产业园" in html
    )  # a candidate
    page = c.get(url)
    assert "<html" in page.content.decode() and page.context["parcel"] == land.parcel


def test_another_district_parcel_is_not_found(client, land):
    c = client_for(client, land.promoter)
    for name in ("land:parcel", "land:reserve", "land:release", "land:status"):
        assert c.get(reverse(name, args=["TA-T-01"])).status_code == 404
    assert c.get(reverse("land:parcel", args=["XA-NOPE"])).status_code == 404


def test_a_building_card(client, land):
    from baton.land.importer import parcel_import

    building = {
        "type": "Feature",
        "properties": {
            "载体编号": "XA-ZT-01",
            "载体名称": "标准厂房A栋",
            "载体类型": "标准厂房",
            "建筑面积": 24000,
            "空置面积": 6000,
        },
        "geometry": {"type": "Point", "coordinates": [118.244, 24.627]},
    }
    assert parcel_import(data=collection(building), district=land.district).ok
    response = client_for(client, land.leader).get(reverse("land:building", args=["XA-ZT-01"]))
    assert response.status_code == 200 and "标准厂房A栋" in response.content.decode()
    assert "出租率 75%" in response.content.decode()
    client.logout()
    assert (
        client_for(client, land.tongan_office)
        .get(reverse("land:building", args=["XA-ZT-01"]))
        .status_code
        == 404
    )


# --- reserve, release, status ----------------------------------------------------------------------


def test_a_promoter_reserves_a_parcel_for_its_project(client, land):
    c = client_for(client, land.promoter)
    url = reverse("land:reserve", args=["XA-T-01"])
    form = c.get(url, {"project": land.mine.code})
    choices = [str(v) for v, _label in form.context["form"].fields["project"].choices if v]
    assert choices == [land.mine.code]  # its own project only
    assert form.context["form"]["project"].value() == land.mine.code
    response = c.post(url, {"project": land.mine.code, "note": "投资方已看地"})
    assert response.status_code == 302 and response.url == reverse("land:parcel", args=["XA-T-01"])
    land.parcel.refresh_from_db()
    assert land.parcel.status == "reserved"
    assert ProjectEvent.objects.filter(project=land.mine, kind="land_reserved").exists()


def test_a_promoter_cannot_reserve_for_another_unit_project(client, land):
    before = land_state()
    response = client_for(client, land.promoter).post(
        reverse("land:reserve", args=["XA-T-01"]), {"project": land.theirs.code}
    )
    assert response.status_code == 422
    assert "该项目不能预留此地块" in response.content.decode()
    assert land_state() == before


def test_reserving_in_the_dialog_swaps_the_card_and_tells_the_map(client, land):
    response = client_for(client, land.office).post(
        reverse("land:reserve", args=["XA-T-01"]), {"project": land.theirs.code}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'hx-swap-oob="innerHTML:#parcel-card"' in html and "已预留给" in html
    assert "新店储能项目" in html and "已将地块 XA-T-01 预留给" in html
    triggers = json.loads(response["HX-Trigger"])
    assert "closeDialog" in triggers and "landChanged" in triggers


def test_a_second_reservation_is_refused_with_the_holder(client, land):
    services.parcel_reserve(parcel=land.parcel, project=land.mine, actor=land.office)
    response = client_for(client, land.office).get(reverse("land:reserve", args=["XA-T-01"]))
    assert response.status_code == 403 and "只有“可供”的地块可以预留" in response.content.decode()


@pytest.mark.parametrize("persona", ["leader", "reviewer"])
def test_readers_cannot_reserve(client, land, persona):
    response = client_for(client, getattr(land, persona)).post(
        reverse("land:reserve", args=["XA-T-01"]), {"project": land.mine.code}
    )
    assert response.status_code == 403
    assert Parcel.objects.get(code="XA-T-01").status == "available"


def test_the_reserve_form_validates(client, land):
    c = client_for(client, land.office)
    url = reverse("land:reserve", args=["XA-T-01"])
    assert "请选择要预留地块的项目" in c.post(url, {}).content.decode()
    response = c.post(url, {"project": land.mine.code, "until": "2001-01-01"})
    assert response.status_code == 422 and "预留期限不能早于今天" in response.content.decode()
    response = c.post(url, {"project": land.mine.code, "note": "长" * 501})
    assert response.status_code == 422 and "不能超过 500 个字" in response.content.decode()


def test_the_holder_or_the_office_releases(client, land):
    services.parcel_reserve(parcel=land.parcel, project=land.mine, actor=land.promoter)
    url = reverse("land:release", args=["XA-T-01"])
    assert client_for(client, land.other_promoter).post(url, {"reason": "x"}).status_code == 403
    client.logout()
    c = client_for(client, land.promoter)
    assert c.post(url, {"reason": ""}).status_code == 422
    response = c.post(url, {"reason": "投资方改选他处"})
    assert response.status_code == 302
    land.parcel.refresh_from_db()
    assert land.parcel.status == "available"
    assert c.get(url).status_code == 403  # nothing left to release


def test_the_office_changes_the_supply_status(client, land):
    url = reverse("land:status", args=["XA-T-02"])
    assert client_for(client, land.promoter).get(url).status_code == 403
    client.logout()
    c = client_for(client, land.office)
    form = c.get(url)
    assert [v for v, _l in form.context["form"].fields["status"].choices] == ["available"]
    assert c.post(url, {"status": "sold"}).status_code == 422
    audits = AuditRecord.objects.count()
    assert c.post(url, {"status": "available", "on": "2019-07-01"}).status_code == 302
    assert Parcel.objects.get(code="XA-T-02").status == "available"
    (record,) = AuditRecord.objects.order_by("-pk")[: AuditRecord.objects.count() - audits]
    assert record.event == "land_changed" and record.username == land.office.username
    assert record.object_label.startswith("XA-T-02") and "供应状态变更" in record.detail


# --- matching and import -------------------------------------------------------------------------


def test_matching_for_a_project(client, land):
    c = client_for(client, land.promoter)
    response = c.get(reverse("land:match"), {"project": land.mine.code})
    assert response.status_code == 200
    (match,) = response.context["matches"]
    assert match.parcel == land.parcel and match.can_reserve
    html = response.content.decode()
    assert "招商方向含“新能源”" in html and "预留给该项目" in html
    assert c.get(reverse("land:match")).status_code == 200
    assert c.get(reverse("land:match"), {"project": "NOPE-1"}).status_code == 400
    empty = c.get(reverse("land:match"), {"tolerance": "0.2"})
    assert empty.status_code == 400 and "请选择项目" in empty.content.decode()


def test_the_office_imports_a_file(client, land):
    c = client_for(client, land.office)
    upload = SimpleUploadedFile("parcels.geojson", collection(feature("XA-T-09", mu=30)))
    audits = AuditRecord.objects.count()
    response = c.post(reverse("land:import"), {"file": upload})
    assert response.status_code == 200 and "导入完成" in response.content.decode()
    assert Parcel.objects.filter(code="XA-T-09", district=land.district).exists()
    record = AuditRecord.objects.filter(event="import").last()
    assert record.object_type == "parcels" and record.after["created"] == ["XA-T-09"]
    assert AuditRecord.objects.count() == audits + 1  # the file, not each parcel's event


def test_a_bad_upload_writes_nothing_and_lists_the_errors(client, land):
    before = land_state()
    c = client_for(client, land.office)
    upload = SimpleUploadedFile(
        "parcels.geojson", collection(feature("XA-T-09", **{"用地性质": "??"}))
    )
    response = c.post(reverse("land:import"), {"file": upload})
    assert response.status_code == 422
    html = response.content.decode()
    assert "未写入任何数据" in html and "第 1 个要素" in html and "无法识别的用地性质" in html
    assert land_state() == before
    wrong = SimpleUploadedFile("parcels.xlsx", b"PK")
    assert "只能导入 .geojson" in c.post(reverse("land:import"), {"file": wrong}).content.decode()


@pytest.mark.parametrize("persona", ["promoter", "reviewer", "leader"])
def test_only_the_district_office_imports(client, land, persona):
    assert client_for(client, getattr(land, persona)).get(reverse("land:import")).status_code == 403


def test_the_project_timeline_shows_the_reservation_and_its_release(client, land):
    services.parcel_reserve(parcel=land.parcel, project=land.mine, actor=land.office, note="已看地")
    services.parcel_release(parcel=land.parcel, actor=land.office, reason="投资方改选他处")
    html = (
        client_for(client, land.promoter)
        .get(reverse("projects:detail", args=[land.mine.code]))
        .content.decode()
    )
    assert "预留地块" in html and "预留地块 XA-T-01“马巷测试地块”" in html and "已看地" in html
    assert "释放预留地块" in html and "投资方改选他处" in html
