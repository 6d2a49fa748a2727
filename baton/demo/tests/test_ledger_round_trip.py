"""The demo district exports a contract ledger; importing it back changes nothing."""

import datetime as dt
import io
from decimal import Decimal

import python_calamine
from django.core.management import call_command

from baton.demo.tests.snapshot import load_demo_once
from baton.ledger.exporter import ledger_export
from baton.ledger.importer import ledger_import
from baton.ledger.tests.helpers import dump
from baton.org.models import District


def _report() -> str:
    out = io.StringIO()
    call_command("report", district="350213", as_of="2019-08-31", format="json", stdout=out)
    return out.getvalue()


def test_demo_export_then_import_changes_nothing(db):
    load_demo_once()
    district = District.objects.get(code="350213")
    report = _report()
    buffer = io.BytesIO()
    n = ledger_export(out=buffer, district=district)
    assert n > 119
    before = dump()
    result = ledger_import(data=buffer.getvalue())
    assert result.ok, [e.line() for e in result.errors[:5]]
    assert result.events == 0 and len(result.unchanged) == n
    assert dump() == before
    assert _report() == report
    # The library as of the report date, exported, is the report's 119 projects and
    # 1126.106 亿元 (plus the admitted projects that had stopped by then).
    as_of = io.BytesIO()
    ledger_export(out=as_of, district=district, as_of=dt.date(2019, 8, 31))
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(as_of.getvalue()))
    rows = sheet.get_sheet_by_name("项目台账").to_python()
    stage, amount = rows[0].index("项目阶段"), rows[0].index("总投资(万元)")
    counted = [r for r in rows[1:] if r[stage] != "中止"]
    assert len(counted) == 119
    assert sum(Decimal(repr(r[amount])) for r in counted) == Decimal("11261060")
