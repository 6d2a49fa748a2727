"""The demo: 厦门市 with its six districts, and 翔安区's project library over 2018–2019.

Everything is written through the services with back-dated times, so the history is
the same kind of history users make. The data are deterministic and chosen so that the
library as of 2019-08-31 is the one the 2019-09-08 厦门日报 report describes:

    119 projects, 1126.106 亿元; 策划 8 / 118.15; 意向 6 / 42.22; 在谈 70 / 409.88;
    落地 35 / 555.85.

Around those 119 are projects that must not count on that date — drafts, returned,
submitted but not yet admitted, admitted later, stopped (中止) — and projects that
moved on after it, so the figure proves the counting rules.
"""

import csv
import datetime as dt
import random
import secrets
import string
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from baton.accounts.models import User
from baton.accounts.services import enrolment_code_issue
from baton.assessment.demo import load_assessment_demo
from baton.land.demo import load_land
from baton.org.models import City, District, Person, Unit
from baton.projects import services
from baton.projects.models import Industry, Milestone, Project, Stage
from baton.supervision import services as supervision_services
from baton.supervision.models import LeaderAct, Problem

DATA = Path(__file__).resolve().parent / "org" / "data"
SEED = 20190908
CUTOFF = dt.date(2019, 8, 31)
XIANGAN = "350213"

#: Stage → (count, total 万元) of 翔安区's library as of 2019-08-31.
TARGETS = {
    "planning": (8, 1_181_520),
    "intent": (6, 422_210),
    "negotiating": (70, 4_098_810),
    "landed": (35, 5_558_520),
}

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

COMPANIES = [
    "华芯",
    "鹭岛",
    "天翔",
    "海晟",
    "嘉禾",
    "同创",
    "翔宇",
    "中科云",
    "晶元",
    "新航",
    "安芯",
    "凯盛",
    "鼎泰",
    "宏远",
    "博瑞",
    "恒通",
    "瑞昌",
    "金石",
    "星辰",
    "明德",
    "蓝海",
    "和瑞",
    "启明",
    "东方",
    "国泰",
    "永盛",
    "盛世",
    "华光",
    "闽台",
    "翔鹭",
    "海润",
    "银丰",
    "德邦",
    "融创",
    "远航",
    "清源",
    "弘信",
    "联芯",
    "正泰",
    "万达",
    "宝龙",
    "中远",
    "金桥",
    "宇通",
    "锦程",
    "海峡",
    "百川",
    "新锐",
    "卓越",
    "九牧",
    "鑫达",
    "思源",
    "天成",
    "汇丰",
    "龙腾",
    "祥和",
    "众合",
    "恒信",
    "泰禾",
    "建发",
    "国贸",
    "象屿",
    "路桥",
    "航发",
    "紫光",
    "东南",
    "立达",
    "瀚海",
    "普瑞",
    "康宁",
    "诚达",
    "长兴",
    "信达",
    "友谊",
    "怡宝",
    "盈科",
    "天虹",
    "光明",
    "嘉信",
    "通达",
    "华润",
    "君安",
    "汇通",
    "北辰",
    "南海",
    "瑞丰",
    "欣旺",
    "晟通",
    "宏发",
    "正源",
    "安泰",
    "华夏",
    "金鹭",
    "中核",
    "浦江",
    "振华",
    "广联",
    "国星",
    "永辉",
    "中旭",
    "雅康",
    "金科",
    "美亚",
    "鸿远",
    "恒安",
    "达利",
    "辉煌",
    "信和",
    "天健",
    "鼎盛",
    "华强",
    "星网",
    "名城",
    "昌隆",
    "海天",
    "新华",
    "恒力",
    "至诚",
    "瑞鹭",
    "丰泽",
    "嘉盛",
    "博纳",
    "耀华",
    "中鼎",
    "泓泰",
    "华宇",
    "金达",
    "鹏翔",
    "海源",
    "中兴",
    "海翼",
    "天马",
    "凯瑞",
    "宏信",
    "厦钨",
    "万翔",
    "鹭江",
    "同安",
    "金海",
    "凤翔",
    "华联",
    "港务",
    "润泽",
    "天利",
    "东方明珠",
    "中建",
    "信息港",
    "科华",
    "集芯",
    "英诺",
    "兆科",
    "思达",
    "云智",
]
PRODUCTS = {
    "新能源": ["动力电池生产基地", "储能系统研发制造", "光伏组件生产线", "氢能装备产业园"],
    "半导体与集成电路": ["功率半导体封测", "化合物半导体外延片", "集成电路设计中心", "晶圆级封装"],
    "生物医药": ["创新药研发及产业化", "医疗器械生产基地", "生物疫苗产业化", "体外诊断试剂"],
    "新材料": ["高性能复合材料", "石墨烯新材料", "特种合金材料", "光学膜材料"],
    "航空航天": ["航空维修基地", "航空物流园", "航空零部件制造", "通航运营中心"],
    "会展体育": ["体育会展综合体", "全民健身中心", "会展配套酒店", "电竞产业园"],
    "文化旅游": ["滨海文旅综合体", "民宿集群", "海洋主题乐园", "影视产业基地"],
    "现代物流": ["冷链物流园", "空港物流中心", "智慧仓储中心", "跨境电商物流园"],
    "数字经济": ["数据中心", "数字产业园", "软件研发中心", "工业互联网平台"],
    "总部经济": ["区域总部", "结算中心", "研发总部", "东南区域运营中心"],
    "商贸服务": ["商业综合体", "汽车商贸城", "进口商品展销中心", "供应链管理中心"],
    "先进制造": ["智能装备制造基地", "精密模具产业园", "机器人生产线", "高端卫浴智能制造"],
    "电子信息": ["新型显示模组", "5G通信设备", "智能终端制造", "光电元器件"],
    "现代农业": ["现代农业示范园", "农产品精深加工", "种苗繁育基地"],
    "教育医疗": ["国际学校", "专科医院", "康养中心"],
}
COMPANY_FORMS = ["科技有限公司", "集团有限公司", "股份有限公司", "实业有限公司", "发展有限公司"]
SOURCES = ["招商推介会", "以商引商", "中介机构推荐", "领导外出招商", "企业主动来访", "投洽会"]
NOTES = [
    "与投资方开展第二轮洽谈，就用地规模和建设周期初步达成一致。",
    "投资方实地考察拟选地块，对配套条件表示满意。",
    "已报送项目可行性研究报告，区发改局正在审核。",
    "区领导带队赴投资方总部对接，推动项目尽快签约。",
    "投资方提出人才公寓需求，已协调相关部门研究。",
    "项目用地规划条件已明确，等待土地招拍挂。",
]
RETURN_REASONS = [
    "投资方信息不完整，请补充投资方全称及统一社会信用代码。",
    "总投资额依据不足，请补充投资协议或项目建议书。",
]


