"""A 督办's sign-off in a real browser, at desktop and phone width: the unit it is issued
to reports with a file, the leader confirms 办结 (and is asked to confirm first).

The screenshots are saved under test-artifacts/browser/ to be looked at.
"""

import datetime as dt
import os

import pytest
from django.utils import timezone

from baton.core.tests.test_browser_refusals import WIDTHS, signed_in
from baton.supervision import services
from baton.supervision.models import Problem, Supervision
from baton.testing import make_project
from baton.tests.test_browser import CHROMIUM, browser  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n"


@pytest.mark.parametrize("screen", WIDTHS)
def test_report_then_the_leader_closes(browser, live_server, client, w, screen, tmp_path):  # noqa: F811
    project = make_project(w, name="马巷新能源电池项目")
    problem = services.problem_open(
        project=project,
        actor=w.office,
        category=Problem.Category.INFRASTRUCTURE,
        description="道路配套需新店街道协调",
        responsible_unit=w.other_town,
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    sup = services.supervision_issue(
        project=project,
        actor=w.leader,
        leader=w.leader_person,
        instruction="两周内落实道路配套方案",
        deadline=timezone.localdate() + dt.timedelta(days=14),
        problem=problem,
    )
    # Past its deadline: red on the lists until the leader closes it.
    Supervision.objects.filter(pk=sup.pk).update(deadline=timezone.localdate() - dt.timedelta(3))
    minutes = tmp_path / "协调会纪要.pdf"
    minutes.write_bytes(PDF)

    unit = signed_in(browser, live_server, client, w.other_promoter, WIDTHS[screen])
    page = unit.page
    unit.go("/projects/problems/")
    row = page.locator("tr.is-overdue", has_text="两周内落实道路配套方案")
    row.locator("a", has_text="报送办理情况").click()
    dialog = page.locator("#dialog")
    dialog.locator("#id_response").fill("已召开协调会，道路配套方案已确定，月底开工。")
    dialog.locator("#id_files").set_input_files(str(minutes))
    unit.shot(f"sign-off-1-report-{screen}")
    unit.dialog_submit()
    page.wait_for_function("() => !document.querySelector('#dialog').open")
    page.locator("tr", has_text="待确认办结").wait_for()
    assert page.locator("a", has_text="办结").count() == 0  # the unit cannot close it
    unit.shot(f"sign-off-2-reported-{screen}")
    unit.close()
    assert Supervision.objects.get(pk=sup.pk).status == "reported"

    leader = signed_in(browser, live_server, client, w.leader, WIDTHS[screen])
    page = leader.page
    leader.go("/projects/problems/")
    row = page.locator("tr.is-overdue", has_text="两周内落实道路配套方案")
    assert "协调会纪要.pdf" in row.inner_text()
    leader.shot(f"sign-off-3-leader-list-{screen}")
    row.locator("a", has_text="办结").click()
    dialog = page.locator("#dialog")
    dialog.locator("#id_confirm").wait_for()
    assert "不能撤销" in dialog.inner_text()
    leader.dialog_submit()  # not confirmed: asked again
    dialog.locator(".has-error", has_text="请勾选确认办结。").wait_for()
    assert Supervision.objects.get(pk=sup.pk).status == "reported"
    dialog.locator("#id_confirm").check()
    leader.shot(f"sign-off-4-confirm-{screen}")
    leader.dialog_submit()
    page.wait_for_function("() => !document.querySelector('#dialog').open")
    page.locator("p.empty", has_text="没有未办结的督办事项。").wait_for()
    leader.go(f"/projects/{project.code}/")
    page.locator("#project-problems .badge", has_text="已办结").first.wait_for()
    leader.shot(f"sign-off-5-closed-{screen}")
    leader.close()
    assert Supervision.objects.get(pk=sup.pk).status == "done"
