"""Texts and states for the tests of baton.news."""

from baton.companies.models import Company
from baton.leads.models import Lead, LeadEvent

from ..models import Article, Draft, DraftEvent

REPORT = (
    "2024-03-06 09:30 来源：厦门日报\n"
    "截至上月底，翔安区入库招商项目12个，投资总额56.5亿元。其中，在谈项目5个，总投资20亿元。\n"
    "3月5日，翔安区与厦门天马微电子有限公司签约，总投资一百二十亿元；"
    "宁德时代新能源科技股份有限公司拟投资8亿元建设储能基地。"
)
TIANMA = "厦门天马微电子有限公司"
CATL_NAME = "宁德时代新能源科技股份有限公司"


def news_state() -> dict:
    """Everything a news service may write, to compare before and after a refusal."""
    return {
        "articles": list(Article.objects.order_by("pk").values()),
        "drafts": list(Draft.objects.order_by("pk").values()),
        "events": DraftEvent.objects.count(),
        "companies": Company.objects.count(),
        "leads": list(Lead.objects.order_by("pk").values()),
        "lead_events": LeadEvent.objects.count(),
    }
