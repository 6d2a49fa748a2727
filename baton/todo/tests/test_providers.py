import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from baton.testing import at, make_project, make_user
from baton.todo import providers
from baton.todo.selectors import ADMINS_HAVE_NO_TODO, todo_items

from .helpers import TODAY, make_todo_world


@pytest.fixture
def t(w):
    return make_todo_world(w)


def listed(items) -> list[tuple[str, str | None]]:
    return [(entry.kind, entry.project) for entry in items]


def test_it_gives_the_promoter_its_units_items_overdue_first(w, t):
    assert listed(todo_items(w.promoter, TODAY)) == [
        ("idle", t.idle.code),
        ("handoff", t.handed.code),
        ("supervision", t.idle.code),
        ("returned", t.returned.code),
        ("draft", t.draft.code),
    ]


def test_reviews_wait_for_the_office_then_the_city(w, t):
    assert listed(providers.reviews(w.office, TODAY)) == [("review", t.submitted.code)]
    assert listed(providers.reviews(w.reviewer, TODAY)) == [("review", t.approved.code)]
    assert listed(providers.reviews(w.promoter, TODAY)) == []
    assert listed(providers.reviews(w.tongan_office, TODAY)) == []
    [entry] = providers.reviews(w.office, TODAY)
    assert entry.url == f"/projects/{t.submitted.code}/review/" and entry.due is None


def test_returned_and_drafts_are_the_units_own(w, t):
    assert listed(providers.returned(w.promoter, TODAY)) == [("returned", t.returned.code)]
    assert listed(providers.drafts(w.promoter, TODAY)) == [("draft", t.draft.code)]
    assert listed(providers.drafts(w.other_promoter, TODAY)) == [("draft", t.handed.code)]
    for persona in ("office", "reviewer", "leader", "tongan_office"):
        user = getattr(w, persona)
        assert list(providers.returned(user, TODAY)) == []
        assert list(providers.drafts(user, TODAY)) == []
    assert list(providers.returned(w.other_promoter, TODAY)) == []


def test_a_problem_goes_to_the_unit_that_must_solve_it(w, t):
    [entry] = providers.problems(w.other_promoter, TODAY)
    assert (entry.kind, entry.project, entry.due, entry.overdue) == (
        "problem",
        t.idle.code,
        dt.date(2024, 3, 20),
        True,
    )
    # 新店 may not open 马巷's project: the link is the problem's own page.
    problem = t.idle.problems.get()
    assert entry.url == f"/projects/problems/{problem.pk}/"
    assert "用地指标尚未落实" in entry.title
    for persona in ("promoter", "office", "reviewer", "leader", "tongan_office"):
        assert list(providers.problems(getattr(w, persona), TODAY)) == []


def test_a_supervision_goes_to_the_holder_and_to_the_leader_who_issued_it(w, t):
    [mine] = providers.supervisions(w.promoter, TODAY)
    assert (mine.project, mine.due, mine.overdue) == (t.idle.code, dt.date(2024, 7, 15), False)
    assert mine.url == f"/projects/{t.idle.code}/problems/"
    assert listed(providers.supervisions(w.leader, TODAY)) == [("supervision", t.idle.code)]
    # Past its deadline it is overdue.
    [late] = providers.supervisions(w.promoter, dt.date(2024, 7, 16))
    assert late.overdue
    for persona in ("other_promoter", "office", "reviewer", "tongan_office"):
        assert list(providers.supervisions(getattr(w, persona), TODAY)) == []


def test_a_report_waits_for_the_leaders_sign_off_and_a_return_is_the_units_again(w, t):
    from baton.supervision import services as supervision_services

    supervision_services.supervision_report(
        supervision=t.supervision, actor=w.promoter, response="方案已提交", at=at(2024, 7, 1)
    )
    assert list(providers.supervisions(w.promoter, TODAY)) == []  # reported: off the unit's
    for persona in ("leader", "office"):  # the issuing leader, and the office of the district
        [entry] = providers.supervisions_to_sign_off(getattr(w, persona), TODAY)
        assert (entry.kind, entry.project, entry.due) == (
            "supervision_sign_off",
            t.idle.code,
            dt.date(2024, 7, 15),
        )
        assert entry.title.startswith("确认办结：陈立新督办月底前提交推进方案")
    for persona in ("promoter", "other_promoter", "reviewer", "tongan_office"):
        assert list(providers.supervisions_to_sign_off(getattr(w, persona), TODAY)) == []
    supervision_services.supervision_return(
        supervision=t.supervision, actor=w.leader, reason="方案缺少资金安排", at=at(2024, 7, 2)
    )
    assert listed(providers.supervisions(w.promoter, TODAY)) == [("supervision", t.idle.code)]
    assert list(providers.supervisions_to_sign_off(w.leader, TODAY)) == []


