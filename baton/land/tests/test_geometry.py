"""Geometry checks, geodesic areas and the CGCS2000 zone codes."""

import pytest
from pyproj import CRS

from baton.land.geometry import GeometryError, geodesic_area_m2, outline_from_geojson, zone_crs

from .helpers import MAXIANG, polygon


@pytest.mark.parametrize(
    ("width", "zone", "prefixed", "epsg", "name"),
    [
        (3, 39, True, 4527, "CGCS2000 / 3-degree Gauss-Kruger zone 39"),
        (3, 38, True, 4526, "CGCS2000 / 3-degree Gauss-Kruger zone 38"),
        (3, 39, False, 4548, "CGCS2000 / 3-degree Gauss-Kruger CM 117E"),
        (3, 40, False, 4549, "CGCS2000 / 3-degree Gauss-Kruger CM 120E"),
        (6, 20, True, 4498, "CGCS2000 / Gauss-Kruger zone 20"),
        (6, 20, False, 4509, "CGCS2000 / Gauss-Kruger CM 117E"),
    ],
)
def test_zone_codes_name_the_zones(width, zone, prefixed, epsg, name):
    assert zone_crs(width, zone, prefixed=prefixed) == epsg
    assert CRS.from_epsg(epsg).name == name


@pytest.mark.parametrize(("width", "zone"), [(3, 24), (3, 46), (6, 12), (4, 30)])
def test_zones_outside_china_are_refused(width, zone):
    with pytest.raises(GeometryError):
        zone_crs(width, zone, prefixed=True)


def test_a_square_kilometre_on_the_ellipsoid():
    lon, lat = MAXIANG
    # 1 km × 1 km at 24.6°N, from the ellipsoid's radii of curvature (GRS80)
    import math

    a, f = 6378137.0, 1 / 298.257222101
    e2 = f * (2 - f)
    phi = math.radians(lat)
    w = math.sqrt(1 - e2 * math.sin(phi) ** 2)
    meridian = a * (1 - e2) / w**3  # metres per radian north
    prime = a / w  # metres per radian east, times cos φ
    dlat = math.degrees(1000 / meridian)
    dlon = math.degrees(1000 / (prime * math.cos(phi)))
    square = {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + dlon, lat], [lon + dlon, lat + dlat], [lon, lat + dlat], [lon, lat]]
        ],
    }
    outline = outline_from_geojson(square)
    assert abs(float(outline.area_m2) - 1_000_000) < 50  # 0.005 %
    assert abs(float(outline.area_mu) - 1500) < 0.1  # 1 km² = 100 公顷 = 1,500 亩


def test_holes_are_subtracted_and_rings_are_closed():
    outer = polygon(mu=100)["coordinates"][0]
    inner = polygon(mu=25, aspect=1.0)["coordinates"][0][:-1]  # left open: closed for us
    outline = outline_from_geojson({"type": "Polygon", "coordinates": [outer, inner]})
    assert 74 < float(outline.area_mu) < 76
    assert outline.geojson["coordinates"][1][0] == outline.geojson["coordinates"][1][-1]


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (None, "缺少几何图形"),
        ({"type": "Point", "coordinates": [118.25, 24.64]}, "须为面"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[118.25, 24.64], [118.26, 24.64], [118.25, 24.64]]],
            },
            "至少需要 3 个",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[118.25, "北"], [118.26, 24.64], [118.26, 24.65], [118.25, 24.64]]
                ],
            },
            "不是数字",
        ),
        (
            {
                "type": "Polygon",
                "coordinates": [[[2.35, 48.85], [2.36, 48.85], [2.36, 48.86], [2.35, 48.85]]],
            },
            "不在中国境内",
        ),
    ],
)
def test_what_cannot_be_a_boundary(geometry, message):
    with pytest.raises(GeometryError, match=message):
        outline_from_geojson(geometry)


def test_a_multipolygon_adds_its_parts():
    a = polygon(mu=50)["coordinates"]
    b = polygon(lon=118.27, lat=24.67, mu=30)["coordinates"]
    outline = outline_from_geojson({"type": "MultiPolygon", "coordinates": [a, b]})
    single = geodesic_area_m2(
        __import__("shapely.geometry", fromlist=["shape"]).shape(
            {"type": "Polygon", "coordinates": a}
        )
    )
    assert float(outline.area_m2) > single
    assert 79 < float(outline.area_mu) < 81
