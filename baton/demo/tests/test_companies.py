"""The demo's 客商库: investors of 翔安区's projects, each with its valid credit code."""

from baton.companies.models import Company, CompanyEvent
from baton.core.uscc import clean_uscc
from baton.demo import chains
from baton.demo.companies import COUNT
from baton.demo.tests.snapshot import load_demo_once
from baton.org.models import District
from baton.projects.models import Project


def test_the_demo_registers_investors_with_their_credit_codes(db):
    load_demo_once()
    xa = District.objects.get(name="翔安区")
    companies = list(Company.objects.filter(district=xa))
    # The chains' demo registers investors on its nodes too, or codes those already there.
    assert 0 < len(companies) <= COUNT + chains.COUNT
    for company in companies:
        assert clean_uscc(company.uscc) == company.uscc
        assert Project.objects.filter(investor=company.name, investor_uscc=company.uscc).exists()
        assert company.events.first().kind == CompanyEvent.Kind.CREATED
    assert not Company.objects.exclude(district=xa).exists()
