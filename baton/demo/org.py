"""The demo city: 厦门市, its six districts, 翔安区's units and leaders, and the unit
accounts the demo's history is written as."""

import csv
from pathlib import Path

from baton.accounts.models import User
from baton.org.models import City, District, Person, Unit

DATA = Path(__file__).resolve().parents[1] / "org" / "data"
XIANGAN = "350213"

XIANGAN_TOWNS = ["大嶝街道", "马巷街道", "新店街道", "新圩镇", "内厝镇"]
XIANGAN_DEPARTMENTS = [
    "区发展和改革局",
    "区工业和信息化局",
    "区商务局",
    "区科技局",
    "区文化和旅游局",
    "区住房和建设局",
    "区农业农村局",
    "区交通运输局",
    "区卫生健康局",
    "区教育局",
    "区市场监督管理局",
    "区财政局",
]
XIANGAN_HEADQUARTERS = [
    "新机场片区指挥部",
    "东部体育会展新城指挥部",
    "环东海域新城翔安片区指挥部",
    "翔安南部新城指挥部",
    "火炬翔安产业区管委会",
    "大嶝对台小额商品交易市场管委会",
]
XIANGAN_LEADERS = [
    ("林海峰", "区委书记"),
    ("陈志明", "区长"),
    ("黄建国", "常务副区长"),
    ("吴丽华", "副区长"),
    ("郑伟", "副区长"),
    ("王晓东", "区委常委、统战部部长"),
]
CITY_LEADERS = [("李国强", "副市长")]
#: 协调部门: outside the promotion team; problems are assigned to them, nothing else.
XIANGAN_COORDINATING = ["自然资源和规划局翔安分局", "生态环境局翔安分局", "国网翔安供电公司"]

# --- organisation ---------------------------------------------------------------------


def seed_org() -> dict:
    city, _ = City.objects.get_or_create(
        code="3502", defaults={"name": "厦门市", "short_name": "厦门"}
    )
    with (DATA / "xiamen_districts_areas.csv").open(encoding="utf-8") as f:
        districts = {
            row["code"]: District.objects.get_or_create(
                code=row["code"], defaults={"city": city, "name": row["name"]}
            )[0]
            for row in csv.DictReader(f)
        }
    with (DATA / "xiamen_streets.csv").open(encoding="utf-8") as f:
        streets = {row["name"]: row["code"] for row in csv.DictReader(f)}

    def unit(district, name, kind, order, division_code=""):
        return Unit.objects.get_or_create(
            district=district,
            name=name,
            defaults={"kind": kind, "order": order, "division_code": division_code},
        )[0]

    xa = districts[XIANGAN]
    units: dict[str, list[Unit]] = {"town": [], "department": [], "headquarters": []}
    order = 0
    for name in XIANGAN_TOWNS:
        order += 1
        units["town"].append(unit(xa, name, Unit.Kind.TOWN, order, streets.get(name, "")))
    for name in XIANGAN_DEPARTMENTS:
        order += 1
        units["department"].append(unit(xa, name, Unit.Kind.DEPARTMENT, order))
    for name in XIANGAN_HEADQUARTERS:
        order += 1
        units["headquarters"].append(unit(xa, name, Unit.Kind.HEADQUARTERS, order))
    group = unit(xa, "翔安区招商集团", Unit.Kind.GROUP, order + 1)
    office = unit(xa, "翔安区招商办", Unit.Kind.OFFICE, order + 2)
    coordinating = [
        unit(xa, name, Unit.Kind.COORDINATING, order + 3 + i)
        for i, name in enumerate(XIANGAN_COORDINATING)
    ]
    others = {}
    for code, district in districts.items():
        if code == XIANGAN:
            continue
        office_other = unit(district, f"{district.name}招商办", Unit.Kind.OFFICE, 99)
        towns = [
            unit(district, name, Unit.Kind.TOWN, i, street_code)
            for i, (name, street_code) in enumerate(
                [(n, c) for n, c in streets.items() if c.startswith(code)][:2], start=1
            )
        ]
        others[code] = (district, [office_other, *towns])
    leaders = [
        Person.objects.get_or_create(
            name=name,
            district=xa,
            defaults={
                "title": title,
                "level": Person.Level.DISTRICT_LEADER,
                "city": city,
                "rank": rank,  # the list is in the office's protocol order
            },
        )[0]
        for rank, (name, title) in enumerate(XIANGAN_LEADERS, start=1)
    ]
    city_leaders = [
        Person.objects.get_or_create(
            name=name,
            district=None,
            defaults={"title": title, "level": Person.Level.CITY_LEADER, "city": city},
        )[0]
        for name, title in CITY_LEADERS
    ]
    return {
        "city": city,
        "districts": districts,
        "xa": xa,
        "units": units,
        "group": group,
        "office": office,
        "coordinating": coordinating,
        "others": others,
        "leaders": leaders,
        "city_leaders": city_leaders,
    }


def unit_actors(org: dict) -> dict[int, User]:
    """Give every unit a working account to act as; they cannot log in (no password)."""
    actors = {}
    for unit_obj in Unit.objects.all():
        user, created = User.objects.get_or_create(
            username=f"unit{unit_obj.pk}",
            defaults={
                "role": User.Role.UNIT_STAFF,
                "unit": unit_obj,
                "first_name": f"{unit_obj.label}招商员",
            },
        )
        if created:
            user.set_unusable_password()
            user.save()
        actors[unit_obj.pk] = user
    return actors