@dataclass
class DemoResult:
    created: bool
    projects: int
    accounts: list[tuple[str, str, str, str]] = field(default_factory=list)


def _at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def random_password() -> str:
    """Return a strong random password: upper, lower, digits and a symbol, 14 characters."""
    rng = secrets.SystemRandom()
    chars = (
        [rng.choice(string.ascii_uppercase) for _ in range(4)]
        + [rng.choice(string.ascii_lowercase) for _ in range(5)]
        + [rng.choice(string.digits) for _ in range(4)]
        + [rng.choice("#%+-=@")]
    )
    rng.shuffle(chars)
    return "".join(chars)


# --- organisation ---------------------------------------------------------------------


def _org() -> dict:
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
            defaults={"title": title, "level": Person.Level.DISTRICT_LEADER, "city": city},
        )[0]
        for name, title in XIANGAN_LEADERS
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
        "others": others,
        "leaders": leaders,
        "city_leaders": city_leaders,
    }


def _actors(org: dict) -> dict[int, User]:
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


DEMO_ACCOUNTS = [
    # username, role, (area), name
    ("mx_promoter", User.Role.UNIT_STAFF, ("unit", "马巷街道"), "马巷街道招商员"),
    ("xd_promoter", User.Role.UNIT_STAFF, ("unit", "新店街道"), "新店街道招商员"),
    ("hq_promoter", User.Role.UNIT_STAFF, ("unit", "新机场片区指挥部"), "新机场片区指挥部招商员"),
    ("group_promoter", User.Role.UNIT_STAFF, ("unit", "翔安区招商集团"), "招商集团招商员"),
    ("xa_office", User.Role.DISTRICT_OFFICE, ("district", XIANGAN), "翔安区招商办"),
    ("xm_reviewer", User.Role.CITY_REVIEWER, ("city", "3502"), "厦门市招商办"),
    ("xa_leader", User.Role.LEADER, ("leader", "陈志明"), "陈志明区长"),
    ("sysadmin", User.Role.SYS_ADMIN, (None, None), "系统管理员"),
    ("secadmin", User.Role.SEC_ADMIN, (None, None), "安全管理员"),
    ("auditadmin", User.Role.AUDIT_ADMIN, (None, None), "审计管理员"),
]


