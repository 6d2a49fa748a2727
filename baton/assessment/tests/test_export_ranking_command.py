"""baton export-ranking ID PATH [--format xlsx|docx]."""

import io

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from baton.audit.models import AuditRecord

from .helpers_views import published_scheme, ranking, signed_projects

pytestmark = pytest.mark.django_db


def test_it_writes_both_formats_and_says_so(w, tmp_path):
    scheme = published_scheme(w)
    signed_projects(w)
    result = ranking(w, scheme, publish=True)
    out = io.StringIO()
    call_command("export_ranking", str(result.pk), str(tmp_path / "r.xlsx"), stdout=out)
    assert "已导出“翔安区季度招商考核考核排名（2024年第一季度）”，2 个单位" in out.getvalue()
    rows = list(load_workbook(tmp_path / "r.xlsx")["考核排名"].iter_rows(values_only=True))
    assert rows[3][:4] == (1, "马巷街道", "乡镇", 60)
    call_command(
        "export_ranking", str(result.pk), str(tmp_path / "r.bin"), "--format", "docx", stdout=out
    )
    assert Document(tmp_path / "r.bin").tables[0].rows[1].cells[2].text == "马巷街道"
    assert AuditRecord.objects.filter(event="export", object_type="ranking").count() == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [(["999", "x.xlsx"], "找不到考核排名：999"), (["abc", "x.xlsx"], "找不到考核排名：abc")],
)
def test_it_refuses_an_unknown_ranking(w, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_ranking", args[0], str(tmp_path / args[1]))


def test_it_wants_a_format_it_knows(w, tmp_path):
    result = ranking(w, published_scheme(w))
    with pytest.raises(CommandError, match="请用 --format xlsx 或 --format docx 指定格式。"):
        call_command("export_ranking", str(result.pk), str(tmp_path / "r.pdf"))
    assert not (tmp_path / "r.pdf").exists()
