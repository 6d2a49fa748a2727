"""The demo's 考核办法 (REAL_WORLD §3.2) and its published 2019年1-8月 ranking, on paper."""

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document

from baton.assessment.exports import ranking_docx
from baton.assessment.models import Ranking, Scheme
from baton.demo.assessment import NAME, load_assessment_demo
from baton.demo.tests.snapshot import load_demo_once

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "assessment"
TOOLS = ("soffice", "pdftoppm", "pdftotext")


@pytest.fixture
def demo(db):
    load_demo_once()
    return Ranking.objects.select_related("scheme").get(scheme__name=NAME)


def test_the_demo_publishes_a_scheme_and_its_ranking_for_august_2019(demo):
    scheme = demo.scheme
    assert (scheme.status, scheme.period_kind, scheme.units.count(), scheme.indicators.count()) == (
        "published",
        "month",
        24,
        9,
    )
    assert (demo.status, demo.period_start, demo.period_end) == (
        "published",
        dt.date(2019, 1, 1),
        dt.date(2019, 8, 31),
    )
    lines = list(demo.lines.select_related("unit").order_by("rank"))
    assert len(lines) == 24 and lines[0].total > lines[-1].total
    # Every line holds all nine scores, and the total is their exact sum to the cent.
    for line in lines:
        assert len(line.scores) == 9
        assert abs(sum(Decimal(s["score"]) for s in line.scores) - line.total) <= Decimal("0.05")
    assert load_assessment_demo() is None  # idempotent
    assert Scheme.objects.filter(name=NAME).count() == 1


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in TOOLS),
    reason="LibreOffice (soffice) and poppler-utils are not installed",
)
def test_libreoffice_renders_the_demo_ranking(demo, tmp_path):
    """Word → PDF → PNG pages under test-artifacts/assessment/, to be looked at."""
    data = ranking_docx(demo)
    assert len(Document(io.BytesIO(data)).tables) == 3
    (tmp_path / "ranking.docx").write_bytes(data)
    run = {"check": True, "capture_output": True}
    subprocess.run(  # noqa: S603
        [
            shutil.which("soffice"),
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "ranking.docx"),
        ],
        timeout=180,
        **run,
    )
    text = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext"), str(tmp_path / "ranking.pdf"), "-"],
        timeout=60,
        text=True,
        **run,
    ).stdout
    squashed = "".join(text.split())
    assert "翔安区产业招商绩效评价考核排名（2019年1-8月）" in squashed
    first = demo.lines.select_related("unit").get(rank=1)
    assert (
        first.unit.name in squashed and f"{first.total}" in squashed and "三、计算过程" in squashed
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("ranking-page*.png"):
        old.unlink()
    subprocess.run(  # noqa: S603
        [
            shutil.which("pdftoppm"),
            "-r",
            "70",
            "-png",
            str(tmp_path / "ranking.pdf"),
            str(ARTIFACTS / "ranking-page"),
        ],
        timeout=60,
        **run,
    )
    pages = sorted(ARTIFACTS.glob("ranking-page*.png"))
    assert len(pages) >= 2 and all(p.stat().st_size > 5000 for p in pages)
