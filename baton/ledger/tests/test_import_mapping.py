"""Values outside the catalogues: listed once with their count and refused, mapped once
(remembered for the district) or added (audited, by a role that may), and a ledger's
row without a code."""

from decimal import Decimal

from baton.audit.models import AuditRecord
from baton.ledger.importer import CATALOGUE_REFUSED, ledger_import
from baton.ledger.mapping import Mapping, parse_map
from baton.ledger.models import LedgerAlias
from baton.ledger.tasks import preview_data
from baton.projects.models import Industry, Project, ProjectEvent

from .helpers import dump, row, xlsx

CONFIG = AuditRecord.Event.CONFIG_CHANGED


def _row(**values) -> dict:
    """A new project's row as an office's own ledger has it: no code, a draft."""
    return row(**{"项目编号": "", "入库状态": "草稿", **values})


def _rows():
    return [
        _row(行业="集成电路", 项目名称="芯片封测项目"),
        _row(行业="集成电路", 项目名称="晶圆材料项目", 挂钩领导="陈区长"),
        _row(行业="高端装备", 项目名称="数控机床项目", 入库状态="待上报"),
    ]


def test_it_lists_each_unknown_value_once_with_its_count_and_writes_nothing(w):
    data = xlsx(_rows())
    before = dump()
    result = ledger_import(data=data, actor=w.office, district=w.district)
    assert not result.ok and dump() == before
    assert result.unknown == {
        ("industry", "集成电路"): 2,
        ("industry", "高端装备"): 1,
        ("leader", "陈区长"): 1,
    }
    assert "半导体与集成电路" in result.catalogue["industry"]
    assert result.catalogue["leader"] == ["陈立新"]
    # 待上报 is a built-in word for 草稿: not unknown.
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "行业"),
        (3, "挂钩领导"),
        (3, "行业"),
        (4, "行业"),
    ]
    shown = preview_data(result)["unknown"]
    assert [(u["column"], u["value"], u["count"]) for u in shown] == [
        ("行业", "集成电路", 2),
        ("行业", "高端装备", 1),
        ("挂钩领导", "陈区长", 1),
    ]


def test_a_mapping_imports_is_remembered_and_the_next_import_needs_none(w):
    data = xlsx(_rows())
    mapping = Mapping(
        targets={
            ("industry", "集成电路"): "半导体与集成电路",
            ("industry", "高端装备"): "先进制造",
            ("leader", "陈区长"): "陈立新",
        }
    )
    trial = ledger_import(
        data=data, actor=w.office, district=w.district, mapping=mapping, dry_run=True
    )
    assert trial.ok and not LedgerAlias.objects.exists()  # a dry run remembers nothing
    audits = AuditRecord.objects.filter(event=CONFIG).count()
    result = ledger_import(data=data, actor=w.office, district=w.district, mapping=mapping)
    assert result.ok, result.errors
    assert len(result.created) == 3
    chip = Project.objects.get(name="芯片封测项目")
    assert chip.industry.name == "半导体与集成电路"
    assert Project.objects.get(name="晶圆材料项目").leader == w.leader_person
    assert Project.objects.get(name="数控机床项目").review_state == "draft"
    # A blank 项目编号: the system's code, no 原编号.
    assert chip.code.startswith("350213-") and chip.original_code == ""
    aliases = {(a.column, a.value): a.target for a in LedgerAlias.objects.all()}
    assert aliases == mapping.targets
    assert LedgerAlias.objects.filter(district=w.district, created_by=w.office).count() == 3
    assert AuditRecord.objects.filter(event=CONFIG).count() == audits + 3
    # The same file again: no mapping asked for, nothing changes.
    before = dump()
    again = ledger_import(data=data, actor=w.office, district=w.district)
    assert again.ok and again.unknown == {}
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 3)
    assert dump() == before
    # Another district has no such alias.
    other = xlsx([_row(所属区="350212", 责任单位="", 挂钩领导="", 行业="集成电路")])
    assert ledger_import(data=other, district=w.other_district).unknown == {
        ("industry", "集成电路"): 1
    }


def test_add_missing_adds_the_industry_audited_with_the_import(w):
    data = xlsx([_row(行业="先进装备制造")])
    audits = AuditRecord.objects.filter(event=CONFIG).count()
    result = ledger_import(
        data=data, actor=w.office, district=w.district, mapping=Mapping(add={"industry"})
    )
    assert result.ok, result.errors
    industry = Industry.objects.get(name="先进装备制造")
    assert Project.objects.get().industry == industry
    assert industry.order > Industry.objects.exclude(pk=industry.pk).latest("order").order
    record = AuditRecord.objects.filter(event=CONFIG).latest("id")
    assert AuditRecord.objects.filter(event=CONFIG).count() == audits + 1
    assert record.user == w.office and "先进装备制造" in record.detail


