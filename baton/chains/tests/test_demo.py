"""The demo's chains: 新能源 and 半导体与集成电路 in 翔安区, companies on nodes, gaps."""

from baton.accounts.models import User
from baton.chains.models import Chain
from baton.chains.selectors import chain_map
from baton.demo.tests.snapshot import load_demo_once


def test_the_demo_ships_both_chains_with_companies_and_gaps(db):
    load_demo_once()
    office = User.objects.get(username="xa_office")
    chains = {c.name: c for c in Chain.objects.filter(district__code="350213")}
    assert set(chains) == {"新能源", "半导体与集成电路"}
    for chain in chains.values():
        m = chain_map(office, chain)
        placed = [v for v in m.nodes if v.companies]
        assert placed, chain.name
        assert any(v.projects for v in placed), chain.name
        assert m.gaps, chain.name
    energy = chain_map(office, chains["新能源"])
    assert "锂矿" in [v.node.name for v in energy.gaps]
    assert chains["半导体与集成电路"].suppliers.exists()
