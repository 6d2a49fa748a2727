"""The demo's 投资信息: about twenty leads of 翔安区's units for companies of the demo's
客商库, in the weeks before today, written through the services — some waiting for a
response (a few overdue), some followed, assessed, converted or dropped, one 撞车 waiting
for the office, one settled by its ruling, one kept as 储备, one idle long enough to be
reassigned.

Every step is dated: registration on its day, the response that afternoon, a note the
next day, the 研判 two days on, the feedback three and the conversion five — never on
or after the demo's today. A lead the library refuses (its company's project is already
在谈 or signed, alike in name or amount) is tried again at another amount.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from baton.accounts.models import User
from baton.companies.models import Company
from baton.leads import services
from baton.leads.matching import library_project
from baton.leads.models import ACTIVE, Lead, Status
from baton.org.models import District, Unit
from baton.projects.models import Industry, Project

from .builder import moment
from .names import PRODUCTS

#: A GB/T 4754 class for each of the demo's industries.
CODES = {
    "新能源": "C3841",
    "半导体与集成电路": "C3973",
    "生物医药": "C2710",
    "新材料": "C3985",
    "航空航天": "C3743",
    "会展体育": "R8920",
    "文化旅游": "R8750",
    "现代物流": "G5960",
    "数字经济": "I6450",
    "总部经济": "L7212",
    "商贸服务": "F5219",
    "先进制造": "C3421",
    "电子信息": "C3974",
    "现代农业": "C1371",
    "教育医疗": "Q8411",
}
POINTS = {
    "direction": "符合本区{industry}产业发展方向，与现有产业链配套",
    "market": "下游需求稳定增长，投资方已有意向订单",
    "technology": "工艺成熟，投资方拥有核心专利",
    "environment": "无重大环境制约，按规定开展环评",
    "energy": "能耗在全区控制指标内",
    "benefit": "达产后预计年产值 {output} 万元、税收 {tax} 万元",
}
#: Tried in turn when the library refuses a lead's amount as its project's.
SCALES = ("1", "0.4", "2.5", "0.15", "6")


@dataclass
class Spec:
    unit: str
    fate: str
    days_ago: int
    investment: int
    fixed: int | None
    source: str
    detail: str = ""
    kind: str = "new"
    #: Leads of the same ``pair`` are for one company (a 撞车).
    pair: str = ""


SPECS = [
    Spec("马巷街道", "converted", 48, 150000, 120000, "referrer", "市商务局推荐"),
    Spec("大嶝街道", "idle", 45, 12000, 9000, "activity", "2026 年文旅招商推介会"),
    Spec("新店街道", "assessed", 40, 80000, 60000, "visit", "企业来访", pair="a"),
    Spec("新机场片区指挥部", "feedback", 36, 60000, 45000, "resident", "驻深圳招商联络处"),
    Spec("翔安区招商集团", "converted", 34, 200000, 160000, "intermediary", "仲量联行"),
    Spec("区工业和信息化局", "assessed", 30, 90000, 70000, "news", "行业研究报告"),
    Spec("新圩镇", "rejected", 28, 15000, 12000, "referrer", "乡贤引荐"),
    Spec("内厝镇", "responded", 25, 30000, 24000, "visit"),
    Spec("区商务局", "responded", 21, 40000, 30000, "activity", "投洽会"),
    Spec("马巷街道", "reserve", 18, 8000, 5000, "other"),
    Spec("新店街道", "reserve", 15, 30000, 20000, "referrer", "校友会", kind="expansion"),
    Spec("翔安区招商集团", "registered", 14, 60000, 45000, "intermediary", "招商代理", pair="b"),
    Spec("区科技局", "dropped", 12, 70000, 50000, "intermediary", "医药产业基金"),
    Spec("火炬翔安产业区管委会", "assigned", 10, 65000, 50000, "visit", "企业来访", pair="b"),
    Spec("东部体育会展新城指挥部", "responded", 9, 20000, 16000, "activity", "体育产业招商会"),
    Spec("马巷街道", "registered", 6, 25000, 20000, "visit"),
    Spec("新机场片区指挥部", "registered", 5, 35000, 28000, "resident", "驻上海招商联络处"),
    Spec("区发展和改革局", "registered", 4, 120000, 90000, "news", "上市公司公告"),
    Spec("区工业和信息化局", "conflict", 3, 75000, 55000, "referrer", "商会引荐", pair="a"),
    Spec("大嶝街道", "registered", 2, 10000, None, "other"),
    Spec("区文化和旅游局", "registered", 1, 45000, 30000, "intermediary", "影视产业协会"),
]


def _promoter(unit: Unit) -> User:
    """The unit's demo account when it has one (mx_promoter…), else its working account."""
    users = User.objects.filter(role=User.Role.UNIT_STAFF, unit=unit, is_active=True)
    return users.exclude(username__startswith="unit").order_by("id").first() or users.first()


def _industry(company: Company) -> str:
    project = Project.objects.filter(investor=company.name).select_related("industry").first()
    if project is not None and project.industry and project.industry.name in PRODUCTS:
        return project.industry.name
    return "先进制造"


def _free(company: Company) -> bool:
    """No lead of the company is being worked on (a new one would collide)."""
    return not Lead.objects.filter(company=company, status__in=ACTIVE).exists()


#: How many leads of each industry have been titled: the next takes the next product.
_titled: dict[str, int] = {}


