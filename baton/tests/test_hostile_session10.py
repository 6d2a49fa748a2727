"""Session 10's new apps attacked by insiders: the same rule across two paths.

The monthly meetings (月例会), promises and results (履约与效益), the news review queue,
the assessment's entered figures and city schemes, and /healthz and /metrics. Each test
is one probe by an account that should not get through — 同安区's office, another town's
promoter, an assessed district office, an administrator, a spoofed address — usually
by joining two paths that are each allowed, or by sending what the form never offers.
"""

import contextlib
import datetime as dt
import io
from decimal import Decimal

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from baton.accounts.api_auth import token_create
from baton.assessment import services as assessment
from baton.assessment.models import EnteredFact, Scheme
from baton.meetings import services as meetings
from baton.meetings.models import Decision, Meeting, MeetingEvent
from baton.meetings.services_decisions import decision_record
from baton.meetings.tests.helpers import in_days
from baton.meetings.tests.helpers import world as meetings_world
from baton.news import services as news
from baton.news.models import Draft
from baton.news.tests.helpers import REPORT, TIANMA
from baton.ops import health
from baton.outcomes import services as outcomes
from baton.outcomes.importing import import_results
from baton.outcomes.models import Promise, Result
from baton.outcomes.tests.helpers import landed
from baton.projects.tests.helpers_views import login
from baton.supervision.models import Problem
from baton.testing import make_project, table_contents

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


#: Written by any request or sign-in (sessions, the lockout's log, tokens' last use, the
#: audit of a refusal): not the business data a probe must leave unchanged.
NOISE = ("sessions.", "axes.", "accounts.", "audit.")


def business() -> dict[str, str]:
    return {k: v for k, v in table_contents().items() if not k.startswith(NOISE)}


def client_of(user) -> Client:
    return login(Client(), user)


def api_of(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='probe')[1]}")


# --- 月例会 -----------------------------------------------------------------------------------


@pytest.fixture
def mw(w):
    """The meetings' world: 马巷's two admitted projects, a person of 马巷, and 翔安's
    meeting of last month with one task decision for 马巷."""
    meetings_world(w)
    w.meeting = meetings.meeting_create(actor=w.office)
    w.decision = decision_record(
        meeting=w.meeting, actor=w.office, text="马巷街道牵头完成征迁摸底", deadline=in_days(20),
        owner_unit=w.town,
    )  # fmt: skip
    w.meeting.refresh_from_db()
    return w


def test_another_district_and_another_town_reach_no_meeting_by_id(mw, client):
    """同安's office and 新店's promoter try every page and API route of 翔安's meeting and
    decision by id; nothing is shown or changed."""
    before = business()
    m, d = mw.meeting.pk, mw.decision.pk
    for user in (mw.tongan_office, mw.other_promoter):
        web = client_of(user)
        for url in (f"/meetings/{m}/", f"/meetings/{m}/docx/", f"/meetings/{m}/edit/"):
            assert web.get(url).status_code == 404, (user, url)
        posts = {
            f"/meetings/{m}/minutes/": {"minutes": "篡改", "version": mw.meeting.version},
            f"/meetings/{m}/hold/": {"version": mw.meeting.version},
            f"/meetings/{m}/decisions/new/": {"text": "x", "owner_unit": mw.town.pk},
            f"/meetings/decisions/{d}/close/": {"note": "办完了", "version": 1},
        }
        for url, data in posts.items():
            assert web.post(url, data).status_code == 404, (user, url)
        api = api_of(user)
        assert api.get(f"/api/v1/meetings/{m}").status_code == 404
        listed = api.get("/api/v1/meetings").json()
        assert listed["count"] == 0, user
        response = api.post(
            f"/api/v1/meetings/decisions/{d}/close",
            {"note": "办完了"},
            content_type="application/json",
        )
        assert response.status_code == 404
    assert business() == before


