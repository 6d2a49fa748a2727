"""The demo's 产业链图谱: 翔安区's 新能源 and 半导体与集成电路 chains (the files of
``baton/chains/data``), with the investors of the district's projects in those
industries registered in 客商库 under their GB/T 4754 codes, so that nodes hold local
companies and projects, a chip designer (链主) has suppliers, and the rest are gaps."""

import json
from pathlib import Path

from baton.accounts.models import User
from baton.chains.exchange import chain_load
from baton.chains.models import Chain
from baton.chains.services import supplier_add
from baton.companies import services as company_services
from baton.companies.models import Company, Tag
from baton.org.models import District
from baton.projects.models import Project

DATA = Path(__file__).resolve().parent.parent / "chains" / "data"
FILES = ("new_energy.json", "semiconductor.json")

#: A demo project's product (names.PRODUCTS) → its investor's GB/T 4754 code.
PRODUCT_CODES = {
    "动力电池生产基地": "C3841",
    "储能系统研发制造": "C3849",
    "光伏组件生产线": "C3825",
    "功率半导体封测": "C3973",
    "化合物半导体外延片": "C3972",
    "集成电路设计中心": "I6520",
    "晶圆级封装": "C3973",
    "智能终端制造": "C3922",
}
#: The most investors the demo registers for the chains.
COUNT = 16


def _code(project: Project) -> str:
    return next((c for p, c in PRODUCT_CODES.items() if p in project.name), "")


def _place_companies(district: District, office: User) -> list[Company]:
    """Register (or code) the investors of the district's projects on the chains' nodes."""
    placed: dict[int, Company] = {}
    for project in Project.objects.filter(district=district).exclude(investor="").order_by("code"):
        code = _code(project)
        if not code or len(placed) >= COUNT:
            continue
        company = (
            Company.objects.filter(
                district=district, merged_into__isnull=True, uscc=project.investor_uscc
            )
            .exclude(uscc="")
            .first()
            or Company.objects.filter(
                district=district, merged_into__isnull=True, name=project.investor
            ).first()
        )
        if company is None:
            company = company_services.company_create(
                actor=office,
                district=district,
                confirmed=True,
                name=project.investor,
                uscc=project.investor_uscc,
                region=project.investor_region,
                industry_code=code,
            )
        elif not company.industry_code:
            company = company_services.company_update(
                company=company, actor=office, industry_code=code
            )
        placed.setdefault(company.pk, company)
    return list(placed.values())


def load_chains(district: District) -> int:
    """Load the two chains into ``district`` once; return how many were loaded."""
    if Chain.objects.filter(district=district).exists():
        return 0
    office = User.objects.filter(role=User.Role.DISTRICT_OFFICE, district=district).first()
    companies = _place_companies(district, office)
    loaded = 0
    for name in FILES:
        data = json.loads((DATA / name).read_text(encoding="utf-8"))
        loaded += len(chain_load(district=district, data=data, actor=office).created)
    # A fabless chip designer is the 链主: the foundries and packagers it buys from are
    # its 一级 suppliers, the makers of what they use its 二级.
    designers = [c for c in companies if c.industry_code == "I6520"]
    if designers:
        leader = designers[0]
        company_services.company_update(
            company=leader, actor=office, tags=[*leader.tags, Tag.CHAIN_LEADER]
        )
        chain = Chain.objects.get(district=district, name="半导体与集成电路")
        rows = [(c, "first", "封装测试") for c in companies if c.industry_code == "C3973"][:2]
        rows += [(c, "second", "晶圆制造") for c in companies if c.industry_code == "C3972"][:1]
        for supplier, tier, node in rows:
            supplier_add(
                chain=chain,
                actor=office,
                leader=leader,
                supplier=supplier,
                tier=tier,
                node=chain.nodes.get(name=node),
            )
    return loaded
