"""Reported figures as inputs: entered per party and period with source and reason, or
imported (``baton assessment facts``), then scored like any other fact."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from baton.assessment import services
from baton.assessment.entered_import import ImportRefused, import_entered
from baton.assessment.models import EnteredFact
from baton.audit.models import AuditRecord

from .helpers import run, scheme, scores

YEAR = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
FDI = {"metric": "entered", "name": "实际利用外资"}


def enter(w, unit, value, *, start=YEAR[0], end=YEAR[1], source="统计局", reason=""):
    return services.entered_fact_set(
        unit=unit,
        name="实际利用外资",
        period_start=start,
        period_end=end,
        value=value,
        source=source,
        reason=reason,
        actor=w.office,
    )


def fdi_scheme(w, *, cap="0.5"):
    s = scheme(w, "外资考核", units={w.town: "", w.other_town: ""}, period_kind="year")
    indicator = services.indicator_add(
        scheme=s, name="实际利用外资", kind="ratio", weight="0.5", cap=cap, config=FDI
    )
    services.target_set(indicator=indicator, unit=w.town, value="5000")
    services.target_set(indicator=indicator, unit=w.other_town, value="2500")
    return s


def test_an_entered_figure_scores_as_a_rate_of_its_target_with_its_reason(w):
    s = fdi_scheme(w)
    enter(w, w.town, "4800", reason="市商务局2024年外资统计快报")
    enter(w, w.other_town, "2700", source="商务局")
    lines = run(s, YEAR)
    # 4800 ÷ 5000 = 96%, × 0.5 = 0.48; 2700 ÷ 2500 = 108% × 0.5 = 0.54 → capped at 0.5.
    assert scores(lines["马巷街道"]) == [(Decimal("0.48"), "4800÷5000=96%，96%×0.5=0.48")]
    assert scores(lines["新店街道"]) == [
        (Decimal("0.50"), "2700÷2500=108%，108%×0.5=0.54，封顶0.5")
    ]
    item = lines["新店街道"].scores[0]
    assert item["raw"] == "0.54"
    assert item["entered"] == [
        {
            "name": "实际利用外资",
            "period": "2024年度",
            "value": "2700",
            "source": "商务局",
            "reason": "据商务局数据",
        }
    ]
    assert lines["马巷街道"].scores[0]["entered"][0]["reason"] == "市商务局2024年外资统计快报"


def test_uncapped_the_score_exceeds_the_weight(w):
    s = fdi_scheme(w, cap=None)
    enter(w, w.other_town, "2700")
    assert scores(run(s, YEAR)["新店街道"]) == [(Decimal("0.54"), "2700÷2500=108%，108%×0.5=0.54")]


def test_a_period_sums_the_entries_inside_it_unless_its_own_is_entered(w):
    s = fdi_scheme(w)
    enter(w, w.town, "1000", start=dt.date(2024, 1, 1), end=dt.date(2024, 3, 31))
    enter(w, w.town, "1500", start=dt.date(2024, 4, 1), end=dt.date(2024, 6, 30))
    enter(w, w.town, "900", start=dt.date(2023, 10, 1), end=dt.date(2023, 12, 31))  # outside
    assert scores(run(s, YEAR)["马巷街道"])[0][1] == "2500÷5000=50%，50%×0.5=0.25"
    # A month inside an entered quarter is not counted twice.
    enter(w, w.town, "300", start=dt.date(2024, 4, 1), end=dt.date(2024, 4, 30))
    assert scores(run(s, YEAR)["马巷街道"])[0][1] == "2500÷5000=50%，50%×0.5=0.25"
    enter(w, w.town, "4000")  # the year's own figure wins over its quarters
    assert scores(run(s, YEAR)["马巷街道"])[0][1] == "4000÷5000=80%，80%×0.5=0.4"


def test_a_correction_is_audited_with_before_and_after(w):
    enter(w, w.town, "4800")
    enter(w, w.town, "5100", reason="统计局修正数")
    entry = EnteredFact.objects.get()
    assert entry.value == Decimal("5100") and entry.reason == "统计局修正数"
    last = AuditRecord.objects.filter(object_id=str(entry.pk)).order_by("pk").last()
    assert last.before["value"] == "4800" and last.after["value"] == "5100"


def test_entering_refuses_bad_values_in_chinese(w):
    with pytest.raises(Exception, match="来源只能是"):
        enter(w, w.town, "1", source="网上")
    with pytest.raises(Exception, match="超过 4 位小数"):
        enter(w, w.town, "1.00001")
    assert not EnteredFact.objects.exists()


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["被考核对象", "期间", "指标", "数值", "来源", "说明"]


def test_the_import_is_all_or_nothing_and_names_row_column_reason(w):
    data = _xlsx(
        [
            HEADER,
            ["马巷街道", "2024", "实际利用外资", 4800, "统计局", "快报"],
            ["新店街道", "2024年", "实际利用外资", "abc", "统计局", ""],
            ["不存在街道", "2024-Q5", "实际利用外资", 1, "网上", ""],
            ["马巷街道", "2024年度", "实际利用外资", 1, "统计局", ""],
        ]
    )
    with pytest.raises(ImportRefused) as caught:
        import_entered(data=data, filename="f.xlsx", districts=[w.district], actor=w.office)
    assert caught.value.messages == [
        "第 3 行“数值”列：“abc”不是数字。",
        "第 4 行“被考核对象”列：“不存在街道”不是本区的单位。",
        "第 4 行“期间”列：期间“2024-Q5”无效：应写作 2024、2024-Q1、2024-03 或 2024-01~08（1至8月）。",
        "第 4 行“来源”列：“网上”无效，应为 文件、统计局、商务局 或 其他部门。",
        "第 5 行“被考核对象”列：与第 2 行重复（同一单位、期间、指标）。",
    ]
    assert not EnteredFact.objects.exists()


def test_the_facts_command_imports_a_csv(w, tmp_path):
    path = tmp_path / "facts.csv"
    path.write_text(
        "被考核对象,期间,指标,数值,来源\n马巷街道,2024,实际利用外资,4800,统计局\n"
        "新店街道,2024-Q1,弄虚作假,1,文件\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("assessment", "facts", str(path), stdout=out)
    assert out.getvalue() == "已导入录入数据：新增 2 条，更新 0 条。\n"
    fake = EnteredFact.objects.get(name="弄虚作假")
    assert (fake.unit, fake.period_start, fake.period_end) == (
        w.other_town,
        dt.date(2024, 1, 1),
        dt.date(2024, 3, 31),
    )
    assert fake.entered_by is None and fake.reason == "据文件数据"
    path.write_text("被考核对象,期间,数值\n马巷街道,2024,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="缺少列：指标、来源"):
        call_command("assessment", "facts", str(path))


def test_pasted_control_characters_are_kept_out_of_name_and_reason(w):
    entry = enter(w, w.town, "1", reason="据市统计局\x0b快报\x01")
    assert entry.reason == "据市统计局\n快报"