def test_a_decision_cannot_name_another_districts_project_or_unit(mw):
    """The office posts ids of 同安's project and office unit, which its form never lists:
    the page and the API refuse them; no 督办 is issued in 同安."""
    tongan_project = make_project(mw, unit=mw.tongan_unit, actor=mw.tongan_office)
    before = business()
    web = client_of(mw.office)
    url = f"/meetings/{mw.meeting.pk}/decisions/new/"
    for data in (
        {"project": tongan_project.pk, "owner_person": mw.leader_person.pk},
        {"owner_unit": mw.tongan_unit.pk},
    ):
        body = {"text": "越区交办", "deadline": in_days(9), "version": mw.meeting.version, **data}
        assert web.post(url, body).status_code in (200, 400, 422)
    api = api_of(mw.office)
    for data in (
        {"project": tongan_project.pk, "owner_person": mw.leader_person.pk},
        {"owner_unit": mw.tongan_unit.pk},
    ):
        response = api.post(
            f"/api/v1/meetings/{mw.meeting.pk}/decisions",
            {"text": "越区交办", "deadline": in_days(9).isoformat(), **data},
            content_type="application/json",
        )
        assert response.status_code in (400, 422), response.content
    assert business() == before


def test_closing_a_decision_twice_closes_it_once(mw):
    """Two submits of the same 办结 (the page's version, then the API without one): one
    close, one event."""
    web = client_of(mw.office)
    url = f"/meetings/decisions/{mw.decision.pk}/close/"
    first = web.post(url, {"note": "已完成摸底", "version": mw.decision.version})
    assert first.status_code in (200, 302)
    again = web.post(url, {"note": "再办一次", "version": mw.decision.version})
    assert again.status_code != 302 or Decision.objects.get().closing_note == "已完成摸底"
    response = api_of(mw.office).post(
        f"/api/v1/meetings/decisions/{mw.decision.pk}/close",
        {"note": "第三次"},
        content_type="application/json",
    )
    assert response.status_code in (400, 409, 422)
    decision = Decision.objects.get(pk=mw.decision.pk)
    assert decision.status == Decision.Status.CLOSED and decision.closing_note == "已完成摸底"
    assert MeetingEvent.objects.filter(kind=MeetingEvent.Kind.CLOSED).count() == 1


HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"


def test_text_with_markup_and_control_characters_stays_text_on_the_page_and_in_word(mw):
    """The office pastes minutes copied from a chat (a vertical tab, a form feed, a stray
    control character) with markup: the page shows it as text, and the Word minutes —
    which python-docx refuses to write with XML-illegal characters — still download."""
    web = client_of(mw.office)
    url = f"/meetings/{mw.meeting.pk}/minutes/"
    minutes = f"会议听取了汇报。\x0b{HOSTILE}\x0c第二段\x01\x1f完。"
    response = web.post(url, {"minutes": minutes, "version": mw.meeting.version})
    assert response.status_code in (200, 302)
    agenda = f"/meetings/{mw.meeting.pk}/agenda/new/"
    meeting = Meeting.objects.get(pk=mw.meeting.pk)
    web.post(agenda, {"text": f"其他\x08议题{HOSTILE}", "version": meeting.version})
    meeting = Meeting.objects.get(pk=mw.meeting.pk)
    assert "会议听取了汇报" in meeting.minutes
    page = web.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    word = web.get(f"/meetings/{meeting.pk}/docx/")
    assert word.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert "会议听取了汇报" in text and "<script>alert(1)</script>" in text
    # A text stored before the services cleaned it still makes a document.
    Meeting.objects.filter(pk=meeting.pk).update(minutes="旧纪要\x01\x1b[0m\x0b第二行")
    Decision.objects.filter(pk=mw.decision.pk).update(text="旧决定\x07")
    word = web.get(f"/meetings/{meeting.pk}/docx/")
    assert word.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert "旧纪要[0m" in text and "第二行" in text


def test_the_web_and_the_api_agree_on_control_characters(mw):
    """The API refuses a text with control characters (``core.api``); the page may clean
    them, but must not store what the API would refuse and Word cannot write."""
    web = client_of(mw.office)
    url = f"/meetings/{mw.meeting.pk}/decisions/new/"
    body = {"text": "推进\x1b[31m摸底\x07", "owner_unit": mw.town.pk, "deadline": in_days(9)}
    web.post(url, {**body, "version": mw.meeting.version})
    for decision in Decision.objects.all():
        assert not any(ord(c) < 32 and c not in "\n\t" for c in decision.text), decision.text


