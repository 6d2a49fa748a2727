"""新建考核方案: the district office only; shares as percentages summing to 100."""

from decimal import Decimal

import pytest

from baton.assessment.models import Scheme

from .helpers_views import login, state, url

pytestmark = pytest.mark.django_db
GOOD = {
    "name": "产业招商绩效评价",
    "period_kind": "quarter",
    "share_info": "20",
    "share_talks": "30",
    "share_landing": "50",
}


def test_it_creates_a_draft_in_the_office_district(client, w):
    response = login(client, w.office).post(url("scheme_create"), GOOD)
    scheme = Scheme.objects.get()
    assert response.status_code == 302 and response.url == url("scheme", scheme.pk)
    assert (scheme.district, scheme.status, scheme.version) == (w.district, "draft", 1)
    assert (scheme.share_info, scheme.share_talks, scheme.share_landing) == (
        Decimal("0.2"),
        Decimal("0.3"),
        Decimal("0.5"),
    )
    again = login(client, w.office).post(url("scheme_create"), GOOD)
    assert again.status_code == 302
    assert list(Scheme.objects.values_list("version", flat=True).order_by("version")) == [1, 2]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"share_landing": "40"}, "三方分成之和必须等于 100%，当前为 90%。"),
        ({"name": "  "}, "请填写方案名称。"),
        ({"period_kind": "week"}, "选择一个有效的选项"),
        ({"share_info": "abc"}, "请输入数字。"),
        ({"share_info": "120"}, "不能大于 100。"),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(client, w, change, message):
    before = state()
    response = login(client, w.office).post(url("scheme_create"), {**GOOD, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert state() == before


@pytest.mark.parametrize("persona", ["promoter", "leader", "sys_admin"])
def test_it_is_the_district_or_city_office_alone_that_creates(client, w, persona):
    response = login(client, getattr(w, persona)).post(url("scheme_create"), GOOD)
    assert response.status_code == 403
    assert not Scheme.objects.exists()


def test_the_city_office_creates_a_city_scheme(client, w):
    response = login(client, w.reviewer).post(url("scheme_create"), GOOD)
    scheme = Scheme.objects.get()
    assert response.status_code == 302
    assert (scheme.city, scheme.district, scheme.is_city) == (w.city, None, True)


def test_it_rejects_the_wrong_method(client, w):
    assert login(client, w.office).put(url("scheme_create")).status_code == 405
