import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from baton.leads.models import Lead, Source
from baton.supervision.models import LeaderAct
from baton.testing import make_project
from baton.todo.selectors import todo_items

from .. import services
from ..figures import unit_month
from ..models import Reception, Trip, VisitEvent, VisitSettings
from ..selectors import calendar_items, monthly_totals
from .helpers import days_ago, trip


def counts():
    return (
        Trip.objects.count(),
        Reception.objects.count(),
        VisitEvent.objects.count(),
        Lead.objects.count(),
        LeaderAct.objects.count(),
    )


def test_a_trip_is_recorded_with_its_people_companies_and_report_due(w):
    t = trip(w)
    assert t.unit == w.town and t.district == w.district
    assert set(t.companies.all()) == {w.catl, w.byd}
    assert t.report_due == t.end + dt.timedelta(days=15)
    assert t.days == 3
    assert t.events.get().kind == "created"


def test_the_report_days_are_the_districts(w):
    VisitSettings.objects.create(district=w.district, report_days=7)
    t = trip(w)
    assert t.report_due == t.end + dt.timedelta(days=7)


@pytest.mark.parametrize(
    "values, field",
    [
        ({"title": "  "}, "title"),
        ({"destinations": ""}, "destinations"),
        ({"start": days_ago(1), "end": days_ago(3)}, "end"),
        ({"end": timezone.localdate() + dt.timedelta(days=2)}, "end"),
        ({"title": "长" * 201}, "title"),
    ],
)
def test_bad_input_is_refused_by_field_and_changes_nothing(w, values, field):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        trip(w, **values)
    assert field in exc.value.message_dict
    assert all("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message_dict[field][0][:1])
    assert counts() == before


def test_a_staff_member_is_not_a_leader_and_another_districts_company_is_refused(w):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        trip(w, leaders=[w.zhang])
    assert exc.value.message_dict["leaders"] == [services.NOT_A_LEADER]
    from baton.companies import services as companies

    other = companies.company_create(
        actor=w.tongan_office, district=w.other_district, name="同安食品有限公司"
    )
    with pytest.raises(ValidationError) as exc:
        trip(w, companies=[other])
    assert "companies" in exc.value.message_dict
    assert counts() == before


def test_who_may_record_and_edit(w):
    before = counts()
    with pytest.raises(PermissionDenied):
        trip(w, actor=w.reviewer)
    with pytest.raises(PermissionDenied):
        trip(w, actor=w.leader)
    with pytest.raises(PermissionDenied):
        trip(w, actor=w.promoter, unit=w.other_town)
    assert counts() == before
    t = trip(w)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.trip_update(trip=t, actor=w.other_promoter, title="改", **_same(t, "title"))
    with pytest.raises(PermissionDenied):
        services.trip_report(trip=t, actor=w.tongan_office, report="报送")
    assert counts() == before
    # The office records for a unit it names.
    by_office = trip(w, actor=w.office, unit=w.other_town)
    assert by_office.unit == w.other_town


def _same(t, *leave):
    fields = ("group", "title", "start", "end", "destinations", "talks")
    out = {f: getattr(t, f) for f in fields if f not in leave}
    for f in ("members", "leaders", "companies", "projects"):
        if f not in leave:
            out[f] = list(getattr(t, f).all())
    return out


def test_an_update_writes_one_event_and_nothing_when_equal(w):
    t = trip(w)
    assert services.trip_update(trip=t, actor=w.promoter, **_same(t)) is False
    assert t.events.count() == 1
    v = t.version
    assert services.trip_update(trip=t, actor=w.promoter, title="赴深圳、东莞", **_same(t, "title"))
    t.refresh_from_db()
    assert t.title == "赴深圳、东莞" and t.version == v + 1
    assert t.events.last().new["title"] == "赴深圳、东莞"
    with pytest.raises(services.ConflictError):
        services.trip_update(trip=t, actor=w.promoter, expected_version=v, **_same(t))


def test_leaders_on_a_trip_inspect_its_projects_once_and_follow_the_edit(w):
    project = make_project(w)
    t = trip(w, projects=[project])
    act = LeaderAct.objects.get(origin=LeaderAct.Origin.VISIT, origin_id=t.pk)
    assert (act.leader, act.project, act.kind, act.date) == (
        w.leader_person,
        project,
        "inspect",
        t.start,
    )
    services.trip_update(trip=t, actor=w.promoter, leaders=[], **_same(t, "leaders"))
    assert not LeaderAct.objects.filter(origin_id=t.pk, origin=LeaderAct.Origin.VISIT).exists()


def test_the_report_is_filed_once_back_and_leaves_the_todo_list(w):
    t = trip(w)  # back 18 days ago: 15 days are up
    today = timezone.localdate()
    items = [i for i in todo_items(w.promoter, today) if i.kind == "visit_report"]
    assert len(items) == 1 and items[0].overdue and items[0].due == t.report_due
    office = [i for i in todo_items(w.office, today) if i.kind == "visit_report"]
    assert len(office) == 1
    assert not [i for i in todo_items(w.other_promoter, today) if i.kind == "visit_report"]
    with pytest.raises(ValidationError):
        services.trip_report(trip=t, actor=w.promoter, report="   ")
    services.trip_report(trip=t, actor=w.promoter, report="拜访宁德时代、比亚迪，对方有意向。")
    t.refresh_from_db()
    assert t.reported_at is not None
    assert t.events.last().new == {"first": True, "late": True}
    assert not [i for i in todo_items(w.promoter, today) if i.kind == "visit_report"]


def test_a_trip_not_yet_due_is_in_the_list_not_overdue_and_not_the_offices(w):
    trip(w, start=days_ago(2), end=days_ago(1))
    today = timezone.localdate()
    items = [i for i in todo_items(w.promoter, today) if i.kind == "visit_report"]
    assert len(items) == 1 and not items[0].overdue
    assert not [i for i in todo_items(w.office, today) if i.kind == "visit_report"]


def test_a_lead_produced_is_registered_for_the_unit_and_linked(w):
    t = trip(w)
    lead = services.lead_produce(
        record=t, actor=w.promoter, company=w.catl, title="储能电池项目", investment="50000"
    )
    assert lead.source == Source.RESIDENT and lead.unit == w.town
    assert "外出招商" in lead.source_detail
    assert list(t.leads.all()) == [lead]
    assert t.events.last().new["code"] == lead.code
    before = counts()
    from baton.companies import services as companies

    met_not = companies.company_create(actor=w.office, district=w.district, name="未拜访公司")
    with pytest.raises(ValidationError):
        services.lead_produce(
            record=t, actor=w.promoter, company=met_not, title="另一个", investment="1"
        )
    with pytest.raises(ValidationError):
        services.lead_produce(record=t, actor=w.promoter, company=w.byd, title="", investment="1")
    assert counts() == before


def test_a_reception_shows_parcels_and_its_leaders_negotiate(w):
    from baton.land.tests.helpers import make_parcel

    parcels = [make_parcel(w, "XA-01"), make_parcel(w, "XA-02")]
    project = make_project(w)
    r = services.reception_create(
        actor=w.promoter,
        date=days_ago(1),
        visitors="宁德时代 王总一行 3 人",
        companies=[w.catl],
        leaders=[w.leader_person],
        parcels=parcels,
        projects=[project],
    )
    assert set(r.parcels.all()) == set(parcels)
    act = LeaderAct.objects.get(origin=LeaderAct.Origin.RECEPTION, origin_id=r.pk)
    assert act.kind == "negotiate" and act.date == r.date
    lead = services.lead_produce(
        record=r, actor=w.promoter, company=w.catl, title="电池回收", investment="20000"
    )
    assert lead.source == Source.VISIT
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.reception_create(actor=w.promoter, date=days_ago(1), visitors="某人", companies=[])
    assert exc.value.message_dict["companies"] == [services.NO_COMPANY]
    assert counts() == before


def test_monthly_totals_equal_a_hand_count(w):
    first = timezone.localdate().replace(day=1) - dt.timedelta(days=40)
    year, month = first.year, first.month
    d = dt.date(year, month, 3)
    # 马巷 小分队一: two trips; 马巷 unnamed: one; 新店: one; one trip of the month before.
    a = trip(w, group="一组", start=d, end=d + dt.timedelta(days=2))  # 3 人, 3 天, 2 家
    services.lead_produce(record=a, actor=w.promoter, company=w.catl, title="甲", investment="1")
    trip(w, group="一组", start=d + dt.timedelta(days=10), end=d + dt.timedelta(days=10),
         members=[w.zhang], leaders=[], companies=[w.byd])  # fmt: skip  # 1 人, 1 天, 1 家
    trip(w, start=d + dt.timedelta(days=5), end=d + dt.timedelta(days=6), members=[w.li],
         leaders=[], companies=[])  # fmt: skip  # 1 人, 2 天, 0 家
    trip(w, actor=w.other_promoter, start=d, end=d, members=[w.wang], leaders=[],
         companies=[w.catl])  # fmt: skip  # 1 人, 1 天, 1 家
    trip(w, start=d - dt.timedelta(days=10), end=d - dt.timedelta(days=9))
    table = monthly_totals(Trip.objects.all(), year, month)
    rows = {(r.unit, r.name): r.totals for r in table.groups}
    assert rows[("马巷街道", "一组")].__dict__ == dict(
        trips=2, person_times=4, days=4, companies=3, leads=1
    )
    assert rows[("马巷街道", "马巷街道")].__dict__ == dict(
        trips=1, person_times=1, days=2, companies=0, leads=0
    )
    assert rows[("新店街道", "新店街道")].__dict__ == dict(
        trips=1, person_times=1, days=1, companies=1, leads=0
    )
    assert table.total.__dict__ == dict(trips=4, person_times=6, days=7, companies=4, leads=1)
    people = {r.name: r.totals for r in table.people}
    assert people["张敏"].__dict__ == dict(trips=2, person_times=2, days=4, companies=3, leads=1)
    assert people["陈立新"].days == 3
    assert sum(p.person_times for p in people.values()) == table.total.person_times
    # The unit figures agree, as of today and as of a day before the trips.
    figures = unit_month(scope=None, year=year, month=month, as_of=timezone.localdate())
    town = figures[w.town.pk]
    assert (town.visits, town.person_times, town.days, town.companies, town.leads) == (
        3, 5, 6, 3, 1,
    )  # fmt: skip
    assert unit_month(scope=None, year=year, month=month, as_of=d - dt.timedelta(days=1)) == {}


def test_calendar_items_are_in_the_users_scope(w):
    t = trip(w)
    trip(w, actor=w.other_promoter, members=[w.wang])
    items = calendar_items(user=w.promoter, start=t.start, end=t.end)
    assert [(i.kind, i.url) for i in items] == [("trip", f"/visits/{t.pk}/")]
    assert len(calendar_items(user=w.office, start=t.start, end=t.end)) == 2
    assert calendar_items(user=w.tongan_office, start=t.start, end=t.end) == []


def test_the_office_sets_the_report_days_and_open_trips_follow(w):
    open_trip = trip(w)
    filed = trip(w, title="已报送的外出")
    services.trip_report(trip=filed, actor=w.promoter, report="已报送")
    due = filed.report_due
    for actor in (w.promoter, w.tongan_office, w.leader):
        with pytest.raises(PermissionDenied):
            services.settings_update(district=w.district, actor=actor, report_days=7)
    for bad in (0, 91, "7", True):
        with pytest.raises(ValidationError):
            services.settings_update(district=w.district, actor=w.office, report_days=bad)
    assert not VisitSettings.objects.exists()
    assert services.settings_update(district=w.district, actor=w.office, report_days=7)
    open_trip.refresh_from_db()
    filed.refresh_from_db()
    assert open_trip.report_due == open_trip.end + dt.timedelta(days=7)
    assert filed.report_due == due
    assert not services.settings_update(district=w.district, actor=w.office, report_days=7)
