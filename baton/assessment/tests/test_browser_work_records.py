"""计分记录 in a real browser, on the demo district: a ranking of 翔安's units by their
trips and the companies met on them over the last eight weeks (a custom period, no page
of 招商工作统计 has it); the office follows a unit's 计分记录 and finds as many trips as
the formula counts. Pages are saved under test-artifacts/browser/records-*.png, desktop
and phone.
"""

import datetime as dt
import os
import re

import pytest
from django.utils import timezone

from baton.assessment import services
from baton.org.models import District
from baton.tests.test_browser import CHROMIUM, Session, browser, demo_world  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="未安装 Chromium（以 root 运行 make test 会自动安装）"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def ranking():
    district = District.objects.get(code="350213")
    scheme = services.scheme_create(district=district, name="外出招商比拼", period_kind="month")
    for unit in district.units.filter(kind="town"):
        services.scheme_unit_set(scheme=scheme, unit=unit, group="镇街")
    services.indicator_add(
        scheme=scheme,
        name="外出招商",
        kind="weighted_sum",
        weight="10",
        config={
            "terms": [
                {"metric": "trips", "points": "1"},
                {"metric": "companies_met", "points": "0.5"},
            ]
        },
    )
    today = timezone.localdate()
    return services.ranking_compute(
        scheme=scheme, period_start=today - dt.timedelta(days=56), period_end=today
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_a_units_trips_open_from_its_score(browser, live_server, demo_world, width):  # noqa: F811
    tag = "desktop" if width > 600 else "phone"
    office = Session(browser, live_server.url, "office", width=width)
    office.login("xa_office", demo_world["xa_office"])
    page = office.page
    result = ranking()
    office.go(f"/assessment/rankings/{result.pk}/")
    row = page.locator("table.as-ranking tbody tr").first
    formula = row.locator(".as-formula").first.inner_text()
    trips = int(re.match(r"(\d+)×1", formula)[1])
    assert trips > 0, formula  # the first town went out in the last eight weeks
    office.shot(f"records-01-ranking-{tag}")
    link = row.locator("a.as-projects", has_text="外出招商批次").first
    if width > 600:
        link.click()
        page.wait_for_url("**/records/?*")
    else:  # on a phone the sticky rank, unit and total cover the score columns
        office.go(link.get_attribute("href"))
    assert "计分记录" in page.inner_text("h1")
    assert "外出招商批次" in page.inner_text("#caption")
    assert page.locator("#records tbody tr").count() == trips
    assert f"共 {trips} 条" in page.inner_text("#records h2")
    office.shot(f"records-02-list-{tag}")
    title = page.locator("#records tbody a").first.inner_text()
    page.locator("#records tbody a").first.click()
    page.wait_for_url("**/visits/*/")
    assert title in page.inner_text("h1")
    office.close()
