"""The demo's land lies inside 翔安区's outline, and loading it tells a story through the services."""

import json
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

from baton.demo.land import BUILDINGS, PARCELS, load_land, parcels_geojson
from baton.land.models import Building, Parcel, ParcelReservation
from baton.projects.models import Industry, ProjectEvent
from baton.testing import make_project, stage

OUTLINE = Path(__file__).resolve().parents[2] / "land" / "data" / "350213.geojson"


def outline():
    data = json.loads(OUTLINE.read_text(encoding="utf-8"))
    return shape(
        next(f for f in data["features"] if f["properties"]["kind"] == "outline")["geometry"]
    )


def test_the_outline_is_xiangan_and_every_demo_parcel_and_building_is_inside():
    district = outline()
    west, south, east, north = district.bounds
    assert west >= 118.17 and east <= 118.40 and south >= 24.50 and north <= 24.76
    features = parcels_geojson()["features"]
    assert len(features) == len(PARCELS) + len(BUILDINGS)
    for f in features:
        assert district.contains(shape(f["geometry"])), f["properties"]
    assert not any(
        shape(a["geometry"]).intersects(shape(b["geometry"]))
        for i, a in enumerate(features)
        for b in features[i + 1 :]
        if a["geometry"]["type"] == b["geometry"]["type"] == "Polygon"
    )
    assert district.contains(Point(118.25, 24.66))  # 马巷


@pytest.mark.django_db
def test_loading_reserves_for_projects_in_talks_and_is_idempotent(w):
    from baton.org.models import Unit

    for order, name in enumerate(("大嶝街道", "新圩镇", "内厝镇"), start=10):
        Unit.objects.create(district=w.district, name=name, kind=Unit.Kind.TOWN, order=order)
    energy = Industry.objects.get(name="新能源")
    talks = make_project(
        w,
        name="氢能装备",
        industry=energy,
        land_area_mu=120,
        stage=stage("negotiating"),
        investor="氢能集团",
    )
    from baton.testing import admit

    admit(w, talks)
    assert load_land(w.district) == len(PARCELS)
    assert Building.objects.count() == len(BUILDINGS)
    statuses = set(Parcel.objects.values_list("status", flat=True))
    assert statuses == {"reserve", "available", "reserved", "sold"}
    held = ParcelReservation.objects.get(project=talks)
    assert held.parcel.code == "XA-2019-M08"  # 新圩工业区南地块: 120 亩, M1, 新能源
    assert ProjectEvent.objects.filter(project=talks, kind="land_reserved").count() == 1
    assert Parcel.objects.get(code="XA-2019-M06").area_flagged  # declared 33.5 亩 on 30 亩
    assert load_land(w.district) == 0
