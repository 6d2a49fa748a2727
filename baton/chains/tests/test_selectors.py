"""A node's local companies (the code prefix rule), its projects, and the gaps."""

import pytest

from baton.chains.selectors import chain_map, under
from baton.testing import make_project

from .helpers import battery_chain, company


@pytest.mark.parametrize(
    ("company_code", "codes", "expected"),
    [
        ("C3841", ["C3841"], True),
        ("C3841", ["C384"], True),
        ("C3841", ["C38"], True),
        ("C3841", ["C"], True),
        ("C3841", ["C3849"], False),
        ("C3841", ["C39", "C384"], True),
        ("3841", ["C"], True),  # a code kept without its letter: the section's divisions
        ("3841", ["C38"], True),
        ("4420", ["C"], False),
        ("", ["C"], False),
        ("I6520", ["C"], False),
    ],
)
def test_it_places_a_code_under_a_node(company_code, codes, expected):
    assert under(company_code, codes) is expected


def test_it_finds_local_companies_and_gaps(w):
    chain, nodes = battery_chain(w)
    battery = company(w, "厦门某锂电池有限公司", "C3841")
    storage = company(w, "厦门某储能有限公司", "C3849")
    company(w, "厦门某软件有限公司", "I6513")
    company(w, "同安某电池有限公司", "C3841", district=w.other_district)

    m = chain_map(w.office, chain)

    def names(node):
        return sorted(c.name for c in m.get(nodes[node].pk).companies)

    assert names("动力电池") == sorted([battery.name, storage.name])
    assert names("储能电池") == [storage.name]
    assert sorted(v.node.name for v in m.gaps) == ["整车", "正极材料", "锂矿"]
    assert [label for _c, label, _tops in m.positions] == ["上游", "中游", "下游"]


def test_a_node_without_codes_holds_its_lower_nodes(w):
    chain, nodes = battery_chain(w)
    storage = company(w, "厦门某储能有限公司", "C3849")
    from baton.chains import services

    services.node_update(
        node=nodes["动力电池"], actor=w.office, name="动力电池", position="midstream", codes=""
    )
    m = chain_map(w.office, chain)
    assert [c.name for c in m.get(nodes["动力电池"].pk).companies] == [storage.name]


def test_it_lists_the_projects_of_a_nodes_companies(w):
    chain, nodes = battery_chain(w)
    from baton.companies.tests.helpers import CATL

    catl = company(w, "宁德时代（厦门）有限公司", "C3841", uscc=CATL)
    by_code = make_project(w, name="动力电池基地", investor="宁德时代", investor_uscc=CATL)
    by_name = make_project(w, name="电池回收", investor="宁德时代（厦门）有限公司")
    make_project(w, name="别家的项目", investor="某某公司")

    promoter = chain_map(w.promoter, chain).get(nodes["动力电池"].pk)
    assert catl.name in [c.name for c in promoter.companies]
    assert sorted(p.name for p in promoter.projects) == sorted([by_code.name, by_name.name])
    # Another town's promoter sees the companies but not the town's projects.
    other = chain_map(w.other_promoter, chain).get(nodes["动力电池"].pk)
    assert [c.name for c in other.companies] == [catl.name]
    assert other.projects == []


def test_it_lists_the_leads_on_a_node(w):
    from baton.leads import services as lead_services

    chain, nodes = battery_chain(w)
    battery = company(w, "厦门某锂电池有限公司", "C3841")
    uncoded = company(w, "厦门某新公司")

    def register(actor, firm, title, code=""):
        return lead_services.lead_register(
            actor=actor,
            company=firm,
            title=title,
            confirmed=True,
            source="referrer",
            investment="20000",
            industry_code=code,
        )

    by_company = register(w.promoter, battery, "动力电池二期")
    by_code = register(w.promoter, uncoded, "储能系统", "C3849")
    register(w.promoter, uncoded, "软件园", "I6513")

    m = chain_map(w.office, chain)
    assert [lead.pk for lead in m.get(nodes["动力电池"].pk).leads] == [by_code.pk, by_company.pk]
    assert [lead.pk for lead in m.get(nodes["储能电池"].pk).leads] == [by_code.pk]
    assert m.get(nodes["锂矿"].pk).leads == []
    # Another town's promoter does not see 马巷's leads.
    other = chain_map(w.other_promoter, chain)
    assert other.get(nodes["动力电池"].pk).leads == []