def test_another_leader_sees_none_of_this_leaders_items(w, t):
    other = make_user("leader", username="xa_leader2", district=w.district)
    assert todo_items(other, TODAY) == []


def test_idle_projects_go_to_the_holder_the_office_and_the_linked_leader(w, t):
    for persona in ("promoter", "office", "leader"):
        [entry] = providers.idle(getattr(w, persona), TODAY)
        assert (entry.project, entry.due, entry.overdue) == (
            t.idle.code,
            dt.date(2024, 4, 2),  # 30 days after its last activity, the problem of 3 March
            True,
        )
        assert "已 117 天无进展" in entry.title
    for persona in ("other_promoter", "reviewer", "tongan_office"):
        assert list(providers.idle(getattr(w, persona), TODAY)) == []


def test_a_note_ends_idleness_and_a_supervision_does_not(w, t):
    # The 督办 of 20 June is no activity; a note is.
    from baton.projects import services

    assert listed(providers.idle(w.office, TODAY)) == [("idle", t.idle.code)]
    services.note_add(project=t.idle, actor=w.promoter, text="已与投资方会谈", at=at(2024, 6, 21))
    assert list(providers.idle(w.office, TODAY)) == []


def test_a_user_of_another_district_never_sees_an_item(w, t):
    assert todo_items(w.tongan_office, TODAY) == []
    tongan_promoter = make_user("unit_staff", username="ta_promoter", unit=w.tongan_unit)
    assert todo_items(tongan_promoter, TODAY) == []
    make_project(w, unit=w.tongan_unit, actor=tongan_promoter, at=at(2024, 6, 1))
    assert [e.kind for e in todo_items(tongan_promoter, TODAY)] == ["draft"]
    assert all(e.project != t.idle.code for e in todo_items(tongan_promoter, TODAY))


@pytest.mark.parametrize("persona", ["sys_admin", "sec_admin", "audit_admin"])
def test_the_administrators_have_no_list(w, t, persona):
    with pytest.raises(PermissionDenied, match=ADMINS_HAVE_NO_TODO):
        todo_items(getattr(w, persona), TODAY)


def test_a_handoff_waits_for_the_receiving_unit_then_escalates_to_the_office(w, t):
    [offered] = providers.handoffs_to_accept(w.promoter, dt.date(2024, 6, 25))
    assert (offered.project, offered.due, offered.overdue) == (
        t.handed.code,
        dt.date(2024, 6, 25),
        False,
    )
    assert "新店街道交出" in offered.title and offered.url == f"/projects/{t.handed.code}/"
    # Not accepted by the third working day: overdue, and the office is told.
    assert list(providers.handoffs_late(w.office, dt.date(2024, 6, 25))) == []
    [late] = providers.handoffs_late(w.office, TODAY)
    assert (late.kind, late.project, late.overdue) == ("handoff_overdue", t.handed.code, True)
    assert "新店街道 → 马巷街道" in late.title
    for persona in ("other_promoter", "reviewer", "leader", "tongan_office"):
        user = getattr(w, persona)
        assert list(providers.handoffs_to_accept(user, TODAY)) == []
        assert list(providers.handoffs_late(user, TODAY)) == []


def test_an_accepted_handoff_leaves_the_lists(w, t):
    from baton.projects import services

    services.handoff_accept(project=t.handed, actor=w.promoter, at=at(2024, 6, 27))
    assert list(providers.handoffs_to_accept(w.promoter, TODAY)) == []
    assert list(providers.handoffs_late(w.office, TODAY)) == []
