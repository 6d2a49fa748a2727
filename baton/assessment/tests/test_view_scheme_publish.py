"""发布方案: confirmed, complete, then frozen: every edit through the pages is refused."""

import pytest

from baton.assessment.models import Scheme
from baton.audit.models import AuditRecord

from .helpers_views import draft_scheme, login, published_scheme, state, url

pytestmark = pytest.mark.django_db


def test_it_publishes_and_then_every_page_refuses_a_change(client, w):
    scheme = draft_scheme(w)
    indicator = scheme.indicators.get(name="签约项目")
    login(client, w.office)
    response = client.post(url("scheme_publish", scheme.pk), {"confirm": "on"})
    assert response.status_code == 302
    scheme.refresh_from_db()
    assert (scheme.status, scheme.published_by) == ("published", w.office)
    assert AuditRecord.objects.filter(object_id=str(scheme.pk), detail="发布考核方案").exists()
    page = client.get(url("scheme", scheme.pk)).content.decode()
    assert "内容已冻结" in page and "复制为新版本" in page
    before = state()
    attempts = [
        ("scheme_edit", scheme.pk, {"name": "改", "period_kind": "month"}),
        ("scheme_units", scheme.pk, {f"unit_{w.town.pk}": "on"}),
        ("scheme_targets", scheme.pk, {}),
        ("indicator_new", scheme.pk, {"name": "新", "kind": "manual", "weight": "1"}),
        ("indicator_edit", indicator.pk, {"name": "改", "kind": "manual", "weight": "1"}),
        ("indicator_delete", indicator.pk, {"confirm": "on"}),
        ("scheme_delete", scheme.pk, {"confirm": "on"}),
        ("scheme_publish", scheme.pk, {"confirm": "on"}),
    ]
    for name, pk, data in attempts:
        response = client.post(url(name, pk), data)
        assert response.status_code == 409, name
        assert "考核方案“季度招商考核”（第 1 版）已发布，不能修改；如需调整，请复制为新版本。" in (
            response.content.decode()
        ), name
    assert state() == before


def test_it_wants_the_confirmation(client, w):
    scheme = draft_scheme(w)
    response = login(client, w.office).post(url("scheme_publish", scheme.pk), {})
    assert response.status_code == 400
    assert "请先勾选确认，再提交。" in response.content.decode()
    assert Scheme.objects.get().status == "draft"


def test_it_refuses_an_incomplete_scheme_with_the_reasons(client, w):
    scheme = draft_scheme(w)
    scheme.indicators.get(name="签约项目").targets.all().delete()
    before = state()
    response = login(client, w.office).post(url("scheme_publish", scheme.pk), {"confirm": "on"})
    assert response.status_code == 400
    assert (
        "考核方案不完整，不能发布：指标“签约项目”尚有单位未设目标任务。"
        in response.content.decode()
    )
    assert state() == before


@pytest.mark.parametrize(
    ("persona", "status"), [("leader", 404), ("promoter", 404), ("tongan_office", 404)]
)
def test_it_denies_the_others(client, w, persona, status):
    scheme = draft_scheme(w)
    response = login(client, getattr(w, persona)).post(
        url("scheme_publish", scheme.pk), {"confirm": "on"}
    )
    assert response.status_code == status
    assert Scheme.objects.get().status == "draft"


def test_a_leader_may_not_publish_what_he_reads(client, w):
    scheme = published_scheme(w)
    response = login(client, w.leader).post(url("scheme_publish", scheme.pk), {"confirm": "on"})
    assert response.status_code == 403


def test_it_rejects_the_wrong_method(client, w):
    scheme = draft_scheme(w)
    assert login(client, w.office).get(url("scheme_publish", scheme.pk)).status_code == 405
