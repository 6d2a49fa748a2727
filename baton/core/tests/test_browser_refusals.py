"""A refusal as the user sees it, in a real browser, at desktop and phone width.

The same reason, from the one template: in the dialog when htmx asked for the dialog (it
opens, says why, and closes again), and as a page of its own with a way back. The
screenshots are saved under test-artifacts/browser/ to be looked at.
"""

import os

import pytest

from baton.projects.tests.helpers_views import login
from baton.testing import make_project
from baton.tests.test_browser import CHROMIUM, Session, browser  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = {"desktop": 1280, "phone": 390}


def signed_in(browser, live_server, client, user, width: int) -> Session:  # noqa: F811
    """A browser window with ``user``'s session (the test client's cookie)."""
    login(client, user)
    session = Session(browser, live_server.url, user.username, width=width)
    cookie = client.cookies["sessionid"]
    session.context.add_cookies(
        [{"name": "sessionid", "value": cookie.value, "url": live_server.url}]
    )
    return session


@pytest.mark.parametrize("screen", WIDTHS)
def test_a_refused_dialog_says_why_and_closes(browser, live_server, client, w, screen):  # noqa: F811
    project = make_project(w)
    session = signed_in(browser, live_server, client, w.reviewer, WIDTHS[screen])
    page = session.page
    session.go(f"/projects/{project.code}/")
    assert page.locator("a[href$='/move/']").count() == 0  # not offered to a reader

    # Asked anyway (a stale page, a hand-made request): the dialog says why.
    page.evaluate(f"htmx.ajax('GET', '/projects/{project.code}/move/', '#dialog')")
    dialog = page.locator("#dialog")
    dialog.locator(".alert-error").wait_for()
    assert dialog.evaluate("d => d.open")
    assert "只有责任单位（马巷街道）或区招商办可以变更阶段。" in dialog.inner_text()
    assert "无权操作" in dialog.locator("h2").inner_text()
    session.shot(f"refusal-dialog-{screen}")

    dialog.locator(".dialog-foot [data-close-dialog]").click()
    assert not dialog.evaluate("d => d.open")
    session.close()


@pytest.mark.parametrize("screen", WIDTHS)
def test_a_refused_page_says_why_and_leads_back(browser, live_server, client, w, screen):  # noqa: F811
    session = signed_in(browser, live_server, client, w.promoter, WIDTHS[screen])
    page = session.page

    response = session.go("/projects/review/")

    assert response.status == 403
    assert "审核台仅供区招商办和市招商办使用。" in page.inner_text("main")
    assert page.locator("h1").inner_text() == "无权操作"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTHS[screen]  # nothing runs off a phone's screen
    session.shot(f"refusal-page-{screen}")

    page.click("text=返回工作台")
    page.wait_for_url(f"{live_server.url}/")
    session.close()