def test_administrators_and_a_coordinating_unit_see_no_meeting(mw):
    from baton.testing import add_coordinating

    add_coordinating(mw)
    m = mw.meeting.pk
    for user in (mw.sys_admin, mw.sec_admin, mw.audit_admin, mw.coordinator):
        web = client_of(user)
        for url in ("/meetings/", f"/meetings/{m}/", f"/meetings/{m}/docx/"):
            assert web.get(url).status_code in (403, 404), (user, url)
        api = api_of(user)
        assert api.get("/api/v1/meetings").status_code in (401, 403), user
        assert api.get(f"/api/v1/meetings/{m}").status_code in (401, 403, 404), user


def test_a_unit_sees_only_its_own_decision_of_a_shared_meeting(mw):
    """新店 gets a decision of the same meeting: it opens the meeting, but reads neither
    马巷's decision nor the minutes, on the page or through the API."""
    meetings.minutes_save(
        meeting=mw.meeting, actor=mw.office, minutes="马巷街道征迁补偿标准内部讨论意见"
    )
    decision_record(
        meeting=mw.meeting, actor=mw.office, text="新店街道报送厂房清单", deadline=in_days(9),
        owner_unit=mw.other_town,
    )  # fmt: skip
    page = client_of(mw.other_promoter).get(f"/meetings/{mw.meeting.pk}/").content.decode()
    assert "新店街道报送厂房清单" in page
    assert "马巷街道牵头完成征迁摸底" not in page and "补偿标准内部" not in page
    body = api_of(mw.other_promoter).get(f"/api/v1/meetings/{mw.meeting.pk}").json()
    assert [d["text"] for d in body["decisions"]] == ["新店街道报送厂房清单"]
    assert body["minutes"] == "" and body["agenda"] == [] and body["attendance"] == []
    assert client_of(mw.other_promoter).get(f"/meetings/{mw.meeting.pk}/docx/").status_code in (
        403,
        404,
    )


# --- 履约与效益 -------------------------------------------------------------------------------