def _config_group():
    """The system administrator's permissions: configuration, never business data."""
    group, created = Group.objects.get_or_create(name="系统配置")
    if created:
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=["org"], codename__regex=r"^(add|change|view)_"
            )
            | Permission.objects.filter(
                content_type__app_label="accounts",
                content_type__model="user",
                codename__regex=r"^(add|change|view)_",
            )
            | Permission.objects.filter(
                content_type__app_label="projects",
                content_type__model__in=["stage", "industry"],
                codename__regex=r"^(add|change|view)_",
            )
        )
    return group


def demo_accounts(*, reset_passwords: bool = True) -> list[tuple[str, str, str, str]]:
    """Create the demo accounts if needed and give each a new random password.

    Return (username, role, area, password) rows for printing.
    """
    rows = []
    for username, role, (area_kind, area_key), name in DEMO_ACCOUNTS:
        area: dict = {}
        if area_kind == "unit":
            area["unit"] = Unit.objects.get(district__code=XIANGAN, name=area_key)
        elif area_kind == "district":
            area["district"] = District.objects.get(code=area_key)
        elif area_kind == "city":
            area["city"] = City.objects.get(code=area_key)
        elif area_kind == "leader":
            person = Person.objects.get(name=area_key, district__code=XIANGAN)
            area.update(district=person.district, person=person)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "first_name": name, **area},
        )
        if role == User.Role.SYS_ADMIN and created:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.groups.add(_config_group())
        password = ""
        if created and not reset_passwords:
            user.set_unusable_password()
            user.save()
        if reset_passwords:
            password = random_password()
            validate_password(password, user)
            user.set_password(password)
            user.password_changed_at = timezone.now()
            user.save()
        where = user.unit or user.district or user.city or "—"
        rows.append((username, User.Role(role).label, str(where), password))
    return rows


def demo_enrolment_codes() -> list[tuple[str, str]]:
    """Give each demo administrator without a second factor a new enrolment code.

    Return (username, code) rows for printing: the first login enrols the TOTP device
    with it (the password alone does not).
    """
    admins = User.objects.filter(
        username__in=[
            name for name, role, _area, _name in DEMO_ACCOUNTS if role in User.ADMIN_ROLES
        ]
    ).exclude(pk__in=TOTPDevice.objects.filter(confirmed=True).values("user_id"))
    return [
        (user.username, enrolment_code_issue(user=user, actor=None))
        for user in admins.order_by("pk")
    ]


# --- projects ---------------------------------------------------------------------------


def _split(rng: random.Random, total: int, n: int) -> list[Decimal]:
    """Split ``total`` 万元 into ``n`` positive amounts with a long tail, summing exactly."""
    weights = [rng.paretovariate(1.2) for _ in range(n)]
    scale = sum(weights)
    amounts = [max(500, round(total * w / scale / 10) * 10) for w in weights]
    amounts[amounts.index(max(amounts))] += total - sum(amounts)
    result = [Decimal(a) for a in amounts]
    # A few amounts that are not whole 万元, in pairs so the total stays exact.
    for i in range(0, min(n - 1, 6), 2):
        result[i] += Decimal("0.5")
        result[i + 1] -= Decimal("0.5")
    assert sum(result) == total and min(result) > 0
    return result


class _Names:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.companies = COMPANIES[:]
        rng.shuffle(self.companies)

    def next(self, industry: str) -> tuple[str, str]:
        if not self.companies:
            used = set(COMPANIES)
            self.companies = [
                a + b
                for a in "中华新海金恒宏天鹭翔"
                for b in "瑞泰通达源盛科远信和"
                if a + b not in used
            ]
            self.rng.shuffle(self.companies)
        company = self.companies.pop()
        product = self.rng.choice(PRODUCTS[industry])
        city = self.rng.choice(["厦门", "厦门", "深圳", "上海", "福州", "泉州", "北京", "杭州"])
        investor = f"{city}{company}{self.rng.choice(COMPANY_FORMS)}"
        return f"{company}{product}项目", investor


