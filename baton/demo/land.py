"""The demo's land: 翔安区's parcels and buildings, and the story they tell on the map.

Loaded by ``baton.demo.seed.load_demo`` after the projects, through the same import and
services users call, back-dated to 2019: the parcels come in as a GeoJSON file (the land
bureau's list, mid-2019); the district office then reserves the best-matching parcels
for projects in talks, sells two to landed projects, and the 空港 parcels stay 储备 until
the new airport is built. Geometry is made here, deterministically, inside the district's
outline (``baton/land/data/350213.geojson``): rectangles of the listed area around real industrial
areas (火炬翔安产业区, 马巷, 新圩, 内厝, 南部新城, 大嶝空港), slightly turned.
"""

import datetime as dt
import json
import math
from decimal import Decimal

from django.utils import timezone

from baton.accounts.models import User
from baton.land import services
from baton.land.importer import parcel_import
from baton.land.matching import projects_for
from baton.land.models import M2_PER_MU, Parcel
from baton.org.models import District
from baton.projects.models import Project

IMPORTED = dt.datetime(2019, 6, 28, 10, 0)
ACTED = dt.date(2019, 12, 27)

# code, name, town, centre (lon, lat), 亩 (geometry), declared 亩, use, directions, status,
# 容积率, 参考价格 (万元/亩), turn (degrees), aspect
PARCELS = [
    (
        "XA-2019-M01",
        "火炬翔安产业区一期A地块",
        "新店街道",
        (118.2405, 24.6175),
        120,
        "120",
        "M1",
        "电子信息、半导体与集成电路",
        "可供",
        "1.5-3.0",
        "36",
        12,
        1.4,
    ),
    (
        "XA-2019-M02",
        "火炬翔安产业区一期B地块",
        "新店街道",
        (118.2475, 24.6125),
        80,
        "80",
        "M1",
        "电子信息、新材料",
        "可供",
        "1.5-3.0",
        "36",
        12,
        1.2,
    ),
    (
        "XA-2019-M03",
        "火炬翔安产业区二期地块",
        "新店街道",
        (118.2545, 24.6235),
        200,
        "200",
        "M2",
        "半导体与集成电路、新能源",
        "可供",
        "1.2-2.5",
        "32",
        8,
        1.6,
    ),
    (
        "XA-2019-M04",
        "舫山北路东侧地块",
        "马巷街道",
        (118.2500, 24.6455),
        50,
        "50",
        "M1",
        "先进制造",
        "可供",
        "1.5-3.0",
        "30",
        -6,
        1.3,
    ),
    (
        "XA-2019-M05",
        "马巷工业集中区地块",
        "马巷街道",
        (118.2625, 24.6550),
        80,
        "80",
        "M2",
        "先进制造、新材料",
        "可供",
        "1.2-2.5",
        "28",
        20,
        1.5,
    ),
    (
        "XA-2019-M06",
        "滨海西大道北侧地块",
        "马巷街道",
        (118.2365, 24.6610),
        30,
        "33.5",
        "M1",
        "生物医药",
        "可供",
        "1.5-3.0",
        "30",
        -15,
        1.1,
    ),
    (
        "XA-2019-M07",
        "新圩工业区北地块",
        "新圩镇",
        (118.2760, 24.7160),
        350,
        "350",
        "M2",
        "新能源、先进制造",
        "可供",
        "1.0-2.0",
        "22",
        5,
        1.7,
    ),
    (
        "XA-2019-M08",
        "新圩工业区南地块",
        "新圩镇",
        (118.2705, 24.7030),
        120,
        "120",
        "M1",
        "新能源",
        "可供",
        "1.2-2.5",
        "24",
        5,
        1.3,
    ),
    (
        "XA-2019-M09",
        "新圩金柄片区储备地块",
        "新圩镇",
        (118.2890, 24.7280),
        200,
        "200",
        "M",
        "",
        "储备",
        "",
        "",
        -10,
        1.4,
    ),
    (
        "XA-2019-W01",
        "内厝物流园地块",
        "内厝镇",
        (118.3185, 24.6720),
        80,
        "80",
        "W1",
        "现代物流",
        "可供",
        "0.8-1.5",
        "20",
        25,
        1.6,
    ),
    (
        "XA-2019-M10",
        "内厝工业区地块",
        "内厝镇",
        (118.3100, 24.6850),
        50,
        "50",
        "M1",
        "航空航天、先进制造",
        "可供",
        "1.2-2.5",
        "22",
        25,
        1.2,
    ),
    (
        "XA-2019-B01",
        "南部新城商务地块",
        "新店街道",
        (118.2920, 24.6060),
        30,
        "30",
        "B2",
        "总部经济、金融服务",
        "可供",
        "2.5-4.5",
        "260",
        0,
        1.0,
    ),
    (
        "XA-2019-A01",
        "南部新城科研地块",
        "新店街道",
        (118.2815, 24.6125),
        50,
        "50",
        "A35",
        "数字经济、生物医药",
        "可供",
        "1.5-3.0",
        "45",
        0,
        1.3,
    ),
    (
        "XA-2019-W02",
        "空港物流园一期地块",
        "大嶝街道",
        (118.3400, 24.5520),
        120,
        "120",
        "W1",
        "现代物流、航空航天",
        "储备",
        "",
        "",
        30,
        1.5,
    ),
    (
        "XA-2019-W03",
        "空港物流园二期地块",
        "大嶝街道",
        (118.3530, 24.5545),
        200,
        "200",
        "W2",
        "现代物流",
        "储备",
        "",
        "",
        30,
        1.5,
    ),
    (
        "XA-2019-M11",
        "新店洪前地块",
        "新店街道",
        (118.2240, 24.5930),
        30,
        "30",
        "M1",
        "电子信息",
        "可供",
        "1.5-3.0",
        "34",
        -20,
        1.2,
    ),
    (
        "XA-2019-M12",
        "马巷后村地块",
        "马巷街道",
        (118.2700, 24.6690),
        120,
        "120",
        "M1",
        "生物医药、新材料",
        "可供",
        "1.5-3.0",
        "30",
        15,
        1.4,
    ),
]