def _results_xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["项目编号", "年度", "季度", "产值（万元）"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_import_row_naming_another_districts_project_is_refused(w):
    """翔安's office imports results with a row naming 同安's project code: the whole file
    is refused and 同安's project gets no result."""
    own = landed(w)
    theirs = landed(w, unit=w.tongan_unit, actor=w.tongan_office)
    data = _results_xlsx([[own.code, 2025, 0, 100], [theirs.code, 2025, 0, 99999]])
    report = import_results(data=data, actor=w.office)
    assert not report.ok
    assert not Result.objects.exists()
    report = import_results(data=_results_xlsx([[theirs.code, 2025, 0, 1]]), actor=w.promoter)
    assert not report.ok and not Result.objects.exists()


def test_another_district_reaches_no_promise_by_page_or_api(w):
    project = landed(w)
    outcomes.promise_create(
        actor=w.office, project=project,
        values={"kind": "output", "target": "20000", "due_on": dt.date(2025, 12, 31)},
    )  # fmt: skip
    before = business()
    promise = Promise.objects.get()
    for user in (w.tongan_office, w.other_promoter):
        web = client_of(user)
        assert web.get(f"/outcomes/promises/{promise.pk}/").status_code in (403, 404)
        posted = web.post(
            f"/outcomes/promises/{promise.pk}/",
            {"kind": "output", "target": "1", "due_on": "2025-12-31", "version": 1},
        )
        assert posted.status_code in (403, 404)
        api = api_of(user)
        assert api.get(f"/api/v1/projects/{project.code}/promises").status_code in (403, 404)
        response = api.post(
            f"/api/v1/projects/{project.code}/results",
            {"year": 2025, "quarter": 0, "output": "1", "source": "statistics"},
            content_type="application/json",
        )
        assert response.status_code in (403, 404), (user, response.content)
    assert business() == before


def test_running_the_check_twice_raises_one_problem(w):
    project = landed(w)
    outcomes.promise_create(
        actor=w.office, project=project,
        values={"kind": "output", "target": "20000", "due_on": dt.date(2025, 12, 31)},
    )  # fmt: skip
    today = timezone.localdate()
    outcomes.outcomes_check(as_of=today, district=w.district, actor=w.office)
    outcomes.outcomes_check(as_of=today, district=w.district, actor=w.office)
    outcomes.outcomes_check(as_of=today, district=None)
    assert Promise.objects.get().status == Promise.Status.BROKEN
    assert Problem.objects.filter(project=project).count() == 1


def test_the_check_of_every_district_is_not_a_promoters(w):
    """The service checks the actor only when a district is given: a promoter (or any
    caller passing its user) runs the check of every district, 同安's included, and the
    problems it raises there are recorded as raised by 马巷's promoter."""
    theirs = landed(w, unit=w.tongan_unit, actor=w.tongan_office)
    outcomes.promise_create(
        actor=w.tongan_office, project=theirs,
        values={"kind": "output", "target": "20000", "due_on": dt.date(2025, 12, 31)},
    )  # fmt: skip
    Promise.objects.update(status=Promise.Status.KEPT)
    Problem.objects.all().delete()
    with pytest.raises(PermissionDenied):
        outcomes.outcomes_check(as_of=timezone.localdate(), actor=w.promoter)
    assert not Problem.objects.filter(created_by=w.promoter).exists()


def test_a_check_dated_in_the_future_breaks_no_promise(w):
    """The office runs the check 'as of' 2099-12-31: a promise due next year is stated
    broken today, a 存在问题 is raised against the unit and the project's policy payments
    are held (pay_guard), although nothing has happened yet."""
    project = landed(w)
    due = timezone.localdate().replace(month=1, day=1) + dt.timedelta(days=800)
    outcomes.promise_create(
        actor=w.office, project=project,
        values={"kind": "output", "target": "20000", "due_on": due},
    )  # fmt: skip
    assert Promise.objects.get().status != Promise.Status.BROKEN
    problems = Problem.objects.count()
    client_of(w.office).post("/outcomes/check/", {"as_of": "2099-12-31"})
    assert Promise.objects.get().status != Promise.Status.BROKEN
    assert Problem.objects.count() == problems


@pytest.mark.parametrize(
    "value", ["NaN", "Infinity", "-1", "1e400", "9" * 40, "1" + "0" * 13, "0.000001"]
)
def test_a_result_amount_that_is_not_money_is_refused(w, value):
    project = landed(w)
    before = business()
    with pytest.raises(ValidationError):
        outcomes.result_record(
            actor=w.office, project=project,
            values={"year": 2025, "quarter": 0, "output": value, "source": "statistics"},
        )  # fmt: skip
    assert business() == before


# --- 新闻线索 -----------------------------------------------------------------------------


def test_a_draft_is_accepted_once_by_its_own_office_into_its_own_district(w):
    """同安's office opens and accepts 翔安's draft by id (page and service); 翔安's office
    names 同安's unit; then accepts twice: one lead."""
    draft = news.draft_create(actor=w.promoter, text=REPORT, name=TIANMA, title="厦门日报")
    before = business()
    web = client_of(w.tongan_office)
    assert web.get(f"/news/drafts/{draft.pk}/").status_code == 404
    body = {"unit": w.tongan_unit.pk, "title": "显示模组项目", "investment": "1000"}
    assert web.post(f"/news/drafts/{draft.pk}/accept/", body).status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        news.draft_accept(
            draft=draft, actor=w.tongan_office, unit=w.tongan_unit, title="x", investment="1000"
        )
    office = client_of(w.office)
    response = office.post(f"/news/drafts/{draft.pk}/accept/", body)
    assert response.status_code == 422
    with pytest.raises((ValidationError, PermissionDenied)):
        news.draft_accept(
            draft=draft, actor=w.office, unit=w.tongan_unit, title="x", investment="1000"
        )
    assert business() == before
    ok = {**body, "unit": w.town.pk}
    assert office.post(f"/news/drafts/{draft.pk}/accept/", ok).status_code == 302
    again = office.post(f"/news/drafts/{draft.pk}/accept/", ok)
    assert again.status_code == 403
    draft.refresh_from_db()
    assert draft.status == Draft.Status.ACCEPTED
    from baton.leads.models import Lead

    assert Lead.objects.count() == 1


def test_pasted_markup_stays_text_on_the_reading_page(w):
    text = REPORT + f"\n{HOSTILE}厦门恶意科技有限公司拟投资3亿元。"
    response = client_of(w.promoter).post(reverse("news:read"), {"text": text})
    page = response.content.decode()
    assert response.status_code in (200, 422)
    assert "<script>alert(1)" not in page and "<img src=x" not in page


# --- 考核：录入数据与市级方案 -------------------------------------------------------------------


def _city_scheme(w) -> Scheme:
    return assessment.scheme_create(city=w.city, name="全市招商考核", period_kind="year")


def test_a_district_office_cannot_edit_or_delete_the_city_scheme_that_ranks_it(w):
    scheme = _city_scheme(w)
    before = business()
    web = client_of(w.office)
    for url in (
        f"/assessment/schemes/{scheme.pk}/",
        f"/assessment/schemes/{scheme.pk}/edit/",
        f"/assessment/schemes/{scheme.pk}/targets/",
    ):
        assert web.get(url).status_code in (403, 404), url
    for url in (
        f"/assessment/schemes/{scheme.pk}/edit/",
        f"/assessment/schemes/{scheme.pk}/delete/",
        f"/assessment/schemes/{scheme.pk}/publish/",
        f"/assessment/schemes/{scheme.pk}/copy/",
    ):
        assert web.post(url, {"name": "改名", "confirm": "on"}).status_code in (403, 404), url
    assert business() == before


def _whole_district_figure(w) -> EnteredFact:
    return assessment.entered_fact_set(
        district=w.district, name="实际利用外资", period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31), value="12345", source="stats",
        reason="市统计局2025年快报", actor=None,
    )  # fmt: skip