def _dates(rng: random.Random, start: dt.date, end: dt.date, k: int) -> list[dt.date]:
    """Return ``k`` sorted, distinct-enough dates in [start, end]."""
    span = (end - start).days
    if span < k:
        raise ValueError("not enough days for the steps")
    offsets = sorted(rng.sample(range(1, span + 1), k))
    return [start + dt.timedelta(days=o) for o in offsets]


class _Builder:
    """Writes one project's history through the services, step by step in time."""

    def __init__(self, rng, org, actors, stages):
        self.rng, self.org, self.actors, self.stages = rng, org, actors, stages
        self.offices = {
            u.district_id: actors[u.pk] for u in Unit.objects.filter(kind=Unit.Kind.OFFICE)
        }
        self.reviewer = User.objects.filter(role=User.Role.CITY_REVIEWER).first()

    def actor(self, project):
        return self.actors[project.unit_id]

    def create(self, *, unit, name, investor, industry, amount, stage, day, leader=None):
        return services.project_create(
            actor=self.actors[unit.pk],
            district=unit.district,
            unit=unit,
            name=name,
            investor=investor if stage.code != "planning" else "",
            investment=amount,
            industry=industry,
            stage=stage,
            leader=leader,
            at=_at(day, 9),
            info_source=self.rng.choice(SOURCES),
            land_area_mu=Decimal(self.rng.choice([0, 30, 50, 80, 120, 200, 350])) or None,
            contact_name=self.rng.choice(["张先生", "李女士", "王经理", "陈总", "林主任"]),
            contact_phone=f"1{self.rng.choice('35789')}{self.rng.randrange(10**8, 10**9)}",
        )

    def submit(self, project, day):
        services.project_submit(project=project, actor=self.actor(project), at=_at(day, 10))

    def approve(self, project, day):
        services.project_review(
            project=project,
            actor=self.offices[project.district_id],
            approve=True,
            not_duplicate=True,
            at=_at(day, 15),
        )

    def admit(self, project, day):
        services.project_review(
            project=project,
            actor=self.reviewer,
            approve=True,
            not_duplicate=True,
            at=_at(day, 16),
        )

    def give_back(self, project, day):
        services.project_review(
            project=project,
            actor=self.offices[project.district_id],
            approve=False,
            reason=self.rng.choice(RETURN_REASONS),
            at=_at(day, 15),
        )

    def move(self, project, stage, day, investor, reason=""):
        fields = {}
        if "investor" in stage.required_fields and not project.investor:
            fields["investor"] = investor
        if "signed_on" in stage.required_fields:
            fields["signed_on"] = day
        services.project_move(
            project=project,
            stage=stage,
            actor=self.actor(project),
            reason=reason,
            fields=fields,
            at=_at(day, 11),
        )

    def amount(self, project, amount, day):
        services.project_update(
            project=project,
            actor=self.actor(project),
            changes={"investment": amount},
            reason="投资方调整投资计划",
            at=_at(day, 14),
        )

    def handoff(self, project, to_unit, day, role):
        reason = {
            "talks": f"项目进入实质洽谈，移交{to_unit.name}牵头推进",
            "landing": f"项目签约落地，移交{to_unit.name}做好落地服务",
        }[role]
        services.project_handoff(
            project=project,
            to_unit=to_unit,
            actor=self.actor(project),
            reason=reason,
            relay_role=role,
            keep_as_co_unit=True,
            at=_at(day, 17),
        )

    def note(self, project, day):
        services.note_add(
            project=project,
            actor=self.actor(project),
            text=self.rng.choice(NOTES),
            at=_at(day, 18),
        )

    def milestone(self, project, kind, day):
        services.milestone_record(
            project=project, kind=kind, date=day, actor=self.actor(project), at=_at(day, 19)
        )


def _ladder_path(stages: dict, start: str, end: str) -> list[Stage]:
    order = ["planning", "intent", "negotiating", "landed"]
    return [stages[code] for code in order[order.index(start) + 1 : order.index(end) + 1]]


