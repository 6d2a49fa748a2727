"""The analysis page in a real browser, at desktop and phone width: the office reads its
figures, the chart is drawn (no CSP error), a bar opens the rows it adds up.
Screenshots under test-artifacts/browser/."""

import os

import pytest

from baton.core.tests.test_browser_refusals import WIDTHS, signed_in
from baton.tests.test_browser import CHROMIUM, browser  # noqa: F401 (a fixture)

from .analysis_world import D, build

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("screen", WIDTHS)
def test_the_office_reads_the_analysis(browser, live_server, client, w, screen):  # noqa: F811
    build(w)
    session = signed_in(browser, live_server, client, w.office, WIDTHS[screen])
    page = session.page
    session.go(f"/policies/analysis/?as_of={D.isoformat()}")
    assert page.locator("#kpi-promised").inner_text().startswith("420")
    page.locator("#chart-policies.chart-ready canvas").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[screen]
    session.shot(f"policies-analysis-{screen}")
    page.locator("#by-unit a", has_text="370").click()
    page.locator("#rows").wait_for()
    assert "马巷街道" in page.locator("#rows h2").inner_text()
    assert page.locator("#rows tfoot").first.inner_text().strip().endswith("370")
    session.shot(f"policies-analysis-rows-{screen}")
    session.close()
