"""导出 Word: the red and black lists, the ranking table and the formulas, read back."""

import io
from urllib.parse import unquote

import pytest
from docx import Document

from .helpers_views import login, published_scheme, ranking, signed_projects, url

pytestmark = pytest.mark.django_db


def cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_it_exports_the_ranking_as_a_word_document(client, w):
    scheme = published_scheme(w)
    signed_projects(w)
    result = ranking(w, scheme, publish=True)
    response = login(client, w.office).get(url("ranking_docx", result.pk))
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "翔安区季度招商考核考核排名（2024年第一季度）" in text
    assert "一、红黑榜" in text and "三、计算过程" in text
    honor, table, steps = document.tables
    assert cells(honor)[1:] == [
        ["红榜", "1", "马巷街道", "60.00"],
        ["黑榜", "2", "新店街道", "15.00"],
    ]
    assert cells(table)[0] == ["名次", "单位", "分组", "总分", "签约项目", "工作评价"]
    assert cells(table)[2] == ["2", "新店街道", "乡镇", "15.00", "15.00", "0.00"]
    assert ["1. 马巷街道", "签约项目", "(2÷2)×60", "60.00"] in cells(steps)
    assert ["2. 新店街道", "总分", "", "15.00"] in cells(steps)
    # CJK text in a CJK font: the East Asian font is set on the styles.
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert (
        fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "宋体"
    )


def test_a_trial_says_so(client, w):
    trial = ranking(w, published_scheme(w))
    response = login(client, w.office).get(url("ranking_docx", trial.pk))
    assert unquote(response["Content-Disposition"]).endswith(
        "考核排名（2024年第一季度）（试算）.docx"
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "试算结果，未发布" in text


def test_it_denies_another_district(client, w):
    result = ranking(w, published_scheme(w), publish=True)
    assert login(client, w.tongan_office).get(url("ranking_docx", result.pk)).status_code == 404
    assert login(client, w.audit_admin).get(url("ranking_docx", result.pk)).status_code == 403


def test_it_rejects_the_wrong_method(client, w):
    result = ranking(w, published_scheme(w), publish=True)
    assert login(client, w.office).post(url("ranking_docx", result.pk)).status_code == 405
