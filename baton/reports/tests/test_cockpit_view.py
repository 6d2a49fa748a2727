"""The 领导驾驶舱 page: who sees which scope, bad input, the CSP, and `baton report`."""

import html
import io
import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from baton.projects.tests.helpers_views import login
from baton.reports.snapshots import snapshot_refresh
from baton.reports.tests.test_cockpit import build_history

URL = "/cockpit/"
D = "2019-08-31"


@pytest.fixture
def h(w):
    return build_history(w)


def page(client, user, query: str = "", status: int = 200) -> str:
    login(client, user)
    response = client.get(f"{URL}{query}")
    assert response.status_code == status, response.content.decode()[:500]
    return response.content.decode()


def chart_data(text: str) -> dict:
    found = re.search(
        r'<script id="cockpit-data" type="application/json">(.*?)</script>', text, re.S
    )
    return json.loads(html.unescape(found[1]))


def report_json(**options) -> dict:
    out = io.StringIO()
    call_command("report", format="json", stdout=out, **options)
    return json.loads(out.getvalue())


def test_it_shows_the_district_office_its_district_as_of_today(client, w, h):
    text = page(client, w.office)
    assert "领导驾驶舱" in text and "厦门翔安区" in text
    today = timezone.localdate()
    assert f'value="{today:%Y-%m-%d}"' in text
    assert 'id="chart-funnel"' in text and 'id="chart-trend"' in text


def test_a_past_date_equals_baton_report_for_that_date(client, w, h):
    for refresh in (False, True):  # live, then from the month-end snapshot
        if refresh:
            snapshot_refresh()
        data = chart_data(page(client, w.office, f"?as_of={D}"))
        report = report_json(district="350213", as_of=D)
        assert [(f["name"], f["count"]) for f in data["funnel"]] == [
            (s["stage"], s["count"]) for s in report["stages"] if s["stage"] != "中止"
        ]
        assert [f["count"] for f in data["funnel"]] == [2, 1, 1, 1]
        assert data["trend"]["stock"][-1]["value"] == report["total"]["count"] == 5


def test_the_kpis_and_tables_link_to_their_lists(client, w, h):
    text = page(client, w.office, f"?as_of={D}&idle=30")
    assert re.search(r'id="kpi-library">.*?<span class="value">5<small>', text, re.S)
    kpi = r'id="kpi-idle">.*?<span class="value">3<small>.*?其中因问题暂缓 1 个'
    assert re.search(kpi, text, re.S)
    idle = re.search(r'href="([^"]+)" id="kpi-idle"', text)
    url = html.unescape(idle[1])
    assert "idle=30" in url and "open_problem" not in url and f"as_of={D}" in url
    listing = client.get(url).content.decode()
    assert re.search(r'class="total-count">3<', listing)
    assert "列表口径：截至2019年8月31日在库" in listing
    # The paused one is idle too: counted, and listed apart on the cockpit.
    assert "城市更新项目" in listing and "储能电站项目" in listing and "创新药项目" in listing


def test_the_drill_down_list_keeps_its_filters_and_exports_the_same_date(client, w, h):
    login(client, w.office)
    text = client.get(f"/projects/?as_of={D}&idle=30&open_problem=1").content.decode()
    assert '<input type="hidden" name="idle" value="30"' in text
    assert re.search(r'class="total-count">1<', text)
    # The export panel carries the date in its own field, not twice.
    assert text.count('name="as_of"') == 2  # the list's date field and the export's
    assert re.search(r'id="ledger-as-of" name="as_of"[^>]*value="2019-08-31"', text)


def test_a_city_reviewer_picks_a_district(client, w, h):
    text = page(client, w.reviewer, f"?scope=district:350213&as_of={D}")
    assert [f["count"] for f in chart_data(text)["funnel"]] == [2, 1, 1, 1]
    city = chart_data(page(client, w.reviewer, f"?as_of={D}"))
    assert [f["count"] for f in city["funnel"]] == [3, 1, 1, 1]  # 同安's project too
    assert [a for a in city["areas"]["names"]] == ["翔安区", "同安区"]


