"""领导活动: a leader (or the office for one) logs an act; the scoped list by leader and month."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from baton.org.models import Person
from baton.projects.models import ProjectEvent
from baton.projects.tests.helpers_views import HTMX, login
from baton.supervision import services
from baton.supervision import views as problem_views
from baton.supervision.models import LeaderAct
from baton.supervision.tests.helpers import db_state as state
from baton.testing import at, make_project

T0 = at(2024, 3, 1)
LIST = reverse("supervision:leader_acts")


def log(project) -> str:
    return reverse("supervision:leader_act_new", args=[project.code])


@pytest.fixture
def project(w):
    return make_project(w, name="马巷新能源电池项目", at=T0)


@pytest.fixture
def deputy(w):
    return Person.objects.create(
        name="吴丽华",
        title="副区长",
        level=Person.Level.DISTRICT_LEADER,
        city=w.city,
        district=w.district,
    )


def act(w, project, *, leader=None, kind="negotiate", date=dt.date(2024, 3, 5), note=""):
    return services.leader_act_record(
        project=project,
        actor=w.office,
        leader=leader or w.leader_person,
        kind=kind,
        date=date,
        note=note,
        at=at(2024, 3, 6) if date < dt.date(2024, 3, 6) else None,
    )


# --- logging an act ------------------------------------------------------------------


def test_a_leader_logs_their_own_act(client, w, project):
    data = {"kind": "inspect", "date": "2024-03-05", "note": "实地考察项目选址"}

    response = login(client, w.leader).post(log(project), data)

    assert response.status_code == 302
    logged = LeaderAct.objects.get()
    assert (logged.leader, logged.kind, logged.date) == (
        w.leader_person,
        "inspect",
        dt.date(2024, 3, 5),
    )
    assert (logged.note, logged.recorded_by) == ("实地考察项目选址", w.leader)
    assert project.events.filter(kind=ProjectEvent.Kind.LEADER_ACT).count() == 1


def test_a_leader_is_not_asked_who_they_are(client, w, project):
    response = login(client, w.leader).get(log(project), **HTMX)

    assert "leader" not in response.context["form"].fields
    assert "领导：陈立新" in response.content.decode()
    assert response.context["form"]["date"].value() == timezone.localdate()


def test_the_office_logs_an_act_for_a_chosen_leader(client, w, project, deputy):
    login(client, w.office)

    missing = client.post(log(project), {"kind": "promote", "date": "2024-03-05"})
    done = client.post(
        log(project), {"leader": deputy.pk, "kind": "promote", "date": "2024-03-05"}, **HTMX
    )

    assert missing.status_code == 400
    assert "请选择领导。" in missing.content.decode()
    assert done.status_code == 204
    assert LeaderAct.objects.get().leader == deputy


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": ""}, "请选择活动类型。"),
        ({"kind": "golf"}, "所选项无效，请重新选择。"),
        ({"date": ""}, "请填写日期。"),
        ({"date": "昨天"}, "日期格式不正确，应为 年-月-日"),
        ({"date": "2999-01-01"}, "日期不能晚于今天。"),
        ({"date": "1985-01-01"}, "日期不能早于 1990 年。"),
        ({"note": "长" * 2001}, "内容不能超过 2000 个字。"),
    ],
)
def test_it_refuses_bad_input_in_chinese_and_changes_nothing(client, w, project, data, message):
    login(client, w.leader)
    before = state()

    response = client.post(log(project), {"kind": "inspect", "date": "2024-03-05", **data})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert state() == before


def test_it_refuses_a_leader_of_another_district(client, w, project):
    tongan = Person.objects.create(
        name="同安区长", level=Person.Level.DISTRICT_LEADER, city=w.city, district=w.other_district
    )
    login(client, w.office)

    response = client.post(
        log(project), {"leader": tongan.pk, "kind": "inspect", "date": "2024-03-05"}
    )

    assert response.status_code == 400
    assert not LeaderAct.objects.exists()


@pytest.mark.parametrize("persona", ["promoter", "reviewer"])
def test_it_refuses_those_who_are_neither_leader_nor_office(client, w, project, persona):
    response = login(client, getattr(w, persona)).post(
        log(project), {"kind": "inspect", "date": "2024-03-05"}
    )

    assert response.status_code == 403
    assert "只有领导本人或区招商办" in response.content.decode()
    assert not LeaderAct.objects.exists()


@pytest.mark.parametrize("persona", ["other_promoter", "tongan_office", "sys_admin"])
def test_it_denies_logging_on_another_units_project(client, w, project, persona):
    login(client, getattr(w, persona))

    expected = 403 if persona == "sys_admin" else 404  # 三员分立: no business page at all
    assert client.get(log(project)).status_code == expected
    posted = client.post(log(project), {"kind": "inspect", "date": "2024-03-05"})
    assert posted.status_code == expected


@pytest.mark.parametrize("method", ["put", "delete"])
def test_it_rejects_the_wrong_method_on_logging(client, w, project, method):
    assert getattr(login(client, w.leader), method)(log(project)).status_code == 405


# --- the list ------------------------------------------------------------------------


@pytest.fixture
def acts(w, project, deputy):
    xindian = make_project(w, unit=w.other_town, actor=w.other_promoter, name="新店项目", at=T0)
    tongan = make_project(w, unit=w.tongan_unit, actor=w.tongan_office, name="同安项目", at=T0)
    tongan_leader = Person.objects.create(
        name="同安区长", level=Person.Level.DISTRICT_LEADER, city=w.city, district=w.other_district
    )
    return [
        act(w, project, kind="negotiate", date=dt.date(2024, 3, 5), note="马巷洽谈"),
        act(w, project, leader=deputy, kind="inspect", date=dt.date(2024, 3, 5), note="马巷考察"),
        act(w, xindian, kind="promote", date=dt.date(2024, 2, 20), note="新店推介"),
        services.leader_act_record(
            project=tongan,
            actor=w.tongan_office,
            leader=tongan_leader,
            kind="evaluate",
            date=dt.date(2024, 3, 1),
            note="同安评估",
            at=at(2024, 3, 6),
        ),
    ]


def notes(response) -> list[str]:
    return [a.note for a in response.context["page"]]


def test_it_lists_the_districts_acts_newest_first_for_the_office(client, w, acts):
    response = login(client, w.office).get(LIST)

    assert response.status_code == 200
    assert notes(response) == ["马巷考察", "马巷洽谈", "新店推介"]


def test_it_shows_a_unit_only_the_acts_on_its_projects(client, w, acts):
    assert sorted(notes(login(client, w.promoter).get(LIST))) == ["马巷洽谈", "马巷考察"]
    assert notes(login(client, w.other_promoter).get(LIST)) == ["新店推介"]


def test_it_shows_the_city_every_district(client, w, acts):
    assert len(notes(login(client, w.reviewer).get(LIST))) == 4


@pytest.mark.parametrize("persona", ["sys_admin", "sec_admin", "audit_admin"])
def test_it_shows_admins_nothing(client, w, acts, persona):
    response = login(client, getattr(w, persona)).get(LIST)

    assert response.status_code == 403
    assert "三员分立" in response.content.decode()


def test_it_counts_each_leaders_acts_by_kind(client, w, acts, deputy):
    Person.objects.filter(pk=w.leader_person.pk).update(rank=2)  # 区长 before 副区长
    Person.objects.filter(pk=deputy.pk).update(rank=3)
    summary = login(client, w.office).get(LIST).context["summary"]

    assert [(row["name"], row["total"]) for row in summary] == [("陈立新", 2), ("吴丽华", 1)]
    kinds = dict(zip(LeaderAct.Kind.values, summary[0]["cells"], strict=True))
    assert kinds == {
        "promote": 1,
        "negotiate": 1,
        "inspect": 0,
        "evaluate": 0,
        "coordinate": 0,
        "supervise": 0,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"month": "2024-02"}, ["新店推介"]),
        ({"month": "2024-03"}, ["马巷考察", "马巷洽谈"]),
        ({"kind": "inspect"}, ["马巷考察"]),
        ({"q": "新店"}, ["新店推介"]),
    ],
)
def test_it_filters_by_month_kind_and_project(client, w, acts, query, expected):
    assert notes(login(client, w.office).get(LIST, query)) == expected


def test_it_filters_by_leader(client, w, acts, deputy):
    response = login(client, w.office).get(LIST, {"leader": deputy.pk})

    assert notes(response) == ["马巷考察"]
    assert [row["name"] for row in response.context["summary"]] == ["吴丽华"]


def test_it_lists_leaders_in_protocol_order_never_by_count(client, w, acts, deputy):
    # The office ranks the deputy first: she comes first though she acted less.
    Person.objects.filter(pk=deputy.pk).update(rank=1)
    Person.objects.filter(pk=w.leader_person.pk).update(rank=2)
    response = login(client, w.office).get(LIST)

    assert [(row["name"], row["total"]) for row in response.context["summary"]] == [
        ("吴丽华", 1),
        ("陈立新", 2),
    ]
    assert [p.name for p in response.context["form"].fields["leader"].queryset] == [
        "吴丽华",
        "陈立新",
    ]
    Person.objects.filter(pk=deputy.pk).update(rank=3)
    summary = client.get(LIST).context["summary"]
    assert [row["name"] for row in summary] == ["陈立新", "吴丽华"]


def test_it_offers_only_leaders_who_acted_in_scope(client, w, acts):
    form = login(client, w.office).get(LIST).context["form"]

    assert sorted(p.name for p in form.fields["leader"].queryset) == ["吴丽华", "陈立新"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"month": "2024-13"}, "月份格式应为 年-月"),
        ({"month": "garbage"}, "月份格式应为 年-月"),
        ({"month": "0000-01"}, "月份格式应为 年-月"),
        ({"kind": "golf"}, "所选项无效"),
        ({"leader": "abc"}, "所选项无效"),
        ({"q": "长" * 101}, "不能超过 100 个字"),
    ],
)
def test_it_answers_garbage_filters_in_chinese(client, w, acts, query, message):
    response = login(client, w.office).get(LIST, query)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert len(notes(response)) == 3  # the bad filter is ignored


def test_it_paginates(client, w, acts, monkeypatch):
    monkeypatch.setattr(problem_views, "PER_PAGE", 2)

    response = login(client, w.office).get(LIST, {"page": "2"})

    assert notes(response) == ["新店推介"]


def test_it_answers_htmx_with_the_results_only(client, w, acts):
    response = login(client, w.office).get(LIST, {"month": "2024-03"}, **HTMX)

    assert response.templates[0].name == "supervision/_leader_act_results.html"
    assert "<html" not in response.content.decode()


def test_it_rejects_the_wrong_method_on_the_list(client, w):
    assert login(client, w.leader).post(LIST).status_code == 405
