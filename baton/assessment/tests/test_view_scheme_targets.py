"""目标任务: one table for every unit and target; all or nothing."""

from decimal import Decimal

import pytest

from baton.assessment import services
from baton.assessment.models import Target

from .helpers_views import draft_scheme, login, published_scheme, state, url

pytestmark = pytest.mark.django_db


def form_data(client, scheme) -> dict:
    form = client.get(url("scheme_targets", scheme.pk)).context["form"]
    return {
        "slots_key": form.key(),
        **{k: v for k, v in form.initial.items() if k.startswith("t_")},
    }


def test_it_sets_and_clears_targets_of_every_part(client, w):
    scheme = draft_scheme(w)
    services.indicator_add(
        scheme=scheme,
        name="签约与落地",
        kind="ratio",
        weight="20",
        config={
            "parts": [
                {"metric": "signed", "share": "0.5"},
                {"metric": "landed", "measure": "amount_yi", "share": "0.5"},
            ]
        },
    )
    login(client, w.office)
    page = client.get(url("scheme_targets", scheme.pk)).content.decode()
    assert "本期落地项目金额（亿元）" in page
    data = form_data(client, scheme)
    indicator = scheme.indicators.get(name="签约与落地")
    signed = scheme.indicators.get(name="签约项目")
    data[f"t_{indicator.pk}_1_{w.town.pk}"] = "12.5"
    data[f"t_{signed.pk}_0_{w.other_town.pk}"] = ""  # cleared
    response = client.post(url("scheme_targets", scheme.pk), data)
    assert response.status_code == 302
    assert set(Target.objects.values_list("indicator__name", "unit__name", "part", "value")) == {
        ("签约项目", "马巷街道", 0, Decimal("2")),
        ("签约与落地", "马巷街道", 1, Decimal("12.5")),
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "目标值必须大于 0。"),
        ("-3", "目标值必须大于 0。"),
        ("三", "请输入数字。"),
        ("1.123456", "最多 4 位小数。"),
    ],
)
def test_it_refuses_a_bad_cell_and_writes_nothing(client, w, value, message):
    scheme = draft_scheme(w)
    signed = scheme.indicators.get(name="签约项目")
    login(client, w.office)
    data = form_data(client, scheme)
    data[f"t_{signed.pk}_0_{w.town.pk}"] = "9"
    data[f"t_{signed.pk}_0_{w.other_town.pk}"] = value
    before = state()
    response = client.post(url("scheme_targets", scheme.pk), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert state() == before


def test_it_refuses_a_table_that_changed_meanwhile(client, w):
    scheme = draft_scheme(w)
    login(client, w.office)
    data = form_data(client, scheme)
    services.scheme_unit_set(scheme=scheme, unit=w.department, group="部门")
    before = state()
    response = client.post(url("scheme_targets", scheme.pk), data)
    assert response.status_code == 400
    assert "目标任务表已过期" in response.content.decode()
    assert state() == before


def test_it_shows_a_published_scheme_targets_read_only(client, w):
    scheme = published_scheme(w)
    login(client, w.office)
    response = client.get(url("scheme_targets", scheme.pk))
    assert response.status_code == 200 and "目标任务已冻结" in response.content.decode()
    assert "<input" not in response.content.decode().split('<table class="data as-targets">')[1]
    assert client.post(url("scheme_targets", scheme.pk), {}).status_code == 409


def test_it_denies_another_district_and_other_roles(client, w):
    scheme = published_scheme(w)
    assert login(client, w.tongan_office).get(url("scheme_targets", scheme.pk)).status_code == 404
    assert login(client, w.promoter).get(url("scheme_targets", scheme.pk)).status_code == 403


def test_it_rejects_the_wrong_method(client, w):
    scheme = draft_scheme(w)
    assert login(client, w.office).delete(url("scheme_targets", scheme.pk)).status_code == 405
