"""Synthetic libraries at the scales of DESIGN §9, for benchmarks and load tests.

``generate(scale=, seed=)`` builds cities, districts, units, leaders, accounts and a
project library whose histories span 2018–2025, with the skew real libraries have: a
few districts hold many projects, most projects sit in early stages, amounts have a
long tail, a few percent are returned or stopped, about six events a project.

Each project's history is first *planned* as the steps a user would take — create,
submit, review, move, hand off, change the amount, record milestones, add notes — and
then *written*. ``BulkWriter`` writes the rows the services would have written for
those steps (project, events, periods, milestones, co-units, code sequences) with
multi-row inserts (``COPY`` on PostgreSQL), each event's payload built by ``events``.
The tests write the same plans through the services too (``tests/helpers_generate.py``)
and compare row for row, and ``check_periods`` finds no difference after each scale.

Names are built so that no two projects of a city are possible duplicates
(``duplicate_candidates`` finds nothing), which is what lets the bulk writer know,
without running the fuzzy matcher, that every submission lists no duplicates:

- a project name is a two-character brand plus a product (at most six characters)
  plus 项目; brand characters never occur in products;
- a (brand, product) pair is used once per city; investors carry the pair too;
- no product contains another, and two products share too little to reach the
  matcher's threshold even under the same brand (checked when the module loads).
"""

import datetime as dt
import json
import random
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from rapidfuzz import fuzz

from baton.accounts.models import User
from baton.org.models import City, District, Person, Unit

from . import events as project_events
from .bulk import EVENT_COLUMNS, PERIOD_COLUMNS
from .duplicates import NAME_ALONE, NAME_WITH_INVESTOR, investor_key, name_key
from .events import Entry
from .models import (
    CodeSequence,
    Industry,
    Milestone,
    Project,
    ProjectEvent,
    ProjectPeriod,
    Stage,
)

