"""The generator's organisation: cities, districts, units, leaders and accounts, created
in bulk, and what the plans need to know of each district."""

import random
from collections import defaultdict
from dataclasses import dataclass, field

from baton.accounts.models import User
from baton.org.models import City, District, Person, Unit

from .names import DEPARTMENTS, GIVEN, PROVINCES, SURNAMES, place_names


@dataclass(frozen=True)
class Scale:
    cities: int
    districts: int
    projects: int


SCALES = {
    "district": Scale(cities=1, districts=1, projects=600),
    "city": Scale(cities=1, districts=10, projects=8_000),
    "province": Scale(cities=12, districts=100, projects=200_000),
    "national": Scale(cities=333, districts=2_850, projects=2_000_000),
}


@dataclass
class DistrictInfo:
    id: int
    code: str
    city_id: int
    review_levels: int
    office_user: int
    reviewer_user: int
    units: dict[str, list[int]]  # kind → unit ids
    unit_users: dict[int, int]
    unit_names: dict[int, str]
    leaders: list[int]
    projects: int


@dataclass
class Org:
    cities: int = 0
    districts: list[DistrictInfo] = field(default_factory=list)
    city_of: dict[int, int] = field(default_factory=dict)
    units: int = 0
    users: int = 0


def _distribute(rng: random.Random, total: int, n: int, sigma: float) -> list[int]:
    """Split ``total`` into ``n`` positive parts with lognormal skew, summing exactly."""
    weights = [rng.lognormvariate(0, sigma) for _ in range(n)]
    scale = total / sum(weights)
    parts = [max(1, int(w * scale)) for w in weights]
    order = sorted(range(n), key=lambda i: -(weights[i] * scale - int(weights[i] * scale)))
    i = 0
    while sum(parts) < total:
        parts[order[i % n]] += 1
        i += 1
    while sum(parts) > total:
        j = max(range(n), key=parts.__getitem__)
        parts[j] -= 1
    return parts


def build_org(scale: Scale, seed: int, projects: int | None = None) -> Org:
    """Create the cities, districts, units, leaders and accounts of a scale."""
    rng = random.Random(f"baton-org/{seed}/{scale}")
    total = projects if projects is not None else scale.projects
    org = Org(cities=scale.cities)
    city_districts = _distribute(rng, scale.districts, scale.cities, 0.35)
    city_names = place_names(rng, scale.cities, ["市"])
    district_names = place_names(rng, scale.districts, ["区", "区", "区", "县"])
    district_projects = _distribute(rng, total, scale.districts, 0.9)
    province_of = [PROVINCES[i * len(PROVINCES) // scale.cities] for i in range(scale.cities)]
    serial: dict[int, int] = defaultdict(int)
    cities = []
    for c in range(scale.cities):
        serial[province_of[c]] += 1
        code = f"{province_of[c]}{serial[province_of[c]]:02d}"
        cities.append(City(code=code, name=city_names[c], short_name=city_names[c][:-1]))
    City.objects.bulk_create(cities)
    districts, d = [], 0
    for city, n in zip(cities, city_districts, strict=True):
        for k in range(n):
            districts.append(
                District(
                    city=city,
                    code=f"{city.code}{k + 1:02d}",
                    name=district_names[d],
                    review_levels=1 if rng.random() < 0.2 else 2,
                )
            )
            d += 1
    District.objects.bulk_create(districts)
    units, people = [], []
    for district in districts:
        towns = place_names(rng, rng.randint(3, 12), ["镇", "街道", "街道", "乡"])
        heads = place_names(rng, rng.randint(1, 6), ["片区指挥部", "产业园管委会", "新城指挥部"])
        names = (
            [(t, Unit.Kind.TOWN) for t in dict.fromkeys(towns)]
            + [
                (f"{district.name[0]}{x}", Unit.Kind.DEPARTMENT)
                for x in rng.sample(DEPARTMENTS, rng.randint(6, 12))
            ]
            + [(h, Unit.Kind.HEADQUARTERS) for h in dict.fromkeys(heads)]
            + [
                (f"{district.name}招商集团", Unit.Kind.GROUP),
                (f"{district.name}招商办", Unit.Kind.OFFICE),
            ]
        )
        for order, (name, kind) in enumerate(names, start=1):
            units.append(Unit(district=district, name=name, kind=kind, order=order))
        for title in ("区委书记", "区长", "副区长"):
            people.append(
                Person(
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    title=title,
                    level=Person.Level.DISTRICT_LEADER,
                    city=district.city,
                    district=district,
                )
            )
    for city in cities:
        people.append(
            Person(
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                title="副市长",
                level=Person.Level.CITY_LEADER,
                city=city,
            )
        )
    Unit.objects.bulk_create(units, batch_size=2000)
    Person.objects.bulk_create(people, batch_size=2000)
    users = [
        User(
            username=f"g{c.code}_reviewer",
            role=User.Role.CITY_REVIEWER,
            city=c,
            first_name=f"{c.name}招商办",
        )
        for c in cities
    ]
    users += [
        User(
            username=f"g{d.code}_office",
            role=User.Role.DISTRICT_OFFICE,
            district=d,
            first_name=f"{d.name}招商办",
        )
        for d in districts
    ]
    users += [
        User(
            username=f"g{u.district.code}_u{u.order:02d}",
            role=User.Role.UNIT_STAFF,
            unit=u,
            first_name=f"{u.name}招商员",
        )
        for u in units
    ]
    leaders_by_district: dict[int, list[Person]] = defaultdict(list)
    city_leader: dict[int, Person] = {}
    for p in people:
        if p.district_id:
            leaders_by_district[p.district_id].append(p)
        else:
            city_leader[p.city_id] = p
    users += [
        User(
            username=f"g{d.code}_leader",
            role=User.Role.LEADER,
            district=d,
            person=leaders_by_district[d.pk][1],
            first_name=leaders_by_district[d.pk][1].name,
        )
        for d in districts
    ]
    for user in users:
        user.password = "!"  # unusable: generated accounts cannot log in  # noqa: S105
    User.objects.bulk_create(users, batch_size=2000)
    by_name = {u.username: u.pk for u in users}
    units_by_district: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    unit_users: dict[int, dict[int, int]] = defaultdict(dict)
    unit_names: dict[int, str] = {}
    for u in units:
        units_by_district[u.district_id][u.kind].append(u.pk)
        unit_users[u.district_id][u.pk] = by_name[f"g{u.district.code}_u{u.order:02d}"]
        unit_names[u.pk] = u.name
    for district, n in zip(districts, district_projects, strict=True):
        org.districts.append(
            DistrictInfo(
                id=district.pk,
                code=district.code,
                city_id=district.city_id,
                review_levels=district.review_levels,
                office_user=by_name[f"g{district.code}_office"],
                reviewer_user=by_name[f"g{district.city.code}_reviewer"],
                units=dict(units_by_district[district.pk]),
                unit_users=unit_users[district.pk],
                unit_names={pk: unit_names[pk] for pk in unit_users[district.pk]},
                leaders=[p.pk for p in leaders_by_district[district.pk]]
                + [city_leader[district.city_id].pk],
                projects=n,
            )
        )
    org.units, org.users = len(units), len(users)
    return org