def test_an_assessed_district_cannot_delete_the_figure_the_city_ranks_it_by(w):
    """The city's scheme ranks 翔安 and 同安 by a figure entered for each district as a
    whole. 翔安's office — assessed by it — tries to delete it by id with its page's
    button; the city office, for its part, cannot delete a unit's figure of 翔安's."""
    entry = _whole_district_figure(w)
    units = assessment.entered_fact_set(
        unit=w.town, name="到位资金", period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31), value="10", source="stats", reason="", actor=w.office,
    )  # fmt: skip
    response = client_of(w.office).post(
        f"/assessment/figures/{entry.pk}/delete/", {"confirm": "on"}
    )
    assert response.status_code == 404
    response = client_of(w.reviewer).post(
        f"/assessment/figures/{units.pk}/delete/", {"confirm": "on"}
    )
    assert response.status_code == 404
    assert EnteredFact.objects.count() == 2


def test_another_district_reaches_no_entered_figure(w):
    entry = assessment.entered_fact_set(
        unit=w.town, name="马巷专项指标", period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31), value="10", source="stats", reason="", actor=w.office,
    )  # fmt: skip
    before = business()
    web = client_of(w.tongan_office)
    response = web.post(f"/assessment/figures/{entry.pk}/delete/", {"confirm": "on"})
    assert response.status_code == 404
    assert "马巷专项指标" not in web.get("/assessment/figures/").content.decode()
    response = web.post(
        "/assessment/figures/",
        {"unit": w.town.pk, "name": "马巷专项指标", "period": "2025", "value": "999",
         "source": "stats", "reason": ""},
    )  # fmt: skip
    assert response.status_code == 400
    csv_file = io.BytesIO(
        "被考核对象,期间,指标,数值,来源\n马巷街道,2025,马巷专项指标,999,统计局\n".encode()
    )
    csv_file.name = "figures.csv"
    web.post("/assessment/figures/upload/", {"file": csv_file})
    for promoter in (w.promoter, w.other_promoter):
        assert client_of(promoter).get("/assessment/figures/").status_code == 403
    assert business() == before
    assert EnteredFact.objects.get().value == Decimal("10")


# --- /healthz and /metrics -------------------------------------------------------------------


def test_healthz_names_no_host_or_user_when_a_part_fails(client, monkeypatch):
    """The database and the cache fail with their drivers' usual messages: the public
    answer must say they are down, not where they are nor who connects."""
    from django.core.cache import cache

    def db_down(*args, **kwargs):
        raise OperationalError(
            'connection to server at "db-primary.baton.internal" (10.20.0.5), port 5432 '
            'failed: FATAL:  password authentication failed for user "baton_app"'
        )

    def cache_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis.baton.internal:6379. Refused.")

    monkeypatch.setattr(health.connections["default"], "cursor", db_down)
    monkeypatch.setattr(cache, "ping", cache_down, raising=False)
    response = client.get("/healthz")
    text = response.content.decode()
    assert response.status_code == 503
    for secret in ("baton.internal", "10.20.0.5", "baton_app", "5432", "6379"):
        assert secret not in text, secret


