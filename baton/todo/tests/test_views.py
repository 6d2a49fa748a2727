"""The to-do list on 工作台, its own page, and the count in the menu."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baton.projects.tests.helpers_views import login
from baton.todo.selectors import ADMINS_HAVE_NO_TODO

from .helpers import TODAY, make_todo_world


@pytest.fixture
def t(w, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    return make_todo_world(w)


def page(client, user, path="/"):
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


def menu_count(text: str) -> str | None:
    found = re.search(r'<a href="/"[^>]*>工作台<span class="count([^"]*)"[^>]*>(\d+)</span>', text)
    return found and f"{found[2]}{found[1]}"


def test_the_home_page_shows_the_list_overdue_in_red_first(client, w, t):
    text = page(client, w.promoter)
    section = text[text.index('id="todo"') :]
    titles = re.findall(r'<li class="todo-item( overdue)?" data-kind="(\w+)">', section)
    assert titles == [
        (" overdue", "idle"),
        (" overdue", "handoff"),
        ("", "supervision"),
        ("", "returned"),
        ("", "draft"),
    ]
    assert "5 项 · 2 项逾期" in section
    assert menu_count(text) == "5 overdue"


def test_the_empty_list_says_so(client, w):
    text = page(client, w.reviewer)
    assert '<p class="empty" id="todo-empty">暂无待办事项</p>' in text
    assert menu_count(text) is None


def test_another_districts_office_sees_none_of_it(client, w, t):
    text = page(client, w.tongan_office)
    assert "暂无待办事项" in text
    for project in (t.idle, t.submitted, t.handed):
        assert project.code not in text and project.name not in text


def test_the_home_page_shows_the_first_items_and_links_the_rest(client, w, t, monkeypatch):
    monkeypatch.setattr("baton.reports.views.TODO_SHOWN", 2)
    text = page(client, w.promoter)
    assert text.count('class="todo-item') == 2
    assert '<a class="btn btn-sm" href="/todo/">查看全部 5 项</a>' in text
    full = page(client, w.promoter, "/todo/")
    assert full.count('class="todo-item') == 5 and "其中 <strong" in full


@pytest.mark.parametrize("persona", ["sys_admin", "sec_admin", "audit_admin"])
def test_the_administrators_get_the_rule_and_no_count(client, w, persona):
    login(client, getattr(w, persona))
    response = client.get("/todo/")
    assert response.status_code == 403
    assert ADMINS_HAVE_NO_TODO in response.content.decode()
    home = client.get("/")
    assert home.status_code == 200 and menu_count(home.content.decode()) is None
    assert 'id="todo"' not in home.content.decode()


def test_the_page_rejects_the_wrong_method(client, w):
    client.force_login(w.promoter)
    assert client.post("/todo/").status_code == 405


def test_the_home_page_reads_the_list_once_in_a_few_queries(client, w, t, monkeypatch):
    """The menu's count and the list share one reading of a few queries."""
    from baton.todo import selectors

    client.force_login(w.promoter)
    client.get("/")  # the session and the caches warm
    with CaptureQueriesContext(connection) as with_list:
        client.get("/")
    calls = []
    real = selectors.todo_items

    def counted(user, today):
        calls.append(user)
        return real(user, today)

    monkeypatch.setattr(selectors, "todo_items", counted)
    client.get("/")
    assert len(calls) == 1
    monkeypatch.setattr(selectors, "todo_items", lambda user, today: [])
    with CaptureQueriesContext(connection) as without:
        client.get("/")
    # One query a kind the promoter has (returned, drafts, handoffs, problems, idle) and
    # two for the 督办 (the rows, which of their projects the unit may open).
    assert len(with_list) - len(without) <= 7, len(with_list) - len(without)


def test_a_stale_menu_count_is_shown_while_one_request_counts_again(client, w, t, monkeypatch):
    """Past ``MENU_COUNT_SECONDS`` one request counts again; the others show the last count
    rather than all counting at once (an office's list takes seconds at a province)."""
    import time

    from django.core.cache import cache

    from baton.core import cache as core_cache
    from baton.todo import selectors

    assert menu_count(page(client, w.promoter, "/projects/")) == "5 overdue"
    later = time.time() + selectors.MENU_COUNT_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    counted = []
    items = selectors.todo_items
    monkeypatch.setattr(selectors, "todo_items", lambda *a: counted.append(1) or items(*a)[:1])
    # Another request is counting (it holds the building mark): this one shows the last
    # count without counting.
    with monkeypatch.context() as patch:
        patch.setattr(core_cache, "cache", Busy(cache))
        assert menu_count(page(client, w.promoter, "/projects/")) == "5 overdue"
    assert not counted
    # Nobody is: this one counts again, and shows it.
    assert menu_count(page(client, w.promoter, "/projects/")) == "1 overdue"
    assert counted == [1]


class Busy:
    """The cache as another request building everything would leave it."""

    def __init__(self, cache):
        self._cache = cache

    def add(self, key, *args, **kwargs):
        return False if key.endswith(":building") else self._cache.add(key, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._cache, name)
