"""The meetings' pages: the list, 下月例会, a meeting's page, its dialogs, the Word export."""

import io

import docx
from django.test import Client

from baton.projects.tests.helpers_views import HTMX, login

from .. import rules, services, services_decisions
from ..models import Decision, Meeting
from .helpers import in_days, last_month


def client_of(user) -> Client:
    return login(Client(), user)


def test_the_list_is_empty_then_one_click_opens_next_months_meeting(w):
    office = client_of(w.office)
    page = office.get("/meetings/")
    text = page.content.decode()
    assert page.status_code == 200 and "还没有月例会记录" in text and "下月例会" in text
    stale = office.post("/meetings/new/")
    assert stale.status_code == 302 and stale["Location"] == "/meetings/"
    assert not Meeting.objects.exists()
    response = office.post("/meetings/new/", {"month": f"{last_month():%Y-%m}"})
    assert office.post("/meetings/new/", {"month": f"{last_month():%Y-%m}"})["Location"] == (
        "/meetings/"
    )  # the second click opens nothing
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    detail = office.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "在库项目 2 个" in detail and "新入库项目 2 个" in detail and "查看清单" in detail
    listing = office.get("/meetings/").content.decode()
    assert meeting.title in listing


def test_it_rejects_the_wrong_method(w):
    office = client_of(w.office)
    assert office.get("/meetings/new/").status_code == 405
    meeting = services.meeting_create(actor=w.office)
    assert office.get(f"/meetings/{meeting.pk}/hold/").status_code == 405
    # A button without its page's version changes nothing.
    item = meeting.agenda.first()
    response = office.post(f"/meetings/{meeting.pk}/agenda/{item.pk}/remove/")
    assert response.status_code == 302 and meeting.agenda.filter(pk=item.pk).exists()
    response = office.post(
        f"/meetings/{meeting.pk}/agenda/{item.pk}/remove/", {"version": meeting.version}
    )
    assert response.status_code == 302 and not meeting.agenda.filter(pk=item.pk).exists()
    assert office.post(f"/meetings/{meeting.pk}/").status_code == 405


def test_it_denies_another_district_and_a_unit_without_decisions(w):
    meeting = services.meeting_create(actor=w.office)
    assert client_of(w.tongan_office).get(f"/meetings/{meeting.pk}/").status_code == 404
    assert client_of(w.promoter).get(f"/meetings/{meeting.pk}/").status_code == 404
    response = client_of(w.promoter).post("/meetings/new/")
    assert response.status_code == 403 and rules.NOT_THE_OFFICE in response.content.decode()
    assert Meeting.objects.count() == 1
    assert client_of(w.sys_admin).get("/meetings/").status_code == 403


def test_a_leader_reads_and_cannot_write(w):
    meeting = services.meeting_create(actor=w.office)
    leader = client_of(w.leader)
    page = leader.get(f"/meetings/{meeting.pk}/").content.decode()
    assert meeting.title in page and "记录决定事项" not in page
    response = leader.post(f"/meetings/{meeting.pk}/decisions/new/", {"text": "x"})
    assert response.status_code == 403 and rules.NOT_THE_OFFICE in response.content.decode()
    assert not Decision.objects.exists()


def test_the_office_records_a_decision_as_a_supervision_and_closes_a_task(w):
    meeting = services.meeting_create(actor=w.office)
    office = client_of(w.office)
    url = f"/meetings/{meeting.pk}/decisions/new/"
    assert office.get(url, **HTMX).status_code == 200
    bad = office.post(url, {"text": "推进", "project": w.p1.pk, "deadline": in_days(9)}, **HTMX)
    assert bad.status_code == 422 and services_decisions.LEADER_NEEDED in bad.content.decode()
    ok = office.post(
        url,
        {"text": "推进签约", "project": w.p1.pk, "owner_person": w.leader_person.pk,
         "deadline": in_days(9), "version": meeting.version},
        **HTMX,
    )  # fmt: skip
    assert ok.status_code == 200 and ok["HX-Redirect"].startswith(f"/meetings/{meeting.pk}/")
    decision = Decision.objects.get()
    assert decision.supervision.deadline == in_days(9)
    meeting.refresh_from_db()
    task = services_decisions.decision_record(
        meeting=meeting, actor=w.office, text="整理清单", deadline=in_days(3), owner_unit=w.town
    )
    close = f"/meetings/decisions/{task.pk}/close/"
    assert office.post(close, {"note": ""}, **HTMX).status_code == 422
    assert (
        office.post(close, {"note": "已完成", "version": task.version}, **HTMX).status_code == 200
    )
    task.refresh_from_db()
    assert task.status == "closed"
    # The unit sees the meeting with its decisions only.
    unit_page = client_of(w.promoter).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "推进签约" in unit_page and "议程" not in unit_page.split("决定事项")[0][-200:]
    assert client_of(w.promoter).post(close, {"note": "x"}).status_code == 403