# code, name, kind, town, (lon, lat), parcel, 建筑面积, 标准层, 层数, 层高, 空置, 租金, 产权单位, 方向
BUILDINGS = [
    (
        "XA-ZT-01",
        "火炬翔安产业区标准厂房A栋",
        "标准厂房",
        "新店街道",
        (118.2440, 24.6270),
        "",
        24000,
        4000,
        6,
        "5.4",
        6500,
        "18",
        "翔安区产业园区开发运营公司",
        "电子信息、先进制造",
    ),
    (
        "XA-ZT-02",
        "火炬翔安产业区标准厂房B栋",
        "标准厂房",
        "新店街道",
        (118.2462, 24.6282),
        "",
        24000,
        4000,
        6,
        "5.4",
        0,
        "18",
        "翔安区产业园区开发运营公司",
        "电子信息",
    ),
    (
        "XA-ZT-03",
        "翔安创新创业园研发楼",
        "研发办公楼",
        "新店街道",
        (118.2600, 24.6120),
        "",
        32000,
        1800,
        18,
        "4.2",
        9800,
        "35",
        "翔安区产业园区开发运营公司",
        "数字经济、生物医药",
    ),
    (
        "XA-ZT-04",
        "马巷工业集中区标准厂房",
        "标准厂房",
        "马巷街道",
        (118.2575, 24.6500),
        "",
        18000,
        3000,
        5,
        "6.0",
        4200,
        "16",
        "马巷街道集体资产公司",
        "先进制造、新材料",
    ),
    (
        "XA-ZT-05",
        "内厝冷链仓储库",
        "仓储物流库",
        "内厝镇",
        (118.3230, 24.6660),
        "",
        15000,
        7500,
        2,
        "9.0",
        7500,
        "22",
        "翔安区物流产业发展公司",
        "现代物流",
    ),
    (
        "XA-ZT-06",
        "新圩众创空间",
        "孵化器/众创空间",
        "新圩镇",
        (118.2820, 24.7100),
        "",
        6000,
        1200,
        5,
        "4.0",
        1500,
        "12",
        "新圩镇人民政府",
        "数字经济",
    ),
]

#: Parcels the district office reserves for the best-matching project in talks, and those
#: sold to a landed project of a fitting industry.
RESERVE = ("XA-2019-M01", "XA-2019-M05", "XA-2019-M08", "XA-2019-W01")
SELL = ("XA-2019-M03", "XA-2019-A01")


def rectangle(lon: float, lat: float, mu: float, turn: float, aspect: float) -> list:
    """Return a closed ring of ``mu`` 亩 centred on (lon, lat), turned by ``turn`` degrees."""
    area = mu * float(M2_PER_MU)
    width = math.sqrt(area * aspect)
    height = area / width
    metres_lon = 111_320 * math.cos(math.radians(lat))
    metres_lat = 110_574
    angle = math.radians(turn)
    ring = []
    for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1)):
        x, y = dx * width / 2, dy * height / 2
        x, y = x * math.cos(angle) - y * math.sin(angle), x * math.sin(angle) + y * math.cos(angle)
        ring.append([round(lon + x / metres_lon, 7), round(lat + y / metres_lat, 7)])
    return ring


