"""打印项目卡片: a one-page A4 PDF of the project with its relay timeline, scoped like it."""

import re
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from baton.projects import services
from baton.reports import render
from baton.reports.card import TIMELINE_ROWS, project_card_pdf
from baton.testing import admit, at, make_project, stage

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "project-card"
PHONE = "13812345678"


@pytest.fixture
def relayed(w):
    """A project handed from 马巷 to 新店, with a phone in its history and a milestone."""
    project = make_project(
        w,
        name="锂电池隔膜生产基地",
        investor="宁德时代新能源科技股份有限公司",
        investment="1181520",
        contact_name="张三",
        contact_phone=PHONE,
        at=at(2019, 6, 1),
    )
    admit(w, project, when=at(2019, 6, 5))
    services.project_move(
        project=project, stage=stage("intent"), actor=w.promoter, at=at(2019, 8, 10)
    )
    services.project_handoff(
        project=project,
        to_unit=w.other_town,
        actor=w.office,
        reason="项目选址调整到新店",
        at=at(2019, 8, 20),
    )
    project.refresh_from_db()
    return project


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "card.pdf"
    path.write_bytes(pdf)
    return "".join(render.pdf_text(path).split())


def test_who_sees_the_project_gets_its_card(w, relayed, client):
    client.force_login(w.other_promoter)  # the unit that holds it now
    url = reverse("reports:project_card", args=[relayed.code])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert response.content.startswith(b"%PDF") and _pages(response.content) == 1
    page = client.get(reverse("projects:detail", args=[relayed.code])).content.decode()
    assert url in page and "打印项目卡片" in page


def test_a_project_out_of_scope_is_not_found(w, relayed, client):
    client.force_login(w.tongan_office)
    assert client.get(reverse("reports:project_card", args=[relayed.code])).status_code == 404
    client.force_login(w.office)
    assert client.get(reverse("reports:project_card", args=["no-such"])).status_code == 404
    assert client.post(reverse("reports:project_card", args=[relayed.code])).status_code == 405


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_card_holds_the_fields_and_the_relay_with_the_phone_masked(w, relayed, tmp_path):
    text = _text(project_card_pdf(relayed, w.office), tmp_path)
    assert relayed.code in text and "锂电池隔膜生产基地" in text
    assert "1,181,520万元" in text  # exact, with thousands separators
    assert "接力动态（共" in text
    assert "马巷街道→新店街道" in text and "项目选址调整到新店" in text
    assert "阶段变更：策划→意向" in text
    assert PHONE not in text


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_a_long_timeline_keeps_the_card_one_page(w, relayed, tmp_path):
    for day in range(1, 31):
        services.note_add(
            project=relayed,
            actor=w.other_promoter,
            text=f"第{day}次跟进：与企业沟通用地、环评和融资事项，企业反馈积极。",
            at=at(2019, 9, day),
        )
    pdf = project_card_pdf(relayed, w.office)
    assert _pages(pdf) == 1
    text = _text(pdf, tmp_path)
    total = relayed.events.count()
    assert f"接力动态（共{total}条，列最近{TIMELINE_ROWS}条）" in text
    assert "第30次跟进" in text and "第1次跟进" not in text


@pytest.mark.skipif(bool(render.missing_tools()), reason="poppler-utils is not installed")
def test_the_card_renders_to_png(w, relayed, tmp_path):
    """The card as PNG, saved to be looked at (test-artifacts/project-card)."""
    (tmp_path / "card.pdf").write_bytes(project_card_pdf(relayed, w.office))
    fonts = render.pdf_fonts(tmp_path / "card.pdf")
    assert "UMing" in fonts or "WenQuanYi" in fonts or "STSong" in fonts
    pngs = render.to_pngs(tmp_path / "card.pdf", ARTIFACTS, dpi=80)
    assert len(pngs) == 1 and pngs[0].stat().st_size > 20_000