def test_a_stale_form_is_a_conflict(w):
    meeting = services.meeting_create(actor=w.office)
    office = client_of(w.office)
    old = meeting.version
    services.minutes_save(meeting=meeting, actor=w.office, minutes="甲")
    response = office.post(
        f"/meetings/{meeting.pk}/minutes/", {"minutes": "乙", "version": old}, **HTMX
    )
    assert response.status_code == 409 and services.STALE in response.content.decode()


def test_the_minutes_export_as_a_word_document(w):
    meeting = services.meeting_create(actor=w.office)
    services.attendance_add(meeting=meeting, actor=w.office, person=w.leader_person)
    services.attendance_add(
        meeting=meeting, actor=w.office, unit=w.department, present=False, reason="外出招商"
    )
    services.minutes_save(meeting=meeting, actor=w.office, minutes="会议听取了各单位汇报。")
    services_decisions.decision_record(
        meeting=meeting, actor=w.office, text="推进签约", deadline=in_days(9), project=w.p1,
        owner_person=w.leader_person,
    )  # fmt: skip
    response = client_of(w.office).get(f"/meetings/{meeting.pk}/docx/")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "翔安区招商工作领导小组办公室" in text and f"{meeting.title}会议纪要" in text
    assert "会议听取了各单位汇报。" in text and "区工信局（外出招商）" in text
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert "推进签约" in cells and "马巷街道" in cells and in_days(9).isoformat() in cells


def test_each_drafted_item_links_to_the_list_that_makes_its_number(w):
    from baton.supervision.services import problem_open

    problem_open(
        project=w.p1, actor=w.promoter, category="land", description="用地指标尚未落实",
        responsible_unit=w.town, deadline=in_days(20),
    )  # fmt: skip
    meeting = services.meeting_create(actor=w.office)
    office = client_of(w.office)
    items = {i.kind: i for i in meeting.agenda.all()}
    assert "未解决 1 个，其中逾期 0 个" in items["problems"].text
    listed = office.get(items["problems"].url).content.decode()
    assert "用地指标尚未落实" in listed
    admitted = office.get(items["admitted"].url)
    assert admitted.status_code == 200
    text = admitted.content.decode()
    assert w.p1.code in text and w.p2.code in text
    figures = office.get(items["figures"].url).content.decode()
    assert w.p1.code in figures and w.p2.code in figures
    assert office.get(items["leads"].url).status_code == 200


def test_the_list_pages_by_month(w):
    import datetime as dt

    first = last_month()
    for n in range(13):
        month = (first - dt.timedelta(days=31 * n)).replace(day=1)
        services.meeting_create(actor=w.office, month=month)
    office = client_of(w.office)
    one = office.get("/meetings/").content.decode()
    assert "第 1 / 2 页" in one and one.count("/meetings/") > 12
    two = office.get("/meetings/?page=2", **HTMX)
    assert two.status_code == 200 and "第 2 / 2 页" in two.content.decode()
    assert "<html" not in two.content.decode()
    assert office.get("/meetings/?page=x").status_code == 200


def test_a_supervision_decision_waits_for_the_units_report_before_it_closes(w):
    meeting = services.meeting_create(actor=w.office)
    decision = services_decisions.decision_record(
        meeting=meeting, actor=w.office, text="推进签约", deadline=in_days(9), project=w.p1,
        owner_person=w.leader_person,
    )  # fmt: skip
    page = client_of(w.office).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "待交办单位报送办理情况" in page
    assert f"/meetings/decisions/{decision.pk}/close/" not in page
