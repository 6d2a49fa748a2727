"""One definition of idle: the 工作台, the cockpit, the monthly pack (and its Word
document) and the to-do list count the same projects on the demo district."""

import io
import re

import pytest
from django.utils import timezone
from docx import Document

from baton.accounts.models import User
from baton.demo.tests.snapshot import load_demo_once
from baton.projects.asof import IDLE_DAYS
from baton.reports.cockpit import cockpit_build
from baton.reports.docx import pack_docx
from baton.reports.pack import pack_build
from baton.reports.scopes import scope_for
from baton.todo.selectors import todo_items


@pytest.fixture
def demo(db):
    load_demo_once()


def home_idle_count(client, user) -> int:
    client.force_login(user)
    text = client.get("/").content.decode()
    found = re.search(rf"超过 {IDLE_DAYS} 天无进展 <span[^>]*>(\d+) 个", text)
    return int(found[1])


@pytest.mark.parametrize("username", ["xa_office", "mx_promoter", "xa_leader"])
def test_the_three_pages_show_the_same_number(client, demo, username):
    user = User.objects.get(username=username)
    today = timezone.localdate()
    scope = scope_for(user, None)
    board = cockpit_build(scope=scope, as_of=today, user=user)
    pack = pack_build(scope=scope, as_of=today, user=user)
    document = Document(io.BytesIO(pack_docx(pack)))
    heading = next(p.text for p in document.paragraphs if "天无进展项目" in p.text)
    home = home_idle_count(client, user)
    assert home == board.idle_count == len(pack.idle) > 0
    assert heading == f"四、连续{IDLE_DAYS}天无进展项目（{home}个）"
    assert board.paused_count <= board.idle_count
    if username == "xa_office":
        # The office's to-do lists every idle project of its district.
        idle = [entry for entry in todo_items(user, today) if entry.kind == "idle"]
        assert len(idle) == home
        assert {entry.project for entry in idle} == {row.code for row in pack.idle}
