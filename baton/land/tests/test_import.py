"""Importing parcels: GeoJSON and the land bureau's boundary-coordinate text, all or nothing."""

import json
from decimal import Decimal

import pytest

from baton.land.importer import parcel_import
from baton.land.models import Building, Parcel, ParcelEvent

from .helpers import MAXIANG, boundary_txt, collection, feature, land_state, metres, ring

pytestmark = pytest.mark.django_db


def test_it_creates_parcels_with_their_attributes_and_computed_area(w):
    data = collection(
        feature(
            "XA-T-01",
            mu=100,
            **{
                "所属镇街": "马巷街道",
                "面积（亩）": "100",
                "招商方向": "新能源、先进制造",
                "容积率": "1.2-2.5",
                "供应状态": "可供",
                "可供日期": "2019-07-01",
                "参考价格（万元/亩）": "30",
                "规划用途": "智能制造",
            },
        )
    )
    result = parcel_import(data=data, district=w.district)
    assert result.ok, [e.line() for e in result.errors]
    assert result.created == ["XA-T-01"] and result.format == "geojson"
    parcel = Parcel.objects.get(code="XA-T-01")
    assert parcel.town == w.town and parcel.status == "available"
    assert abs(parcel.area_mu - 100) < Decimal("0.5")  # the ring is drawn for 100 亩
    assert parcel.area_hectare == (parcel.area_mu / 15).quantize(Decimal("0.0001"))
    assert (parcel.far_min, parcel.far_max) == (Decimal("1.2"), Decimal("2.5"))
    assert parcel.price_wan_per_mu == Decimal("30")
    assert {i.name for i in parcel.industries.all()} == {"新能源", "先进制造"}
    assert not parcel.area_flagged
    assert ParcelEvent.objects.filter(parcel=parcel, kind="imported").count() == 1


def test_reimporting_the_same_file_changes_nothing(w):
    data = collection(feature("XA-T-01", **{"招商方向": "新能源"}), feature("XA-T-02", mu=50))
    assert parcel_import(data=data, district=w.district).created == ["XA-T-01", "XA-T-02"]
    before = land_state()
    again = parcel_import(data=data, district=w.district)
    assert again.ok and again.unchanged == ["XA-T-01", "XA-T-02"] and not again.created
    assert land_state() == before


def test_a_changed_feature_updates_only_what_changed_with_an_event(w):
    parcel_import(data=collection(feature("XA-T-01")), district=w.district)
    result = parcel_import(
        data=collection(feature("XA-T-01", mu=120, **{"地块名称": "新名称"})), district=w.district
    )
    assert result.updated == ["XA-T-01"]
    event = ParcelEvent.objects.get(kind="updated")
    assert event.new["name"] == "新名称" and "geometry" in event.new and "area_mu" in event.new


def test_a_bad_last_feature_writes_nothing_and_names_where(w):
    before = land_state()
    bad = feature("XA-T-03")
    bad["geometry"]["coordinates"][0] = [
        [24.64, 118.25],
        [24.65, 118.25],
        [24.65, 118.26],
        [24.64, 118.25],
    ]
    result = parcel_import(
        data=collection(feature("XA-T-01"), feature("XA-T-02"), bad), district=w.district
    )
    assert not result.ok and result.created == []
    assert land_state() == before
    (error,) = result.errors
    assert error.row == 3 and error.unit == "个要素"
    assert "经纬度可能颠倒" in error.reason
    assert error.line().startswith("位置：第 3 个要素；字段：geometry")


@pytest.mark.parametrize(
    ("props", "column", "reason"),
    [
        ({"地块编号": ""}, "地块编号", "地块编号不能为空"),
        ({"地块编号": "XA 01"}, "地块编号", "只能包含字母、数字"),
        ({"用地性质": "X9"}, "用地性质", "无法识别的用地性质"),
        ({"所属镇街": "思明街道"}, "所属镇街", "不是翔安区的镇街"),
        ({"招商方向": "新能源、炼金术"}, "招商方向", "不是系统中的行业"),
        ({"容积率": "3-1"}, "容积率下限", "下限大于上限"),
        ({"供应状态": "已预留"}, "供应状态", "须在招商地图上为具体项目预留"),
        ({"供应状态": "待定"}, "供应状态", "储备、可供 或 已出让"),
        ({"可供日期": "2019-13-01"}, "可供日期", "格式不正确"),
        ({"面积（亩）": "-3"}, "面积(亩)", "应在 0 到"),
        ({"参考价格（万元/亩）": "abc"}, "参考价格(万元/亩)", "不是有效的数"),
    ],
)
def test_each_bad_value_is_refused_with_its_field(w, props, column, reason):
    before = land_state()
    result = parcel_import(data=collection(feature("XA-T-01", **props)), district=w.district)
    assert not result.ok
    assert any(e.column == column and reason in e.reason for e in result.errors), [
        e.line() for e in result.errors
    ]
    assert land_state() == before


