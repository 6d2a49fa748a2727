"""The chain pages: list, map, a node's drill, the office's edit page and dialogs."""

import json
import re

import pytest
from django.urls import reverse

from baton.chains.models import ChainNode, ChainTarget
from baton.projects.tests.helpers_views import login
from baton.testing import add_coordinating

from .helpers import battery_chain, company, state


@pytest.fixture
def chain(w):
    chain, nodes = battery_chain(w)
    company(w, "厦门某锂电池有限公司", "C3841")
    chain.test_nodes = nodes
    return chain


def get(client, user, url, **kwargs):
    return login(client, user).get(url, **kwargs)


def test_the_list_shows_the_chains_and_their_gaps(client, w, chain):
    response = get(client, w.promoter, reverse("chains:list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "新能源" in text and "待补链 4 个" in text
    assert "新建产业链" not in text  # the office's
    assert "产业链图谱" in text


def test_the_list_says_when_there_is_none(client, w):
    text = get(client, w.office, reverse("chains:list")).content.decode()
    assert "还没有产业链" in text and "新建产业链" in text


def test_the_chain_page_draws_the_map_and_lists_gaps(client, w, chain):
    response = get(client, w.leader, reverse("chains:detail", args=[chain.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="chain-map"' in text and "vendor/echarts/echarts.min.js" in text
    data = json.loads(re.search(r'id="chain-map-data"[^>]*>(.*?)</script>', text, re.S)[1])
    assert [p["name"] for p in data["children"]] == ["上游", "中游", "下游"]
    battery = data["children"][1]["children"][0]
    assert battery["name"] == "动力电池" and battery["value"] == 1 and not battery["gap"]
    assert "补链清单" in text and "锂矿" in text
    assert "编辑产业链" not in text


def test_a_node_drills_to_its_lists(client, w, chain):
    node = chain.test_nodes["动力电池"]
    ChainTarget.objects.create(node=node, name="宁德时代新能源科技股份有限公司", priority="high")
    url = reverse("chains:node", args=[chain.pk, node.pk])
    page = get(client, w.promoter, url).content.decode()
    assert "厦门某锂电池有限公司" in page and "宁德时代" in page and 'id="chain-map"' in page
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "厦门某锂电池有限公司" in fragment and "<html" not in fragment
    gap = client.get(reverse("chains:node", args=[chain.pk, chain.test_nodes["锂矿"].pk]))
    assert "缺链 · 待补链" in gap.content.decode()


def test_it_rejects_the_wrong_method(client, w, chain):
    login(client, w.office)
    for name, args in [
        ("chains:list", []),
        ("chains:detail", [chain.pk]),
        ("chains:edit", [chain.pk]),
    ]:
        assert client.post(reverse(name, args=args)).status_code == 405
    assert client.put(reverse("chains:node_new", args=[chain.pk])).status_code == 405


def test_it_denies_another_district(client, w, chain):
    for user in (w.tongan_office,):
        login(client, user)
        assert client.get(reverse("chains:detail", args=[chain.pk])).status_code == 404
        assert client.get(reverse("chains:edit", args=[chain.pk])).status_code == 404
        node = chain.test_nodes["锂矿"]
        assert client.get(reverse("chains:node", args=[chain.pk, node.pk])).status_code == 404


def test_a_coordinating_unit_gets_no_chain(client, w, chain):
    add_coordinating(w)
    login(client, w.coordinator)
    assert client.get(reverse("chains:list")).status_code == 403
    assert client.get(reverse("chains:detail", args=[chain.pk])).status_code == 403


def test_the_city_reads_but_does_not_edit(client, w, chain):
    login(client, w.reviewer)
    assert client.get(reverse("chains:detail", args=[chain.pk])).status_code == 200
    before = state()
    response = client.post(
        reverse("chains:node_new", args=[chain.pk]), {"name": "隔膜", "position": "upstream"}
    )
    assert response.status_code == 403
    assert "只有产业链所属区的区招商办可以编辑产业链图谱" in response.content.decode()
    assert state() == before


def test_a_promoter_cannot_edit(client, w, chain):
    login(client, w.promoter)
    assert client.get(reverse("chains:edit", args=[chain.pk])).status_code == 403
    assert client.get(reverse("chains:new")).status_code == 403


def test_the_office_edits_the_chain(client, w, chain):
    login(client, w.office)
    edit = client.get(reverse("chains:edit", args=[chain.pk]))
    assert edit.status_code == 200 and "修改/移动" in edit.content.decode()
    response = client.post(
        reverse("chains:node_new", args=[chain.pk]),
        {"name": "隔膜", "position": "upstream", "codes": "C2921", "order": "5"},
    )
    assert response.status_code == 302
    node = ChainNode.objects.get(name="隔膜")
    assert node.codes == ["C2921"]
    # Moved under 正极材料, renamed.
    response = client.post(
        reverse("chains:node_edit", args=[chain.pk, node.pk]),
        {"name": "湿法隔膜", "parent": chain.test_nodes["正极材料"].pk, "codes": "C2921"},
    )
    assert response.status_code == 302
    node.refresh_from_db()
    assert (node.name, node.parent_id) == ("湿法隔膜", chain.test_nodes["正极材料"].pk)
    response = client.post(
        reverse("chains:target_new", args=[chain.pk, node.pk]),
        {"name": "云南恩捷新材料股份有限公司", "priority": "high"},
    )
    assert response.status_code == 302
    target = node.targets.get()
    response = client.post(
        reverse("chains:target_delete", args=[chain.pk, target.pk]), {"confirm": "on"}
    )
    assert response.status_code == 302 and not node.targets.exists()
    response = client.post(
        reverse("chains:node_delete", args=[chain.pk, node.pk]), {"confirm": "on"}
    )
    assert response.status_code == 302 and not ChainNode.objects.filter(pk=node.pk).exists()


def test_a_bad_code_comes_back_on_the_form(client, w, chain):
    login(client, w.office)
    before = state()
    response = client.post(
        reverse("chains:node_new", args=[chain.pk]),
        {"name": "隔膜", "position": "upstream", "codes": "C2921 Z99"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "行业代码有误" in response.content.decode()
    assert state() == before


def test_the_office_creates_a_chain(client, w):
    login(client, w.office)
    response = client.post(reverse("chains:new"), {"name": "生物医药", "order": "3"})
    assert response.status_code == 302
    assert response.url.endswith("/edit/")
    again = client.post(reverse("chains:new"), {"name": "生物医药"})
    assert again.status_code == 422
    assert "本区已有名为「生物医药」的产业链" in again.content.decode()


def test_the_menu_has_the_entry_for_who_sees_companies(client, w):
    for user in (w.promoter, w.office, w.reviewer, w.leader):
        text = get(client, user, reverse("reports:home")).content.decode()
        assert "产业链图谱" in text, user.username


def test_the_administrators_get_no_chain_page(client, w, chain):
    for admin in (w.sys_admin, w.sec_admin, w.audit_admin):
        login(client, admin)
        for url in (reverse("chains:list"), reverse("chains:detail", args=[chain.pk])):
            response = client.get(url)
            assert response.status_code == 403, (admin.username, url)
            assert "三员分立" in response.content.decode()
