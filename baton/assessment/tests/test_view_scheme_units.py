"""被考核单位: a checkbox and a group per unit; a unit that leaves takes its targets."""

import pytest

from baton.assessment.models import Target

from .helpers_views import draft_scheme, login, published_scheme, state, url

pytestmark = pytest.mark.django_db


def test_it_sets_the_units_and_their_groups(client, w):
    scheme = draft_scheme(w)
    page = login(client, w.office).get(url("scheme_units", scheme.pk)).content.decode()
    assert "新机场片区指挥部" in page and "同安区招商办" not in page
    data = {
        f"unit_{w.town.pk}": "on",
        f"group_{w.town.pk}": "镇街",
        f"unit_{w.headquarters.pk}": "on",
        f"group_{w.headquarters.pk}": "园区",
        f"group_{w.other_town.pk}": "乡镇",  # unchecked: leaves, with its target
    }
    response = client.post(url("scheme_units", scheme.pk), data)
    assert response.status_code == 302
    assert dict(scheme.units.values_list("unit__name", "group")) == {
        "马巷街道": "镇街",
        "新机场片区指挥部": "园区",
    }
    assert list(Target.objects.values_list("unit__name", flat=True)) == ["马巷街道"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "至少要选择一个被考核单位。"),
        ({"unit_TOWN": "on", "group_TOWN": "一" * 21}, "分组名称不能超过 20 个字。"),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(client, w, data, message):
    scheme = draft_scheme(w)
    data = {k.replace("TOWN", str(w.town.pk)): v for k, v in data.items()}
    before = state()
    response = login(client, w.office).post(url("scheme_units", scheme.pk), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert state() == before


def test_it_refuses_a_published_scheme(client, w):
    scheme = published_scheme(w)
    response = login(client, w.office).post(
        url("scheme_units", scheme.pk), {f"unit_{w.town.pk}": "on"}
    )
    assert response.status_code == 409
    assert scheme.units.count() == 2


def test_it_denies_another_district(client, w):
    scheme = draft_scheme(w)
    assert login(client, w.tongan_office).get(url("scheme_units", scheme.pk)).status_code == 404


def test_it_rejects_the_wrong_method(client, w):
    scheme = draft_scheme(w)
    assert login(client, w.office).put(url("scheme_units", scheme.pk)).status_code == 405
