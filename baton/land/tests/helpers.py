"""Parcels for tests, and an independent Gauss–Krüger projection to check pyproj's against."""

import json
import math
from decimal import Decimal

from baton.demo.land import rectangle
from baton.land import services
from baton.land.geometry import outline_from_geojson
from baton.projects.models import Industry
from baton.testing import make_project, stage

#: 马巷's industrial area, where the hand-made parcels lie.
MAXIANG = (118.2500, 24.6455)


def ring(lon: float, lat: float, mu: float, turn: float = 0, aspect: float = 1.2) -> list:
    return rectangle(lon, lat, mu, turn, aspect)


def polygon(lon=MAXIANG[0], lat=MAXIANG[1], mu=100.0, **kwargs) -> dict:
    return {"type": "Polygon", "coordinates": [ring(lon, lat, mu, **kwargs)]}


def make_parcel(
    w,
    code: str,
    *,
    mu: float = 100,
    land_use: str = "M1",
    industries=(),
    status: str = "available",
    district=None,
    at=None,
    where=MAXIANG,
    **values,
):
    """Create a parcel of about ``mu`` 亩 through the import service."""
    outline = outline_from_geojson(polygon(where[0], where[1], mu))
    return services.parcel_create(
        actor=None,
        code=code,
        district=district or w.district,
        outline=outline,
        values={
            "name": values.pop("name", f"地块{code}"),
            "land_use": land_use,
            "status": status,
            "industries": list(industries),
            **values,
        },
        at=at,
    )


def feature(code: str, *, mu=100.0, where=MAXIANG, **props) -> dict:
    return {
        "type": "Feature",
        "properties": {"地块编号": code, "地块名称": f"地块{code}", "用地性质": "M1", **props},
        "geometry": polygon(where[0], where[1], mu),
    }


def collection(*features) -> bytes:
    return json.dumps(
        {"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False
    ).encode()


# --- Gauss–Krüger by Krüger's series (Karney 2011, to n⁴): no pyproj involved -----------------

A_GRS80 = 6378137.0
F_GRS80 = 1 / 298.257222101


def gauss_kruger(
    lon: float, lat: float, *, central: float, false_easting: float
) -> tuple[float, float]:
    """Return (X north, Y east) in metres of a point on a Gauss–Krüger zone (scale 1)."""
    n = F_GRS80 / (2 - F_GRS80)
    big_a = A_GRS80 / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    alpha = (
        n / 2 - 2 * n**2 / 3 + 5 * n**3 / 16 + 41 * n**4 / 180,
        13 * n**2 / 48 - 3 * n**3 / 5 + 557 * n**4 / 1440,
        61 * n**3 / 240 - 103 * n**4 / 140,
        49561 * n**4 / 161280,
    )
    phi = math.radians(lat)
    dlam = math.radians(lon - central)
    e = 2 * math.sqrt(n) / (1 + n)
    t = math.sinh(math.atanh(math.sin(phi)) - e * math.atanh(e * math.sin(phi)))
    xi = math.atan2(t, math.cos(dlam))
    eta = math.atanh(math.sin(dlam) / math.sqrt(1 + t * t))
    northing = xi + sum(
        a * math.sin(2 * j * xi) * math.cosh(2 * j * eta) for j, a in enumerate(alpha, 1)
    )
    easting = eta + sum(
        a * math.cos(2 * j * xi) * math.sinh(2 * j * eta) for j, a in enumerate(alpha, 1)
    )
    return big_a * northing, false_easting + big_a * easting


def boundary_txt(parcels, *, zone_header: str = "39", prefixed: bool = True, width: int = 3) -> str:
    """Write parcels [(code, name, use, area_text, ring lon/lat)] in the land bureau's format."""
    zone = 39
    central = 117.0
    lines = [
        "[属性描述]",
        "格式版本号=1.00版本",
        "数据产生单位=翔安区自然资源局",
        "数据产生日期=2019-06-20",
        "坐标系=2000国家大地坐标系",
        f"几度分带={width}",
        "投影类型=高斯克吕格",
        "计量单位=米",
        f"带号={zone_header}",
        "精度=0.001",
        "转换参数=,,,,,,",
        "[地块坐标]",
    ]
    for code, name, use, area, points in parcels:
        lines.append(f"{len(points)},{area},{code},{name},面,,{use},,@")
        for index, (lon, lat) in enumerate(points, start=1):
            x, y = gauss_kruger(
                lon,
                lat,
                central=central,
                false_easting=(zone * 1_000_000 if prefixed else 0) + 500_000,
            )
            number = 1 if index == len(points) else index
            lines.append(f"J{number},1,{x:.3f},{y:.3f}")
    return "\r\n".join(lines) + "\r\n"


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    from pyproj import Geod

    _az1, _az2, distance = Geod(ellps="GRS80").inv(a[0], a[1], b[0], b[1])
    return distance


def as_mu(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def land_state() -> dict:
    """Every row the land app (and the project side of a reservation) writes."""
    from baton.land.models import Building, Parcel, ParcelEvent, ParcelReservation
    from baton.projects.models import Project, ProjectEvent

    return {
        "parcels": list(Parcel.objects.order_by("pk").values()),
        "industries": list(Parcel.industries.through.objects.order_by("pk").values()),
        "reservations": list(ParcelReservation.objects.order_by("pk").values()),
        "events": list(ParcelEvent.objects.order_by("pk").values()),
        "buildings": list(Building.objects.order_by("pk").values()),
        "project_events": list(ProjectEvent.objects.order_by("pk").values()),
        "projects": list(Project.objects.order_by("pk").values("pk", "updated_at", "version")),
    }


def land_world(w, **parcel):
    """The land tests' world: 马巷's available parcel (``parcel`` adds to it), a reserve
    parcel beside it, one in 同安, and two 新能源 projects (马巷's in talks, 新店's intent)."""
    w.energy = Industry.objects.get(name="新能源")
    w.parcel = make_parcel(
        w, "XA-T-01", mu=100, industries=[w.energy], name="马巷测试地块", **parcel
    )
    w.spare = make_parcel(w, "XA-T-02", mu=50, status="reserve", where=(118.26, 24.66))
    w.tongan_parcel = make_parcel(w, "TA-T-01", district=w.other_district, where=(118.15, 24.75))
    w.mine = make_project(
        w,
        name="氢能装备产业园",
        industry=w.energy,
        land_area_mu=Decimal(100),
        stage=stage("negotiating"),
        investor="氢能集团",
    )
    w.theirs = make_project(
        w,
        unit=w.other_town,
        actor=w.other_promoter,
        name="新店储能项目",
        industry=w.energy,
        stage=stage("intent"),
    )
    return w
