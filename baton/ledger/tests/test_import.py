import datetime as dt
import itertools
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baton.ledger.importer import ledger_import
from baton.projects.models import Milestone, Project, ProjectEvent
from baton.reports.selectors import Scope, figures_as_of

from .helpers import HEADERS, dump, row, xlsx


def _events() -> int:
    return ProjectEvent.objects.count()


def test_it_creates_projects_and_a_second_import_changes_nothing(w):
    data = xlsx([row(), row(项目编号="350213-2019-0902", 项目名称="光伏组件", 入库状态="草稿")])
    result = ledger_import(data=data)
    assert result.ok, [e.line() for e in result.errors]
    # New projects get the system's codes; the ledger's own are kept as 原编号.
    assert result.created == ["350213-2019-0001", "350213-2019-0002"]
    project = Project.objects.get(original_code="350213-2019-0901")
    assert project.investment == Decimal("52000.5")
    assert project.unit == w.town and project.leader == w.leader_person
    assert project.stage.name == "在谈" and project.review_state == "admitted"
    assert project.land_area_mu == Decimal("80.00")
    before = dump()
    again = ledger_import(data=data)
    assert again.ok and again.events == 0 and again.created == again.updated == []
    assert len(again.unchanged) == 2
    assert dump() == before


def test_it_updates_only_what_changed_with_one_event_each(w):
    ledger_import(data=xlsx([row()]))
    project = Project.objects.get(original_code="350213-2019-0901")
    version, events = project.version, _events()
    changed = row(**{"总投资(万元)": "60000", "责任单位": "新店街道", "进展情况": "已签约"})
    result = ledger_import(data=xlsx([changed]))
    assert result.ok and result.updated == [project.code]
    project.refresh_from_db()
    assert project.investment == Decimal("60000") and project.unit == w.other_town
    assert project.progress == "已签约"
    assert _events() - events == 2  # a handoff and one update
    assert project.version == version + 2
    assert ledger_import(data=xlsx([changed])).events == 0


def test_it_moves_the_stage_on_the_stage_date(w):
    ledger_import(data=xlsx([row()]))
    moved = row(项目阶段="落地", 阶段日期="2019年9月3日", 签约日期="2019.9.1")
    result = ledger_import(data=xlsx([moved]))
    assert result.ok, [e.line() for e in result.errors]
    project = Project.objects.get(original_code="350213-2019-0901")
    assert project.stage.name == "落地"
    assert project.milestones.get(kind=Milestone.Kind.SIGNED).date == dt.date(2019, 9, 1)
    scope = Scope(district=w.district)
    assert figures_as_of(as_of=dt.date(2019, 9, 2), scope=scope).stages[2].count == 1
    assert figures_as_of(as_of=dt.date(2019, 9, 3), scope=scope).stages[3].count == 1


def test_it_refuses_a_stage_date_before_the_last_event(w):
    ledger_import(data=xlsx([row()]))
    result = ledger_import(data=xlsx([row(项目阶段="意向", 阶段日期="2019-01-01")]))
    assert [e.column for e in result.errors] == ["阶段日期"]
    assert "只能向后追加" in result.errors[0].reason


def test_it_accepts_real_ledger_headers_and_date_forms(w):
    headers = [
        "序号",
        "项目编号",
        " 项目名称 ",
        "总投资（万元）",
        "挂钩责任单位",
        "项目进度",
        "入库状态",
        "入库日期",
        "阶段日期",
    ]
    rows = [
        [1, "A-1", "甲", 100, "", "洽谈中", "已入库", dt.date(2019, 5, 1), "2019/5/1"],
        [2, "A-2", "乙", "1,234.5678", "马巷街道", "", "草稿", None, "2019.5.1"],
        [3, "A-3", "丙", 0.1, "", "", "已上报", "2019年5月1日", "2019-05-01"],
    ]
    result = ledger_import(data=xlsx(rows, headers=headers), district=w.district)
    assert result.ok, [e.line() for e in result.errors]
    a1, a2, a3 = (Project.objects.get(original_code=c) for c in ("A-1", "A-2", "A-3"))
    assert a1.unit == w.office_unit and a1.progress == "洽谈中"
    assert a2.investment == Decimal("1234.5678") and a3.investment == Decimal("0.1")
    assert a1.review_state == "admitted" and a3.review_state == "submitted"
    assert a1.admitted_at.date() == dt.date(2019, 4, 30)  # 00:00 Shanghai is 16:00 UTC
    assert ledger_import(data=xlsx(rows, headers=headers), district=w.district).events == 0


