"""A 协调部门's day in a real browser, at desktop and phone width: the staff of 自然资源局
log in, find the problem assigned to them on their 工作台, answer it, report on the 督办
about it, and meet the 403 with the rule on a project's page.

The screenshots are saved under test-artifacts/browser/ to be looked at.
"""

import datetime as dt
import os

import pytest
from django.utils import timezone

from baton.core.tests.test_browser_refusals import WIDTHS
from baton.supervision import services
from baton.supervision.models import Problem, Supervision
from baton.testing import add_coordinating, admit, make_project, test_password
from baton.tests.test_browser import CHROMIUM, Session, browser  # noqa: F401 (a fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("screen", WIDTHS)
def test_the_coordinator_answers_its_problem(browser, live_server, w, screen):  # noqa: F811
    add_coordinating(w)
    password = test_password()
    w.coordinator.set_password(password)
    w.coordinator.save()
    project = admit(
        w,
        make_project(
            w, name="马巷新能源电池项目", investor="鹭岛新能源科技有限公司", investment="52000"
        ),
    )
    problem = services.problem_open(
        project=project,
        actor=w.office,
        category=Problem.Category.LAND,
        description="二期用地指标尚未落实，需自然资源局协调调剂。",
        responsible_unit=w.coord_unit,
        deadline=timezone.localdate() + dt.timedelta(days=20),
    )
    sup = services.supervision_issue(
        project=project,
        actor=w.leader,
        leader=w.leader_person,
        instruction="两周内拿出用地调剂方案",
        deadline=timezone.localdate() + dt.timedelta(days=14),
        problem=problem,
    )

    me = Session(browser, live_server.url, "zr_coordinator", width=WIDTHS[screen])
    page = me.page
    me.login("zr_coordinator", password)
    page.wait_for_url(f"{live_server.url}/")
    page.locator("#todo", has_text="二期用地指标").wait_for()
    main = page.inner_text("main")
    assert "交办给自然资源局的问题" in main and "领导驾驶舱" not in main
    assert "5.2" not in main and "亿元" not in main  # no figures of any project
    menu = [text.strip() for text in page.locator("nav a").all_inner_texts()]
    assert not any("项目库" in text or "驾驶舱" in text for text in menu), menu
    me.shot(f"coordinating-1-home-{screen}")

    page.locator("#todo a", has_text="二期用地指标").first.click()
    page.wait_for_url(f"{live_server.url}/projects/problems/{problem.pk}/")
    page.locator("h1", has_text="存在问题").wait_for()
    text = page.inner_text("main")
    assert project.code in text and "马巷街道" in text and "策划" in text
    assert "鹭岛新能源" not in text and "52000" not in text and "5.2" not in text
    me.shot(f"coordinating-2-problem-{screen}")

    page.locator("#problem-page a", has_text="办理").first.click()
    dialog = page.locator("#dialog")
    dialog.locator("label.pb-check", has_text="已解决（").click()
    dialog.locator("#id_note").fill("已从年度新增建设用地计划中调剂 80 亩，下月供地。")
    me.shot(f"coordinating-3-answer-{screen}")
    me.dialog_submit()
    page.wait_for_function("() => !document.querySelector('#dialog').open")
    page.locator("#problem-page .badge", has_text="已解决").first.wait_for()
    assert Problem.objects.get(pk=problem.pk).status == "resolved"

    page.locator("#problem-page a", has_text="报送办理情况").click()
    dialog.locator("#id_response").fill("调剂方案已报区政府常务会研究。")
    me.dialog_submit()
    page.wait_for_function("() => !document.querySelector('#dialog').open")
    page.locator("#problem-page .badge", has_text="待确认办结").wait_for()
    assert page.locator("#problem-page a", has_text="办结").count() == 0  # the leader's
    me.shot(f"coordinating-4-answered-{screen}")
    assert Supervision.objects.get(pk=sup.pk).status == "reported"

    response = me.go(f"/projects/{project.code}/")
    assert response.status == 403
    assert "协调部门的账号只能查看和办理交办给本单位的问题及督办事项。" in page.inner_text("main")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTHS[screen]  # nothing runs off a phone's screen
    me.shot(f"coordinating-5-refused-{screen}")
    me.close()
