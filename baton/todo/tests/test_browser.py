"""工作台's to-do list in a real browser, at desktop and at phone width: the screenshots
are saved under test-artifacts/browser/ to be looked at."""

import pytest

from baton import testing
from baton.tests.test_browser import CHROMIUM, Session, browser  # noqa: F401  (fixture)

from .helpers import TODAY, make_todo_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not __import__("os").path.exists(CHROMIUM),
        reason="未安装 Chromium（以 root 运行 make test 会自动安装）",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def world(w, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    make_todo_world(w)
    passwords = {}
    for user in (w.promoter, w.tongan_office):
        passwords[user.username] = testing.test_password()
        user.set_password(passwords[user.username])
        user.save()
    return passwords


@pytest.mark.parametrize(("width", "name"), [(1280, "desktop"), (390, "phone")])
def test_the_to_do_list_on_the_home_page(browser, live_server, world, width, name):  # noqa: F811
    promoter = Session(browser, live_server.url, "promoter", width=width)
    promoter.login("mx_promoter", world["mx_promoter"])
    promoter.page.wait_for_url(live_server.url + "/")
    items = promoter.page.locator("#todo .todo-item")
    assert items.count() == 5
    overdue = promoter.page.locator("#todo .todo-item.overdue")
    assert overdue.count() == 2
    # Overdue in red: the title and the date.
    color = overdue.first.locator("a").evaluate("a => getComputedStyle(a).color")
    assert color == "rgb(201, 42, 42)"
    assert promoter.page.locator(".sidenav .count.overdue").inner_text() == "5"
    # Nothing wider than the screen.
    scroll = promoter.page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, scroll
    promoter.shot(f"todo-home-{name}")
    promoter.page.locator("#todo .todo-item a").first.click()
    promoter.page.wait_for_url(f"{live_server.url}/projects/*/")
    promoter.close()

    other = Session(browser, live_server.url, "tongan", width=width)
    other.login("ta_office", world["ta_office"])
    other.page.wait_for_url(live_server.url + "/")
    assert other.page.locator("#todo-empty").inner_text() == "暂无待办事项"
    other.shot(f"todo-home-empty-{name}")
    other.close()
