"""The demo's organisation: its leaders come in the district's protocol order."""

import pytest

from baton.demo.org import XIANGAN_LEADERS, seed_org
from baton.org.models import LEADER_ORDER, Person


@pytest.mark.django_db
def test_the_demo_leaders_are_ranked_in_protocol_order():
    org = seed_org()
    leaders = Person.objects.filter(district=org["xa"]).order_by(*LEADER_ORDER)
    assert [p.name for p in leaders] == [name for name, _title in XIANGAN_LEADERS]