def test_another_district_is_denied_and_sees_its_own(client, w, h):
    text = page(client, w.tongan_office, f"?scope=district:350213&as_of={D}", status=400)
    assert "无权查看该范围" in text and "cockpit-data" not in text
    own = chart_data(page(client, w.tongan_office, f"?as_of={D}"))
    assert [f["count"] for f in own["funnel"]] == [1, 0, 0, 0]


def test_a_leader_and_a_promoter_see_their_scope(client, w, h):
    leader = chart_data(page(client, w.leader, f"?as_of={D}"))
    assert [f["count"] for f in leader["funnel"]] == [2, 1, 1, 1]
    text = page(client, w.promoter, f"?as_of={D}")
    assert "厦门翔安区马巷街道" in text
    assert [f["count"] for f in chart_data(text)["funnel"]] == [1, 0, 1, 0]
    page(client, w.promoter, f"?scope=district:350213&as_of={D}", status=400)
    text = page(client, w.promoter, f"?scope=unit:{w.other_town.pk}&as_of={D}", status=400)
    assert "无权查看该范围" in text


@pytest.mark.parametrize("admin", ["sys_admin", "sec_admin", "audit_admin"])
def test_an_administrator_gets_no_figures(client, w, h, admin):
    text = page(client, getattr(w, admin), status=403)
    assert "三员分立" in text and "cockpit-data" not in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?as_of=2019-13-01", "日期格式不正确"),
        ("?as_of=2999-01-01", "不能晚于今天"),
        ("?as_of=1999-12-31", "不能早于 2000 年"),
        ("?idle=0", "至少为 1 天"),
        ("?idle=abc", "必须是整数"),
        ("?idle=99999", "不能超过 3650 天"),
        ("?scope=district:999999", "无权查看该范围"),
    ],
)
def test_bad_input_is_a_clear_error(client, w, query, message):
    text = page(client, w.office, query, status=400)
    assert message in text


def test_it_rejects_the_wrong_method(client, w):
    login(client, w.office)
    assert client.post(URL).status_code == 405


def test_it_asks_to_sign_in(client, w):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_runs_no_inline_script(client, w, h):
    text = page(client, w.office, f"?as_of={D}")
    for tag in re.findall(r"<script[^>]*>", text):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert 'style="' not in text
    assert "/static/vendor/echarts/echarts.min.js" in text


def test_the_menu_and_the_home_page_lead_to_it(client, w):
    for user in (w.office, w.reviewer, w.leader, w.promoter):
        login(client, user)
        home = client.get("/").content.decode()
        assert f'href="{URL}"' in home
        assert "领导驾驶舱" in home
    login(client, w.sys_admin)
    assert f'href="{URL}"' not in client.get("/").content.decode()


def test_a_past_date_shows_that_date_s_truth(client, w, h):
    before = chart_data(page(client, w.office, "?as_of=2019-06-16"))
    # 策划 C; 意向 D and G (stopped only on 7-1); 在谈 A; 落地 B (landed on 6-15).
    assert [f["count"] for f in before["funnel"]] == [1, 2, 1, 1]


def test_the_export_of_a_drill_down_holds_the_same_projects(client, w, h):
    login(client, w.office)
    query = {"as_of": D, "idle": 30, "open_problem": 0, "layout": "contract"}
    response = client.get("/ledger/export/", query)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    codes = {row[0] for row in list(book.active.iter_rows(values_only=True))[1:]}
    assert codes == {h.b.code, h.c.code}


# --- the kept cockpit (issue 23: the leaders' pages at speed) -------------------------


@pytest.fixture
def builds(monkeypatch):
    """Count the cockpits built (not read from the cache)."""
    from baton.reports import cockpit

    built = []
    real = cockpit.cockpit_build

    def counting(**kwargs):
        built.append(kwargs["scope"].name)
        return real(**kwargs)

    monkeypatch.setattr(cockpit, "cockpit_build", counting)
    return built


