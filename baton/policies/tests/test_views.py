"""The policy library page: read-only, for every signed-in user."""

import pytest
from django.urls import reverse

from baton.policies.services import policy_load
from baton.projects.tests.helpers_views import login

from .helpers import load_shipped, make_policy

pytestmark = pytest.mark.django_db
URL = reverse("policies:list")


def test_it_shows_each_policy_with_its_clauses_explained(client, w):
    load_shipped()
    policy_load(items=[make_policy()])
    page = login(client, w.promoter).get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "云招商委办发〔2016〕4号" in html and "厦测〔2024〕1号" in html
    assert "实际到位资金的0.5‰" in html  # the generated explanation
    assert "开工 30%，投产 70%" in html
    assert "2024-01-01 至 2024-06-30" in html and "2024-07-01 至 今" in html
    assert "已由" in html  # 〔2015〕5号 → 〔2016〕4号
    # 现行 before 已修订 and 已废止
    assert html.index("云招商委办发〔2016〕4号") < html.index("云招商委办发〔2015〕5号")


def test_an_empty_library_says_how_to_load(client, w):
    html = login(client, w.office).get(URL).content.decode()
    assert "baton policy load --shipped" in html


def test_it_rejects_the_wrong_method(client, w):
    assert login(client, w.promoter).post(URL).status_code == 405


def test_it_asks_an_anonymous_visitor_to_sign_in(client):
    assert client.get(URL).status_code == 302
