"""Who sees which land: the district's for its units and office, the city's for the city."""

import pytest
from django.http import Http404

from baton.land import services
from baton.land.selectors import (
    building_list,
    held_parcels,
    parcel_get,
    parcel_list,
    visible_project_ids,
)
from baton.testing import make_project, stage

from .helpers import make_parcel

pytestmark = pytest.mark.django_db


@pytest.fixture
def parcels(w):
    return {
        "xa": make_parcel(w, "XA-T-01"),
        "ta": make_parcel(w, "TA-T-01", district=w.other_district, where=(118.15, 24.75)),
    }


@pytest.mark.parametrize(
    ("persona", "codes"),
    [
        ("promoter", {"XA-T-01"}),
        ("other_promoter", {"XA-T-01"}),
        ("office", {"XA-T-01"}),
        ("leader", {"XA-T-01"}),
        ("tongan_office", {"TA-T-01"}),
        ("reviewer", {"XA-T-01", "TA-T-01"}),
        ("sys_admin", set()),
        ("sec_admin", set()),
        ("audit_admin", set()),
    ],
)
def test_each_role_sees_its_area(w, parcels, persona, codes):
    user = getattr(w, persona)
    assert {p.code for p in parcel_list(user=user)} == codes
    for code in {"XA-T-01", "TA-T-01"} - codes:
        with pytest.raises(Http404):
            parcel_get(user=user, code=code)


def test_a_disabled_user_sees_nothing(w, parcels):
    w.office.is_active = False
    assert not parcel_list(user=w.office).exists()
    assert not building_list(user=w.office).exists()


def test_a_bad_code_is_not_found(w, parcels):
    for code in ("", "x" * 80, "../etc", None):
        with pytest.raises(Http404):
            parcel_get(user=w.office, code=code)


def test_the_project_on_a_parcel_is_shown_only_within_the_project_scope(w, parcels):
    project = make_project(w, stage=stage("intent"))
    services.parcel_reserve(parcel=parcels["xa"], project=project, actor=w.office)
    assert visible_project_ids(user=w.promoter, ids=[project.pk]) == {project.pk}
    assert visible_project_ids(user=w.other_promoter, ids=[project.pk]) == set()
    assert [r.project for r in held_parcels(user=w.promoter)] == [project]
    assert list(held_parcels(user=w.other_promoter)) == []
    assert [r.project for r in held_parcels(user=w.reviewer)] == [project]
