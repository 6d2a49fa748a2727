"""工作亮点 and 下步工作: written on the 月度统计 page before publishing, frozen with it,
and printed in the Word pack."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document

from baton.reports.docx import pack_docx
from baton.reports.models import PublishedReport, ReportNotes
from baton.reports.pack import pack_build
from baton.reports.publish import NOTES_CLOSED, notes_get, notes_save, report_publish
from baton.reports.selectors import Scope
from baton.testing import admit, at, make_project

D = dt.date(2019, 8, 31)
QUERY = {"scope": "district:350213", "as_of": "2019-08-31"}
HIGHLIGHTS = "一是强化项目接力，交接平均用时3天。\n二是第三代半导体项目签约落地。"
NEXT = "一是紧盯环评批复。"


@pytest.fixture
def library(w):
    project = make_project(w, name="锂电池隔膜生产基地", investment="10000", at=at(2019, 6, 1))
    admit(w, project, when=at(2019, 6, 5))
    return project


def test_each_save_is_a_new_version_and_the_newest_is_the_text(w, library):
    scope = Scope(district=w.district)
    assert notes_get(scope=scope, as_of=D) == ("", "")
    notes_save(scope=scope, as_of=D, highlights="初稿", next_steps="", actor=w.office)
    notes_save(scope=scope, as_of=D, highlights=f"  {HIGHLIGHTS} ", next_steps=NEXT, actor=w.office)
    assert notes_get(scope=scope, as_of=D) == (HIGHLIGHTS, NEXT)
    assert ReportNotes.objects.count() == 2
    assert notes_get(scope=scope, as_of=dt.date(2019, 7, 31)) == ("", "")
    assert notes_get(scope=Scope(district=w.other_district), as_of=D) == ("", "")
    first = ReportNotes.objects.order_by("id").first()
    with pytest.raises(PermissionError):
        first.save()
    with pytest.raises(PermissionError):
        first.delete()


def test_publishing_freezes_the_text(w, library):
    scope = Scope(district=w.district)
    notes_save(scope=scope, as_of=D, highlights=HIGHLIGHTS, next_steps=NEXT, actor=w.office)
    report = report_publish(scope=scope, as_of=D, actor=w.office)
    report.refresh_from_db()
    assert (report.highlights, report.next_steps) == (HIGHLIGHTS, NEXT)
    with pytest.raises(ValidationError, match=NOTES_CLOSED):
        notes_save(scope=scope, as_of=D, highlights="改了", next_steps="", actor=w.office)
    assert notes_get(scope=scope, as_of=D) == (HIGHLIGHTS, NEXT)
    assert ReportNotes.objects.count() == 1


def test_a_unit_scope_has_no_text_of_its_own(w, library):
    with pytest.raises(ValidationError):
        notes_save(scope=Scope(unit=w.town), as_of=D, highlights="x", next_steps="", actor=w.office)
    assert notes_get(scope=Scope(unit=w.town), as_of=D) == ("", "")


def test_the_word_pack_prints_the_text_one_paragraph_a_line(w, library):
    scope = Scope(district=w.district)
    notes_save(scope=scope, as_of=D, highlights=HIGHLIGHTS, next_steps=NEXT, actor=w.office)
    document = Document(io.BytesIO(pack_docx(pack_build(scope=scope, as_of=D))))
    texts = [p.text for p in document.paragraphs]
    start = texts.index("六、工作亮点")
    assert texts[start + 1 : start + 5] == [*HIGHLIGHTS.split("\n"), "七、下步工作", NEXT]
    assert "（未填写）" not in texts


def test_the_page_saves_the_text_then_publishing_shows_it_read_only(w, library, client):
    client.force_login(w.office)
    page = client.get(reverse("reports:monthly"), QUERY).content.decode()
    assert 'name="highlights"' in page and 'name="next_steps"' in page
    response = client.post(
        reverse("reports:monthly_notes"), {**QUERY, "highlights": HIGHLIGHTS, "next_steps": NEXT}
    )
    assert response.status_code == 302 and response.url.endswith("#notes")
    page = client.get(response.url).content.decode()
    assert "已保存本月的工作亮点和下步工作" in page
    assert "一是强化项目接力" in page and 'name="highlights"' in page
    client.post(reverse("reports:monthly_publish"), {**QUERY, "confirm": "on"})
    page = client.get(reverse("reports:monthly"), QUERY).content.decode()
    assert 'name="highlights"' not in page and "一是强化项目接力" in page
    response = client.post(
        reverse("reports:monthly_notes"), {**QUERY, "highlights": "改了", "next_steps": ""}
    )
    assert NOTES_CLOSED in client.get(response.url).content.decode()
    assert PublishedReport.objects.get().highlights == HIGHLIGHTS


def test_only_who_may_publish_writes_the_text(w, library, client):
    data = {**QUERY, "highlights": "越权", "next_steps": ""}
    client.force_login(w.promoter)
    assert client.post(reverse("reports:monthly_notes"), data).status_code == 403
    page = client.get(reverse("reports:monthly"), QUERY)
    assert 'name="highlights"' not in page.content.decode()
    client.force_login(w.tongan_office)  # another district: not among its scopes
    assert client.post(reverse("reports:monthly_notes"), data).status_code == 400
    client.force_login(w.office)
    assert client.get(reverse("reports:monthly_notes")).status_code == 405
    too_long = {**QUERY, "highlights": "字" * 3001, "next_steps": ""}
    assert client.post(reverse("reports:monthly_notes"), too_long).status_code == 400
    open_month = {**data, "as_of": dt.date.today().isoformat()}
    client.post(reverse("reports:monthly_notes"), open_month)
    assert not ReportNotes.objects.exists()


def test_a_published_month_s_pack_is_dated_the_day_it_was_published(w, library):
    scope = Scope(district=w.district)
    report = report_publish(scope=scope, as_of=D, actor=w.office)
    # Published on 5 September (Beijing time); the pack is printed today.
    PublishedReport.objects.filter(pk=report.pk).update(published_at=at(2019, 9, 5, 9))
    texts = [
        p.text for p in Document(io.BytesIO(pack_docx(pack_build(scope=scope, as_of=D)))).paragraphs
    ]
    assert "2019年9月5日" in texts
    unpublished = pack_build(scope=scope, as_of=dt.date(2019, 7, 31))
    assert unpublished.published_on is None
