"""The figures as of a date (per unit, from the events) and an agreement's progress
(leads whose source names the intermediary, projects it claims)."""

from decimal import Decimal

import pytest

from baton.companies import services as company_services
from baton.intermediaries import rewards, services
from baton.intermediaries.figures import figures
from baton.intermediaries.progress import progress
from baton.leads import services as lead_services
from baton.projects import services as project_services

from .helpers import day, load_reward_policy, moment, person, project, register

pytestmark = pytest.mark.django_db


def test_the_figures_count_each_month_as_of_its_date(w):
    load_reward_policy(w)
    agency = register(w)
    mine = project(w)
    theirs = project(w, unit=w.other_town, actor=w.other_promoter)
    a = services.claim_file(
        actor=w.promoter, intermediary=agency, project=mine, account="甲", at=moment(20)
    )
    services.claim_file(
        actor=w.office, intermediary=agency, project=theirs, account="乙", at=moment(19)
    )
    services.claim_confirm(actor=w.office, claim=a, at=moment(10))
    from baton.policies.models import Clause

    clause = Clause.objects.get(policy__number__startswith="演示-中介奖励办法", number="第三条")
    reward = rewards.reward_apply(actor=w.office, project=mine, clause=clause, at=moment(9))
    rewards.reward_approve(actor=w.office, reward=reward, amount="95", at=moment(8))

    before = figures(district=w.district, since=day(30), as_of=day(15))
    assert before.active == 1
    assert before.by_unit[w.town.pk]["claims_filed"] == 1
    assert before.by_unit[w.other_town.pk]["claims_filed"] == 1
    assert before.total("projects_introduced") == 0
    now = figures(district=w.district, since=day(30), as_of=day(0))
    assert now.by_unit[w.town.pk] == {
        "claims_filed": 1, "projects_introduced": 1, "rewards_approved": 1, "rewards_paid": 0,
    }  # fmt: skip
    # A claim counts for the unit that held the project then, not the one that holds it now.
    project_services.project_handoff(
        project=theirs, to_unit=w.town, actor=w.office, reason="选址调整"
    )
    again = figures(district=w.district, since=day(30), as_of=day(0))
    assert again.by_unit[w.other_town.pk]["claims_filed"] == 1
    services.intermediary_revoke(actor=w.office, intermediary=agency, reason="协议到期")
    assert figures(district=w.district, since=day(30), as_of=day(0)).active == 0
    assert figures(district=w.district, since=day(30), as_of=day(1)).active == 1


def test_an_agreement_shows_its_progress(w):
    agency = register(w)
    agreement = services.agreement_sign(
        actor=w.office, intermediary=agency, start_on=day(90), end_on=day(0),
        target_leads=12, target_fixed_wan="40000",
    )  # fmt: skip
    company = company_services.company_create(
        actor=w.office, district=w.district, name="厦门新材料科技有限公司"
    )
    lead_services.lead_register(
        actor=w.promoter, company=company, title="新材料基地", source="intermediary",
        source_detail=agency.name, investment="100000", fixed_investment="80000", industry_code="C3841", confirmed=True,
    )  # fmt: skip
    services.claim_file(
        actor=w.promoter, intermediary=agency, project=project(w, fixed_investment="25000"),
        account="甲",
    )  # fmt: skip
    services.claim_file(actor=w.promoter, intermediary=person(w), project=project(w), account="乙")
    shown = progress(agreement)
    assert (shown.leads, shown.leads_target, shown.leads_percent) == (1, 12, 8)
    assert (shown.fixed_wan, shown.projects, shown.fixed_percent) == (Decimal("25000"), 1, 62)
