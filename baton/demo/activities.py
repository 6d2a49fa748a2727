"""The demo's 招商活动: 翔安区's activity plan for this year and what was held.

The plan was entered by the district's deadline (12月5日 of last year), one item late (补报).
A 推介会 in 深圳 two months ago, with the district leader, invited three companies of the
demo's 客商库 and signed a project (意向) and a company's 意向; the 重大项目集中签约仪式 three
weeks ago signed the same project again, now a 合同 (an upgrade: not counted twice), and
two more projects; a 投洽会 participation cost more than its budget; one planned 推介会 was
not held. Written through the services, as the district office.
"""

import datetime as dt

from django.db.models import Max
from django.utils import timezone

from baton.accounts.models import User
from baton.activities import services
from baton.activities.models import Activity
from baton.companies.models import Company
from baton.org.models import District, Person, Unit
from baton.projects.models import Project

from .builder import moment

#: (unit, kind, title, month offset from today, budget, late)
PLAN = (
    ("马巷街道", "promotion", "深圳新能源产业推介会", -2, "30", False),
    ("", "signing", "翔安区重大项目集中签约仪式", -1, "50", False),
    ("新店街道", "fair", "中国国际投资贸易洽谈会（厦洽会）参展", 0, "40", True),
    ("新店街道", "promotion", "上海集成电路产业推介会", 1, "25", False),
)


def _month(today: dt.date, offset: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 + offset
    return index // 12, index % 12 + 1


def load_activities(district: District, today: dt.date | None = None) -> int:
    """Record the demo's plan and activities in ``district`` once; return the activities."""
    if Activity.objects.filter(district=district).exists():
        return 0
    today = today or timezone.localdate()
    office = User.objects.filter(role=User.Role.DISTRICT_OFFICE, district=district).first()
    units = {u.name: u for u in Unit.objects.filter(district=district, is_active=True)}
    office_unit = Unit.objects.filter(district=district, kind=Unit.Kind.OFFICE).first()
    if office is None or office_unit is None:
        return 0
    leader = (
        Person.objects.filter(district=district, level=Person.Level.DISTRICT_LEADER)
        .order_by("rank", "pk")
        .first()
    )
    companies = list(
        Company.objects.filter(district=district, merged_into__isnull=True).order_by("id")[:4]
    )
    first_day = today - dt.timedelta(days=60)
    # Projects whose history ends before the 推介会: a signing is an event on the project,
    # and a project's history only grows forward.
    projects = list(
        Project.objects.filter(district=district)
        .annotate(last=Max("events__at"))
        .filter(last__lt=moment(first_day, 9))
        .order_by("-last", "-id")[:3]
    )
    items = {}
    for unit_name, kind, title, offset, budget, late in PLAN:
        year, month = _month(today, offset)
        if year != today.year:
            continue
        entered = dt.date(year - 1, 12, 8 if late else 1)
        items[title] = services.plan_item_add(
            actor=office, unit=units.get(unit_name, office_unit), year=year, kind=kind,
            title=title, month=month, budget=budget, at=moment(entered, 10),
        )  # fmt: skip
    made = []

    def held(title, kind, unit, days_ago, place, cost, **values):
        start = today - dt.timedelta(days=days_ago)
        a = services.activity_create(
            actor=office, unit=unit, kind=kind, title=title, organizer="翔安区人民政府",
            host="翔安区招商办", place=place, start_on=start, budget=values.pop("budget", "30"),
            cost=cost, plan_item=items.get(title), leaders=[leader] if leader else [],
            at=moment(start, 18), **values,
        )  # fmt: skip
        made.append(a)
        return a

    promo = held(
        "深圳新能源产业推介会", "promotion", units.get("马巷街道", office_unit), 60, "深圳",
        "27.6", companies=companies[:3], guests="深圳市新能源行业协会 会长\n宁德时代 投资总监",
    )  # fmt: skip
    ceremony = held(
        "翔安区重大项目集中签约仪式", "signing", office_unit, 21, "翔安区行政中心", "46",
        budget="50", companies=companies[:2],
    )  # fmt: skip
    year, month = _month(today, 0)
    if today.day > 10 and (year, month) == (today.year, today.month):
        held(
            "中国国际投资贸易洽谈会（厦洽会）参展", "fair", units.get("新店街道", office_unit),
            today.day - 8, "厦门国际会展中心", "52", budget="40",
        )  # fmt: skip

    def sign(activity, **values):
        at = moment(activity.start_on, 19)
        services.signing_add(activity=activity, actor=office, at=at, **values)

    if projects:
        sign(promo, project=projects[0], kind="intent", amount="30000")
        sign(ceremony, project=projects[0], kind="contract", amount="30000")
    for project in projects[1:]:
        sign(ceremony, project=project, kind="contract", amount="15000")
    if companies:
        sign(promo, company=companies[-1], kind="intent", amount="8000")
    return len(made)