def test_stage_records_give_the_right_figures_for_past_dates(w):
    a = row(项目编号="H-1", 项目阶段="在谈", 阶段日期=None, 入库日期="2019-02-01")
    b = row(项目编号="H-2", 项目阶段="落地", 阶段日期=None, 入库日期="2019-02-10")
    b.update({"签约日期": "2019-04-01", "开工日期": "2019-05-01", "总投资(万元)": 30000})
    history = [
        ("H-1", "策划", "2019-01-10", ""),
        ("H-1", "意向", "2019-03-01", ""),
        ("H-1", "在谈", "2019-06-01", "第二轮洽谈"),
        ("H-2", "在谈", "2019-02-01", ""),
        ("H-2", "落地", "2019-04-15", ""),
    ]
    result = ledger_import(data=xlsx([a, b], history=history))
    assert result.ok, [e.line() for e in result.errors]
    scope = Scope(district=w.district)

    def stages(day):
        figures = figures_as_of(as_of=dt.date.fromisoformat(day), scope=scope)
        return {line.name: line.count for line in figures.stages if line.count}

    assert stages("2019-01-31") == {}
    assert stages("2019-02-28") == {"策划": 1, "在谈": 1}
    assert stages("2019-04-30") == {"意向": 1, "落地": 1}
    assert stages("2019-08-31") == {"在谈": 1, "落地": 1}
    started = {
        m.name: m.count for m in figures_as_of(as_of=dt.date(2019, 4, 30), scope=scope).milestones
    }
    assert started["开工"] == 0
    started = {
        m.name: m.count for m in figures_as_of(as_of=dt.date(2019, 5, 31), scope=scope).milestones
    }
    assert started["开工"] == 1 and started["签约"] == 1
    assert ledger_import(data=xlsx([a, b], history=history)).events == 0


_seq = itertools.count(1)
_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30
).map(str.strip)
_amount = st.decimals(min_value=0, max_value=Decimal("99999999"), places=4, allow_nan=False)
_day = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2023, 12, 31))
_valid_row = st.fixed_dictionaries(
    {
        "项目名称": _text.filter(bool),
        "投资方": _text,
        "项目阶段": st.sampled_from(["策划", "意向", "在谈", "中止"]),
        "入库状态": st.sampled_from(["草稿", "已上报", "区已审核", "已入库", "已退回"]),
        "阶段日期": _day,
        "总投资(万元)": _amount.filter(lambda d: d > 0),
        "amount_as": st.sampled_from(["number", "text"]),
        "进展情况": _text,
        "联系电话": st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
        "行业": st.sampled_from(["", "新能源", "先进制造"]),
        "责任单位": st.sampled_from(["", "马巷街道", "新机场片区指挥部"]),
    }
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(_valid_row, min_size=1, max_size=4))
def test_generated_valid_rows_import_and_reimport_unchanged(w, rows):
    ledger = []
    for r in rows:
        amount = r.pop("amount_as")
        r["项目编号"] = f"G-{next(_seq)}"
        if r["项目阶段"] == "在谈" and not r["投资方"]:
            r["投资方"] = "某公司"
        if amount == "text":
            r["总投资(万元)"] = format(r["总投资(万元)"], "f")
        else:
            r["总投资(万元)"] = float(r["总投资(万元)"])
        r["阶段日期"] = r["阶段日期"].isoformat()
        r["入库日期"] = r["阶段日期"]
        ledger.append(r)
    data = xlsx(ledger, headers=[h for h in HEADERS if h != "挂钩领导"])
    result = ledger_import(data=data, district=w.district)
    assert result.ok, [e.line() for e in result.errors]
    assert len(result.created) == len(ledger)
    for r in ledger:
        project = Project.objects.get(original_code=r["项目编号"])
        assert project.investment == Decimal(str(r["总投资(万元)"]))
        assert project.name == r["项目名称"] and project.progress == r["进展情况"]
    before = dump()
    again = ledger_import(data=data, district=w.district)
    assert again.ok and again.events == 0 and len(again.unchanged) == len(ledger)
    assert dump() == before