def test_a_refused_import_adds_nothing_and_remembers_nothing(w):
    # The mapped and added values are good; another row is not (a negative amount).
    data = xlsx(
        [
            _row(行业="先进装备制造"),
            row(项目编号="X-2", 行业="集成电路", **{"总投资(万元)": -1}),
        ]
    )
    mapping = Mapping(targets={("industry", "集成电路"): "半导体与集成电路"}, add={"industry"})
    before = dump()
    audits = AuditRecord.objects.filter(event=CONFIG).count()
    result = ledger_import(data=data, actor=w.office, district=w.district, mapping=mapping)
    assert not result.ok
    assert dump() == before
    assert AuditRecord.objects.filter(event=CONFIG).count() == audits


def test_a_unit_may_map_but_not_add_to_the_catalogue(w):
    data = xlsx([_row(行业="先进装备制造")])
    before = dump()
    result = ledger_import(
        data=data, actor=w.promoter, district=w.district, mapping=Mapping(add={"industry"})
    )
    assert [e.reason for e in result.errors] == [CATALOGUE_REFUSED]
    assert dump() == before
    mapped = Mapping(targets={("industry", "先进装备制造"): "先进制造"})
    assert ledger_import(data=data, actor=w.promoter, district=w.district, mapping=mapped).ok


def test_a_mapping_to_a_value_outside_the_catalogue_is_an_error(w):
    data = xlsx([row(行业="集成电路")])
    mapping = Mapping(targets={("industry", "集成电路"): "芯片"})
    result = ledger_import(data=data, actor=w.office, district=w.district, mapping=mapping)
    assert [(e.column, e.reason) for e in result.errors] == [
        ("行业", "台账中的“集成电路”对应的“芯片”不在目录中。")
    ]


def test_a_remembered_alias_goes_before_a_built_in_word(w):
    LedgerAlias.objects.create(district=w.district, column="stage", value="洽谈中", target="意向")
    data = xlsx(
        [
            _row(项目阶段="洽谈中"),
            _row(项目名称="乙", 项目阶段="开工建设", 签约日期="2019-06-01"),
        ]
    )
    result = ledger_import(data=data, actor=w.office, district=w.district)
    assert result.ok, result.errors
    assert Project.objects.get(name="翔安新能源电池项目").stage.name == "意向"
    assert Project.objects.get(name="乙").stage.name == "落地"


def test_the_preview_shows_what_an_update_changes_old_to_new(w):
    data = xlsx([row(入库状态="草稿")])
    assert ledger_import(data=data, actor=w.office, district=w.district).ok
    project = Project.objects.get()
    changed = xlsx(
        [
            row(
                项目编号=project.code,
                入库状态="草稿",
                **{"总投资(万元)": 60000},
                行业="新材料",
                进展情况="已签订框架协议",
                责任单位="新店街道",
            )
        ]
    )
    result = ledger_import(data=changed, actor=w.office, district=w.district, dry_run=True)
    assert result.ok, result.errors
    rows = preview_data(result)["rows"]
    assert rows[0]["action"] == "update"
    assert rows[0]["changes"] == [
        ["进展情况", "已完成第二轮洽谈", "已签订框架协议"],
        ["总投资(万元)", "52000.5", "60000"],
        ["行业", "新能源", "新材料"],
        ["责任单位", "马巷街道", "新店街道"],
    ]
    assert project.investment == Decimal("52000.5")  # a preview writes nothing


def test_rows_without_a_code_are_matched_by_name_in_their_district(w):
    data = xlsx([_row()])
    assert len(ledger_import(data=data, actor=w.office, district=w.district).created) == 1
    events = ProjectEvent.objects.count()
    again = ledger_import(data=data, actor=w.office, district=w.district)
    assert again.unchanged and not again.created and ProjectEvent.objects.count() == events


def test_parse_map_reads_the_command_line_form():
    assert parse_map("行业:集成电路=半导体与集成电路") == (
        "industry",
        "集成电路",
        "半导体与集成电路",
    )
    assert parse_map("所属行业：高端装备=先进制造") == ("industry", "高端装备", "先进制造")
    assert parse_map("项目状态:已签约=落地") == ("stage", "已签约", "落地")
    for bad in ("行业=半导体", "总投资:1=2", "行业:集成电路=", ":a=b"):
        try:
            parse_map(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_an_added_value_updates_a_project_that_had_none(w):
    assert ledger_import(data=xlsx([_row(行业="")]), actor=w.office, district=w.district).ok
    project = Project.objects.get()
    assert project.industry is None
    data = xlsx([_row(行业="先进装备制造")])
    result = ledger_import(
        data=data, actor=w.office, district=w.district, mapping=Mapping(add={"industry"})
    )
    assert result.ok and result.updated == [project.code], result.errors
    assert result.changes[2] == [("行业", "（空）", "先进装备制造")]
    project.refresh_from_db()
    assert project.industry.name == "先进装备制造"
    assert ledger_import(data=data, actor=w.office, district=w.district).unchanged
