"""The one area rule (``accounts.areas``), per persona, and the places that compose it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from baton.accounts.areas import NOWHERE, Area, Level, area_of, districts_in, units_in
from baton.accounts.backends import UserBackend
from baton.accounts.models import User
from baton.assessment.selectors import _district_condition
from baton.land.selectors import land_scope
from baton.org.models import City, District, Unit
from baton.projects.api_reference import visible_units
from baton.projects.forms import ProjectFilterForm
from baton.projects.models import Project
from baton.projects.selectors import project_scope
from baton.reports.scopes import scope_choices
from baton.reports.selectors import Scope, user_covers
from baton.supervision.selectors import units_in_scope
from baton.testing import make_project, make_user

Role = User.Role
PERSONAS = (
    "promoter",
    "other_promoter",
    "office",
    "tongan_office",
    "reviewer",
    "leader",
    "city_leader",
    "sys_admin",
    "sec_admin",
    "audit_admin",
    "disabled_promoter",
)


@pytest.fixture
def world(w):
    """The shared world, a city leader, a disabled promoter, and a second city beside it."""
    w.city_leader = make_user(Role.LEADER, username="xm_leader", city=w.city)
    w.disabled_promoter = make_user(Role.UNIT_STAFF, username="mx_gone", unit=w.town)
    w.disabled_promoter.is_active = False
    w.disabled_promoter.save()
    quanzhou = City.objects.create(code="3505", name="泉州市", short_name="泉州")
    w.far_district = District.objects.create(city=quanzhou, code="350521", name="惠安县")
    w.far_unit = Unit.objects.create(district=w.far_district, name="螺城镇", kind=Unit.Kind.TOWN)
    return w


def test_it_gives_each_persona_its_area(world):
    w = world
    xiangan, tongan, city = w.district.pk, w.other_district.pk, w.city.pk
    expected = {
        "promoter": Area(Level.UNIT, city, xiangan, w.town.pk),
        "other_promoter": Area(Level.UNIT, city, xiangan, w.other_town.pk),
        "office": Area(Level.DISTRICT, city, xiangan),
        "tongan_office": Area(Level.DISTRICT, city, tongan),
        "reviewer": Area(Level.CITY, city),
        "leader": Area(Level.DISTRICT, city, xiangan),
        "city_leader": Area(Level.CITY, city),
        "sys_admin": NOWHERE,
        "sec_admin": NOWHERE,
        "audit_admin": NOWHERE,
        "disabled_promoter": NOWHERE,
    }
    assert {name: area_of(getattr(w, name)) for name in PERSONAS} == expected
    assert area_of(AnonymousUser()) is NOWHERE


def test_it_gives_the_districts_and_units_of_the_area(world):
    w = world
    xiangan_units = set(Unit.objects.filter(district=w.district).values_list("pk", flat=True))
    city_units = set(Unit.objects.filter(district__city=w.city).values_list("pk", flat=True))
    cases = {
        "promoter": ({w.district.pk}, xiangan_units),
        "office": ({w.district.pk}, xiangan_units),
        "tongan_office": ({w.other_district.pk}, {w.tongan_unit.pk}),
        "reviewer": ({w.district.pk, w.other_district.pk}, city_units),
        "city_leader": ({w.district.pk, w.other_district.pk}, city_units),
        "sys_admin": (set(), set()),
    }
    for name, (districts, units) in cases.items():
        area = area_of(getattr(w, name))
        assert set(districts_in(area).values_list("pk", flat=True)) == districts, name
        assert set(units_in(area).values_list("pk", flat=True)) == units, name
        assert set(Unit.objects.filter(area.district_q()).values_list("pk", flat=True)) == units


@pytest.mark.parametrize("name", ["promoter", "office", "reviewer", "city_leader"])
def test_it_decides_without_a_query(world, name, django_assert_num_queries):
    user = UserBackend().get_user(getattr(world, name).pk)
    with django_assert_num_queries(0):
        area_of(user)
        project_scope(user)
        land_scope(user, prefix="parcel__")
        _district_condition(user)
        user_covers(user, Scope(district=world.district))


def _district_ids(rows) -> set[int]:
    return {row.district_id for row in rows}


def _places(user: User) -> dict[str, set[int]]:
    """Return the district ids each place that composes the area yields for ``user``."""
    condition = _district_condition(user)
    districts = District.objects.all()
    choices: set[int] = set()
    for _key, _label, scope in scope_choices(user):
        if scope.unit:
            choices.add(scope.unit.district_id)
        elif scope.district:
            choices.add(scope.district.pk)
        else:
            choices |= {d.pk for d in districts if d.city_id == scope.city.pk}
    form = ProjectFilterForm(user=user)
    in_form = _district_ids(form.fields["unit"].queryset)
    if "district" in form.fields:
        assert set(form.fields["district"].queryset.values_list("pk", flat=True)) == in_form
    return {
        "project_scope": _district_ids(Project.objects.filter(project_scope(user))),
        "land_scope": _district_ids(Unit.objects.filter(land_scope(user))),
        "assessment": _district_ids(Unit.objects.filter(condition)) if condition else set(),
        "user_covers": {d.pk for d in districts if user_covers(user, Scope(district=d))},
        "scope_choices": choices,
        "ProjectFilterForm": in_form,
        "units_in_scope": _district_ids(units_in_scope(user)),
        "api._visible_units": _district_ids(visible_units(user)),
    }


def test_the_seven_places_agree_with_the_area(world):
    w = world
    for unit in Unit.objects.all():
        make_project(w, unit=unit)
    for name in PERSONAS:
        user = getattr(w, name)
        area = area_of(user)
        districts = set(districts_in(area).values_list("pk", flat=True))
        expected = dict.fromkeys(
            (
                "project_scope",
                "land_scope",
                "assessment",
                "user_covers",
                "scope_choices",
                "ProjectFilterForm",
                "units_in_scope",
                "api._visible_units",
            ),
            districts,
        )
        if area.level is Level.UNIT:
            # A unit's figures follow its co-units and relay legs: no district is covered whole.
            expected["user_covers"] = set()
        places = _places(user)
        assert places == expected, name
        if area.level is Level.UNIT:
            held = Project.objects.filter(project_scope(user)).values_list("unit_id", flat=True)
            assert set(held) == {area.unit_id}, name
        covers_city = user_covers(user, Scope(city=w.city))
        assert covers_city == (area.level is Level.CITY), name
