"""``baton outcomes check`` and ``baton outcomes import``: the same services and rules as
the pages; a bad workbook writes nothing and names sheet, row, column and reason."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from baton.outcomes.models import Promise, Result

from .helpers import landed, promise, state


def _file(tmp_path, rows):
    book = Workbook()
    sheet = book.active
    sheet.title = "统计局"
    sheet.append(["项目编号", "年份", "工业总产值（万元）", "纳税额（万元）", "从业人员"])
    for row in rows:
        sheet.append(row)
    path = tmp_path / "stats.xlsx"
    book.save(path)
    return str(path)


def test_the_import_command_reads_the_bureaus_headers_and_checks(tmp_path, w):
    project = landed(w)
    promise(project, target="20000")
    out = io.StringIO()
    call_command("outcomes", "import", _file(tmp_path, [[project.code, 2025, 12000, 900, 85]]),
                 "--district", "350213", stdout=out)  # fmt: skip
    assert "新增 1 条" in out.getvalue()
    row = Result.objects.get(project=project)
    assert (row.output, row.tax, row.jobs, row.source) == (12000, 900, 85, "statistics")
    assert Promise.objects.get(project=project).status == "broken"
    out = io.StringIO()
    call_command("outcomes", "check", "--as-of", "2026-01-05", stdout=out)
    assert out.getvalue().strip() == "履约核查：承诺 1 项，状态变化 0 项，未履约 1 项。"


def test_a_bad_file_writes_nothing_and_says_where(tmp_path, w):
    project = landed(w)
    before = state()
    rows = [
        [project.code, 2025, 100, 1, 3],
        [project.code, 2025, 200, 2, "三十"],
        [project.code, 2025, 300, 3, 4],
    ]
    with pytest.raises(CommandError) as info:
        call_command("outcomes", "import", _file(tmp_path, rows), "--district", "350213")
    message = str(info.value)
    assert "工作表：统计局；行：第 3 行；列：就业人数（E列）；原因：应填写数字。" in message
    assert "行：第 4 行；列：年度（B列）；原因：与第 2 行是同一项目同一期间，重复。" in message
    assert state() == before
    with pytest.raises(CommandError, match="日期格式不正确"):
        call_command("outcomes", "check", "--as-of", "2026-13-01")
