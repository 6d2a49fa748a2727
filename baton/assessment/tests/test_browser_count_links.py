"""Counts that open the projects behind them, in a real browser, on the demo district.

The district office opens 月度统计 as of 2019-08-31 and follows 已签约's count into the
project library; then a ranking of the five towns (签约项目 per project, credited to the
holder) and follows a town's 计分项目 link. Each list holds as many projects as the
number it was opened from. Pages are saved under test-artifacts/browser/links-*.png,
desktop and phone.
"""

import datetime as dt
import os
import re

import pytest

from baton.assessment import services
from baton.org.models import District, Unit
from baton.tests.test_browser import CHROMIUM, Session, browser, demo_world  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="未安装 Chromium（以 root 运行 make test 会自动安装）"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TOWNS = ["大嶝街道", "马巷街道", "新店街道", "新圩镇", "内厝镇"]


def listed(session: Session) -> int:
    """The project count the library states above its table."""
    return int(session.page.inner_text(".total-count").replace(",", ""))


def ranking():
    district = District.objects.get(code="350213")
    scheme = services.scheme_create(district=district, name="签约考核", period_kind="year")
    for name in TOWNS:
        services.scheme_unit_set(
            scheme=scheme, unit=Unit.objects.get(district=district, name=name), group="镇街"
        )
    services.indicator_add(
        scheme=scheme,
        name="签约项目",
        kind="tiers",
        weight="10",
        config={"metric": "signed", "by": "each", "points": "1", "credit": "holder"},
    )
    return services.ranking_compute(
        scheme=scheme, period_start=dt.date(2019, 1, 1), period_end=dt.date(2019, 12, 31)
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_counts_open_their_projects(browser, live_server, demo_world, width):  # noqa: F811
    tag = "desktop" if width > 600 else "phone"
    office = Session(browser, live_server.url, "office", width=width)
    office.login("xa_office", demo_world["xa_office"])
    page = office.page
    office.go("/reports/monthly/?scope=district:350213&as_of=2019-08-31")
    cell = page.locator("tr", has_text="已签约").locator("a").first
    shown = int(cell.inner_text())
    assert shown > 0
    office.shot(f"links-01-monthly-{tag}")
    cell.click()
    page.wait_for_url("**/projects/?*")
    assert listed(office) == shown
    assert "已落地" in page.inner_text("#drill-caption")
    office.shot(f"links-02-signed-list-{tag}")

    result = ranking()
    office.go(f"/assessment/rankings/{result.pk}/")
    row = page.locator("table.as-ranking tbody tr").first
    formula = row.locator(".as-formula").first.inner_text()
    counted = sum(int(n) for n in re.findall(r"1×(\d+)", formula))
    assert counted > 0, formula  # the first town signed projects in 2019
    office.shot(f"links-03-ranking-{tag}")
    link = row.locator("a.as-projects").first
    if width > 600:
        link.click()
        page.wait_for_url("**/projects/?*")
    else:  # on a phone the sticky rank, unit and total cover the score columns
        office.go(link.get_attribute("href"))
    assert listed(office) == counted
    assert "计入" in page.inner_text("#drill-caption")
    office.shot(f"links-04-ranking-list-{tag}")
    office.close()