def _title(company: Company, industry: str) -> str:
    """A product of the company's industry its projects do not name, in turn."""
    taken = set(Project.objects.filter(investor=company.name).values_list("name", flat=True))
    products = PRODUCTS[industry]
    turn = _titled.get(industry, 0)
    _titled[industry] = turn + 1
    for step in range(len(products)):
        product = products[(turn + step) % len(products)]
        if not any(product in name for name in taken):
            return f"{product}{'二期' if turn >= len(products) else ''}项目"
    return f"{products[turn % len(products)]}二期项目"


def _register(spec: Spec, unit: Unit, company: Company, at: dt.datetime, index: int) -> Lead:
    industry = _industry(company)
    title = _title(company, industry)
    row = Industry.objects.filter(name=industry).first()
    for scale in map(Decimal, SCALES):
        investment = (spec.investment * scale).quantize(Decimal(10))
        if library_project(company, title, investment) is None:
            break
    else:
        raise ValidationError("该企业的项目已在谈或已签约。")
    fixed = (spec.fixed * scale).quantize(Decimal(10)) if spec.fixed else None
    output = (investment * Decimal("1.8")).quantize(Decimal(10))
    return services.lead_register(
        actor=_promoter(unit),
        company=company,
        at=at,
        title=title,
        source=spec.source,
        source_detail=spec.detail,
        summary=f"{company.name}拟在翔安区投资建设{title}，"
        f"计划总投资约 {investment / 10000:.1f} 亿元。",
        products=PRODUCTS[industry][index % len(PRODUCTS[industry])],
        industry_code=company.industry_code or CODES.get(industry, ""),
        industry=row.pk if row else None,
        kind=spec.kind,
        investment=str(investment),
        fixed_investment=str(fixed) if fixed else "",
        annual_output=str(output),
        annual_tax=str((output / 20).quantize(Decimal(1))),
        land_mu=str(max(Decimal(10), (investment / 1000).quantize(Decimal(1)))),
        coordination="用地指标、能耗指标" if investment >= 50000 else "",
    )


def _after(lead: Lead, days: int, hours: int, today: dt.date) -> dt.datetime:
    """A step ``days`` and ``hours`` after the lead's registration, before ``today``."""
    at = lead.reported_at + dt.timedelta(days=days, hours=hours)
    return min(at, moment(today - dt.timedelta(days=1), 18, days))


def _work(lead: Lead, spec: Spec, today: dt.date) -> None:
    actor = _promoter(lead.unit)
    fate = spec.fate
    if fate in ("responded", "assessed", "converted", "feedback", "dropped"):
        services.lead_respond(
            lead=lead, actor=actor, note="已指定专人对接投资方", at=_after(lead, 0, 4, today)
        )
        services.lead_note(
            lead=lead,
            actor=actor,
            text="与投资方负责人电话沟通，了解用地和配套需求",
            at=_after(lead, 1, 2, today),
        )
    if fate in ("assessed", "converted", "feedback", "dropped"):
        output = lead.annual_output or Decimal(0)
        industry = lead.industry.name if lead.industry else "主导"
        points = {
            key: text.format(industry=industry, output=f"{output:f}", tax=f"{output / 20:.0f}")
            for key, text in POINTS.items()
        }
        drop = fate == "dropped"
        services.lead_assess(
            lead=lead,
            actor=actor,
            points=points,
            conclusion="drop" if drop else "follow",
            note="投资方融资未落实，项目前景不明朗" if drop else "",
            at=_after(lead, 2, 3, today),
        )
    if fate in ("feedback", "converted"):
        services.lead_feedback(
            lead=lead,
            actor=actor,
            text="已向引荐方反馈研判意见和下一步安排",
            at=_after(lead, 3, 1, today),
        )
    if fate == "converted":
        services.lead_convert(
            lead=lead, actor=actor, stage="planning", at=_after(lead, 5, 2, today)
        )
    if fate == "rejected":
        services.lead_reject(
            lead=lead,
            actor=actor,
            reason="投资方仅作初步了解，暂无投资计划",
            at=_after(lead, 2, 5, today),
        )


def load_leads(district: District, today: dt.date | None = None) -> int:
    """Register the demo's leads in ``district`` once; return how many were registered."""
    if Lead.objects.filter(district=district).exists():
        return 0
    _titled.clear()
    today = today or timezone.localdate()
    office = User.objects.filter(role=User.Role.DISTRICT_OFFICE, district=district).first()
    units = {u.name: u for u in Unit.objects.filter(district=district)}
    companies = list(
        Company.objects.filter(district=district, merged_into__isnull=True).order_by("id")
    )
    pairs: dict[str, Company] = {}
    ruling = None
    made = 0
    for index, spec in enumerate(sorted(SPECS, key=lambda s: -s.days_ago)):
        unit = units.get(spec.unit)
        company = pairs.get(spec.pair) or next((c for c in companies if _free(c)), None)
        if unit is None or company is None:
            continue
        if spec.pair:
            pairs[spec.pair] = company
        if company in companies and not spec.pair:
            companies.remove(company)  # one company a lead, but for the pairs
            companies.append(company)
        at = moment(today - dt.timedelta(days=spec.days_ago), 9 + index % 8, 5 + index)
        try:
            lead = _register(spec, unit, company, at, index)
        except ValidationError:  # the library's project, or the unit's own twin
            continue
        made += 1
        if lead.status == Status.CONFLICT:
            if spec.fate == "assigned":
                ruling = lead
        else:
            _work(lead, spec, today)
    if ruling is not None and office is not None:
        services.lead_arbitrate(
            lead=ruling,
            actor=office,
            decision="assign",
            reason="管委会已与投资方签订保密协议，对接更深入，由其首谈",
            at=_after(ruling, 2, 0, today),
        )
    return made