def test_healthz_answers_nothing_about_the_data(client, w):
    make_project(w, name="保密项目甲")
    text = client.get("/healthz").content.decode()
    assert "保密项目甲" not in text and "翔安" not in text and "mx_promoter" not in text


def test_metrics_behind_the_gateway_is_not_opened_by_a_forwarded_header(settings):
    """Behind a gateway on the loopback (trusted), a client anywhere sends
    ``X-Forwarded-For: 127.0.0.1``; the gateway appends its real address. A client that
    reaches the server directly from an untrusted address says the same. Both: 404."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.client import RequestFactory

    from config.proxy import TrustedProxies, parse_networks

    proxies = parse_networks(["127.0.0.1", "::1"])
    app = TrustedProxies(WSGIHandler(), proxies)

    def status(remote: str, forwarded: str) -> int:
        environ = RequestFactory()._base_environ(
            PATH_INFO="/metrics", REQUEST_METHOD="GET", REMOTE_ADDR=remote,
            HTTP_X_FORWARDED_FOR=forwarded,
        )  # fmt: skip
        got = []
        response = app(environ, lambda s, h, *a: got.append(s))
        b"".join(response)
        response.close()
        return int(got[0].split()[0])

    assert status("127.0.0.1", "") == 200
    assert status("127.0.0.1", "127.0.0.1, 203.0.113.9") == 404
    assert status("127.0.0.1", "::1, ::ffff:127.0.0.1, 203.0.113.9") == 404
    assert status("203.0.113.9", "127.0.0.1") == 404
    assert status("203.0.113.9", "::1") == 404
    assert status("127.0.0.1", "127.0.0.1, not-an-address") == 200  # the gateway's own


def _ranking_with_pasted_reason(w):
    """The office enters a figure through its page with a reason pasted from a chat
    (control characters) that starts like a formula, and runs the ranking counting it."""
    from baton.assessment.tests.helpers import scheme

    s = scheme(w, "外资考核", units={w.town: ""}, period_kind="year")
    indicator = assessment.indicator_add(
        scheme=s, name="实际利用外资", kind="ratio", weight="0.5", cap="0.5",
        config={"metric": "entered", "name": "实际利用外资"},
    )  # fmt: skip
    assessment.target_set(indicator=indicator, unit=w.town, value="5000")
    web = client_of(w.office)
    reason = "=cmd|' /C calc'!A0\x0b据市统计局快报\x01"
    response = web.post(
        "/assessment/figures/",
        {"unit": w.town.pk, "name": "实际利用外资", "period": "2024", "value": "4800",
         "source": "stats", "reason": reason},
    )  # fmt: skip
    assert response.status_code == 302
    ranking = assessment.ranking_compute(
        scheme=s, period_start=dt.date(2024, 1, 1), period_end=dt.date(2024, 12, 31)
    )
    return web, ranking


def test_an_entered_figures_reason_is_no_formula_in_the_ranking_workbook(w):
    from openpyxl import load_workbook

    web, ranking = _ranking_with_pasted_reason(w)
    book = web.get(f"/assessment/rankings/{ranking.pk}/xlsx/")
    assert book.status_code == 200
    cells = [
        c.value
        for sheet in load_workbook(io.BytesIO(book.content)).worksheets
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    assert any("据市统计局快报" in v for v in cells)
    assert not any(v.startswith(("=", "+", "-", "@")) for v in cells)


def test_an_entered_figures_reason_does_not_break_the_ranking_word_file(w):
    web, ranking = _ranking_with_pasted_reason(w)
    assert web.get(f"/assessment/rankings/{ranking.pk}/docx/").status_code == 200


# --- every new page and route: administrators, a 协调部门, ids out of range -------------------

NEW_PAGES = (
    "/meetings/",
    "/outcomes/",
    "/outcomes/promises/",
    "/outcomes/import/",
    "/news/",
    "/news/drafts/",
    "/assessment/",
    "/assessment/figures/",
)


def test_administrators_and_a_coordinating_unit_get_no_page_or_route_of_the_new_apps(w):
    from baton.testing import add_coordinating

    add_coordinating(w)
    project = landed(w)
    for user in (w.sys_admin, w.sec_admin, w.audit_admin, w.coordinator):
        web = client_of(user)
        for url in NEW_PAGES:
            assert web.get(url).status_code == 403, (user, url)
        api = api_of(user)
        for url in (
            "/api/v1/meetings",
            f"/api/v1/projects/{project.code}/promises",
            f"/api/v1/projects/{project.code}/results",
        ):
            assert api.get(url).status_code in (401, 403, 404), (user, url)


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/{n}/",
        "/meetings/{n}/docx/",
        "/outcomes/promises/{n}/",
        "/outcomes/results/{n}/",
        "/news/drafts/{n}/",
        "/assessment/schemes/{n}/",
        "/assessment/rankings/{n}/",
        "/api/v1/meetings/{n}",
    ],
)
def test_an_id_out_of_range_is_not_found_not_an_error(w, url):
    web = client_of(w.office)
    for n in ("9223372036854775808", "99999999999999999999999"):
        address = url.format(n=n)
        if address.startswith("/api/"):
            response = api_of(w.office).get(address)
            assert response.status_code in (404, 422), address
        else:
            assert web.get(address).status_code == 404, address


def test_a_promise_cannot_fall_due_before_the_contract_was_signed(w):
    """A promise due years before the signing is broken the moment it is recorded: a
    problem is raised against the unit and the project's policy payments are held."""
    project = landed(w)  # signed 2025-03-03
    with pytest.raises(ValidationError):
        outcomes.promise_create(
            actor=w.promoter, project=project,
            values={"kind": "output", "target": "20000", "due_on": dt.date(2001, 1, 1)},
        )  # fmt: skip
    assert not Promise.objects.exists() and not Problem.objects.exists()


