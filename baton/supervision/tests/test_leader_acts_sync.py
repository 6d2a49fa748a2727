"""A record's leader acts (招商活动, 外出招商, 来访接待): one record, not two."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from baton.org.models import District
from baton.projects.models import ProjectEvent
from baton.supervision import services
from baton.supervision.models import LeaderAct
from baton.supervision.tests.helpers import db_state
from baton.testing import at, make_project

T0 = at(2024, 3, 1)
DAY = dt.date(2024, 3, 5)
Origin = LeaderAct.Origin


@pytest.fixture
def projects(w):
    return make_project(w, name="马巷新能源电池项目", at=T0), make_project(
        w, name="欧厝文旅项目", at=T0
    )


def sync(w, acts, *, origin=Origin.ACTIVITY, origin_id=7):
    return services.leader_acts_sync(
        origin=origin,
        origin_id=origin_id,
        district=w.district,
        acts=acts,
        actor=w.office,
        note="签约仪式",
    )


def test_it_logs_each_leader_and_project_once_with_its_event(w, projects):
    one, two = projects

    acts = sync(w, [(w.leader_person, one, "promote", DAY), (w.leader_person, two, "promote", DAY)])

    assert sorted(a.project_id for a in acts) == sorted([one.pk, two.pk])
    assert {(a.origin, a.origin_id) for a in acts} == {("activity", 7)}
    event = ProjectEvent.objects.filter(project=one, kind=ProjectEvent.Kind.LEADER_ACT).get()
    assert event.new["origin"] == "activity" and event.new["origin_id"] == 7


def test_it_withdraws_what_the_record_no_longer_names_and_keeps_the_rest(w, projects):
    one, two = projects
    sync(w, [(w.leader_person, one, "promote", DAY), (w.leader_person, two, "promote", DAY)])
    kept = LeaderAct.objects.get(project=one)

    acts = sync(w, [(w.leader_person, one, "promote", DAY)])

    assert [a.pk for a in acts] == [kept.pk]
    withdrawn = ProjectEvent.objects.filter(project=two, kind=ProjectEvent.Kind.LEADER_ACT)
    assert [bool(e.new) for e in withdrawn.order_by("pk")] == [True, False]
    assert LeaderAct.objects.filter(project=two).count() == 0


def test_it_syncing_the_same_acts_again_writes_nothing(w, projects):
    one, _ = projects
    sync(w, [(w.leader_person, one, "promote", DAY)])
    before = db_state()

    sync(w, [(w.leader_person, one, "promote", DAY)])

    assert db_state() == before


def test_it_keeps_records_apart(w, projects):
    one, _ = projects
    sync(w, [(w.leader_person, one, "promote", DAY)], origin=Origin.ACTIVITY, origin_id=1)
    sync(w, [(w.leader_person, one, "inspect", DAY)], origin=Origin.VISIT, origin_id=1)

    sync(w, [], origin=Origin.VISIT, origin_id=1)

    assert list(LeaderAct.objects.values_list("origin", "kind")) == [("activity", "promote")]


def test_it_refuses_another_districts_project_and_changes_nothing(w, projects):
    one, _ = projects
    other = District.objects.create(code="350299", name="测试区", city=w.city)
    one.district = other
    before = db_state()

    with pytest.raises(ValidationError, match="不属于本区"):
        sync(w, [(w.leader_person, one, "promote", DAY)])

    assert db_state() == before


def test_it_refuses_a_bad_kind_or_origin(w, projects):
    one, _ = projects
    with pytest.raises(ValidationError, match="活动类型无效"):
        sync(w, [(w.leader_person, one, "dance", DAY)])
    with pytest.raises(ValidationError, match="来源记录无效"):
        sync(w, [], origin="gossip")
