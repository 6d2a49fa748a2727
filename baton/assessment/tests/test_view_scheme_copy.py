"""复制为新版本: a published scheme's units, indicators and targets in a new draft."""

import pytest

from baton.assessment.models import Scheme

from .helpers_views import login, published_scheme, url

pytestmark = pytest.mark.django_db


def test_it_copies_a_published_scheme_to_the_next_version(client, w):
    scheme = published_scheme(w)
    response = login(client, w.office).post(url("scheme_copy", scheme.pk), {"confirm": "on"})
    copy = Scheme.objects.get(version=2)
    assert response.status_code == 302 and response.url == url("scheme", copy.pk)
    assert (copy.status, copy.copied_from, copy.name) == ("draft", scheme, scheme.name)
    assert copy.units.count() == 2 and copy.indicators.count() == 2
    assert copy.indicators.get(name="签约项目").targets.count() == 2
    page = client.get(url("scheme", copy.pk)).content.decode()
    assert "复制自第 1 版" in page and "添加指标" in page


def test_it_wants_the_button(client, w):
    scheme = published_scheme(w)
    assert login(client, w.office).post(url("scheme_copy", scheme.pk)).status_code == 400
    assert Scheme.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "status"), [("leader", 403), ("promoter", 403), ("tongan_office", 404)]
)
def test_it_denies_the_others(client, w, persona, status):
    scheme = published_scheme(w)
    response = login(client, getattr(w, persona)).post(
        url("scheme_copy", scheme.pk), {"confirm": "on"}
    )
    assert response.status_code == status
    assert Scheme.objects.count() == 1


def test_it_rejects_the_wrong_method(client, w):
    scheme = published_scheme(w)
    assert login(client, w.office).get(url("scheme_copy", scheme.pk)).status_code == 405


def test_it_copies_to_next_year_and_to_another_district_in_one_step(client, w):
    scheme = published_scheme(w, name="2024年季度招商考核")
    login(client, w.office)
    page = client.get(url("scheme", scheme.pk)).content.decode()
    assert "下一年度：2025年季度招商考核" in page and "同安区（同名单位及目标任务）" in page
    response = client.post(url("scheme_copy", scheme.pk), {"confirm": "on", "to": "next_year"})
    next_year = Scheme.objects.get(name="2025年季度招商考核")
    assert response.url == url("scheme", next_year.pk)
    assert next_year.indicators.get(name="签约项目").targets.count() == 2
    to = f"district:{w.other_district.pk}"
    response = client.post(url("scheme_copy", scheme.pk), {"confirm": "on", "to": to})
    there = Scheme.objects.get(district=w.other_district)
    assert response.status_code == 302 and there.status == "draft"
    assert there.units.count() == 0  # 同安 has no 马巷街道 or 新店街道
    # Refused: an unknown target, or its own district.
    for bad in ("somewhere", f"district:{w.district.pk}", "district:x"):
        response = client.post(url("scheme_copy", scheme.pk), {"confirm": "on", "to": bad})
        assert response.status_code == 400
    assert Scheme.objects.count() == 3
