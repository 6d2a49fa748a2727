"""The side menu marks the entry of the page being shown, sub-pages included."""

import pytest

from baton.accounts.context_processors import navigation


def active(user, view_name: str) -> list[str]:
    class Match:
        pass

    class Request:
        pass

    request = Request()
    request.user = user
    request.resolver_match = Match()
    request.resolver_match.view_name = view_name
    return [item["label"] for item in navigation(request)["nav"] if item["active"]]


@pytest.mark.parametrize(
    ("view_name", "label"),
    [
        ("projects:list", "项目库"),
        ("projects:detail", "项目库"),
        ("projects:edit", "项目库"),
        ("projects:review_desk", "审核台"),
        ("projects:review", "审核台"),
        ("supervision:problems", "存在问题"),
        ("supervision:problem_update", "存在问题"),
        ("supervision:leader_acts", "领导活动"),
        ("supervision:leader_act_new", "领导活动"),
        ("supervision:project_problems", "项目库"),
        ("supervision:supervision_new", "项目库"),
        ("land:map", "招商地图"),
        ("land:parcel", "招商地图"),
        ("land:match", "招商地图"),
        ("assessment:index", "考核排名"),
        ("assessment:scheme_targets", "考核排名"),
        ("assessment:ranking", "考核排名"),
        ("reports:home", "工作台"),
        ("reports:cockpit", "领导驾驶舱"),
        ("reports:monthly_docx", "月度统计"),
        ("ledger:import", "台账导入"),
    ],
)
def test_one_entry_is_marked(w, view_name, label):
    assert active(w.office, view_name) == [label]


def test_a_page_outside_the_menu_marks_nothing(w):
    assert active(w.office, "accounts:password_change") == []
    assert active(w.office, "") == []


def test_an_administrators_own_pages_mark_only_themselves(w):
    assert active(w.sys_admin, "accounts:users") == ["用户管理"]
    assert active(w.sys_admin, "accounts:password_change") == []
