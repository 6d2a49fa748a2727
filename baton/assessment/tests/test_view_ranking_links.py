"""The ranking page: each item score counted from projects opens the project list of the
projects the engine credits to that unit for it (``credited``), and that list holds as
many projects as the formula counts; outside a reader's scope it shows nothing more."""

import datetime as dt
import html
import re

import pytest

from baton.assessment import services
from baton.ledger.exporter import ledger_projects
from baton.projects.selectors import project_list
from baton.projects.tests.test_api import Api

from .helpers import project
from .helpers_views import login, ranking, signed_projects, url

pytestmark = pytest.mark.django_db


def links(client, result) -> dict[tuple[str, str], list[str]]:
    """{(unit, label): [list address, …]} of the ranking page's score cells."""
    response = client.get(url("ranking", result.pk))
    assert response.status_code == 200
    found: dict[tuple[str, str], list[str]] = {}
    for line in response.context["lines"]:
        for score in line.scores:
            for label, address in score["links"]:
                found.setdefault((line.unit.name, score["name"]), []).append(address)
                assert f'href="{html.escape(address)}"' in response.content.decode()
                assert label == "计分项目"
    return found


def listed(client, address) -> tuple[int, set[int]]:
    response = client.get(address)
    assert response.status_code == 200, response.content.decode()[:2000]
    page = response.context["page"]
    return page.total, {p.pk for p in page.rows}


@pytest.fixture
def world(w):
    scheme = services.scheme_create(district=w.district, name="招商考核", period_kind="quarter")
    for unit in (w.town, w.other_town):
        services.scheme_unit_set(scheme=scheme, unit=unit, group="乡镇")
    signed = services.indicator_add(
        scheme=scheme, name="签约项目", kind="ratio", weight="60", config={"metric": "signed"}
    )
    services.indicator_add(
        scheme=scheme,
        name="信息提供",
        kind="tiers",
        weight="20",
        config={"metric": "info_provided", "by": "each", "points": "1"},
    )
    services.indicator_add(scheme=scheme, name="工作评价", kind="manual", weight="20", config={})
    for unit, target in ((w.town, "2"), (w.other_town, "4")):
        services.target_set(indicator=signed, unit=unit, value=target)
    services.scheme_publish(scheme=scheme, actor=w.office)
    signed_projects(w)
    w.tipped = project(w, w.town, "3000", admitted=dt.date(2024, 2, 5), info_unit=w.other_town)
    w.result = ranking(w, scheme, publish=True)
    return w


def test_each_count_opens_the_projects_it_counts(client, world):
    w = world
    login(client, w.office)
    found = links(client, w.result)
    assert ("马巷街道", "工作评价") not in found  # a manual score counts no projects
    lines = {line.unit.name: line for line in w.result.lines.select_related("unit")}
    formulas = {
        (unit, s["name"]): s["formula"] for unit, line in lines.items() for s in line.scores
    }
    assert formulas[("马巷街道", "签约项目")] == "(2÷2)×60"
    assert formulas[("新店街道", "签约项目")] == "(1÷4)×60"
    assert formulas[("新店街道", "信息提供")] == "1×2"  # its signed project and the tip
    assert formulas[("马巷街道", "信息提供")] == "1×2"  # its two, not the tip
    expected = {
        ("马巷街道", "签约项目"): 2,
        ("新店街道", "签约项目"): 1,
        ("马巷街道", "信息提供"): 2,
        ("新店街道", "信息提供"): 2,
    }
    for key, n in expected.items():
        (address,) = found[key]
        total, ids = listed(client, address)
        assert total == n, (key, address)
        page = client.get(address).content.decode()
        assert "列表口径：" in page and f"计入{key[0]}的项目" in page
        if key == ("新店街道", "信息提供"):
            assert w.tipped.pk in ids  # credited to the provider, not the holder
        if key == ("马巷街道", "信息提供"):
            assert w.tipped.pk not in ids


def test_the_api_and_the_export_take_the_same_link(client, world):
    w = world
    login(client, w.office)
    (address,) = links(client, w.result)[("新店街道", "信息提供")]
    key = re.search(r"credited=([\d-]+)", address).group(1)
    answer = Api(client).get(w.office, "/projects", credited=key)
    assert answer.status_code == 200, answer.content.decode()
    assert answer.json()["count"] == 2
    assert w.tipped.code in {row["code"] for row in answer.json()["items"]}
    exported = ledger_projects(user=w.office, filters={"credited": key})
    assert set(exported.values_list("pk", flat=True)) >= {w.tipped.pk}
    assert exported.count() == 2


def test_a_reader_outside_the_scope_sees_nothing_more(client, world):
    w = world
    login(client, w.office)
    found = links(client, w.result)
    (tipped,) = found[("新店街道", "信息提供")]
    (town_signed,) = found[("马巷街道", "签约项目")]
    # 新店's promoter reads the published ranking, and sees its own projects only: the
    # two credited to it (the tip is its relay leg), none of 马巷's.
    client.logout()
    login(client, w.other_promoter)
    seen = set(project_list(user=w.other_promoter).values_list("pk", flat=True))
    total, ids = listed(client, tipped)
    assert total == 2 and w.tipped.pk in ids and ids <= seen
    assert listed(client, town_signed)[0] == 0
    # 同安区's office reads no ranking of 翔安区: the link is refused, no project listed.
    client.logout()
    login(client, w.tongan_office)
    response = client.get(town_signed)
    assert response.status_code == 400
    assert "考核排名不存在或您无权查看。" in response.content.decode()
    assert "page" not in response.context or response.context.get("page") is None


def test_a_trial_ranking_opens_to_the_office_only(client, world):
    w = world
    trial = ranking(w, w.result.scheme)
    login(client, w.office)
    (address,) = links(client, trial)[("马巷街道", "签约项目")]
    assert listed(client, address)[0] == 2
    client.logout()
    login(client, w.promoter)  # reads published rankings, not trials
    assert client.get(address).status_code == 400


@pytest.mark.parametrize(
    "value",
    ["abc", "1-2", "1-2-3-4-5", "１-2-3", "-1-2-3", "99999999999999999999-1-1"],
)
def test_a_bad_link_is_refused_in_words(client, world, value):
    login(client, world.office)
    response = client.get("/projects/", {"credited": value})
    assert response.status_code == 400
    assert "考核计分项目" in response.content.decode()
    api = Api(client).get(world.office, "/projects", credited=value)
    assert api.status_code in (400, 422), api.content.decode()


def test_a_score_that_counts_no_projects_has_no_list(client, world):
    w = world
    manual = w.result.scheme.indicators.get(name="工作评价")
    login(client, w.office)
    response = client.get("/projects/", {"credited": f"{w.result.pk}-{manual.pk}-{w.town.pk}"})
    assert response.status_code == 400
    assert "该项得分不是按项目计数得出的" in response.content.decode()
    other = f"{w.result.pk}-{manual.pk}-{w.tongan_unit.pk}"
    assert client.get("/projects/", {"credited": other}).status_code == 400
