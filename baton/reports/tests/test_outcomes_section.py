"""履约与效益 in the cockpit and the monthly pack: the five batches as of the date, the
outcomes after 投产 with 亩均, and the promises' states (``baton.outcomes.batches``)."""

import datetime as dt
import io

from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from baton.outcomes.tests.helpers import landed, promise, result
from baton.projects.models import Milestone
from baton.projects.tests.helpers_views import login
from baton.reports.docx import pack_docx
from baton.reports.pack import pack_build
from baton.reports.selectors import Scope
from baton.reports.xlsx import pack_xlsx
from baton.testing import admit, at

AS_OF = dt.date(2026, 1, 31)


def _producing(w):
    project = landed(w, name="翔安新能源电池项目")
    admit(w, project, when=at(2025, 3, 4))
    Milestone.objects.create(project=project, kind="started", date=dt.date(2025, 4, 1))
    Milestone.objects.create(project=project, kind="in_production", date=dt.date(2025, 10, 8))
    result(project, output="12000", tax="900")
    promise(project, target="20000")
    return project


def test_the_cockpit_shows_the_batches_and_the_compliance(client, w):
    _producing(w)
    response = login(client, w.office).get(reverse("reports:cockpit"), {"as_of": "2026-01-31"})
    html = response.content.decode()
    assert 'id="outcome-batches"' in html and "投产生效一批" in html
    summary = response.context["board"].outcomes
    producing = next(b for b in summary.batches if b.key == "producing")
    assert (producing.count, producing.investment) == (1, 50000)
    assert summary.produce.output_per_mu == 400 and summary.count("broken") == 1
    assert "亩均产值400.00万元" in html and "未履约1项，履约率0.0%" in html


def test_the_pack_has_its_section_in_word_and_excel(w):
    _producing(w)
    pack = pack_build(scope=Scope(district=w.district), as_of=AS_OF)
    text = "\n".join(p.text for p in Document(io.BytesIO(pack_docx(pack))).paragraphs)
    assert "（八）履约与效益" in text
    assert "投产生效一批1个、总投资5.00亿元" in text
    assert "2025年实现产值1.20亿元、税收0.09亿元" in text
    sheet = load_workbook(io.BytesIO(pack_xlsx(pack)))["履约与效益"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] == "马巷街道"]
    assert rows and rows[0][1:5] == (1, 0, 0, 1)
    # A month before the project was admitted: nothing in any batch.
    before = pack_build(scope=Scope(district=w.district), as_of=dt.date(2025, 2, 28))
    assert sum(b.count for b in before.outcomes.batches) == 0