def test_another_town_and_a_leader_neither_read_nor_write_mashangs_outcomes(w):
    """马巷's landed project has a promise and a result. 新店's promoter opens the outcome
    pages and posts a result to 马巷's project by its code; the district's leader (who
    reads) posts one too, by the page and the API."""
    project = landed(w, name="马巷保密电池项目")
    outcomes.promise_create(
        actor=w.office, project=project,
        values={"kind": "output", "target": "20000", "due_on": dt.date(2025, 12, 31)},
    )  # fmt: skip
    outcomes.result_record(
        actor=w.office, project=project,
        values={"year": 2025, "quarter": 0, "output": "777", "source": "statistics"},
    )  # fmt: skip
    before = business()
    other = client_of(w.other_promoter)
    for url in ("/outcomes/", "/outcomes/promises/"):
        page = other.get(url)
        assert page.status_code == 200
        assert "马巷保密电池项目" not in page.content.decode(), url
    result = {"year": "2025", "quarter": "0", "output": "1", "source": "statistics"}
    for user in (w.other_promoter, w.leader):
        response = client_of(user).post(f"/outcomes/project/{project.code}/result/", result)
        assert response.status_code in (403, 404), user
        response = api_of(user).post(
            f"/api/v1/projects/{project.code}/results",
            {"year": 2025, "quarter": 0, "output": "1", "source": "statistics"},
            content_type="application/json",
        )
        assert response.status_code in (403, 404), user
    assert business() == before


def test_a_town_does_not_open_another_towns_news_draft(w):
    draft = news.draft_create(actor=w.promoter, text=REPORT, name=TIANMA, title="厦门日报")
    other = client_of(w.other_promoter)
    assert other.get(f"/news/drafts/{draft.pk}/").status_code == 404
    assert TIANMA not in other.get("/news/drafts/").content.decode()
    response = other.post(f"/news/drafts/{draft.pk}/discard/", {"reason": "不要了"})
    assert response.status_code == 404
    assert Draft.objects.get().status == Draft.Status.PENDING