UTC = dt.UTC
#: Histories run from START to END (UTC); nothing is generated after END.
START = dt.datetime(2018, 1, 1, tzinfo=UTC)
END = dt.datetime(2025, 12, 31, 8, tzinfo=UTC)
END_MINUTE = int((END - START).total_seconds() // 60)
LOCAL_OFFSET = 8 * 60  # Asia/Shanghai has no daylight saving time


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

# --- names -------------------------------------------------------------------------------

PRODUCTS = {
    "先进制造": ["智能装备", "精密模具", "工业机器人", "数控机床", "智能卫浴"],
    "电子信息": ["新型显示", "通信设备", "智能终端", "光电元件", "车载电子"],
    "半导体与集成电路": ["功率半导体", "晶圆封测", "芯片设计", "化合物衬底"],
    "新材料": ["复合材料", "石墨烯膜", "特种合金", "光学薄膜", "稀土功能材料"],
    "新能源": ["动力电池", "储能电站", "光伏组件", "氢能装备", "风电整机"],
    "生物医药": ["创新药", "医疗器械", "疫苗研发", "体外诊断", "中药饮片"],
    "航空航天": ["航空维修", "航材制造", "卫星应用", "通航运营"],
    "数字经济": ["数据中心", "软件园", "工业互联网", "人工智能"],
    "现代物流": ["冷链物流", "空港物流", "智慧仓储", "跨境电商"],
    "商贸服务": ["商业综合体", "汽车商贸城", "进口商品展销", "供应链管理"],
    "金融服务": ["金融科技", "融资租赁", "产业基金"],
    "文化旅游": ["滨海文旅", "民宿集群", "主题乐园", "影视基地"],
    "会展体育": ["会展中心", "体育公园", "电竞场馆"],
    "总部经济": ["区域总部", "结算中心", "研发总部"],
    "现代农业": ["农业示范园", "农产品加工", "种苗繁育"],
    "教育医疗": ["国际学校", "专科医院", "康养社区"],
    "城市建设": ["保障性住房", "城市更新", "片区开发"],
    "其他": ["综合开发", "配套服务"],
}
_PRODUCT_LIST = [(industry, p) for industry, ps in PRODUCTS.items() for p in ps]
_PRODUCT_CHARS = {c for _, p in _PRODUCT_LIST for c in p}
_BRAND_FIRST = [
    c
    for c in "华鹭翔海嘉同宇晶凯鼎宏博恒瑞金星明蓝启国永盛闽银德融远清弘联正万宝锦百卓九鑫思龙祥众泰建象紫立瀚普诚长友怡盈光君汇北欣晟安浦振雅美鸿达辉信名昌至丰耀泓鹏兆英"
    if c not in _PRODUCT_CHARS
]
_BRAND_SECOND = [
    c
    for c in "芯岛晟禾创航盛泰邦通源润丰川锐牧达和腾合禧桥程宸茂峰泽元鑫兴隆坤景阳铭轩昊森瑞悦朗骏豪钧晨策灏曜屹琪嵘钰熙"
    if c not in _PRODUCT_CHARS
]
INVESTOR_CITIES = [
    "厦门",
    "深圳",
    "上海",
    "北京",
    "杭州",
    "福州",
    "泉州",
    "广州",
    "苏州",
    "成都",
    "香港",
    "台北",
]
COMPANY_FORMS = ["科技有限公司", "集团有限公司", "股份有限公司", "实业有限公司", "发展有限公司"]
SOURCES = ["招商推介会", "以商引商", "中介机构推荐", "领导外出招商", "企业主动来访", "投洽会"]
NOTES = [
    "与投资方开展第二轮洽谈，就用地规模和建设周期初步达成一致。",
    "投资方实地考察拟选地块，对配套条件表示满意。",
    "已报送项目可行性研究报告，正在审核。",
    "区领导带队赴投资方总部对接，推动项目尽快签约。",
    "投资方提出人才公寓需求，已协调相关部门研究。",
    "项目用地规划条件已明确，等待土地招拍挂。",
    "电话回访投资方，项目按计划推进。",
]
RETURN_REASONS = [
    "投资方信息不完整，请补充投资方全称及统一社会信用代码。",
    "总投资额依据不足，请补充投资协议或项目建议书。",
    "项目进展情况描述不清，请补充最近一次洽谈记录。",
]
STOP_REASONS = ["投资方资金链紧张，项目中止", "选址不符合国土空间规划", "投资方转投其他城市"]
BACK_REASON = "投资方暂缓投资决策，退回意向阶段"
CONTACTS = ["张先生", "李女士", "王经理", "陈总", "林主任", "黄经理", "吴女士"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂华建国志海峰晓东立新红文斌宁"
PLACE_FIRST = (
    "安宁平清永泰长新东西南北嘉丰富兴华临庆昌盛宜德宣武汉阳江湖云山金石青白桃柳松梅龙凤翠宝玉"
)
PLACE_SECOND = "州阳城江山宁安川源河原兴德平湖口溪田林坪浦桥港岗洲塘"
DEPARTMENTS = [
    "发展和改革局",
    "工业和信息化局",
    "商务局",
    "科技局",
    "文化和旅游局",
    "住房和建设局",
    "农业农村局",
    "交通运输局",
    "卫生健康局",
    "市场监督管理局",
    "财政局",
    "自然资源局",
]
#: Province code prefixes; 35 (Fujian) is left out so a generated library never meets
#: the demo's real Xiamen codes in one database.
PROVINCES = [p for p in range(11, 66) if p != 35 and p % 10 <= 5 and p % 10 != 0]


def _check_products() -> None:
    products = [p for _, p in _PRODUCT_LIST]
    assert len(set(products)) == len(products)
    for p in products:
        assert 2 <= len(p) <= 6, p
    for p in products:
        for q in products:
            if p != q:
                assert p not in q, (p, q)
                # The same brand in front of both: the closest two names can be.
                assert fuzz.ratio("甲乙" + p, "甲乙" + q) < NAME_WITH_INVESTOR or (
                    fuzz.ratio("甲乙" + p, "甲乙" + q) < NAME_ALONE
                ), (p, q)
    for p in products:  # one shared brand character at most, any product
        assert fuzz.ratio("甲乙" + p, "甲丙" + p) < NAME_ALONE, p


_check_products()


def _place_names(rng: random.Random, n: int, suffixes: list[str]) -> list[str]:
    pool = [a + b for a in PLACE_FIRST for b in PLACE_SECOND if a != b]
    rng.shuffle(pool)
    if n > len(pool):  # the country has more districts than two characters can name
        extra = [
            a + b + c for a in PLACE_FIRST for b in PLACE_SECOND for c in PLACE_SECOND if b != c
        ]
        rng.shuffle(extra)
        pool += extra
    return [pool[i] + rng.choice(suffixes) for i in range(n)]


# --- organisation -----------------------------------------------------------------------


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
    rng = random.Random(f"baton-org/{seed}/{scale}")  # noqa: S311 — reproducible data, not secrets
    total = projects if projects is not None else scale.projects
    org = Org(cities=scale.cities)
    city_districts = _distribute(rng, scale.districts, scale.cities, 0.35)
    city_names = _place_names(rng, scale.cities, ["市"])
    district_names = _place_names(rng, scale.districts, ["区", "区", "区", "县"])
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
        towns = _place_names(rng, rng.randint(3, 12), ["镇", "街道", "街道", "乡"])
        heads = _place_names(rng, rng.randint(1, 6), ["片区指挥部", "产业园管委会", "新城指挥部"])
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


# --- plans ------------------------------------------------------------------------------


@dataclass
class Step:
    minute: int
    kind: str  # submit approve admit return move handoff amount milestone note
    arg: object = None
    reason: str = ""


@dataclass
class Plan:
    district: DistrictInfo
    unit: int
    name: str
    investor: str  # as created ('' until the project needs one)
    full_investor: str  # given when a stage requires it
    industry: int
    leader: int | None
    yuan: int
    stage: str
    created: int
    info_source: str
    land_area_mu: int | None
    contact_name: str
    contact_phone: str
    steps: list[Step]


_TIME_OF_DAY = [h * 60 + m for h in range(0, 11) for m in (0, 7, 15, 23, 30, 41, 45, 52)]


def _later(rng: random.Random, minute: int, lo: float, hi: float) -> int:
    """Return a working-hours minute ``lo``–``hi`` days after ``minute``."""
    day = (minute + LOCAL_OFFSET) // 1440 + max(0, int(rng.uniform(lo, hi)))
    candidate = day * 1440 - LOCAL_OFFSET + rng.choice(_TIME_OF_DAY)
    return candidate if candidate > minute else minute + rng.randint(5, 90)


def _amount(rng: random.Random) -> int:
    """Return an amount in 元 with a long tail: median about 1 亿元, a few above 100 亿元."""
    wan = min(5_000_000, max(50, rng.lognormvariate(9.1, 1.35)))
    if wan >= 10_000:
        wan = round(wan / 100) * 100
    elif wan >= 1_000:
        wan = round(wan / 10) * 10
    else:
        wan = round(wan)
    yuan = int(wan) * 10_000
    if rng.random() < 0.05:
        yuan += 5_000  # half a 万元: amounts are not always whole
    return yuan


def plan_district(
    info: DistrictInfo,
    seed: int,
    stages: dict[str, int],
    industries: dict[str, int],
    pairs: Iterator[tuple[int, int]],
) -> list[Plan]:
    """Plan the histories of one district's projects, in creation order."""
    rng = random.Random(f"baton-district/{seed}/{info.code}")  # noqa: S311 — reproducible data, not secrets
    units = info.units
    holders = (
        units.get("town", []) * 4
        + units.get("department", []) * 2
        + units.get("headquarters", []) * 3
        + units.get("group", []) * 3
        + units.get("office", [])
    )
    relay = units.get("headquarters", []) + units.get("group", [])
    plans = []
    span = END_MINUTE - 60 * 1440
    for _ in range(info.projects):
        # More projects in later years: the library grows.
        created = int(span * rng.random() ** 0.8)
        created = _later(rng, created, 0, 0)
        brand_i, product_i = next(pairs)
        brand = (
            _BRAND_FIRST[brand_i // len(_BRAND_SECOND)]
            + _BRAND_SECOND[brand_i % len(_BRAND_SECOND)]
        )
        industry, product = _PRODUCT_LIST[product_i]
        full_investor = f"{rng.choice(INVESTOR_CITIES)}{brand}{product}{rng.choice(COMPANY_FORMS)}"
        start = "planning" if rng.random() < 0.7 else "intent"
        yuan = _amount(rng)
        plan = Plan(
            district=info,
            unit=rng.choice(holders),
            name=f"{brand}{product}项目",
            investor=full_investor if start == "intent" and rng.random() < 0.5 else "",
            full_investor=full_investor,
            industry=industries[industry],
            leader=rng.choice(info.leaders) if yuan >= 500_000_000 else None,
            yuan=yuan,
            stage=start,
            created=created,
            info_source=rng.choice(SOURCES),
            land_area_mu=rng.choice([None, None, 30, 50, 80, 120, 200, 350]),
            contact_name=rng.choice(CONTACTS),
            contact_phone=f"1{rng.choice('35789')}{rng.randrange(10**8, 10**9)}",
            steps=[],
        )
        _plan_steps(rng, plan, relay)
        plans.append(plan)
    plans.sort(key=lambda p: p.created)
    return plans


def _plan_steps(rng: random.Random, plan: Plan, relay: list[int]) -> None:
    steps = plan.steps
    t = plan.created
    holder = plan.unit

    def add(kind, lo, hi, arg=None, reason=""):
        nonlocal t
        t = _later(rng, t, lo, hi)
        steps.append(Step(t, kind, arg, reason))

    def notes(k):
        for _ in range(k):
            add("note", 3, 60, rng.choice(NOTES))

    review = rng.random()
    if review < 0.06:  # a draft, still being written up
        notes(rng.randint(0, 2))
        _truncate(plan)
        return
    add("submit", 1, 45)
    if review < 0.13:  # returned; half of them come back and are admitted
        if plan.district.review_levels == 2 and rng.random() < 0.5:
            add("approve", 1, 15)
        add("return", 1, 20, reason=rng.choice(RETURN_REASONS))
        if review < 0.095:
            notes(rng.randint(0, 1))
            _truncate(plan)
            return
        add("submit", 5, 60)
    if review > 0.97:  # still under review
        if plan.district.review_levels == 2 and rng.random() < 0.5:
            add("approve", 1, 15)
        _truncate(plan)
        return
    if plan.district.review_levels == 2:
        add("approve", 1, 15)
    add("admit", 1, 20)
    fate = rng.random()
    ladder = ["planning", "intent", "negotiating", "landed"]
    goal = 0 if fate < 0.30 else 1 if fate < 0.58 else 2 if fate < 0.80 else 3
    stage = ladder.index(plan.stage)
    if rng.random() < 0.2:
        factor = rng.choice([0.6, 0.8, 1.2, 1.5, 2.0])
        amount = max(100_000, round(plan.yuan * factor / 100_000) * 100_000)
        if amount != plan.yuan:
            add("amount", 10, 200, amount, "投资方调整投资计划")
    notes(rng.randint(0, 1))
    while stage < goal:
        stage = min(goal, stage + (2 if rng.random() < 0.15 else 1))
        add("move", 20, 300, ladder[stage])
        if ladder[stage] == "negotiating":
            notes(rng.randint(0, 1))
            if relay and rng.random() < 0.25:
                holder = _handoff(rng, add, relay, holder, "talks")
        if stage == 2 and goal == 2 and rng.random() < 0.04:
            add("move", 30, 200, "intent", BACK_REASON)
            stage = 1
            break
    if ladder[stage] == "landed":
        if relay and rng.random() < 0.15:
            holder = _handoff(rng, add, relay, holder, "landing")
        for kind, p, lo, hi in (
            (Milestone.Kind.REGISTERED, 0.8, 10, 90),
            (Milestone.Kind.LAND_SUPPLIED, 0.6, 30, 200),
            (Milestone.Kind.STARTED, 0.8, 30, 200),
            (Milestone.Kind.IN_PRODUCTION, 0.6, 100, 500),
            (Milestone.Kind.AT_CAPACITY, 0.5, 100, 500),
        ):
            if rng.random() >= p:
                break
            add("milestone", lo, hi, kind)
    if rng.random() < 0.045:
        add("move", 30, 400, "stopped", rng.choice(STOP_REASONS))
    notes(rng.choice([0, 0, 0, 1, 1]))
    _truncate(plan)


def _handoff(rng: random.Random, add, relay: list[int], holder: int, role: str) -> int:
    to_unit = rng.choice(relay)
    if to_unit == holder:
        return holder
    add("handoff", 3, 60, (to_unit, role))
    return to_unit


def _truncate(plan: Plan) -> None:
    """Drop the steps that would fall after END: recent projects have not got far yet."""
    steps = plan.steps
    while steps and steps[-1].minute > END_MINUTE:
        steps.pop()


def _pairs(seed: int, city_code: str, need: int) -> Iterator[tuple[int, int]]:
    """Yield distinct (brand, product) index pairs for one city."""
    rng = random.Random(f"baton-names/{seed}/{city_code}")  # noqa: S311 — reproducible data, not secrets
    brands = len(_BRAND_FIRST) * len(_BRAND_SECOND)
    total = brands * len(_PRODUCT_LIST)
    if need > total:
        raise ValueError(f"a city can hold at most {total} generated projects")
    for k in rng.sample(range(total), need):
        yield divmod(k, len(_PRODUCT_LIST))


# --- the rows the services write --------------------------------------------------------


def _wan(yuan: int) -> str:
    """Return 元 as ``plain()`` prints the 万元 Decimal: 12000, 4999.5."""
    whole, rest = divmod(yuan, 10_000)
    return str(whole) if not rest else f"{whole}.{rest:04d}".rstrip("0")


def _local_date(minute: int) -> dt.date:
    return dt.date(2018, 1, 1) + dt.timedelta(days=(minute + LOCAL_OFFSET) // 1440)


@dataclass
class Rows:
    projects: list = field(default_factory=list)
    events: list = field(default_factory=list)
    periods: list = field(default_factory=list)
    milestones: list = field(default_factory=list)
    co_units: list = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.events)


PROJECT_COLUMNS = (
    "id", "code", "original_code", "name", "investor", "name_key", "investor_key", "district_id", "unit_id",
    "info_unit_id", "talks_unit_id", "landing_unit_id", "leader_id", "industry_id", "stage_id",
    "stage_entered_at", "review_state", "submitted_at", "admitted_at", "investment",
    "land_area_mu", "info_source", "progress", "issues_text", "contact_name", "contact_phone",
    "remarks", "version", "created_by_id", "created_at", "updated_at",
)  # fmt: skip
MILESTONE_COLUMNS = ("id", "project_id", "kind", "date", "note")
CO_UNIT_COLUMNS = ("id", "project_id", "unit_id")


def _handoff_reason(info: DistrictInfo, to_unit: int, role: str) -> str:
    name = info.unit_names[to_unit]
    if role == "talks":
        return f"项目进入实质洽谈，移交{name}牵头推进"
    return f"项目签约落地，移交{name}做好落地服务"


class BulkWriter:
    """Turn plans into the exact rows ``services`` would write, and insert them in bulk."""

    def __init__(self, stages: dict[str, int]):
        self.stages = stages
        self.stage_code = {pk: code for code, pk in stages.items()}
        self.vendor = connection.vendor
        self.ids = {
            model: self._max_id(model._meta.db_table)
            for model in (Project, ProjectEvent, ProjectPeriod, Milestone, Project.co_units.through)
        }
        self.sequences: dict[tuple[int, int], int] = {
            (s.district_id, s.year): s.last for s in CodeSequence.objects.all()
        }
        self.touched_sequences: set[tuple[int, int]] = set()
        now = timezone.now()
        self.recorded_text = (
            now.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
            if self.vendor == "sqlite"
            else now
        )
        self.rows = Rows()
        self.counts = defaultdict(int)
        self._time_cache: dict[int, object] = {}
        self.landed = stages["landed"]
        self.stopped = stages["stopped"]

    def _max_id(self, table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
            return cursor.fetchone()[0]

    def _next(self, model) -> int:
        self.ids[model] += 1
        return self.ids[model]

    def _time(self, minute: int | None):
        """Return a minute as the database adapter would write the aware datetime."""
        if minute is None:
            return None
        value = self._time_cache.get(minute)
        if value is None:
            moment = START + dt.timedelta(minutes=minute)
            if self.vendor == "sqlite":
                value = moment.replace(tzinfo=None).isoformat(" ")
            else:
                value = moment
            if len(self._time_cache) > 2_000_000:
                self._time_cache.clear()
            self._time_cache[minute] = value
        return value

    def write(self, plan: Plan) -> None:
        info = plan.district
        pid = self._next(Project)
        year = _local_date(plan.created).year
        key = (info.id, year)
        self.sequences[key] = self.sequences.get(key, 0) + 1
        self.touched_sequences.add(key)
        code = f"{info.code}-{year}-{self.sequences[key]:04d}"
        events = self.rows.events
        unit, stage, review = plan.unit, self.stages[plan.stage], "draft"
        yuan, investor = plan.yuan, plan.investor
        talks = landing = None
        co_units: list[int] = []
        version = 1
        stage_entered = plan.created
        submitted = admitted = None
        actor = info.unit_users
        mu = plan.land_area_mu
        period: list | None = None  # [id, event_id, state, valid_from minute]
        last = plan.created
        milestones: dict[str, str] = {}
        recorded = self.recorded_text
        t = self._time

        def event(entry, who, minute, opens=True):
            nonlocal period
            eid = self._next(ProjectEvent)
            kind, old, new, reason = entry
            events.append(
                (eid, pid, info.id, str(kind), who, t(minute), recorded,
                 json.dumps(old), json.dumps(new), reason)
            )  # fmt: skip
            if not opens:
                return
            state = (unit, stage, review, yuan)
            if period is not None:
                if period[2] == state:
                    return
                if period[3] == minute:
                    period[1], period[2] = eid, state
                    return
                self._close(period, pid, info.id, plan.industry, t(minute))
            period = [self._next(ProjectPeriod), eid, state, minute]

        snapshot = {
            "name": plan.name,
            "investor": investor,
            "investment": _wan(yuan),
            "industry": plan.industry,
            "leader": plan.leader,
            "land_area_mu": None if mu is None else str(mu),
            "info_source": plan.info_source,
            "progress": "",
            "issues_text": "",
            "contact_name": plan.contact_name,
            "contact_phone": plan.contact_phone,
            "remarks": "",
            "info_unit": unit,
            "talks_unit": None,
            "landing_unit": None,
            "co_units": [],
            "code": code,
            "district": info.id,
            "unit": unit,
            "stage": stage,
            "review_state": review,
        }
        # As ``events.created`` records it, from the plan (no Project is built here).
        event(Entry(ProjectEvent.Kind.CREATED, {}, snapshot), actor[unit], plan.created)
        for step in plan.steps:
            m, kind = step.minute, step.kind
            last = m
            if kind == "submit":
                old_state, review, submitted = review, "submitted", m
                version += 1
                event(project_events.submitted(old_state, []), actor[unit], m)
            elif kind == "approve":
                version += 1
                review = "district_approved"
                event(project_events.reviewed("submitted", review), info.office_user, m)
            elif kind == "admit":
                who = info.reviewer_user if review == "district_approved" else info.office_user
                old_state, review, admitted = review, "admitted", m
                version += 1
                event(project_events.reviewed(old_state, review), who, m)
            elif kind == "return":
                old_state, review = review, "returned"
                version += 1
                entry = project_events.reviewed(old_state, review, reason=step.reason)
                event(entry, info.office_user, m)
            elif kind == "amount":
                old, new = {"investment": _wan(yuan)}, {"investment": _wan(step.arg)}
                yuan = step.arg
                version += 1
                event(project_events.updated(old, new, step.reason), actor[unit], m)
            elif kind == "move":
                target = self.stages[step.arg]
                old, new = {}, {}
                if step.arg in ("negotiating", "landed") and not investor:
                    old["investor"], new["investor"] = investor, plan.full_investor
                    investor = plan.full_investor
                entry = project_events.moved(old, new, stage, target, step.reason)
                stage, stage_entered = target, m
                version += 1
                event(entry, actor[unit], m)
                if step.arg == "landed":
                    day = _local_date(m)
                    milestones["signed"] = day.isoformat()
                    entry = project_events.milestone(Milestone.Kind.SIGNED, None, day, "")
                    event(entry, actor[unit], m, opens=False)
            elif kind == "handoff":
                to_unit, role = step.arg
                old, new = {}, {}
                if role == "talks" and talks != to_unit:
                    old["talks_unit"], new["talks_unit"] = talks, to_unit
                    talks = to_unit
                elif role == "landing" and landing != to_unit:
                    old["landing_unit"], new["landing_unit"] = landing, to_unit
                    landing = to_unit
                after = sorted((set(co_units) | {unit}) - {to_unit})
                if after != co_units:
                    old["co_units"], new["co_units"] = co_units, after
                    co_units = after
                reason = _handoff_reason(info, to_unit, role)
                entry = project_events.handed_off(old, new, unit, to_unit, reason)
                from_unit, unit = unit, to_unit
                version += 1
                event(entry, actor[from_unit], m)
            elif kind == "milestone":
                day = _local_date(m)
                milestones[step.arg] = day.isoformat()
                entry = project_events.milestone(step.arg, None, day, "")
                event(entry, actor[unit], m, opens=False)
            elif kind == "note":
                event(project_events.noted(step.arg), actor[unit], m, opens=False)
            else:
                raise AssertionError(kind)
        self._close(period, pid, info.id, plan.industry, None)
        self.rows.projects.append(
            (pid, code, "", plan.name, investor, name_key(plan.name), investor_key(investor), info.id,
             unit, plan.unit, talks, landing, plan.leader, plan.industry, stage, t(stage_entered),
             review, t(submitted), t(admitted), yuan, None if mu is None else f"{mu}.00",
             plan.info_source, "", "", plan.contact_name, plan.contact_phone, "", version,
             actor[plan.unit], t(plan.created), t(last))
        )  # fmt: skip
        for kind, day in milestones.items():
            self.rows.milestones.append((self._next(Milestone), pid, kind, day, ""))
        for u in co_units:
            self.rows.co_units.append((self._next(Project.co_units.through), pid, u))
        self.counts["projects"] += 1

    def _close(self, period, pid, district, industry, valid_to) -> None:
        unit, stage, review, yuan = period[2]
        self.rows.periods.append(
            (period[0], pid, period[1], district, unit, stage, industry, review, yuan,
             self._time(period[3]), valid_to)
        )  # fmt: skip

    def flush(self) -> None:
        """Insert the buffered rows in one transaction."""
        rows = self.rows
        if not rows.projects:
            return
        periods = rows.periods
        with transaction.atomic():
            self._insert(Project._meta.db_table, PROJECT_COLUMNS, rows.projects)
            self._insert(ProjectEvent._meta.db_table, EVENT_COLUMNS, rows.events)
            self._insert(ProjectPeriod._meta.db_table, PERIOD_COLUMNS, periods)
            self._insert(Milestone._meta.db_table, MILESTONE_COLUMNS, rows.milestones)
            self._insert(Project.co_units.through._meta.db_table, CO_UNIT_COLUMNS, rows.co_units)
        self.counts["events"] += len(rows.events)
        self.counts["periods"] += len(periods)
        self.counts["milestones"] += len(rows.milestones)
        self.rows = Rows()

    def _insert(self, table: str, columns: tuple, rows: list) -> None:
        if not rows:
            return
        raw = connection.connection
        if self.vendor == "postgresql":
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            cursor = raw.cursor()
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)  # noqa: S608
            cursor.close()

    def finish(self) -> None:
        self.flush()
        with transaction.atomic():
            existing = {
                (s.district_id, s.year): s
                for s in CodeSequence.objects.select_for_update().filter(
                    district_id__in={d for d, _ in self.touched_sequences}
                )
            }
            new = []
            for key in sorted(self.touched_sequences):
                if key in existing:
                    existing[key].last = self.sequences[key]
                    existing[key].save(update_fields=["last"])
                else:
                    new.append(
                        CodeSequence(district_id=key[0], year=key[1], last=self.sequences[key])
                    )
            CodeSequence.objects.bulk_create(new, batch_size=2000)
            if self.vendor == "postgresql":
                models = [Project, ProjectEvent, ProjectPeriod, Milestone, Project.co_units.through]
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), models):
                        cursor.execute(sql)


# --- the whole run ----------------------------------------------------------------------


@dataclass
class GenerateResult:
    scale: str
    seed: int
    created: bool
    cities: int = 0
    districts: int = 0
    units: int = 0
    users: int = 0
    projects: int = 0
    events: int = 0
    periods: int = 0
    milestones: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        if not self.created:
            return f"规模 {self.scale}（种子 {self.seed}）的数据已存在，未重复生成。"
        return (
            f"已生成规模 {self.scale}（种子 {self.seed}）：{self.cities} 个市、{self.districts} 个区、"
            f"{self.units:,} 个单位、{self.users:,} 个账号、{self.projects:,} 个项目、"
            f"{self.events:,} 条动态、{self.periods:,} 个时段、{self.milestones:,} 个里程碑，"
            f"用时 {self.seconds:.1f} 秒。"
        )


def first_city_code() -> str:
    """Return the code of the first generated city: its presence means "already generated"."""
    return f"{PROVINCES[0]}01"


def plans(org: Org, seed: int) -> Iterator[Plan]:
    """Yield every district's plans, district by district, in creation order within each."""
    stages = dict(Stage.objects.values_list("code", "pk"))
    industries = dict(Industry.objects.values_list("name", "pk"))
    missing = set(PRODUCTS) - set(industries)
    if missing or not {"planning", "intent", "negotiating", "landed", "stopped"} <= set(stages):
        raise ValueError("生成数据需要默认的阶段和行业（见 projects 迁移 0002）。")
    by_city: dict[int, list[DistrictInfo]] = defaultdict(list)
    for info in org.districts:
        by_city[info.city_id].append(info)
    codes = dict(City.objects.filter(pk__in=by_city).values_list("pk", "code"))
    for city_id in sorted(by_city, key=codes.get):
        infos = by_city[city_id]
        pairs = _pairs(seed, codes[city_id], sum(i.projects for i in infos))
        for info in infos:
            yield from plan_district(info, seed, stages, industries, pairs)


def generate(
    *, scale: str, seed: int = 1, projects: int | None = None, batch: int = 150_000, progress=None
) -> GenerateResult:
    """Generate a library at ``scale``; do nothing if this scale and seed are there already.

    ``projects`` overrides the scale's project count (the tests use a few dozen).
    """
    started = time.monotonic()
    spec = SCALES[scale]
    result = GenerateResult(scale=scale, seed=seed, created=False)
    if City.objects.filter(code=first_city_code()).exists():
        return result
    with transaction.atomic():
        org = build_org(spec, seed, projects)
    writer = BulkWriter(dict(Stage.objects.values_list("code", "pk")))
    for plan in plans(org, seed):
        writer.write(plan)
        if len(writer.rows) >= batch:
            writer.flush()
            if progress:
                progress(writer.counts["projects"], time.monotonic() - started)
    writer.finish()
    if connection.vendor == "postgresql":
        # VACUUM sets the visibility map, without which no index-only scan is possible.
        with connection.cursor() as cursor:
            for model in (Project, ProjectEvent, ProjectPeriod, Milestone):
                if connection.in_atomic_block:
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
                else:
                    cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
            cursor.execute("ANALYZE")  # the new cities, districts, units and users too
    else:
        with connection.cursor() as cursor:
            # Full statistics (3 s at a province): with sampled ones SQLite may sort a
            # district's rows instead of walking its (district, updated_at) index.
            cursor.execute("PRAGMA analysis_limit=0")
            cursor.execute("ANALYZE")
    result.created = True
    result.cities, result.districts = org.cities, len(org.districts)
    result.units, result.users = org.units, org.users
    result.projects = writer.counts["projects"]
    result.events = writer.counts["events"]
    result.periods = writer.counts["periods"]
    result.milestones = writer.counts["milestones"]
    result.seconds = time.monotonic() - started
    return result