def _counted_history(b: _Builder, project, investor, final_code, amount, created, after):
    """The history of a project in the library on CUTOFF at ``final_code`` with ``amount``."""
    rng, stages = b.rng, b.stages
    path = _ladder_path(stages, project.stage.code, final_code)
    handoff_to = None
    town_held = project.unit.kind == Unit.Kind.TOWN
    if final_code in ("negotiating", "landed") and town_held and rng.random() < 0.45:
        handoff_to = rng.choice([*b.org["units"]["headquarters"], b.org["group"]])
    steps = ["submit", "approve", "admit"]
    steps += ["amount"] if project.investment != amount else []
    for stage in path:
        steps.append(("move", stage))
        if stage.code == "negotiating" and handoff_to:
            steps.append(("handoff", handoff_to, "talks"))
    if final_code == "landed":
        steps += [("milestone", Milestone.Kind.REGISTERED)]
        if rng.random() < 0.55:
            steps += [("milestone", Milestone.Kind.LAND_SUPPLIED)]
            steps += [("milestone", Milestone.Kind.STARTED)] if rng.random() < 0.8 else []
    steps += ["note"] * rng.randint(0, 2)
    days = _dates(rng, created, CUTOFF - dt.timedelta(days=1), len(steps))
    _run(b, project, investor, steps, days, amount)
    _run(
        b,
        project,
        investor,
        after,
        _dates(rng, dt.date(2019, 9, 2), dt.date(2019, 12, 20), len(after)),
        None,
    )


def _run(b: _Builder, project, investor, steps, days, amount):
    for step, day in zip(steps, days, strict=True):
        name, *args = step if isinstance(step, tuple) else (step,)
        if name == "amount":
            b.amount(project, args[0] if args else amount, day)
        elif name == "move":
            b.move(project, args[0], day, investor, *args[1:])
        elif name == "handoff":
            b.handoff(project, args[0], day, args[1])
        elif name == "milestone":
            b.milestone(project, args[0], day)
        else:
            getattr(
                b,
                {
                    "approve": "approve",
                    "admit": "admit",
                    "submit": "submit",
                    "note": "note",
                    "return": "give_back",
                }[name],
            )(project, day)


@transaction.atomic
def load_demo() -> DemoResult:
    """Load the demo city and 翔安区's history; do nothing if it is there already."""
    org = _org()
    if Project.objects.filter(district=org["xa"]).exists():
        return DemoResult(created=False, projects=Project.objects.count())
    demo_accounts(reset_passwords=False)
    actors = _actors(org)
    rng = random.Random(SEED)
    stages = {s.code: s for s in Stage.objects.all()}
    industries = {i.name: i for i in Industry.objects.all()}
    b = _Builder(rng, org, actors, stages)
    names = _Names(rng)
    units = org["units"]
    holders = {
        "planning": units["town"] + units["department"] + [org["group"]],
        "intent": units["town"] + units["department"] + [org["group"]],
        "negotiating": units["town"] * 3
        + units["department"]
        + units["headquarters"] * 2
        + [org["group"]] * 2,
        "landed": units["town"] * 2
        + units["headquarters"] * 2
        + [org["group"]] * 2
        + units["department"],
    }

    plans = []
    for final_code, (count, total) in TARGETS.items():
        for amount in _split(rng, total, count):
            industry = rng.choice(list(PRODUCTS))
            start = "planning" if final_code == "planning" or rng.random() < 0.5 else "intent"
            if start == "intent" and final_code == "intent":
                start = rng.choice(["planning", "intent"])
            latest = dt.date(2019, 6, 30) if final_code != "planning" else dt.date(2019, 7, 20)
            created = dt.date(2018, 1, 8) + dt.timedelta(
                days=rng.randrange((latest - dt.date(2018, 1, 8)).days)
            )
            plans.append((created, final_code, amount, industry, start))
    plans.sort(key=lambda p: p[0])

    late_moves = {"negotiating": 6, "planning": 2, "intent": 2}
    stop_after = 1
    for created, final_code, amount, industry, start in plans:
        name, investor = names.next(industry)
        unit = rng.choice(holders[final_code])
        initial = (
            amount
            if rng.random() < 0.6
            else (amount * Decimal(rng.choice(["0.8", "1.25"]))).quantize(Decimal(10))
        )
        leader = rng.choice(org["leaders"]) if amount >= 100_000 else None
        project = b.create(
            unit=unit,
            name=name,
            investor=investor,
            industry=industries[industry],
            amount=initial,
            stage=stages[start],
            day=created,
            leader=leader,
        )
        after: list = []
        if late_moves.get(final_code):
            late_moves[final_code] -= 1
            nxt = _ladder_path(stages, final_code, "landed")[0]
            after = [("move", nxt), "note"]
            if nxt.code == "landed":
                after.append(("milestone", Milestone.Kind.REGISTERED))
        elif final_code == "negotiating" and stop_after:
            stop_after -= 1
            after = [("move", stages["stopped"], "投资方战略调整，暂停在厦投资计划")]
        elif rng.random() < 0.1:
            after = [("amount", (amount * Decimal("1.1")).quantize(Decimal(10)))]
        _counted_history(b, project, investor, final_code, amount, created, after)

    _extras(b, names, industries, stages, holders)
    _other_districts(b, names, industries, stages, org)
    _problems_and_leaders(b, org)
    load_assessment_demo(org["xa"])
    load_land(org["xa"])
    return DemoResult(created=True, projects=Project.objects.count())