def test_one_projects_broken_promise_does_not_stop_the_daily_check_of_every_district(w):
    """翔安's project is held by a town since closed (停用) and breaks its promise; 同安's
    project, later in the run, breaks one too. The server's daily check must still
    check 同安 (and say what it could not do for 翔安), not stop at the first."""
    from baton.org.models import Unit

    ours = landed(w)
    theirs = landed(w, unit=w.tongan_unit, actor=w.tongan_office)
    for project, actor in ((ours, w.office), (theirs, w.tongan_office)):
        outcomes.promise_create(
            actor=actor, project=project,
            values={"kind": "output", "target": "20000", "due_on": dt.date(2030, 12, 31)},
        )  # fmt: skip
    Unit.objects.filter(pk=w.town.pk).update(is_active=False)
    Promise.objects.update(due_on=dt.date(2025, 12, 31), check_on=dt.date(2025, 12, 31))
    with contextlib.suppress(ValidationError):  # the server's run, as the command does
        outcomes.outcomes_check(as_of=timezone.localdate())
    assert Problem.objects.filter(project=theirs).count() == 1


def test_a_stale_promise_edit_is_refused_on_the_api_and_the_page(w):
    """The office and the promoter read the promise at version 1; the office saves first.
    The promoter's edit with the version it read is a conflict on both paths."""
    project = landed(w)
    promise = outcomes.promise_create(
        actor=w.office, project=project,
        values={"kind": "output", "target": "20000", "due_on": dt.date(2025, 12, 31)},
    )  # fmt: skip
    read = promise.version
    body = {"kind": "output", "version": read, "target": "30000", "due_on": "2025-12-31"}
    first = api_of(w.office).patch(
        f"/api/v1/projects/{project.code}/promises", body, content_type="application/json"
    )
    assert first.status_code == 200
    stale = {**body, "target": "1"}
    second = api_of(w.promoter).patch(
        f"/api/v1/projects/{project.code}/promises", stale, content_type="application/json"
    )
    assert second.status_code == 409
    page = client_of(w.promoter).post(
        f"/outcomes/promises/{promise.pk}/",
        {"kind": "output", "target": "1", "due_on": "2025-12-31", "version": read},
    )
    assert page.status_code in (200, 409, 422)
    assert Promise.objects.get().target == Decimal("30000")


def test_a_drafts_source_address_is_a_web_address_on_every_path(w):
    """The reading form accepts only a web address; the hidden field of the 提交 button
    carries it on to /news/drafts/new/. A promoter posts that form by hand with a
    ``javascript:`` address: the office's review page must not link it."""
    web = client_of(w.promoter)
    response = web.post(
        "/news/drafts/new/",
        {"text": REPORT, "name": TIANMA, "title": "厦门日报",
         "source_url": "javascript:fetch('/api/v1/me').then(r=>r.text()).then(alert)"},
    )  # fmt: skip
    draft = Draft.objects.filter(name=TIANMA).first()
    if draft is None:
        assert response.status_code in (400, 422)
        return
    page = client_of(w.office).get(f"/news/drafts/{draft.pk}/").content.decode()
    assert 'href="javascript:' not in page
    assert not draft.article.source_url.startswith("javascript:")


def test_a_backdated_check_does_not_release_the_payment_hold(w):
    """The promise is broken today and holds the project's policy payments. The office
    runs the check 'as of' 2024-01-01 (before the promise was due): the promise then
    reads pending, and the payment guard lets the payment through — until tomorrow's
    daily check, by when it has been paid."""
    from types import SimpleNamespace

    project = landed(w)
    outcomes.promise_create(
        actor=w.office, project=project,
        values={"kind": "output", "target": "20000", "due_on": dt.date(2025, 12, 31)},
    )  # fmt: skip
    application = SimpleNamespace(project_id=project.pk)
    with pytest.raises(ValidationError):
        outcomes.pay_guard(application, timezone.localdate())
    response = client_of(w.office).post("/outcomes/check/", {"as_of": "2024-01-01"})
    assert response.status_code in (200, 302, 400, 422)
    with pytest.raises(ValidationError):
        outcomes.pay_guard(application, timezone.localdate())


@pytest.mark.parametrize("month", ["0000-01", "0001-01", "9999-12", "1999-12"])
def test_a_meeting_month_out_of_range_is_refused_in_words(w, month):
    """The API's month pattern takes any four digits: year 0 is no date at all."""
    before = business()
    response = api_of(w.office).post(
        "/api/v1/meetings", {"month": month}, content_type="application/json"
    )
    assert response.status_code in (400, 422), response.content
    assert "年" in response.content.decode("unicode_escape")
    assert business() == before
    refused = api_of(w.promoter).post(
        "/api/v1/meetings", {"month": month}, content_type="application/json"
    )
    assert refused.status_code == 403
