import datetime as dt
import io
from decimal import Decimal

import pytest
import python_calamine
from openpyxl import load_workbook

from baton.core.xlsx import neutralize
from baton.ledger.columns import COLUMNS
from baton.ledger.exporter import ledger_export
from baton.ledger.importer import ledger_import
from baton.projects import services
from baton.testing import admit, at, make_project

from .helpers import dump, row, xlsx


def _export(**kwargs) -> bytes:
    buffer = io.BytesIO()
    ledger_export(out=buffer, **kwargs)
    return buffer.getvalue()


def _rows(data: bytes) -> list[list]:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_name("项目台账").to_python()


def test_contract_layout_has_exactly_the_import_headers_and_round_trips(w):
    ledger_import(data=xlsx([row(), row(项目编号="B-1", 入库状态="草稿", 项目阶段="策划")]))
    make_project(
        w, name='=HYPERLINK("http://evil")', investor="+cmd|' /C calc'!A0", remarks="@SUM(1)"
    )
    data = _export(district=w.district)
    rows = _rows(data)
    assert rows[0] == [c.header for c in COLUMNS]
    assert len(rows) == 4
    before = dump()
    result = ledger_import(data=data)
    assert result.ok and result.events == 0 and len(result.unchanged) == 3
    assert dump() == before


def test_it_neutralises_formula_injection(w):
    project = make_project(w, name="=1+2", investor="-2+3", contact_name="@me", remarks="a")
    for layout in ("contract", "official"):
        data = _export(district=w.district, layout=layout)
        sheet = load_workbook(io.BytesIO(data))["项目台账"]
        cells = [c for r in sheet.iter_rows() for c in r if c.value is not None]
        assert not any(c.data_type == "f" for c in cells)
        texts = {c.value for c in cells if isinstance(c.value, str)}
        assert {"'=1+2", "'-2+3", "'@me"} <= texts
    assert project.name == "=1+2"
    assert (
        neutralize("\tx") == "'\tx" and neutralize("\rx") == "'\rx" and neutralize("a=1") == "a=1"
    )


def test_official_layout_has_title_two_header_rows_and_totals(w):
    one = make_project(w, investment="10000.5", land_area_mu=Decimal("12.5"), at=at(2019, 3, 1))
    two = make_project(w, unit=w.other_town, investment="2000", at=at(2019, 3, 2))
    admit(w, one, when=at(2019, 4, 1))
    admit(w, two, when=at(2019, 4, 2))
    make_project(w, investment="999")  # a draft: not in the library on 2019-08-31
    data = _export(district=w.district, layout="official", as_of=dt.date(2019, 8, 31))
    sheet = load_workbook(io.BytesIO(data))["项目台账"]
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0][0] == "厦门翔安区招商项目台账（截至2019年8月31日）"
    assert (
        values[1][:2] == ["基本情况", None] and "投资情况" in values[1] and "联系方式" in values[1]
    )
    assert values[2][:3] == ["序号", "项目编号", "项目名称"]
    assert "总投资(万元)" in values[2]
    assert len(values) == 3 + 2 + 1
    totals = values[-1]
    col = values[2].index("总投资(万元)")
    assert totals[0] == "合计" and totals[2] == "2 个项目"
    assert Decimal(str(totals[col])) == Decimal("12000.5")
    assert Decimal(str(totals[values[2].index("拟用地面积(亩)")])) == Decimal("12.5")
    assert Decimal(str(totals[values[2].index("固定资产投资(万元)")])) == 0
    assert "A1:X1" in {str(r) for r in sheet.merged_cells.ranges}


def test_official_layout_counts_the_attachments_kept_by_the_date(w):
    from baton.files import services as files
    from baton.files.tests.helpers import PDF, PNG, upload

    one = make_project(w, at=at(2019, 3, 1))
    two = make_project(w, unit=w.other_town, at=at(2019, 3, 2))
    admit(w, one, when=at(2019, 4, 1))
    admit(w, two, when=at(2019, 4, 2))
    files.attachment_add(
        project=one, actor=w.office, file=upload("a.pdf", PDF), kind="agreement", at=at(2019, 5, 1)
    )
    files.attachment_add(
        project=one, actor=w.office, file=upload("b.png", PNG), kind="photo", at=at(2019, 9, 1)
    )

    def counts(as_of):
        data = _export(district=w.district, layout="official", as_of=as_of)
        values = [
            [c.value for c in r] for r in load_workbook(io.BytesIO(data))["项目台账"].iter_rows()
        ]
        col = values[2].index("附件(个)")
        return [r[col] for r in values[3:]]

    assert counts(dt.date(2019, 8, 31)) == [1, 0, 1]  # the rows, then the total
    assert counts(None) == [2, 0, 2]


def test_as_of_export_shows_the_state_at_that_date(w):
    project = make_project(w, investment="100", at=at(2019, 3, 1))
    admit(w, project, when=at(2019, 4, 1))
    services.project_update(
        project=project, actor=w.promoter, changes={"investment": "300"}, at=at(2019, 10, 1)
    )
    services.project_handoff(
        project=project, to_unit=w.other_town, actor=w.office, reason="移交", at=at(2019, 10, 2)
    )
    then = _rows(_export(district=w.district, as_of=dt.date(2019, 8, 31)))
    now = _rows(_export(district=w.district))
    header = then[0]
    assert then[1][header.index("总投资(万元)")] == 100
    assert then[1][header.index("责任单位")] == "马巷街道"
    assert now[1][header.index("总投资(万元)")] == 300
    assert now[1][header.index("责任单位")] == "新店街道"
    assert (
        len(_rows(_export(district=w.district, as_of=dt.date(2019, 3, 31)))) == 1
    )  # not admitted yet


def test_a_user_export_is_scoped_and_masks_phones_outside_their_rights(w):
    make_project(w, contact_phone="13812345678")
    make_project(w, unit=w.other_town, actor=w.other_promoter, contact_phone="13900001111")
    mine = _rows(_export(user=w.promoter))
    assert [r[1] for r in mine[1:]] and len(mine) == 2
    leader_rows = _rows(_export(user=w.leader))
    phones = {r[[c.header for c in COLUMNS].index("联系电话")] for r in leader_rows[1:]}
    assert phones == {"138****5678", "139****1111"}
    assert len(_rows(_export(user=w.sys_admin))) == 1


def test_it_refuses_an_unscoped_export(w):
    with pytest.raises(ValueError):
        _export()
