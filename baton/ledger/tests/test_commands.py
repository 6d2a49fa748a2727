import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from baton.projects.models import Project

from .helpers import dump, row, xlsx


def test_import_ledger_prints_a_summary(w, tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(xlsx([row()]))
    out = io.StringIO()
    call_command("import_ledger", str(path), "--dry-run", stdout=out)
    assert out.getvalue().strip() == "试导入（未写入）：将新建 1 个、将更新 0 个、未变 0 个。"
    assert not Project.objects.exists()
    out = io.StringIO()
    call_command("import_ledger", str(path), stdout=out)
    assert out.getvalue().startswith("新建 1 个、更新 0 个、未变 0 个")
    out = io.StringIO()
    call_command("import_ledger", str(path), stdout=out)
    assert out.getvalue().startswith("新建 0 个、更新 0 个、未变 1 个（写入项目动态 0 条）")


def test_import_ledger_reports_errors_and_writes_an_annotated_workbook(w, tmp_path):
    path, marked = tmp_path / "bad.xlsx", tmp_path / "marked.xlsx"
    path.write_bytes(xlsx([row(), row(项目编号="X-2", 项目阶段="搁置", **{"总投资(万元)": -1})]))
    before = dump()
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_ledger", str(path), "--errors-to", str(marked), stderr=err)
    assert exc.value.returncode == 1
    assert dump() == before
    lines = err.getvalue().splitlines()
    assert (
        "工作表：项目台账；行：第 3 行；列：项目阶段（I列）；值：搁置；原因：未知项目阶段"
        in lines[0] + lines[1]
    )
    book = load_workbook(marked)
    assert book["错误清单"].max_row == 3
    sheet = book["项目台账"]
    assert (
        sheet["I3"].fill.fgColor.rgb.endswith("FFC7CE")
        and "未知项目阶段" in sheet["I3"].comment.text
    )
    assert sheet.cell(row=1, column=sheet.max_column).value == "错误说明"


def test_import_ledger_refuses_a_missing_file_and_unknown_district(w, tmp_path):
    with pytest.raises(CommandError):
        call_command("import_ledger", str(tmp_path / "none.xlsx"))
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(xlsx([row()]))
    with pytest.raises(CommandError):
        call_command("import_ledger", str(path), "--district", "999999")


def test_export_ledger_writes_a_file(w, tmp_path):
    call_command("import_ledger", str(_file(tmp_path)), stdout=io.StringIO())
    out = io.StringIO()
    target = tmp_path / "out.xlsx"
    call_command("export_ledger", "--district", "350213", "-o", str(target), stdout=out)
    assert out.getvalue().strip() == f"已导出 1 个项目到 {target}。"
    call_command(
        "export_ledger",
        "--district",
        "翔安区",
        "--layout",
        "official",
        "--as-of",
        "2019-08-31",
        "-o",
        str(tmp_path / "o.xlsx"),
        stdout=io.StringIO(),
    )
    with pytest.raises(CommandError):
        call_command(
            "export_ledger", "--as-of", "2019-08-31", stdout=io.StringIO()
        )  # two districts


def _file(tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(xlsx([row()]))
    return path
