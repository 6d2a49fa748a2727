"""人工评分: a score with its reason for one period; refused once that period is published."""

from decimal import Decimal

import pytest

from baton.assessment import services
from baton.assessment.models import ManualScore
from baton.audit.models import AuditRecord

from .helpers import Q1
from .helpers_views import draft_scheme, login, published_scheme, ranking, state, url

pytestmark = pytest.mark.django_db
Q1_QUERY = "?year=2024&part=1"


def weighted(scheme):
    return services.indicator_add(
        scheme=scheme,
        name="载体单位打分",
        kind="manual",
        weight="15",
        config={"combine": "weighted", "weights": {"园区": "0.7", "乡镇": "0.3"}},
    )


def test_it_records_a_score_with_its_reason_for_the_period(client, w):
    scheme = draft_scheme(w)
    carrier = weighted(scheme)
    login(client, w.office)
    page = client.get(url("scheme_scores", scheme.pk) + Q1_QUERY).content.decode()
    assert "2024年第一季度" in page and "载体单位打分" in page
    data = {
        "indicator": carrier.pk,
        "unit": w.town.pk,
        "rater": "园区",
        "score": "12.5",
        "reason": "产业链信息有效",
    }
    response = client.post(url("scheme_scores", scheme.pk) + Q1_QUERY, data)
    assert response.status_code == 302 and response.url.endswith(Q1_QUERY)
    entry = ManualScore.objects.get()
    assert (entry.score, entry.rater, entry.period_start, entry.period_end, entry.entered_by) == (
        Decimal("12.5"),
        "园区",
        *Q1,
        w.office,
    )
    # Scored again: the score changes, and the audit log keeps the old one.
    client.post(
        url("scheme_scores", scheme.pk) + Q1_QUERY, {**data, "score": "10", "reason": "复核后调整"}
    )
    assert ManualScore.objects.get().score == Decimal("10")
    record = AuditRecord.objects.filter(object_type="assessment.manualscore").latest("seq")
    assert record.before == {"score": "12.50", "reason": "产业链信息有效"}
    assert record.after["score"] == "10.00"
    page = client.get(url("scheme_scores", scheme.pk) + Q1_QUERY).content.decode()
    assert "复核后调整" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reason": "  "}, "人工评分必须填写评分理由。"),
        ({"score": "16"}, "得分须在 0 到 15 分之间。"),
        ({"score": "-1"}, "不能小于 0。"),
        ({"rater": "街道"}, "评分方只能是：园区、乡镇。"),
        ({"rater": ""}, "按评分方汇总，请写明评分方。"),
        ({"unit": "999999"}, "不在本方案中"),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(client, w, change, message):
    scheme = draft_scheme(w)
    carrier = weighted(scheme)
    data = {
        "indicator": carrier.pk,
        "unit": w.town.pk,
        "rater": "园区",
        "score": "12",
        "reason": "理由",
    }
    before = state()
    response = login(client, w.office).post(
        url("scheme_scores", scheme.pk) + Q1_QUERY, {**data, **change}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert state() == before


def test_it_refuses_a_score_once_the_period_is_published(client, w):
    scheme = published_scheme(w)
    ranking(w, scheme, publish=True)
    manual = scheme.indicators.get(name="工作评价")
    data = {"indicator": manual.pk, "unit": w.town.pk, "score": "30", "reason": "补评"}
    before = state()
    response = login(client, w.office).post(url("scheme_scores", scheme.pk) + Q1_QUERY, data)
    assert response.status_code == 400
    assert "该考核期的排名已发布，不能再修改评分。" in response.content.decode()
    assert state() == before


def test_it_denies_another_district_and_readers(client, w):
    scheme = published_scheme(w)
    assert login(client, w.tongan_office).get(url("scheme_scores", scheme.pk)).status_code == 404
    assert login(client, w.leader).get(url("scheme_scores", scheme.pk)).status_code == 403


def test_it_rejects_the_wrong_method(client, w):
    scheme = draft_scheme(w)
    assert login(client, w.office).delete(url("scheme_scores", scheme.pk)).status_code == 405
