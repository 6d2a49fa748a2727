"""Writes of chains: checked before anything is saved, each with its event."""

import pytest
from django.core.exceptions import ValidationError

from baton.chains import services
from baton.chains.models import ChainEvent, ChainNode, Position

from .helpers import battery_chain, company, state


def refused(block, message=None):
    before = state()
    with pytest.raises(ValidationError) as info:
        block()
    assert state() == before
    if message is not None:
        assert message in " ".join(info.value.messages)
    return info.value


def test_it_writes_each_change_with_its_event(w):
    chain, nodes = battery_chain(w)
    kinds = list(chain.events.values_list("kind", flat=True))
    assert kinds == ["created"] + ["node_added"] * 5
    assert nodes["储能电池"].codes == ["C3849"]  # the section letter added
    assert nodes["储能电池"].position == Position.MIDSTREAM  # where its parent sits


def test_it_refuses_bad_codes_and_writes_nothing(w):
    chain, _nodes = battery_chain(w)
    error = refused(
        lambda: services.node_create(
            chain=chain, actor=w.office, name="隔膜", position="upstream", codes="C2921, X12, C99"
        ),
        "行业代码有误",
    )
    assert "X12" in error.messages[0] and "C99" in error.messages[0]
    assert not ChainNode.objects.filter(name="隔膜").exists()


def test_it_refuses_a_bad_code_on_an_edit(w):
    _chain, nodes = battery_chain(w)
    node = nodes["锂矿"]
    refused(
        lambda: services.node_update(
            node=node, actor=w.office, name="锂矿", position="upstream", codes="B99"
        ),
        "行业代码",
    )
    node.refresh_from_db()
    assert node.codes == ["B0939"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": "  "}, "环节名称不能为空"),
        ({"position": "旁游"}, "位置应为上游、中游、下游之一"),
        ({"order": -1}, "排序应为 0 到 9999"),
        ({"name": "锂矿"}, "已有名为「锂矿」的环节"),
    ],
)
def test_it_refuses_a_bad_node(w, values, message):
    chain, _nodes = battery_chain(w)
    args = {"name": "电解液", "position": "upstream", "codes": "C2669", **values}
    refused(lambda: services.node_create(chain=chain, actor=w.office, **args), message)


def test_it_moves_a_node_with_its_lower_nodes(w):
    _chain, nodes = battery_chain(w)
    battery = nodes["动力电池"]
    services.node_update(
        node=battery, actor=w.office, name="电池", position="downstream", codes="C384"
    )
    assert set(
        ChainNode.objects.filter(pk__in=[battery.pk, nodes["储能电池"].pk]).values_list(
            "position", flat=True
        )
    ) == {"downstream"}
    event = ChainEvent.objects.filter(kind="node_changed").get()
    assert event.old == {"name": "动力电池", "position": "midstream"}
    assert event.new == {"name": "电池", "position": "downstream"}


def test_it_refuses_a_move_under_itself(w):
    _chain, nodes = battery_chain(w)
    battery = nodes["动力电池"]
    refused(
        lambda: services.node_update(
            node=battery, actor=w.office, name="动力电池", parent=nodes["储能电池"], codes="C384"
        ),
        "不能把环节移到它自己或它的下级环节之下",
    )


def test_it_refuses_a_parent_of_another_chain(w):
    chain, _nodes = battery_chain(w)
    other = services.chain_create(actor=w.office, district=w.district, name="半导体")
    stranger = services.node_create(chain=other, actor=w.office, name="硅片", position="upstream")
    refused(
        lambda: services.node_create(chain=chain, actor=w.office, name="新", parent=stranger),
        "上级环节不属于这条产业链",
    )


def test_it_refuses_to_delete_a_node_with_lower_nodes(w):
    _chain, nodes = battery_chain(w)
    refused(lambda: services.node_delete(node=nodes["动力电池"], actor=w.office), "下级环节")
    services.node_delete(node=nodes["储能电池"], actor=w.office)
    assert ChainEvent.objects.filter(kind="node_deleted").get().old["name"] == "储能电池"


def test_it_keeps_a_target_of_the_library_or_by_name(w):
    _chain, nodes = battery_chain(w)
    catl = company(w, "宁德时代新能源科技股份有限公司", "C3841")
    services.target_add(node=nodes["动力电池"], actor=w.office, company=catl, priority="重点")
    services.target_add(node=nodes["动力电池"], actor=w.office, name="  中创新航  ")
    assert [t.display_name for t in nodes["动力电池"].targets.all()] == [
        "宁德时代新能源科技股份有限公司",
        "中创新航",
    ]
    refused(
        lambda: services.target_add(node=nodes["动力电池"], actor=w.office, name="中创新航"),
        "已在本环节的目标企业清单中",
    )
    refused(
        lambda: services.target_add(node=nodes["锂矿"], actor=w.office),
        "目标企业（从客商库选择或填写名称）不能为空",
    )


def test_it_refuses_another_districts_company(w):
    _chain, nodes = battery_chain(w)
    stranger = company(w, "同安某电池", "C3841", district=w.other_district)
    refused(
        lambda: services.target_add(node=nodes["动力电池"], actor=w.office, company=stranger),
        "须是本区客商库中的企业",
    )


def test_it_records_a_chain_leaders_suppliers(w):
    chain, nodes = battery_chain(w)
    leader = company(w, "厦门某电池有限公司", "C3841")
    first = company(w, "厦门某正极材料有限公司", "C3985")
    row = services.supplier_add(
        chain=chain,
        actor=w.office,
        leader=leader,
        supplier=first,
        tier="一级",
        node=nodes["正极材料"],
    )
    assert row.tier == "first"
    refused(
        lambda: services.supplier_add(
            chain=chain, actor=w.office, leader=leader, supplier=first, tier="二级"
        ),
        "已登记为",
    )
    refused(
        lambda: services.supplier_add(
            chain=chain, actor=w.office, leader=leader, supplier=leader, tier="一级"
        ),
        "不能是同一家",
    )
    refused(
        lambda: services.supplier_add(
            chain=chain, actor=w.office, leader=leader, supplier=first, tier="三级"
        ),
        "配套层级应为一级、二级之一",
    )
    services.supplier_remove(supplier=row, actor=w.office)
    assert list(
        chain.events.filter(kind__startswith="supplier").values_list("kind", flat=True)
    ) == [
        "supplier_added",
        "supplier_removed",
    ]


def test_it_refuses_a_second_chain_of_the_same_name(w):
    battery_chain(w)
    refused(
        lambda: services.chain_create(actor=w.office, district=w.district, name=" 新能源 "),
        "本区已有名为「新能源」的产业链",
    )
    battery_chain(w, district=w.other_district)  # another district may have its own
