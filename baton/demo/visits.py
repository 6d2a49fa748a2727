"""The demo's 外出招商 and 来访接待: a few weeks of 翔安区's outbound trips and receptions,
written through the services.

Three 招商小分队 of three units go out to 深圳, 上海 and 苏州 with their members and, on two
trips, a district leader; they meet companies of the demo's 客商库 and one trip produces a
lead. Two trips have filed their 出访信息; one, back 20 days ago, has not — it waits in
the unit's 待办, overdue. Two receptions show visitors parcels and a building of the
demo's 招商地图; one links a project the district leader talked about (洽谈), so that it
counts among the leader's acts too.
"""

import contextlib
import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from baton.accounts.models import User
from baton.companies.models import Company
from baton.land.models import Building, Parcel
from baton.org.models import District, Person, Unit
from baton.projects.models import Project
from baton.visits import services
from baton.visits.models import Trip

from .builder import moment

#: (unit, group, destination, title, days ago it set out, days, members, companies,
#: with a leader, report filed)
TRIPS = (
    (
        "马巷街道",
        "招商一组",
        "深圳",
        "赴深圳拜访新能源企业",
        26,
        3,
        ("林海", "陈静"),
        2,
        True,
        False,
    ),
    ("新店街道", "招商二组", "上海", "赴上海对接集成电路企业", 18, 2, ("黄磊",), 2, False, True),
    (
        "区工业和信息化局",
        "",
        "苏州",
        "赴苏州考察先进制造产业园",
        9,
        2,
        ("吴敏", "郑涛"),
        1,
        True,
        True,
    ),
)
STAFF = {
    "林海": "马巷街道",
    "陈静": "马巷街道",
    "黄磊": "新店街道",
    "吴敏": "区工业和信息化局",
    "郑涛": "区工业和信息化局",
}


def _staff(district: District, units: dict[str, Unit]) -> dict[str, Person]:
    out = {}
    for name, unit_name in STAFF.items():
        unit = units.get(unit_name)
        if unit is None:
            continue
        out[name], _ = Person.objects.get_or_create(
            name=name,
            district=district,
            defaults={"title": "招商专员", "city": district.city, "unit": unit},
        )
    return out


def load_visits(district: District, today: dt.date | None = None) -> int:
    """Record the demo's trips and receptions in ``district`` once; return how many."""
    if Trip.objects.filter(district=district).exists():
        return 0
    today = today or timezone.localdate()
    units = {u.name: u for u in Unit.objects.filter(district=district)}
    people = _staff(district, units)
    leader = (
        Person.objects.filter(district=district, level=Person.Level.DISTRICT_LEADER)
        .order_by("rank", "pk")
        .first()
    )
    companies = list(
        Company.objects.filter(district=district, merged_into__isnull=True).order_by("-id")[:12]
    )
    made = 0
    for index, spec in enumerate(TRIPS):
        unit_name, group, where, title, ago, days, members, n_companies, led, filed = spec
        unit = units.get(unit_name)
        if unit is None:
            continue
        start = today - dt.timedelta(days=ago)
        end = start + dt.timedelta(days=days - 1)
        met = companies[index * 2 : index * 2 + n_companies]
        trip = services.trip_create(
            actor=None,
            district=district,
            unit=unit,
            group=group,
            title=title,
            start=start,
            end=end,
            destinations=where,
            members=[people[name] for name in members if name in people],
            leaders=[leader] if led and leader else [],
            companies=met,
            talks=f"与{'、'.join(c.name for c in met)}负责人座谈，介绍本区产业政策和载体资源。",
            at=moment(end, 18),
        )
        made += 1
        if filed:
            services.trip_report(
                trip=trip,
                actor=None,
                report=f"{where}之行拜访企业 {len(met)} 家，均表示有意来区考察，已建立对接联系。",
                at=moment(end + dt.timedelta(days=3), 10),
            )
        if index == 0 and met:
            # Refused when the company's project is already in the library.
            with contextlib.suppress(ValidationError):
                services.lead_produce(
                    record=trip,
                    actor=None,
                    company=met[0],
                    title="储能电池生产基地",
                    investment="80000",
                    industry_code="C3841",
                    at=moment(end + dt.timedelta(days=1), 9),
                )
    parcels = list(Parcel.objects.filter(district=district, status="available")[:3])
    buildings = list(Building.objects.filter(district=district)[:1])
    for index, (ago, visitors) in enumerate(((12, "投资部总监一行 3 人"), (4, "董事长一行 5 人"))):
        when = moment(today - dt.timedelta(days=ago), 17)
        # A project whose history ends before the reception: the leader's act on it is
        # dated on the reception's day, and a project's history only grows forward.
        project = (
            Project.objects.filter(district=district)
            .exclude(events__at__gte=when)
            .order_by("-id")
            .first()
        )
        company = companies[-1 - index] if len(companies) > index else None
        unit = units.get("马巷街道") or next(iter(units.values()), None)
        if company is None or unit is None:
            continue
        # The second, with a project the leader talked about, is the office's: the leader's
        # act is recorded by a person.
        office = User.objects.filter(role=User.Role.DISTRICT_OFFICE, district=district).first()
        by_office = bool(index and project and office)
        services.reception_create(
            actor=office if by_office else None,
            district=district,
            unit=unit,
            date=today - dt.timedelta(days=ago),
            visitors=f"{company.name} {visitors}",
            companies=[company],
            leaders=[leader] if leader else [],
            parcels=parcels[index : index + 2],
            buildings=buildings if index else [],
            projects=[project] if by_office else [],
            talks="参观拟供地块和标准厂房，座谈用地、用能和政策需求。",
            at=when,
        )
        made += 1
    return made
