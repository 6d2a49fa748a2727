"""GET /api/v1/report: the JSON of ``baton report --format json``, for a scope one may see."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from baton.accounts.api_auth import token_create
from baton.projects import services
from baton.reports.selectors import Scope, figures_as_of
from baton.reports.summary import figures_json
from baton.testing import admit, at, make_project, stage

AUG = dt.date(2019, 8, 31)


def report(client, user, **query):
    secret = token_create(user=user)[1]
    return client.get("/api/v1/report", query, headers={"Authorization": f"Bearer {secret}"})


def command_json(*args) -> dict:
    out = io.StringIO()
    call_command("report", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def history(w):
    """Projects admitted before and after 2019-08-31, one moved on in September."""
    early = make_project(w, name="隔膜基地", investment="11250", at=at(2019, 3, 1))
    admit(w, early, when=at(2019, 3, 10))
    moved = make_project(
        w, name="储能电站", investor="厦门示例", investment="5000.5", at=at(2019, 4, 1)
    )
    admit(w, moved, when=at(2019, 4, 10))
    services.project_move(
        project=moved, stage=stage("negotiating"), actor=w.promoter, at=at(2019, 9, 5)
    )
    late = make_project(w, unit=w.other_town, actor=w.other_promoter, at=at(2019, 9, 1))
    admit(w, late, when=at(2019, 9, 2))
    tongan = make_project(w, unit=w.tongan_unit, actor=w.tongan_office, at=at(2019, 5, 1))
    services.project_submit(project=tongan, actor=w.tongan_office, at=at(2019, 5, 2))
    services.project_review(project=tongan, actor=w.tongan_office, approve=True, at=at(2019, 5, 3))
    return w


@pytest.mark.parametrize("as_of", ["2019-08-31", "2019-09-30", "2018-12-31"])
def test_it_equals_the_command_for_the_district(client, history, as_of):
    response = report(client, history.office, as_of=as_of)
    assert response.status_code == 200
    assert response.json() == command_json("--district", "350213", "--as-of", as_of)
    day = dt.date.fromisoformat(as_of)
    assert response.json() == figures_json(
        figures_as_of(as_of=day, scope=Scope(district=history.district))
    )


def test_it_gives_the_figures_as_they_stood(client, history):
    body = report(client, history.office, as_of="2019-08-31").json()
    assert body["total"] == {"count": 2, "investment_wan": "16250.5"}
    stages = {line["stage"]: line for line in body["stages"]}
    assert stages["策划"]["count"] == 2 and stages["在谈"]["count"] == 0
    later = report(client, history.office, as_of="2019-09-30").json()
    assert later["total"]["count"] == 3
    assert {line["stage"]: line["count"] for line in later["stages"]}["在谈"] == 1


def test_the_city_reviewer_sees_the_city_and_each_district(client, history):
    reviewer = history.reviewer
    body = report(client, reviewer, as_of="2019-08-31").json()
    assert body == command_json("--city", "3502", "--as-of", "2019-08-31")
    assert body["scope"] == {"kind": "city", "code": "3502", "name": "厦门市"}
    for district in ("350213", "350212", "同安区"):
        response = report(client, reviewer, district=district, as_of="2019-08-31")
        assert response.json() == command_json("--district", district, "--as-of", "2019-08-31")


def test_it_defaults_to_today_and_the_users_scope(client, history):
    body = report(client, history.leader).json()
    assert body["as_of"] == timezone.localdate().isoformat()
    assert body["scope"]["code"] == "350213"
    assert body == command_json("--district", "350213")


def test_a_promoter_sees_its_unit(client, history):
    body = report(client, history.promoter, as_of="2019-08-31").json()
    assert body["scope"]["kind"] == "unit" and body["total"]["count"] == 2
    scope = Scope(unit=history.town)
    assert body == figures_json(figures_as_of(as_of=AUG, scope=scope, user=history.promoter))


@pytest.mark.parametrize(
    ("persona", "query"),
    [
        ("office", {"district": "350212"}),
        ("office", {"city": "3502"}),
        ("tongan_office", {"district": "翔安区"}),
        ("promoter", {"district": "350213"}),
    ],
)
def test_it_refuses_a_scope_outside_the_role(client, history, persona, query):
    response = report(client, getattr(history, persona), **query)
    assert response.status_code == 403
    assert response.json() == {"detail": "无权查看该范围的统计。"}


@pytest.mark.parametrize("persona", ["sys_admin", "sec_admin", "audit_admin"])
def test_administrators_get_no_figures(client, history, persona):
    response = report(client, getattr(history, persona))
    assert response.status_code == 403
    assert "不能查看业务统计" in response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "status", "text"),
    [
        ({"district": "999999"}, 404, "找不到区"),
        ({"city": "火星市"}, 404, "找不到市"),
        ({"as_of": "2999-01-01"}, 422, "晚于今天"),
        ({"as_of": "2019-02-30"}, 422, "不是有效的日期"),
        ({"as_of": "31/08/2019"}, 422, "YYYY-MM-DD"),
        ({"as_of": "2019-08-31T00:00"}, 422, "YYYY-MM-DD"),
        ({"district": "350213", "city": "3502"}, 422, "只能给出一个"),
        ({"district": "x" * 41}, 422, "40"),
        ({"district": "\x00"}, 422, "控制字符"),
        ({"scope": "district:350213"}, 422, "不认识的参数"),
    ],
)
def test_it_refuses_bad_parameters_in_chinese(client, history, query, status, text):
    response = report(client, history.reviewer, **query)
    assert response.status_code == status
    assert text in json.dumps(response.json(), ensure_ascii=False)


def test_it_needs_a_token(client, history):
    response = client.get("/api/v1/report")
    assert response.status_code == 401 and "令牌" in response.json()["detail"]


def test_it_rejects_the_wrong_method(client, history):
    secret = token_create(user=history.office)[1]
    response = client.post("/api/v1/report", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 405
