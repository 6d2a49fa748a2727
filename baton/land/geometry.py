"""Parcel geometry: GeoJSON checks, geodesic areas and the land bureaus' coordinates.

Everything stored is GeoJSON in WGS84 (longitude, latitude). CGCS2000 and WGS84 differ by
centimetres, far below what a parcel boundary needs, so CGCS2000 geographic coordinates
are taken as WGS84.

The boundary-coordinate text (界址点坐标交换格式) gives points as X (north) and Y (east)
in metres on a CGCS2000 Gauss–Krüger zone; ``zone_crs`` names the EPSG code of the zone.
"""

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from pyproj import CRS, Geod, Transformer
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.geometry.polygon import orient
from shapely.validation import explain_validity

from .models import M2_PER_MU

GEOD = Geod(ellps="GRS80")  # the CGCS2000 ellipsoid (WGS84's differs by 0.1 mm in b)
#: Coordinates kept to 7 decimals of a degree: about 1 cm.
DECIMALS = 7
MAX_VERTICES = 5000
#: Where parcels of a Chinese district can be: a longitude/latitude swap lands outside.
CHINA = (73.0, 3.0, 136.0, 54.0)


class GeometryError(ValueError):
    """A geometry that cannot be a parcel boundary; the message is Chinese."""


@dataclass(frozen=True)
class Outline:
    """A checked parcel boundary with what is derived from it."""

    geojson: dict
    area_m2: Decimal
    area_mu: Decimal
    centroid: tuple[float, float]  # lon, lat


def _round(value: float) -> float:
    return round(float(value), DECIMALS)


def _ring(coords) -> list[list[float]]:
    return [[_round(x), _round(y)] for x, y in coords]


def to_geojson(geom: Polygon | MultiPolygon) -> dict:
    """Return a shapely (multi)polygon as plain GeoJSON lists, exterior rings anticlockwise."""
    if isinstance(geom, Polygon):
        polygon = orient(geom, 1.0)
        return {
            "type": "Polygon",
            "coordinates": [_ring(polygon.exterior.coords)]
            + [_ring(r.coords) for r in polygon.interiors],
        }
    return {
        "type": "MultiPolygon",
        "coordinates": [to_geojson(part)["coordinates"] for part in geom.geoms],
    }


