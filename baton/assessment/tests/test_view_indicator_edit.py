"""修改指标: the form reads back every kind's config and saves it unchanged."""

import pytest

from baton.assessment import services
from baton.assessment.forms import IndicatorForm
from baton.demo import assessment as demo

from .helpers_views import draft_scheme, login, published_scheme, state, url

pytestmark = pytest.mark.django_db


def posted(form: IndicatorForm) -> dict:
    """What a browser posts for the form as rendered."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, "", False, []):
            continue
        data[name] = (
            "on"
            if value is True
            else [str(v) for v in value]
            if isinstance(value, list)
            else str(value)
        )
    return data


def test_it_saves_each_demo_indicator_unchanged_when_nothing_is_edited(client, w):
    scheme = draft_scheme(w)
    demo._indicators(scheme)  # the demo's nine indicators of §3.2, every kind but two
    services.indicator_add(
        scheme=scheme,
        name="逾期未开工",
        kind="deduction",
        weight="10",
        floor="-5",
        config={"metric": "not_started", "days": 180, "per": "2", "credit": "holder"},
    )
    services.indicator_add(
        scheme=scheme,
        name="落地金额功效系数",
        kind="efficacy",
        weight="30",
        config={"metric": "landed", "measure": "amount", "scope": "all", "credit": "relay"},
    )
    login(client, w.office)
    for indicator in scheme.indicators.all():
        before = (indicator.name, indicator.kind, indicator.weight, indicator.cap, indicator.floor)
        config = indicator.config
        form = client.get(url("indicator_edit", indicator.pk)).context["form"]
        response = client.post(url("indicator_edit", indicator.pk), posted(form))
        assert response.status_code == 302, (indicator.name, response.content.decode())
        indicator.refresh_from_db()
        after = (indicator.name, indicator.kind, indicator.weight, indicator.cap, indicator.floor)
        assert after == before
        kind = indicator.kind
        assert _canonical(indicator.config, kind) == _canonical(config, kind), indicator.name


def _canonical(config: dict, kind: str) -> dict:
    """Defaults written out: the form always names measure and credit."""
    config = dict(config)
    if "parts" not in config and "metric" in config:
        config.setdefault("credit", "holder" if config["metric"] == "not_started" else "relay")
        if kind in ("ratio", "efficacy", "group_share"):
            config.setdefault("measure", "count")
    if kind == "manual":
        config.setdefault("combine", "single")
    if "over" in config:
        config["over"] = {"measure": "count", **config["over"]}
    if "industries" in config:
        config["industries"] = sorted(config["industries"])
    if config.get("tiers"):
        config["tiers"] = sorted(config["tiers"], key=lambda t: -int(t["min"]))
    return config


def test_it_changes_the_weight_and_kind(client, w):
    scheme = draft_scheme(w)
    indicator = scheme.indicators.get(name="工作评价")
    login(client, w.office)
    form = client.get(url("indicator_edit", indicator.pk)).context["form"]
    data = {**posted(form), "weight": "35", "combine": "mean"}
    assert client.post(url("indicator_edit", indicator.pk), data).status_code == 302
    indicator.refresh_from_db()
    assert (str(indicator.weight), indicator.config) == ("35.00", {"combine": "mean"})


def test_it_refuses_a_published_scheme(client, w):
    scheme = published_scheme(w)
    indicator = scheme.indicators.get(name="工作评价")
    before = state()
    response = login(client, w.office).post(url("indicator_edit", indicator.pk), {"weight": "1"})
    assert response.status_code == 409
    assert "已发布，不能修改" in response.content.decode()
    assert state() == before


def test_it_denies_another_district(client, w):
    indicator = draft_scheme(w).indicators.first()
    assert (
        login(client, w.tongan_office).get(url("indicator_edit", indicator.pk)).status_code == 404
    )


def test_it_rejects_the_wrong_method(client, w):
    indicator = draft_scheme(w).indicators.first()
    assert login(client, w.office).delete(url("indicator_edit", indicator.pk)).status_code == 405
