"""Companies and leads for the tests of leads."""

from baton.companies import services as companies
from baton.companies.tests.helpers import BYD, CATL

from .. import services


def company(w, name="宁德时代新能源科技股份有限公司", uscc=CATL, **values):
    return companies.company_create(
        actor=w.office, district=w.district, name=name, uscc=uscc, **values
    )


def byd(w):
    return company(w, name="比亚迪股份有限公司", uscc=BYD)


def register(w, actor=None, comp=None, **values):
    values = {
        "title": "动力电池生产基地",
        "source": "referrer",
        "investment": "200000",
        "fixed_investment": "150000",
        "industry_code": "C3841",
        **values,
    }
    return services.lead_register(actor=actor or w.promoter, company=comp or company(w), **values)


POINTS = {
    "direction": "符合新能源产业方向",
    "market": "储能需求旺盛",
    "technology": "磷酸铁锂，技术成熟",
    "environment": "无重大环保制约",
    "energy": "年综合能耗约 2 万吨标煤",
    "benefit": "达产后年产值 50 亿元",
}