def test_a_self_intersecting_boundary_is_refused(w):
    bowtie = feature("XA-T-01")
    lon, lat = MAXIANG
    bowtie["geometry"]["coordinates"] = [
        [[lon, lat], [lon + 0.002, lat + 0.002], [lon + 0.002, lat], [lon, lat + 0.002], [lon, lat]]
    ]
    result = parcel_import(data=collection(bowtie), district=w.district)
    assert "边界自相交" in result.errors[0].reason


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "文件是空的"),
        (b"hello", "无法识别文件格式"),
        (b'{"type": "FeatureCollection", "features": [', "不是有效的 JSON"),
        (b'{"type": "FeatureCollection", "features": []}', "没有要素"),
        (
            b'{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:4527"}}, "features": []}',
            "WGS84",
        ),
        (b"\xff\xfe\x00garbage\x81", "无法识别"),
    ],
)
def test_a_file_that_is_not_a_parcel_file_is_refused_whole(w, data, reason):
    result = parcel_import(data=data, district=w.district)
    assert not result.ok and reason in result.errors[0].reason
    assert result.errors[0].line().startswith("位置：整个文件")


def test_declared_and_computed_area_more_than_5_percent_apart_is_flagged(w):
    result = parcel_import(
        data=collection(
            feature("XA-T-01", mu=100, **{"面积（亩）": "108"}),
            feature("XA-T-02", mu=100, **{"面积（公顷）": "6.9"}),  # 103.5 亩: within 5 %
        ),
        district=w.district,
    )
    assert result.ok
    assert [f.code for f in result.flagged] == ["XA-T-01"]
    assert "相差 +7." in result.flagged[0].line()
    assert Parcel.objects.get(code="XA-T-01").area_flagged
    assert not Parcel.objects.get(code="XA-T-02").area_flagged


def test_a_district_office_imports_only_into_its_district(w):
    result = parcel_import(
        data=collection(feature("XA-T-01", **{"所属区": "同安区"})),
        actor=w.office,
        district=w.district,
    )
    assert not result.ok and "只能导入本区（翔安区）" in result.errors[0].reason


def test_a_code_of_another_district_is_refused(w):
    parcel_import(data=collection(feature("XA-T-01")), district=w.other_district)
    result = parcel_import(data=collection(feature("XA-T-01")), district=w.district)
    assert "已属于同安区" in result.errors[0].reason


def test_a_reserved_parcel_keeps_its_status_against_an_import(w):
    from baton.land import services
    from baton.testing import make_project, stage

    parcel_import(data=collection(feature("XA-T-01", **{"供应状态": "可供"})), district=w.district)
    project = make_project(w, stage=stage("intent"))
    services.parcel_reserve(parcel=Parcel.objects.get(), project=project, actor=w.office)
    before = land_state()
    result = parcel_import(
        data=collection(feature("XA-T-01", **{"供应状态": "储备"})), district=w.district
    )
    assert not result.ok and "导入不能改变其供应状态" in result.errors[0].reason
    assert land_state() == before


def test_point_features_are_buildings(w):
    building = {
        "type": "Feature",
        "properties": {
            "载体编号": "XA-ZT-01",
            "载体名称": "标准厂房A栋",
            "载体类型": "标准厂房",
            "所属镇街": "马巷街道",
            "建筑面积（平方米）": 24000,
            "标准层面积（平方米）": 4000,
            "层数": 6,
            "层高（米）": "5.4",
            "空置面积（平方米）": 6500,
            "租金（元/平方米·月）": 18,
            "招商方向": "电子信息",
        },
        "geometry": {"type": "Point", "coordinates": [118.244, 24.627]},
    }
    result = parcel_import(data=collection(building), district=w.district)
    assert result.ok and result.buildings["created"] == 1
    saved = Building.objects.get()
    assert (saved.floors, saved.vacant_area_m2, saved.kind) == (6, Decimal("6500"), "factory")
    assert saved.occupancy == (Decimal(24000) - 6500) / 24000
    assert parcel_import(data=collection(building), district=w.district).buildings["unchanged"] == 1
    building["properties"]["空置面积（平方米）"] = 30000
    result = parcel_import(data=collection(building), district=w.district)
    assert "空置面积不能大于建筑面积" in result.errors[0].reason


def test_a_dry_run_reports_and_writes_nothing(w):
    before = land_state()
    result = parcel_import(data=collection(feature("XA-T-01")), district=w.district, dry_run=True)
    assert result.ok and result.created == ["XA-T-01"] and result.summary().startswith("试导入")
    assert land_state() == before


# --- the boundary-coordinate text ---------------------------------------------------------


def _points(mu=100.0, where=MAXIANG, turn=10):
    return [tuple(p) for p in ring(where[0], where[1], mu, turn=turn)]