def _extras(b, names, industries, stages, holders):
    """Projects of 翔安区 that must not count in the figures for CUTOFF."""
    rng = b.rng

    def new(final_start, day, unit=None, industry=None):
        industry = industry or rng.choice(list(PRODUCTS))
        name, investor = names.next(industry)
        unit = unit or rng.choice(holders["intent"])
        project = b.create(
            unit=unit,
            name=name,
            investor=investor,
            industry=industries[industry],
            amount=Decimal(rng.choice([8000, 15000, 30000, 52000, 120000])),
            stage=stages[final_start],
            day=day,
        )
        return project, investor

    # Drafts, still being written up.
    for day in (dt.date(2019, 8, 12), dt.date(2019, 8, 26), dt.date(2019, 11, 18)):
        new("planning", day)
    # Returned by the district office, waiting to be completed.
    for day in (dt.date(2019, 7, 3), dt.date(2019, 8, 5)):
        project, inv = new("intent", day)
        _run(
            b,
            project,
            inv,
            ["submit", "return"],
            [day + dt.timedelta(2), day + dt.timedelta(6)],
            None,
        )
    # Submitted before the cutoff, still under review on it.
    project, inv = new("intent", dt.date(2019, 8, 20))
    _run(b, project, inv, ["submit"], [dt.date(2019, 8, 22)], None)
    project, inv = new("planning", dt.date(2019, 8, 14))
    _run(b, project, inv, ["submit", "approve"], [dt.date(2019, 8, 16), dt.date(2019, 8, 27)], None)
    # Admitted only after the cutoff, though talks began long before.
    for day in (dt.date(2019, 5, 6), dt.date(2019, 7, 22), dt.date(2019, 8, 19)):
        project, inv = new("intent", day)
        steps = [("move", stages["negotiating"]), "submit", "approve", "admit"]
        days = [
            day + dt.timedelta(9),
            dt.date(2019, 8, 29),
            dt.date(2019, 9, 4),
            dt.date(2019, 9, 12),
        ]
        _run(b, project, inv, steps, days, None)
    # Admitted and then stopped (中止) before the cutoff.
    for day, reason in (
        (dt.date(2018, 6, 11), "投资方资金链紧张，项目中止"),
        (dt.date(2018, 11, 2), "选址不符合国土空间规划，项目中止"),
        (dt.date(2019, 2, 25), "投资方转投其他城市"),
    ):
        project, inv = new("intent", day)
        steps = [
            "submit",
            "approve",
            "admit",
            ("move", stages["negotiating"]),
            ("move", stages["stopped"], reason),
        ]
        _run(b, project, inv, steps, _dates(rng, day, dt.date(2019, 8, 20), len(steps)), None)
    # Possibly the same project as one already admitted, reported by another town.
    landed = (
        Project.objects.filter(
            district__code=XIANGAN, stage__code="negotiating", review_state="admitted"
        )
        .order_by("code")
        .first()
    )
    other_town = Unit.objects.get(district__code=XIANGAN, name="新店街道")
    if landed is not None and landed.unit_id != other_town.pk:
        dup = services.project_create(
            actor=b.actors[other_town.pk],
            district=landed.district,
            unit=other_town,
            name=landed.name.replace("项目", "（一期）项目"),
            investor=landed.investor,
            investment=landed.investment,
            industry=landed.industry,
            stage=stages["intent"],
            at=_at(dt.date(2019, 11, 25), 9),
        )
        b.submit(dup, dt.date(2019, 11, 26))


