import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from baton.accounts.models import User
from baton.projects import services
from baton.projects.models import ProjectEvent
from baton.projects.selectors import project_events, project_get, project_list
from baton.testing import admit, at, make_project, make_user

T0 = at(2024, 3, 1)


@pytest.fixture
def projects(w):
    """One project per way a unit can be linked to it, plus unrelated ones."""

    def other_towns(name, **changes):
        project = make_project(w, unit=w.other_town, actor=w.other_promoter, name=name, at=T0)
        if changes:
            services.project_update(
                project=project, actor=w.other_promoter, changes=changes, at=at(2024, 3, 2)
            )
        return project

    held = make_project(w, name="马巷自有项目", at=T0)
    handed_on = make_project(w, name="马巷移交项目", at=T0)
    services.project_handoff(
        project=handed_on, to_unit=w.department, actor=w.promoter, reason="移交", at=T0
    )
    return {
        "held": held,
        "handed_on": handed_on,  # 马巷 provided the information
        "co_unit": other_towns("新店协同项目", co_units={w.town, w.department}),
        "talks": other_towns("新店洽谈项目", talks_unit=w.town),
        "landing": other_towns("新店落地项目", landing_unit=w.town),
        "other": other_towns("新店自有项目"),
        "tongan": make_project(
            w, unit=w.tongan_unit, actor=w.tongan_office, name="同安项目", at=T0
        ),
    }


def names(user, **kwargs) -> list[str]:
    return sorted(project_list(user=user, **kwargs).values_list("name", flat=True))


XIANGAN = sorted(
    ["马巷自有项目", "马巷移交项目", "新店协同项目", "新店洽谈项目", "新店落地项目", "新店自有项目"]
)


def test_it_shows_a_promoter_every_project_its_unit_runs_a_leg_of(w, projects):
    assert names(w.promoter) == sorted(
        ["马巷自有项目", "马巷移交项目", "新店协同项目", "新店洽谈项目", "新店落地项目"]
    )


def test_it_shows_another_promoter_only_its_own_unit(w, projects):
    assert names(w.other_promoter) == sorted(
        ["新店协同项目", "新店洽谈项目", "新店落地项目", "新店自有项目"]
    )


def test_it_shows_the_new_holder_a_handed_on_project(w, projects):
    department = make_user(User.Role.UNIT_STAFF, unit=w.department)

    assert names(department) == ["新店协同项目", "马巷移交项目"]


def test_it_shows_the_office_its_district(w, projects):
    assert names(w.office) == XIANGAN
    assert names(w.tongan_office) == ["同安项目"]


def test_it_shows_the_reviewer_the_city(w, projects):
    assert names(w.reviewer) == sorted([*XIANGAN, "同安项目"])


def test_it_shows_a_district_leader_the_district(w, projects):
    assert names(w.leader) == XIANGAN


def test_it_shows_a_city_leader_the_city(w, projects):
    city_leader = make_user(User.Role.LEADER, city=w.city)

    assert names(city_leader) == sorted([*XIANGAN, "同安项目"])


@pytest.mark.parametrize("persona", ["sys_admin", "sec_admin", "audit_admin"])
def test_it_shows_the_administrators_nothing(w, projects, persona):
    assert names(getattr(w, persona)) == []


def test_it_shows_an_administrator_nothing_even_with_an_area(w, projects):
    admin = make_user(User.Role.SYS_ADMIN, district=w.district)

    assert names(admin) == []


def test_it_shows_inactive_and_anonymous_users_nothing(w, projects):
    w.office.is_active = False
    w.office.save()

    assert names(w.office) == []
    assert names(AnonymousUser()) == []


def test_it_lists_each_project_once(w, projects):
    services.project_update(
        project=projects["held"],
        actor=w.promoter,
        changes={"co_units": {w.town, w.department}, "talks_unit": w.town},
        at=at(2024, 3, 3),
    )

    assert project_list(user=w.promoter).filter(name="马巷自有项目").count() == 1


def test_it_narrows_by_filters(w, projects):
    admit(w, projects["held"], when=at(2024, 3, 3))

    assert names(w.promoter, filters={"review_state": "admitted"}) == ["马巷自有项目"]
    assert names(w.other_promoter, filters={"review_state": "admitted"}) == []


def test_it_gets_a_project_in_scope(w, projects):
    held = projects["held"]

    assert project_get(user=w.promoter, pk=held.pk) == held
    assert project_get(user=w.promoter, code=held.code) == held
    assert project_get(user=w.office, pk=held.pk) == held
    assert project_get(user=w.reviewer, pk=held.pk) == held
    assert project_get(user=w.leader, code=held.code) == held


@pytest.mark.parametrize(
    "persona", ["other_promoter", "tongan_office", "sys_admin", "sec_admin", "audit_admin"]
)
def test_it_denies_a_project_out_of_scope(w, projects, persona):
    held = projects["held"]
    user = getattr(w, persona)

    with pytest.raises(Http404):
        project_get(user=user, pk=held.pk)
    with pytest.raises(Http404):
        project_get(user=user, code=held.code)


def test_it_denies_the_leader_another_district(w, projects):
    with pytest.raises(Http404):
        project_get(user=w.leader, pk=projects["tongan"].pk)


@pytest.mark.parametrize("pk", ["abc", 10**9, None])
def test_it_answers_404_to_a_bad_key(w, projects, pk):
    with pytest.raises(Http404):
        project_get(user=w.office, pk=pk)


def test_it_reads_the_timeline_in_order(w, projects):
    held = projects["held"]
    services.note_add(project=held, actor=w.promoter, text="跟进", at=at(2024, 3, 4))
    services.project_submit(project=held, actor=w.promoter, at=at(2024, 3, 4))
    services.project_review(project=held, actor=w.office, approve=True, at=at(2024, 3, 5))

    assert [(e.kind, e.actor) for e in project_events(project=held)] == [
        (ProjectEvent.Kind.CREATED, w.promoter),
        (ProjectEvent.Kind.NOTE, w.promoter),
        (ProjectEvent.Kind.SUBMITTED, w.promoter),
        (ProjectEvent.Kind.APPROVED, w.office),
    ]