def geodesic_area_m2(geom) -> float:
    """Return the area on the ellipsoid in square metres (holes subtracted).

    pyproj signs each ring's area by its direction, so the rings are oriented first
    (shell anticlockwise, holes clockwise) whatever order the points came in.
    """
    if isinstance(geom, Polygon):
        geom = orient(geom, 1.0)
    elif isinstance(geom, MultiPolygon):
        geom = MultiPolygon([orient(part, 1.0) for part in geom.geoms])
    area, _perimeter = GEOD.geometry_area_perimeter(geom)
    return abs(area)


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise GeometryError(f"{what}不是数字：{value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise GeometryError(f"{what}不是有效数字。")
    return number


def _positions(ring, where: str) -> list[tuple[float, float]]:
    if not isinstance(ring, list) or not ring:
        raise GeometryError(f"{where}没有坐标点。")
    points = []
    west, south, east, north = CHINA
    for index, position in enumerate(ring, start=1):
        if not isinstance(position, list | tuple) or len(position) < 2:
            raise GeometryError(f"{where}第 {index} 个点应为 [经度, 纬度]。")
        lon = _number(position[0], f"{where}第 {index} 个点的经度")
        lat = _number(position[1], f"{where}第 {index} 个点的纬度")
        if not (west <= lon <= east and south <= lat <= north):
            hint = (
                "（经纬度可能颠倒，GeoJSON 的顺序是 [经度, 纬度]）"
                if (west <= lat <= east and south <= lon <= north)
                else "（坐标须为 WGS84 经纬度，投影坐标请用界址点坐标文本导入）"
            )
            raise GeometryError(f"{where}第 {index} 个点 [{lon}, {lat}] 不在中国境内{hint}。")
        points.append((lon, lat))
    if points[0] != points[-1]:
        points.append(points[0])
    if len(points) < 4:
        raise GeometryError(f"{where}至少需要 3 个不同的界址点。")
    return points


def outline_from_geojson(geometry) -> Outline:
    """Check a GeoJSON Polygon or MultiPolygon in WGS84 and derive its area and centre."""
    if not isinstance(geometry, dict):
        raise GeometryError("缺少几何图形（geometry）。")
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon":
        if not isinstance(coords, list) or not coords:
            raise GeometryError("MultiPolygon 没有坐标。")
        polygons = coords
    else:
        raise GeometryError(f"地块边界须为面（Polygon 或 MultiPolygon），不能是 {kind or '空'}。")
    parts = []
    vertices = 0
    for p_index, rings in enumerate(polygons, start=1):
        if not isinstance(rings, list) or not rings:
            raise GeometryError("面没有坐标。")
        label = f"第 {p_index} 个面" if len(polygons) > 1 else ""
        shell = _positions(rings[0], f"{label}外环")
        holes = [_positions(r, f"{label}第 {i} 个内环") for i, r in enumerate(rings[1:], 1)]
        vertices += len(shell) + sum(len(h) for h in holes)
        parts.append(Polygon(shell, holes))
    if vertices > MAX_VERTICES:
        raise GeometryError(f"界址点过多（{vertices} 个，上限 {MAX_VERTICES}）。")
    geom = parts[0] if len(parts) == 1 else MultiPolygon(parts)
    return outline_from_shape(geom)


def outline_from_shape(geom) -> Outline:
    if not geom.is_valid:
        raise GeometryError(f"边界不是有效的面：{_validity(explain_validity(geom))}。")
    area = geodesic_area_m2(geom)
    if area < 1:
        raise GeometryError("边界面积为零。")
    centre = geom.representative_point() if not geom.centroid.within(geom) else geom.centroid
    area_m2 = Decimal(str(round(area, 1)))
    return Outline(
        geojson=to_geojson(geom),
        area_m2=area_m2,
        area_mu=(area_m2 / M2_PER_MU).quantize(Decimal("0.01")),
        centroid=(_round(centre.x), _round(centre.y)),
    )


def _validity(reason: str) -> str:
    """Word shapely's explanation in Chinese, with the place it names."""
    words = {
        "Self-intersection": "边界自相交",
        "Ring Self-intersection": "边界线自相交",
        "Hole lies outside shell": "内环不在外环之内",
        "Nested shells": "多个面相互嵌套",
        "Interior is disconnected": "内环把面分割成了几块",
        "Too few points": "界址点太少",
        "Invalid Coordinate": "坐标无效",
        "Nested holes": "内环相互嵌套",
        "Duplicate Rings": "环重复",
    }
    name, _, place = reason.partition("[")
    text = words.get(name.strip(), name.strip())
    return f"{text}（位置 {place.rstrip(']')}）" if place else text


def contains(outline_geojson: dict, lon: float, lat: float) -> bool:
    return shape(outline_geojson).contains(Point(lon, lat))


def within(inner_geojson: dict, outer_geojson: dict) -> bool:
    return shape(outer_geojson).contains(shape(inner_geojson))


# --- CGCS2000 Gauss–Krüger zones ------------------------------------------------------------

#: EPSG codes of CGCS2000 Gauss–Krüger zones: (zone width, zone) → code. With the zone
#: number in front of the easting (Y = 39 380 216.104) and without it (Y = 380 216.104).
_PREFIXED = {3: (25, 45, 4513), 6: (13, 23, 4491)}
_CENTRAL = {3: (25, 45, 4534), 6: (13, 23, 4502)}


def zone_crs(width: int, zone: int, *, prefixed: bool) -> int:
    """Return the EPSG code of CGCS2000 Gauss–Krüger ``zone`` (3° or 6° wide)."""
    table = _PREFIXED if prefixed else _CENTRAL
    if width not in table:
        raise GeometryError(f"分带只能是 3 度或 6 度，不能是 {width} 度。")
    first, last, code = table[width]
    if not first <= zone <= last:
        raise GeometryError(
            f"{width} 度分带的带号应在 {first}–{last} 之间（中国范围），不能是 {zone}。"
        )
    return code + zone - first


@cache
def _to_wgs84(epsg: int) -> Transformer:
    return Transformer.from_crs(CRS.from_epsg(epsg), CRS.from_epsg(4326), always_xy=True)


def gauss_to_lonlat(epsg: int, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Reproject (X north, Y east) points of a Gauss–Krüger zone to (lon, lat)."""
    transformer = _to_wgs84(epsg)
    northings = [x for x, _y in points]
    eastings = [y for _x, y in points]
    lons, lats = transformer.transform(eastings, northings)
    return list(zip(lons, lats, strict=True))