def test_a_cockpit_is_built_once_and_kept_until_the_library_changes(client, w, h, builds):
    from baton.projects import services
    from baton.testing import make_project

    first = page(client, w.office, f"?as_of={D}")
    again = page(client, w.office, f"?as_of={D}")
    assert chart_data(again) == chart_data(first) and len(builds) == 1
    assert "数据读取于" in first
    page(client, w.leader, f"?as_of={D}")  # another reader of the whole district: kept
    assert len(builds) == 1
    # A change of any project of the district (its row, its events) raises its counter.
    project = make_project(w, name="驾驶舱缓存测试项目")
    services.project_update(project=project, actor=w.promoter, changes={"progress": "已洽谈"})
    page(client, w.office, f"?as_of={D}")
    assert len(builds) == 2


def library_count(text: str) -> int:
    return int(re.search(r'id="kpi-library">.*?<span class="value">(\d+)<', text, re.S)[1])


def test_the_board_is_rendered_once_and_a_change_shows_at_once(client, w, h, monkeypatch):
    from baton.reports import views_cockpit
    from baton.testing import admit, make_project

    rendered = []
    real = views_cockpit._view
    monkeypatch.setattr(views_cockpit, "_view", lambda board: rendered.append(1) or real(board))
    first = page(client, w.office)
    again = page(client, w.office)
    assert len(rendered) == 1 and chart_data(again) == chart_data(first)
    assert library_count(again) == library_count(first)
    page(client, w.office, f"?as_of={D}")  # another date, another board
    assert len(rendered) == 2
    admit(w, make_project(w, name="驾驶舱看板缓存测试项目"))
    after = page(client, w.office)
    assert len(rendered) == 3 and library_count(after) == library_count(first) + 1


def test_a_user_who_has_just_changed_something_gets_a_fresh_cockpit(client, w, h, builds):
    page(client, w.office, f"?as_of={D}")
    client.cookies["baton_wrote"] = "1"
    page(client, w.office, f"?as_of={D}")
    assert len(builds) == 2


def test_a_unit_s_cockpit_is_its_own(client, w, h, builds):
    page(client, w.office, f"?as_of={D}")
    page(client, w.promoter, f"?as_of={D}")
    page(client, w.other_promoter, f"?as_of={D}")
    assert len(builds) == 3


def test_a_successful_change_leaves_the_cookie_and_a_refusal_does_not(client, w):
    from baton.testing import make_project

    project = make_project(w, name="写后读测试项目")
    login(client, w.promoter)
    refused = client.post(f"/projects/{project.code}/note/", {"text": ""})
    assert refused.status_code >= 400 and "baton_wrote" not in refused.cookies
    done = client.post(f"/projects/{project.code}/note/", {"text": "已电话沟通"})
    assert done.status_code == 302 and done.cookies["baton_wrote"]["max-age"] == 10


def test_signing_in_leaves_no_cookie(client, w):
    """A sign-in changes no figure: the first cockpit after it is the kept one."""
    from baton.testing import test_password

    password = test_password()
    w.office.set_password(password)
    w.office.save()
    response = client.post(
        "/accounts/login/", {"username": w.office.username, "password": password}
    )
    assert response.status_code == 302 and "baton_wrote" not in response.cookies


def test_a_request_waits_for_the_cockpit_another_is_building(w, h, builds):
    import datetime as dt
    import threading

    from django.core.cache import cache

    from baton.core.cache import keep
    from baton.reports import cockpit
    from baton.reports.selectors import Scope

    scope, day = Scope(district=w.district), dt.date(2019, 8, 31)
    key = cockpit.cockpit_key(scope=scope, as_of=day, user=w.office)
    cache.add(f"{key}:building", 1, 30)  # another request is building it
    built = "另一个请求建好的驾驶舱"
    threading.Timer(0.3, lambda: keep(key, built, 60)).start()
    assert cockpit.cockpit_cached(scope=scope, as_of=day, user=w.office) == built
    assert builds == []
