"""修改基本信息 of a draft; a published scheme is frozen (409) with the reason."""

import pytest

from baton.assessment import services

from .helpers_views import draft_scheme, login, published_scheme, state, url

pytestmark = pytest.mark.django_db
EDIT = {
    "name": "改名后的方案",
    "period_kind": "month",
    "share_info": "10",
    "share_talks": "40",
    "share_landing": "50",
}


def test_it_saves_name_period_and_shares(client, w):
    scheme = draft_scheme(w)
    page = login(client, w.office).get(url("scheme_edit", scheme.pk)).content.decode()
    assert 'value="20"' in page and 'value="季度招商考核"' in page
    response = client.post(url("scheme_edit", scheme.pk), EDIT)
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert (scheme.name, scheme.period_kind, str(scheme.share_talks)) == (
        "改名后的方案",
        "month",
        "0.4000",
    )


def test_it_refuses_the_name_of_another_scheme_of_the_same_version(client, w):
    draft_scheme(w, name="已有方案")
    scheme = draft_scheme(w)
    before = state()
    response = login(client, w.office).post(
        url("scheme_edit", scheme.pk), {**EDIT, "name": "已有方案"}
    )
    assert response.status_code == 400
    assert "本区已有“已有方案”第 1 版" in response.content.decode()
    assert state() == before


def test_it_refuses_to_change_a_published_scheme(client, w):
    scheme = published_scheme(w)
    before = state()
    for method in ("get", "post"):
        response = getattr(login(client, w.office), method)(url("scheme_edit", scheme.pk), EDIT)
        assert response.status_code == 409
        assert "已发布，不能修改；如需调整，请复制为新版本" in response.content.decode()
    assert state() == before


def test_it_denies_another_district_and_other_roles(client, w):
    scheme = published_scheme(w)
    assert login(client, w.tongan_office).get(url("scheme_edit", scheme.pk)).status_code == 404
    assert login(client, w.leader).post(url("scheme_edit", scheme.pk), EDIT).status_code == 403


def test_it_rejects_the_wrong_method(client, w):
    scheme = draft_scheme(w)
    assert login(client, w.office).delete(url("scheme_edit", scheme.pk)).status_code == 405


def test_the_service_refuses_a_frozen_scheme_even_from_a_stale_page(client, w):
    scheme = draft_scheme(w)
    stale = type(scheme).objects.get(pk=scheme.pk)
    services.scheme_publish(scheme=scheme, actor=w.office)
    with pytest.raises(services.ValidationError):
        services.scheme_update(scheme=stale, changes={"name": "x"})