def _other_districts(b, names, industries, stages, org):
    """A small library for each other district, so the city's figures are the sum."""
    rng = b.rng
    for _code, (_district, district_units) in sorted(org["others"].items()):
        for _ in range(rng.randint(6, 12)):
            industry = rng.choice(list(PRODUCTS))
            name, investor = names.next(industry)
            unit = rng.choice(district_units)
            created = dt.date(2018, 3, 1) + dt.timedelta(days=rng.randrange(480))
            final = rng.choice(["planning", "intent", "negotiating", "negotiating", "landed"])
            amount = Decimal(rng.choice([5000, 12000, 26000, 48000, 90000, 150000, 300000]))
            project = b.create(
                unit=unit,
                name=name,
                investor=investor,
                industry=industries[industry],
                amount=amount,
                stage=stages["planning"],
                day=created,
            )
            steps = ["submit", "approve", "admit"]
            steps += [("move", s) for s in _ladder_path(stages, "planning", final)]
            end = min(created + dt.timedelta(days=300), dt.date(2019, 12, 20))
            _run(b, project, investor, steps, _dates(rng, created, end, len(steps)), None)


PROBLEMS = [
    # category, description, responsible unit, days to the deadline, outcome
    (
        Problem.Category.LAND,
        "二期用地指标尚未落实，需区自然资源部门协调调剂。",
        "区发展和改革局",
        20,
        None,
    ),
    (
        Problem.Category.APPROVAL,
        "环评批复迟迟未出，影响开工节点。",
        "区发展和改革局",
        15,
        "in_progress",
    ),
    (
        Problem.Category.INFRASTRUCTURE,
        "厂区外配套道路未贯通，供电线路需迁改。",
        "区住房和建设局",
        30,
        None,
    ),
    (
        Problem.Category.TALENT,
        "投资方提出人才公寓需求约 200 套。",
        "区工业和信息化局",
        25,
        "resolved",
    ),
    (Problem.Category.POLICY, "设备补助资金兑现进度慢。", "区财政局", 10, "resolved"),
]
LEADER_ACTS = [
    (LeaderAct.Kind.PROMOTE, "在深圳招商推介会上重点推介该项目。"),
    (LeaderAct.Kind.NEGOTIATE, "与投资方董事长面谈，敲定投资规模和建设周期。"),
    (LeaderAct.Kind.INSPECT, "带队赴投资方总部考察生产线。"),
    (LeaderAct.Kind.EVALUATE, "主持召开项目评估会，研究用地和配套方案。"),
    (LeaderAct.Kind.COORDINATE, "召集发改、资源规划、住建部门现场协调推进。"),
]


def _problems_and_leaders(b: _Builder, org: dict) -> None:
    """Obstacles, 督办 and leaders' own acts on 翔安's big projects, late in 2019."""
    rng = b.rng
    units = {u.name: u for u in Unit.objects.filter(district=org["xa"])}
    big = list(
        Project.objects.filter(
            district=org["xa"], review_state="admitted", stage__code__in=["negotiating", "landed"]
        ).order_by("-investment", "code")[:12]
    )
    office = b.offices[org["xa"].pk]
    day = dt.date(2019, 12, 21)
    for index, project in enumerate(big):
        at = _at(day, 9 + index % 8, index)
        leader = project.leader or org["leaders"][index % len(org["leaders"])]
        for kind, note in rng.sample(LEADER_ACTS, 2):
            supervision_services.leader_act_record(
                project=project,
                actor=office,
                leader=leader,
                kind=kind,
                note=note,
                at=at,
                date=dt.date(2019, rng.randint(3, 11), rng.randint(1, 28)),
            )
        if index >= len(PROBLEMS):
            continue
        category, text, unit_name, days, outcome = PROBLEMS[index]
        problem = supervision_services.problem_open(
            project=project,
            actor=b.actor(project),
            category=category,
            description=text,
            responsible_unit=units[unit_name],
            deadline=day + dt.timedelta(days=days),
            at=at,
        )
        if outcome == "in_progress":
            supervision_services.problem_update(
                problem=problem, actor=office, status=outcome, at=at
            )
        elif outcome == "resolved":
            supervision_services.problem_update(
                problem=problem,
                actor=office,
                status=outcome,
                note="已协调解决，投资方确认。",
                at=at,
            )
        else:
            supervision_services.supervision_issue(
                project=project,
                actor=office,
                leader=leader,
                problem=problem,
                at=at,
                instruction="请责任单位两周内拿出解决方案，报区招商办。",
                deadline=day + dt.timedelta(days=14),
            )
