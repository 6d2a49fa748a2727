"""审核台: the queue, the review page with its duplicates, and the history of decisions."""

import pytest
from django.urls import reverse

from baton.core.dates import ago_text
from baton.projects import services
from baton.projects.models import Project, ProjectEvent, ReviewState
from baton.projects.tests.helpers_views import HTMX, login, make_submitted, state
from baton.projects.views import review as review_views
from baton.testing import at, make_project

Kind = ProjectEvent.Kind
DESK = reverse("projects:review_desk")
HISTORY = reverse("projects:review_history")
INVESTOR = "厦门示例新能源有限公司"


def page_of(project) -> str:
    return reverse("projects:review", args=[project.code])


def fresh(project) -> Project:
    return Project.objects.get(pk=project.pk)


@pytest.fixture
def pending(w):
    """A 马巷 project waiting for the district office."""
    return make_submitted(w, name="马巷新能源电池项目", investor=INVESTOR)


@pytest.fixture
def approved(w, pending):
    """The same project, approved by the district office, waiting for the city."""
    services.project_review(project=pending, actor=w.office, approve=True)
    return fresh(pending)


@pytest.fixture
def duplicate(w, pending):
    """新店 reports what may be 马巷's project again (项目撞车)."""
    return make_submitted(
        w,
        unit=w.other_town,
        actor=w.other_promoter,
        name="马巷新能源电池（一期）项目",
        investor=INVESTOR,
    )


# --- the desk --------------------------------------------------------------------------


def test_it_queues_submitted_projects_oldest_first_for_the_district_office(client, w):
    older = make_project(w, name="较早上报的项目", at=at(2024, 3, 1))
    services.project_submit(project=older, actor=w.promoter, at=at(2024, 3, 2))
    newer = make_submitted(w, name="较晚上报的项目")
    make_project(w, name="仍是草稿的项目")

    response = login(client, w.office).get(DESK)

    assert response.status_code == 200
    assert [p.code for p in response.context["page"]] == [older.code, newer.code]
    text = response.content.decode()
    assert "较早上报的项目" in text and "马巷街道" in text and "10,000" in text
    assert "仍是草稿的项目" not in text
    # How long each has waited, in plain Chinese (not Django's "2 年，9 月").
    assert ago_text(at(2024, 3, 2)) in text and "个月前" in ago_text(at(2024, 3, 2))
    assert "今天" in text and "，" not in ago_text(at(2024, 3, 2))


def test_it_queues_district_approved_projects_for_the_city_reviewer(client, w, approved):
    still_submitted = make_submitted(w, name="待区审核的项目")

    response = login(client, w.reviewer).get(DESK)

    codes = [p.code for p in response.context["page"]]
    assert codes == [approved.code]
    assert still_submitted.code not in codes


def test_it_queues_a_one_level_districts_projects_for_its_own_office(client, w, pending):
    tongan = make_submitted(w, unit=w.tongan_unit, actor=w.tongan_office, name="同安项目")

    response = login(client, w.tongan_office).get(DESK)

    assert [p.code for p in response.context["page"]] == [tongan.code]
    assert "通过即入库" in response.content.decode()


def test_it_counts_the_duplicates_found_at_submission(client, w, pending, duplicate):
    response = login(client, w.office).get(DESK)

    rows = {p.code: p for p in response.context["page"]}
    assert rows[duplicate.code].submission["duplicates"] == [pending.code]
    assert rows[pending.code].submission["duplicates"] == []


@pytest.mark.parametrize("persona", ["promoter", "other_promoter", "leader"])
def test_it_denies_the_desk_to_those_who_do_not_review(client, w, pending, persona):
    response = login(client, getattr(w, persona)).get(DESK)

    assert response.status_code == 403
    assert "审核台仅供区招商办和市招商办使用" in response.content.decode()


@pytest.mark.parametrize("persona", ["sys_admin", "sec_admin", "audit_admin"])
def test_it_shows_admins_no_queue(client, w, pending, persona):
    response = login(client, getattr(w, persona)).get(DESK)

    assert response.status_code == 403
    assert pending.name not in response.content.decode()


def test_it_rejects_the_wrong_method_on_the_desk(client, w):
    assert login(client, w.office).post(DESK).status_code == 405


def test_it_sends_strangers_to_the_login_page(client, w):
    response = client.get(DESK)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- the review page -------------------------------------------------------------------