def parcels_geojson() -> dict:
    """The land bureau's mid-2019 list of 翔安区's parcels, as a GeoJSON FeatureCollection."""
    features = []
    for code, name, town, (
        lon,
        lat,
    ), mu, declared, use, directions, status, far, price, turn, aspect in PARCELS:
        props = {
            "地块编号": code,
            "地块名称": name,
            "所属镇街": town,
            "用地性质": use,
            "面积（亩）": declared,
            "招商方向": directions,
            "供应状态": status,
            "容积率": far,
            "参考价格（万元/亩）": price,
        }
        if status == "可供":
            props["可供日期"] = "2019-07-01"
        features.append(
            {
                "type": "Feature",
                "properties": {k: v for k, v in props.items() if v},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [rectangle(lon, lat, mu, turn, aspect)],
                },
            }
        )
    for code, name, kind, town, (
        lon,
        lat,
    ), parcel, floor, standard, floors, height, vacant, rent, owner, directions in BUILDINGS:
        props = {
            "载体编号": code,
            "载体名称": name,
            "载体类型": kind,
            "所属镇街": town,
            "所在地块": parcel,
            "建筑面积（平方米）": floor,
            "标准层面积（平方米）": standard,
            "层数": floors,
            "层高（米）": height,
            "空置面积（平方米）": vacant,
            "租金（元/平方米·月）": rent,
            "产权单位": owner,
            "招商方向": directions,
        }
        features.append(
            {
                "type": "Feature",
                "properties": {k: v for k, v in props.items() if v not in ("", None)},
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _when(project: Project, day: dt.date, hour: int) -> dt.datetime:
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return max(at, project.updated_at + dt.timedelta(minutes=5))


def load_land(district: District) -> int:
    """Load 翔安区's parcels, buildings and reservations; do nothing if they are there."""
    if Parcel.objects.filter(district=district).exists():
        return 0
    data = json.dumps(parcels_geojson(), ensure_ascii=False).encode()
    at = timezone.make_aware(IMPORTED)
    result = parcel_import(data=data, district=district, at=at)
    if not result.ok:  # the demo's own data: a mistake here is a bug
        raise RuntimeError("; ".join(e.line() for e in result.errors))
    office = User.objects.filter(role=User.Role.DISTRICT_OFFICE, district=district).first()
    taken: set[int] = set()
    for index, code in enumerate(RESERVE):
        parcel = Parcel.objects.get(code=code)
        directions = set(parcel.industries.all())
        for match in projects_for(user=office, parcel=parcel, limit=20):
            project = match.project
            if project.pk in taken or project.review_state != "admitted" or match.holds:
                continue
            if project.industry not in directions:  # the story: land drawing its own industry
                continue
            taken.add(project.pk)
            services.parcel_reserve(
                parcel=parcel,
                project=project,
                actor=office,
                until=None,
                note="项目已进入实质性洽谈，按用地需求预留。",
                at=_when(project, ACTED, 9 + index),
            )
            break
    landed = Project.objects.filter(
        district=district, stage__code="landed", review_state="admitted"
    ).select_related("industry")
    for index, code in enumerate(SELL):
        parcel = Parcel.objects.get(code=code)
        directions = set(parcel.industries.all())
        fitting = [
            p for p in landed.order_by("code") if p.industry in directions and p.pk not in taken
        ]
        sized = [
            p
            for p in fitting
            if p.land_area_mu
            and abs(p.land_area_mu - parcel.area_mu) <= parcel.area_mu * Decimal("0.3")
        ]
        project = (sized or fitting or [None])[0]
        when = ACTED + dt.timedelta(days=1)
        if project is not None:
            taken.add(project.pk)
            services.parcel_reserve(
                parcel=parcel,
                project=project,
                actor=office,
                note="已签约项目用地。",
                at=_when(project, when, 9 + index),
            )
        services.parcel_set_status(
            parcel=parcel,
            status=Parcel.Status.SOLD,
            actor=office,
            on=when,
            reason="挂牌出让成交。",
            at=_when(project, when, 11 + index)
            if project
            else timezone.make_aware(dt.datetime.combine(when, dt.time(11))),
        )
    return Parcel.objects.filter(district=district).count()
