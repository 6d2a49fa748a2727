"""政策兑现 in a real browser, at desktop and phone width: the office opens an approved
application, pays its first instalment in the dialog, and reads the list. Screenshots
under test-artifacts/browser/."""

import os

import pytest

from baton.core.tests.test_browser_refusals import WIDTHS, signed_in
from baton.tests.test_browser import CHROMIUM, browser  # noqa: F401 (a fixture)

from .helpers_delivery import approved, load_policy, project

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("screen", WIDTHS)
def test_the_office_pays_an_instalment(browser, live_server, client, w, screen):  # noqa: F811
    load_policy()
    app = approved(w, project(w, started=None), "第三条")
    session = signed_in(browser, live_server, client, w.office, WIDTHS[screen])
    page = session.page
    session.go(f"/policies/applications/{app.code}/")
    assert "第 3 期" in page.locator("#instalments").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[screen]
    session.shot(f"policies-application-{screen}")
    page.locator(".actions a", has_text="支付").first.click()
    dialog = page.locator("#dialog")
    dialog.get_by_label("支付凭证号").fill("XA-ZF-0001")
    session.shot(f"policies-application-pay-{screen}")
    dialog.locator("button[type=submit]").click()
    page.wait_for_url(f"**/policies/applications/{app.code}/")
    page.locator("#instalments", has_text="XA-ZF-0001").wait_for()
    session.go("/policies/applications/")
    assert app.code in page.locator("table").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[screen]
    session.shot(f"policies-applications-{screen}")
    session.close()