def test_a_zone_39_text_lands_within_a_metre_of_the_same_parcel_in_wgs84(w):
    """The X/Y are computed here by Krüger's series, independently of pyproj."""
    points = _points()
    text = boundary_txt([("XA-T-01", "马巷测试地块", "M1", "6.6667", points)])
    result = parcel_import(data=text.encode("gb18030"), district=w.district)  # as bureaus save it
    assert result.ok, [e.line() for e in result.errors]
    same = feature("XA-W-01")
    same["geometry"]["coordinates"] = [[list(p) for p in points]]
    assert parcel_import(data=collection(same), district=w.district).ok
    from_txt = Parcel.objects.get(code="XA-T-01")
    from_wgs = Parcel.objects.get(code="XA-W-01")
    txt_ring = from_txt.geometry["coordinates"][0]
    wgs_ring = from_wgs.geometry["coordinates"][0]
    assert len(txt_ring) == len(wgs_ring) == 5
    distances = [metres(tuple(a), tuple(b)) for a, b in zip(txt_ring, wgs_ring, strict=True)]
    assert max(distances) < 1.0, distances
    assert max(distances) < 0.05  # in fact centimetres: the rounding to 1e-7 degrees
    assert abs(from_txt.area_m2 - from_wgs.area_m2) < Decimal("1")
    assert from_txt.declared_area_mu == Decimal("100.00")  # 6.6667 公顷
    assert from_txt.status == "reserve" and from_txt.land_use == "M1"


def test_a_text_without_the_zone_prefix_uses_the_header_zone(w):
    text = boundary_txt([("XA-T-01", "地块", "工业用地", "", _points())], prefixed=False)
    result = parcel_import(data=text.encode(), district=w.district)
    assert result.ok, [e.line() for e in result.errors]
    parcel = Parcel.objects.get()
    assert parcel.land_use == "M"
    for lon, lat in parcel.geometry["coordinates"][0]:
        assert min(metres((lon, lat), p) for p in _points()) < 1.0


def test_reimporting_a_text_changes_nothing(w):
    text = boundary_txt([("XA-T-01", "地块", "0601", "6.6667", _points())]).encode()
    assert parcel_import(data=text, district=w.district).created == ["XA-T-01"]
    before = land_state()
    assert parcel_import(data=text, district=w.district).unchanged == ["XA-T-01"]
    assert land_state() == before


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        (("坐标系=2000国家大地坐标系", "坐标系=1980西安坐标系"), "坐标系", "西安80"),
        (("带号=39", "带号=38"), "带号", "不一致"),
        (("几度分带=3", "几度分带=5"), "几度分带", "3 度或 6 度"),
        (("投影类型=高斯克吕格", "投影类型=墨卡托"), "投影类型", "高斯"),
    ],
)
def test_a_text_with_a_header_it_cannot_honour_is_refused(w, change, column, reason):
    text = boundary_txt([("XA-T-01", "地块", "M1", "", _points())]).replace(*change)
    result = parcel_import(data=text.encode(), district=w.district)
    assert not result.ok
    assert any(e.column == column and reason in e.reason for e in result.errors), [
        e.line() for e in result.errors
    ]


def test_swapped_x_and_y_are_named(w):
    text = boundary_txt([("XA-T-01", "地块", "M1", "", _points())])
    lines = []
    for line in text.splitlines():
        if line.startswith("J"):
            number, ring_no, x, y = line.split(",")
            line = f"{number},{ring_no},{y},{x}"
        lines.append(line)
    result = parcel_import(data="\n".join(lines).encode(), district=w.district)
    assert not result.ok and "X、Y 可能颠倒" in result.errors[0].reason
    assert result.errors[0].row == 14  # the first point's line


def test_a_text_without_zone_anywhere_is_refused(w):
    text = boundary_txt([("XA-T-01", "地块", "M1", "", _points())], prefixed=False, zone_header="")
    result = parcel_import(data=text.encode(), district=w.district)
    assert "无法确定投影带" in result.errors[0].reason


def test_a_truncated_text_is_refused(w):
    text = boundary_txt([("XA-T-01", "地块", "M1", "", _points())])
    truncated = "\n".join(text.splitlines()[:-3])
    result = parcel_import(data=truncated.encode(), district=w.district)
    assert not result.ok and "文件可能不完整" in result.errors[0].reason


def test_a_text_needs_a_district(w):
    text = boundary_txt([("XA-T-01", "地块", "M1", "", _points())])
    result = parcel_import(data=text.encode(), district=None)
    assert "请指定导入的区" in result.errors[0].reason


def test_two_parcels_in_one_text_and_a_duplicate_code(w):
    east = (MAXIANG[0] + 0.01, MAXIANG[1])
    ok = boundary_txt(
        [("XA-T-01", "甲", "M1", "", _points()), ("XA-T-02", "乙", "M2", "", _points(where=east))]
    )
    assert parcel_import(data=ok.encode(), district=w.district).created == ["XA-T-01", "XA-T-02"]
    dup = boundary_txt(
        [("XA-T-03", "甲", "M1", "", _points()), ("XA-T-03", "乙", "M2", "", _points(where=east))]
    )
    result = parcel_import(data=dup.encode(), district=w.district)
    assert "重复" in result.errors[0].reason


def test_geojson_summary_counts():
    from baton.land.importer import ImportResult

    result = ImportResult(created=["a"], updated=["b", "c"], unchanged=[])
    assert result.summary() == "地块：新增 1 块、更新 2 块、未变 0 块。"
    assert json.dumps(result.buildings)
