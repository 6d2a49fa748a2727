"""The project page's actions answer htmx in place: the dialog closes, the page says what
was done, and the parts the action changed (heading, 待接收, fields, relay, milestones,
timeline) are swapped without a reload; a problem or 督办 refreshes the timeline."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from baton.accounts.models import User
from baton.projects import services
from baton.testing import make_project, make_user, stage

from .helpers import make_landed
from .helpers_library import action_url, assert_htmx_done, detail_url
from .helpers_views import HTMX, login


def _part(html: str, part: str) -> str:
    start = html.index(f'id="{part}" hx-swap-oob="true"')
    return html[start : html.index("</section>", start) if "</section>" in html[start:] else None]


def test_a_move_swaps_the_heading_with_the_new_stage_and_the_timeline(client, w):
    project = make_project(w, name="光伏组件项目")
    login(client, w.promoter)
    data = {"version": 1, "stage": stage("negotiating").pk, "investor": "宁德时代"}

    response = assert_htmx_done(
        client, action_url("move", project), data, project, message="已将项目转入“在谈”阶段。"
    )

    start = response.text.index('id="project-head"')
    head = response.text[start : response.text.index('<div class="actions">', start)]
    assert f'<span class="badge stage-{stage("negotiating").code}">在谈</span>' in head
    timeline = _part(response.text, "timeline")
    assert "在谈" in timeline and "宁德时代" in response.text


def test_a_milestone_swaps_the_milestones_card(client, w):
    project = make_landed(w)
    login(client, w.promoter)
    today = timezone.localdate()
    data = {"kind": "started", "date": today.isoformat(), "note": ""}

    response = assert_htmx_done(
        client, action_url("milestone", project), data, project, message="已记录开工日期。"
    )

    assert today.strftime("%Y-%m-%d") in _part(response.text, "project-milestones")


def test_accepting_a_handoff_swaps_the_holder_and_clears_the_banner(client, w):
    created = timezone.now() - dt.timedelta(days=40)
    project = make_project(w, name="新能源电池项目", at=created)
    services.project_handoff(
        project=project, to_unit=w.headquarters, actor=w.promoter, reason="选址在新机场片区"
    )
    receiver = make_user(User.Role.UNIT_STAFF, username="hq_staff", unit=w.headquarters)
    login(client, receiver)

    response = assert_htmx_done(client, action_url("handoff_accept", project), {}, project)

    banner = response.text[response.text.index('id="handoff-area"') :].split("</div>")[0]
    assert "待接收" not in banner
    assert f"{w.headquarters.name}</strong>" in _part(response.text, "project-relay")


def test_a_refused_form_stays_in_the_dialog(client, w):
    project = make_project(w)
    login(client, w.promoter)
    response = client.post(action_url("move", project), {"version": 1}, **HTMX)
    assert response.status_code == 422
    assert "hx-swap-oob" not in response.text
    assert "HX-Trigger" not in response


def test_the_timeline_is_fetched_again_when_a_problem_changes(client, w):
    project = make_project(w)
    login(client, w.promoter)
    page = client.get(detail_url(project)).text
    url = reverse("projects:timeline", args=[project.code])
    assert (
        f'hx-get="{url}" hx-trigger="problemsChanged from:body, attachmentsChanged from:body"'
        in page
    )

    services.note_add(project=project, actor=w.promoter, text="与企业再次洽谈用地")
    fragment = client.get(url, **HTMX)
    assert fragment.status_code == 200
    assert "与企业再次洽谈用地" in fragment.text and "<html" not in fragment.text


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_timeline_answers_only_get(client, w, method):
    project = make_project(w)
    login(client, w.promoter)
    url = reverse("projects:timeline", args=[project.code])
    assert getattr(client, method)(url).status_code == 405


def test_the_timeline_keeps_to_the_scope(client, w):
    project = make_project(w)
    login(client, w.other_promoter)
    assert client.get(reverse("projects:timeline", args=[project.code])).status_code == 404


def test_without_javascript_the_message_waits_on_the_project_page(client, w):
    project = make_project(w)
    login(client, w.promoter)
    response = client.post(action_url("note", project), {"text": "电话回访"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "已添加跟进记录。" in page.text
    assert "HX-Trigger" not in response or "closeDialog" not in json.loads(response["HX-Trigger"])


def test_a_receiver_who_declines_and_no_longer_sees_the_project_goes_to_the_list(client, w):
    project = make_project(w, name="新能源电池项目")
    services.project_handoff(
        project=project, to_unit=w.headquarters, actor=w.promoter, reason="选址在新机场片区"
    )
    receiver = make_user(User.Role.UNIT_STAFF, username="hq_staff", unit=w.headquarters)
    login(client, receiver)

    response = client.post(
        action_url("handoff_decline", project), {"reason": "不在本指挥部片区"}, **HTMX
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("projects:list")
    assert "hx-swap-oob" not in response.text
    page = client.get(reverse("projects:list"))
    assert "已拒绝接收，项目仍由马巷街道负责。" in page.text  # the message waits there
    assert client.get(detail_url(project)).status_code == 404  # out of the unit's sight now
