"""The preview of a ledger kept elsewhere, in a real browser: 德清's 采集表 uploaded as
it is, its unknown values listed once, most mapped, a 行业 and a 责任单位 (of the kind
the office picks) added, the import confirmed;
the same file again asks for nothing. Screenshots (desktop and phone) under
test-artifacts/browser/ to be looked at."""

import pytest

from baton.ledger.models import LedgerAlias
from baton.org.models import Unit
from baton.projects.models import Industry, Project
from baton.tests.test_browser import (  # noqa: F401  (the fixtures)
    CHROMIUM,
    Session,
    browser,
    demo_world,
)

from .real_ledgers import DEQING_ROWS, deqing_book

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not __import__("os").path.exists(CHROMIUM),
        reason="未安装 Chromium（以 root 运行 make test 会自动安装）",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NAME = "2024德清县驻点招商项目信息采集表.xlsx"


def _upload(session: Session, data: bytes | None = None) -> None:
    session.go("/ledger/import/")
    data = data or deqing_book()
    session.page.set_input_files(
        "input[type=file]",
        files=[{"name": NAME, "mimeType": "application/octet-stream", "buffer": data}],
    )
    session.page.click("form.ledger-upload button[type=submit]")


def _choose(session: Session, column: str, value: str, label: str) -> None:
    select = session.page.locator(f"select[aria-label='{column}“{value}”对应到']")
    select.select_option(label=label)


def test_the_preview_maps_adds_and_imports(browser, live_server, demo_world):  # noqa: F811
    url = live_server.url
    projects = Project.objects.count()

    phone = Session(browser, url, "office-phone", width=390)
    phone.login("xa_office", demo_world["xa_office"])
    _upload(phone)
    phone.page.wait_for_selector("text=目录外的值")
    phone.shot("ledger-mapping-01-unknown-phone")

    office = Session(browser, url, "office").login("xa_office", demo_world["xa_office"])
    _upload(office)
    office.page.wait_for_selector("text=目录外的值")
    table = office.page.inner_text("table.ledger-unknown-values")
    assert "上海片区" in table and "2" in table and "先进装备制造" in table
    office.shot("ledger-mapping-01-unknown")
    _choose(office, "责任单位", "上海片区", "马巷街道")
    kinds = office.page.locator("select[aria-label='责任单位“杭州片区”对应到'] option")
    assert "加入目录：新增镇街“杭州片区”" in kinds.all_inner_texts()
    assert not [k for k in kinds.all_inner_texts() if "协调部门" in k]
    _choose(office, "责任单位", "杭州片区", "加入目录：新增指挥部/管委会“杭州片区”")
    _choose(office, "行业", "集成电路", "半导体与集成电路")
    _choose(office, "行业", "高端装备", "先进制造")
    _choose(office, "行业", "先进装备制造", "加入目录：新增行业“先进装备制造”")
    office.page.click("text=按所选对应并重新校验")
    office.page.wait_for_selector("text=确认导入时一并记下")
    assert not LedgerAlias.objects.exists()  # nothing is written before the confirm
    office.shot("ledger-mapping-02-mapped")
    office.page.click("form.ledger-confirm button[type=submit]")
    office.page.wait_for_selector("text=导入完成")
    done = office.page.inner_text(".ledger-mapped")
    assert "行业“先进装备制造”已加入目录" in done
    assert "责任单位“杭州片区”已加入目录（指挥部/管委会）" in done
    office.shot("ledger-mapping-03-done")
    assert Project.objects.count() == projects + 3
    assert (
        LedgerAlias.objects.count() == 3 and Industry.objects.filter(name="先进装备制造").exists()
    )
    added = Unit.objects.get(name="杭州片区")
    assert added.kind == Unit.Kind.HEADQUARTERS and added.district.name == "翔安区"

    # The same file again, on the phone: nothing to map, nothing to write.
    _upload(phone)
    phone.page.wait_for_selector("text=台账与项目库完全一致")
    assert phone.page.locator("table.ledger-unknown-values").count() == 0
    phone.shot("ledger-mapping-04-again-phone")

    # A week later the 采集表 has news on its first project: the preview says what changes.
    rows = [list(line) for line in DEQING_ROWS]
    rows[0][3], rows[0][10] = 60000, "已签订投资框架协议，拟下月签约"
    _upload(office, deqing_book(rows))
    office.page.wait_for_selector("tr.ledger-changes")
    changes = office.page.inner_text("tr.ledger-changes")
    assert "总投资(万元)：52000 → 60000" in changes and "已签订投资框架协议" in changes
    office.shot("ledger-mapping-05-changes")
    office.close()
    phone.close()
