"""Who sees and who edits a chain."""

from baton.chains import rules
from baton.testing import add_coordinating

from .helpers import battery_chain


def test_the_district_sees_its_chains_and_the_city_its_districts(w):
    xiangan, _ = battery_chain(w)
    tongan, _ = battery_chain(w, district=w.other_district)
    for user in (w.promoter, w.office, w.leader):
        assert list(rules.visible_chains(user)) == [xiangan]
    assert list(rules.visible_chains(w.tongan_office)) == [tongan]
    assert set(rules.visible_chains(w.reviewer)) == {xiangan, tongan}
    for admin in (w.sys_admin, w.sec_admin, w.audit_admin):
        assert not rules.visible_chains(admin).exists()


def test_a_coordinating_units_staff_see_none(w):
    battery_chain(w)
    add_coordinating(w)
    assert not rules.visible_chains(w.coordinator).exists()


def test_only_the_chains_district_office_edits_it(w):
    chain, _ = battery_chain(w)
    assert rules.can_edit(w.office, chain)
    assert not rules.can_edit(w.tongan_office, chain)
    for user in (w.promoter, w.leader, w.reviewer, w.sys_admin):
        assert not rules.can_edit(user, chain)
    assert rules.editable_district(w.office) == w.district
    assert rules.editable_district(w.promoter) is None
