"""This session's new write paths attacked by insiders, chains of two harmless steps.

Each test is one probe: a 协调部门's staff, a unit of another town, the office of another
district, a leader, the city reviewer or an administrator tries what they should not,
usually by joining two paths that are each allowed.
"""

import pytest

from baton.ledger.importer import ledger_import
from baton.ledger.mapping import Mapping
from baton.ledger.models import LedgerAlias
from baton.ledger.tests.helpers import row, xlsx
from baton.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def _new_row(**values) -> dict:
    return row(**{"项目编号": "", "入库状态": "草稿", **values})


# --- ledger mapping: a district's remembered words ------------------------------------------


def test_a_unit_s_mapping_does_not_rewrite_the_district_s_alias(w):
    """The office remembers 集成电路 → 半导体与集成电路 for 翔安区. A town's promoter
    imports its own row mapping 集成电路 to 新能源: its import may read it so, but the
    district's word stays the office's, and the office's next import reads it as before."""
    office_map = Mapping(targets={("industry", "集成电路"): "半导体与集成电路"})
    data = xlsx([_new_row(行业="集成电路", 项目名称="芯片封测项目")])
    assert ledger_import(data=data, actor=w.office, district=w.district, mapping=office_map).ok

    own = Mapping(targets={("industry", "集成电路"): "新能源"})
    mine = xlsx([_new_row(行业="集成电路", 项目名称="马巷芯片项目")])
    assert ledger_import(data=mine, actor=w.promoter, district=w.district, mapping=own).ok
    assert Project.objects.get(name="马巷芯片项目").industry.name == "新能源"

    alias = LedgerAlias.objects.get(district=w.district, column="industry", value="集成电路")
    assert (alias.target, alias.created_by) == ("半导体与集成电路", w.office)
    later = xlsx([_new_row(行业="集成电路", 项目名称="晶圆材料项目")])
    assert ledger_import(data=later, actor=w.office, district=w.district).ok
    assert Project.objects.get(name="晶圆材料项目").industry.name == "半导体与集成电路"


def test_a_unit_cannot_teach_the_district_a_unit_name_that_hands_it_projects(w):
    """马巷's promoter maps the unknown 责任单位 “新店片区” to itself in its own import.
    Were that remembered for 翔安区, the office's next ledger would put every 新店片区 row
    in 马巷's hands (and its scope) without asking."""
    own = Mapping(targets={("unit", "新店片区"): "马巷街道"})
    mine = xlsx([_new_row(责任单位="新店片区", 项目名称="马巷自报项目")])
    assert ledger_import(data=mine, actor=w.promoter, district=w.district, mapping=own).ok
    assert not LedgerAlias.objects.filter(district=w.district, column="unit").exists()

    office = xlsx([_new_row(责任单位="新店片区", 项目名称="新店片区仓储项目")])
    result = ledger_import(data=office, actor=w.office, district=w.district)
    assert not result.ok and result.unknown == {("unit", "新店片区"): 1}
    assert not Project.objects.filter(name="新店片区仓储项目").exists()


def test_an_office_s_mapping_is_not_remembered_for_another_district(w):
    """翔安's office maps a word in a ledger whose row says 同安区: the row is refused
    (not its district) and 同安区 learns nothing from 翔安's choice."""
    mapping = Mapping(targets={("industry", "集成电路"): "新能源"})
    data = xlsx([_new_row(所属区="350212", 责任单位="同安区招商办", 挂钩领导="", 行业="集成电路")])
    result = ledger_import(data=data, actor=w.office, district=w.district, mapping=mapping)
    assert not result.ok
    assert not LedgerAlias.objects.exists() and not Project.objects.exists()