def test_it_shows_the_project_and_its_duplicates_side_by_side(client, w, pending, duplicate):
    response = login(client, w.office).get(page_of(duplicate))

    assert response.status_code == 200
    rows = response.context["duplicates"]
    assert [row["project"].code for row in rows] == [pending.code]
    assert rows[0]["reason"].startswith("投资方相同")
    text = response.content.decode()
    for shown in (pending.name, duplicate.name, INVESTOR, "马巷街道", "新店街道", "已上报"):
        assert shown in text
    assert "确认不是同一项目" in text


def test_it_approves_then_admits_in_a_two_level_district(client, w, pending):
    response = login(client, w.office).post(page_of(pending), {"decision": "approve"})

    assert response.status_code == 302
    assert response.url == DESK
    assert fresh(pending).review_state == ReviewState.DISTRICT_APPROVED

    response = login(client, w.reviewer).post(
        page_of(pending), {"decision": "approve", "reason": "材料齐全"}, follow=True
    )

    assert fresh(pending).review_state == ReviewState.ADMITTED
    assert "已审核入库" in response.content.decode()
    event = pending.events.get(kind=Kind.ADMITTED)
    assert (event.actor, event.reason) == (w.reviewer, "材料齐全")


def test_it_admits_directly_in_a_one_level_district(client, w):
    project = make_submitted(w, unit=w.tongan_unit, actor=w.tongan_office)

    page = login(client, w.tongan_office).get(page_of(project))
    assert "审核入库" in page.content.decode()
    client.post(page_of(project), {"decision": "approve"})

    assert fresh(project).review_state == ReviewState.ADMITTED


def test_it_requires_the_confirmation_when_there_are_duplicates(client, w, pending, duplicate):
    login(client, w.office)
    before = state()

    refused = client.post(page_of(duplicate), {"decision": "approve"})

    assert refused.status_code == 400
    assert "确认不是同一项目后勾选再通过" in refused.content.decode()
    assert state() == before

    client.post(page_of(duplicate), {"decision": "approve", "not_duplicate": "on"})

    assert fresh(duplicate).review_state == ReviewState.DISTRICT_APPROVED
    event = duplicate.events.get(kind=Kind.APPROVED)
    assert event.new["checked_duplicates"] == [pending.code]


def test_it_needs_no_confirmation_without_duplicates(client, w, pending):
    response = login(client, w.office).get(page_of(pending))

    assert "not_duplicate" not in response.context["form"].fields
    assert "疑似重复项目" not in response.content.decode()


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_needs_a_reason_to_return(client, w, pending, reason):
    login(client, w.office)
    before = state()

    response = client.post(page_of(pending), {"decision": "return", "reason": reason})

    assert response.status_code == 400
    assert "退回必须说明原因" in response.content.decode()
    assert state() == before


def test_it_returns_with_a_reason_without_any_confirmation(client, w, pending, duplicate):
    login(client, w.office).post(page_of(duplicate), {"decision": "return", "reason": "与马巷重复"})

    duplicate = fresh(duplicate)
    assert duplicate.review_state == ReviewState.RETURNED
    assert duplicate.events.get(kind=Kind.RETURNED).reason == "与马巷重复"


def test_the_city_returns_a_district_approved_project(client, w, approved):
    login(client, w.reviewer).post(
        page_of(approved), {"decision": "return", "reason": "投资额存疑"}
    )

    assert fresh(approved).review_state == ReviewState.RETURNED


def test_it_reports_a_stale_page_as_a_conflict(client, w, pending):
    login(client, w.office)
    before = state()

    response = client.post(
        page_of(pending), {"decision": "approve", "version": pending.version - 1}
    )

    assert response.status_code == 400
    assert "已被他人修改" in response.content.decode()
    assert state() == before


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"decision": "maybe"},
        {"decision": "approve", "version": "abc"},
        {"decision": "approve", "version": "-3"},
        {"decision": "return", "reason": "长" * 2001},
        {"decision": ["approve", "return"], "not_duplicate": "\x00"},
    ],
)
def test_it_answers_garbage_with_a_chinese_message(client, w, pending, data):
    login(client, w.office)
    before = state()

    response = client.post(page_of(pending), data)

    assert response.status_code in (200, 400)
    assert response.status_code == 400 or fresh(pending).review_state != ReviewState.SUBMITTED
    if response.status_code == 400:
        assert state() == before
        assert (
            "errorlist" in response.content.decode() or "alert-error" in response.content.decode()
        )


@pytest.mark.parametrize("persona", ["other_promoter", "tongan_office"])
def test_it_denies_another_unit_with_a_404(client, w, pending, persona):
    login(client, getattr(w, persona))

    assert client.get(page_of(pending)).status_code == 404
    assert client.post(page_of(pending), {"decision": "approve"}).status_code == 404
    assert fresh(pending).review_state == ReviewState.SUBMITTED


