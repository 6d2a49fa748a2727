import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from docx import Document

from baton.demo.tests.snapshot import load_demo_once

SEED_FILE = Path(__file__).resolve().parents[4] / "shared" / "seed" / "000_96a9b34c4f9b339f.txt"
PARAGRAPH = (
    "2019-09-08 10:55:58 来源: 厦门日报\n截至上月底，厦门翔安区上报并经市招商办审核入库招商项目"
    "119个，投资总额1126.106亿元。其中，策划项目8个，总投资118.15亿元；意向项目6个，总投资42.22"
    "亿元；在谈项目70个，总投资409.88亿元；落地项目35个，总投资555.85亿元。"
)


def run(*args) -> str:
    out = io.StringIO()
    call_command("news", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo_once()
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.skipif(not SEED_FILE.exists(), reason="shared/seed is not beside the checkout")
def test_it_reconciles_the_seed_with_the_demo_exactly(demo_db):
    text = run("reconcile", str(SEED_FILE), "--district", "350213")
    assert "[一致] 入库项目 119个，1126.106亿元；项目库 119个，1126.106亿元" in text
    assert text.count("[一致]") == 5
    assert "核对 5 项，一致 5 项，不一致 0 项。" in text


@pytest.mark.django_db
def test_it_names_the_projects_behind_a_difference(demo_db, tmp_path):
    wrong = tmp_path / "wrong.txt"
    wrong.write_text(PARAGRAPH.replace("在谈项目70个", "在谈项目71个"), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        run("reconcile", str(wrong), "--district", "350213", "--format", "json")
    assert refused.value.returncode == 1
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "news", "reconcile", str(wrong), "--district", "350213", "--format", "json", stdout=out
        )
    data = json.loads(out.getvalue())
    talks = next(c for c in data["checks"] if c["kind"] == "在谈")
    assert talks["status"] == "differ" and talks["library_count"] == 70
    assert talks["note"] == "个数差 +1"
    assert len(talks["projects"]) == 10
    assert all(c["status"] == "match" for c in data["checks"] if c["kind"] != "在谈")


@pytest.mark.django_db
def test_it_prints_the_reading_as_json(tmp_path):
    path = tmp_path / "seed.txt"
    path.write_text(PARAGRAPH, encoding="gb18030")
    data = json.loads(run("extract", str(path), "--format", "json"))
    assert data["date"] == "2019-09-08"
    assert data["place"] == "350213"
    assert data["groups"][0] == {
        "kind": "入库",
        "count": 119,
        "investment_wan": "11261060",
        "of": None,
    }
    assert [g["of"] for g in data["groups"][1:]] == ["入库"] * 4
    assert data["companies"] == []


@pytest.mark.django_db
def test_it_reads_a_docx_and_a_saved_page(tmp_path):
    document = Document()
    document.add_paragraph(PARAGRAPH)
    document.save(tmp_path / "r.docx")
    page = tmp_path / "r.html"
    page.write_text(
        f"<html><head><script>var x='项目9个';</script></head><body><p>{PARAGRAPH}</p></body></html>",
        encoding="utf-8",
    )
    for path in (tmp_path / "r.docx", page):
        data = json.loads(run("extract", str(path), "--format", "json"))
        assert [g["count"] for g in data["groups"]] == [119, 8, 6, 70, 35]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (bytes(range(256)) * 10, "x.bin", "这不是文本文件"),
        (b"%PDF-1.4 garbage", "x.pdf", "PDF"),
        (b"PK\x03\x04garbage", "x.docx", "Word"),
        (b"   ", "x.txt", "文件是空的"),
    ],
)
def test_it_refuses_what_is_not_a_text(tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError) as refused:
        run("extract", str(path))
    assert message in str(refused.value)
    assert refused.value.returncode == 2


@pytest.mark.django_db
def test_it_refuses_a_missing_file_and_an_unknown_district(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        run("extract", str(tmp_path / "none.txt"))
    path = tmp_path / "seed.txt"
    path.write_text(PARAGRAPH, encoding="utf-8")
    with pytest.raises(CommandError, match="找不到区：999999"):
        run("reconcile", str(path), "--district", "999999")


def _pdf(lines: list[str]) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont("STSong-Light", 10)
    for i, line in enumerate(lines):
        page.drawString(40, 800 - 14 * i, line)
    page.save()
    return buffer.getvalue()


@pytest.mark.django_db
def test_it_reads_a_text_pdf_and_refuses_one_without_text(tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(_pdf(["2019-09-08 10:55 来源：厦门日报", *PARAGRAPH.splitlines()[1:]]))
    data = json.loads(run("extract", str(path), "--format", "json"))
    assert [g["count"] for g in data["groups"]] == [119, 8, 6, 70, 35]
    assert data["groups"][0]["investment_wan"] == "11261060"
    blank = tmp_path / "blank.pdf"
    blank.write_bytes(_pdf([]))
    with pytest.raises(CommandError, match="PDF 中没有可读取的文字"):
        run("extract", str(blank))