@pytest.mark.parametrize("persona", ["sys_admin", "audit_admin"])
def test_it_shows_admins_no_project(client, w, pending, persona):
    response = login(client, getattr(w, persona)).get(page_of(pending))
    assert response.status_code == 403
    assert "三员分立" in response.text
    assert pending.name not in response.text


def test_it_answers_an_unknown_code_with_a_404(client, w):
    assert login(client, w.office).get(page_of(Project(code="no-such-code"))).status_code == 404


@pytest.mark.parametrize(
    ("persona", "stage"),
    [
        ("promoter", "submitted"),  # the holder sees its project but does not review it
        ("leader", "submitted"),
        ("reviewer", "submitted"),  # the city waits for the district
        ("office", "district_approved"),  # the district has done its part
    ],
)
def test_it_refuses_a_visible_project_the_user_may_not_review(client, w, pending, persona, stage):
    if stage == "district_approved":
        services.project_review(project=pending, actor=w.office, approve=True)
    login(client, getattr(w, persona))
    before = state()

    assert client.get(page_of(pending)).status_code == 403
    response = client.post(page_of(pending), {"decision": "approve", "not_duplicate": "on"})

    assert response.status_code == 403
    assert "您无权审核" in response.content.decode()
    assert state() == before


def test_it_sends_a_reviewer_back_to_the_desk_once_the_project_was_decided(client, w, pending):
    services.project_review(project=pending, actor=w.office, approve=False, reason="补充材料")

    response = login(client, w.office).post(page_of(pending), {"decision": "approve"}, follow=True)

    assert response.redirect_chain == [(DESK, 302)]
    assert "不在待审核状态" in response.content.decode()
    assert fresh(pending).review_state == ReviewState.RETURNED


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_it_rejects_the_wrong_method_on_the_review_page(client, w, pending, method):
    assert getattr(login(client, w.office), method)(page_of(pending)).status_code == 405


def test_it_answers_htmx_with_the_form_or_a_client_redirect(client, w, pending):
    login(client, w.office)

    refused = client.post(page_of(pending), {"decision": "return"}, **HTMX)

    assert refused.status_code == 200
    assert refused.templates[0].name == "projects/_review_form.html"
    assert "<html" not in refused.content.decode()

    done = client.post(page_of(pending), {"decision": "approve"}, **HTMX)

    assert done.status_code == 200
    assert done["HX-Redirect"] == DESK


# --- the history ---------------------------------------------------------------------


def test_it_lists_the_scopes_decisions_newest_first(client, w, approved):
    returned = make_submitted(w, name="被退回的项目")
    services.project_review(project=returned, actor=w.office, approve=False, reason="信息不全")
    services.project_review(project=approved, actor=w.reviewer, approve=True)
    tongan = make_submitted(w, unit=w.tongan_unit, actor=w.tongan_office, name="同安项目")
    services.project_review(project=tongan, actor=w.tongan_office, approve=True)

    response = login(client, w.office).get(HISTORY)

    assert response.status_code == 200
    kinds = [(e.project.name, e.kind) for e in response.context["page"]]
    assert kinds == [
        (approved.name, Kind.ADMITTED),
        ("被退回的项目", Kind.RETURNED),
        (approved.name, Kind.APPROVED),
    ]
    assert "信息不全" in response.content.decode()
    city = login(client, w.reviewer).get(HISTORY)
    assert len(city.context["page"].object_list) == 4


def test_it_paginates_the_history(client, w, monkeypatch):
    monkeypatch.setattr(review_views, "PER_PAGE", 2)
    for n in range(3):
        project = make_submitted(w, name=f"项目{n}")
        services.project_review(project=project, actor=w.office, approve=True)
    login(client, w.office)

    second = client.get(HISTORY, {"page": "2"})
    garbage = client.get(HISTORY, {"page": "abc"})

    assert [e.project.name for e in second.context["page"]] == ["项目0"]
    assert garbage.status_code == 200
    assert garbage.context["page"].number == 1


@pytest.mark.parametrize("persona", ["promoter", "other_promoter", "leader", "sys_admin"])
def test_it_denies_the_history_to_those_who_do_not_review(client, w, approved, persona):
    response = login(client, getattr(w, persona)).get(HISTORY)

    assert response.status_code == 403
    assert approved.name not in response.content.decode()


def test_it_rejects_the_wrong_method_on_the_history(client, w):
    assert login(client, w.office).post(HISTORY).status_code == 405


@pytest.mark.parametrize("code", ["%00abc", "abc%00", "a" * 40])
def test_it_answers_a_garbage_code_with_a_404(client, w, code):
    assert login(client, w.office).get(f"/projects/{code}/review/").status_code == 404
