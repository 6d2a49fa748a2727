"""A small chain for the tests, and the state that a refused write must leave alone."""

from baton.chains import services
from baton.chains.models import Chain, ChainEvent, ChainNode, ChainSupplier, ChainTarget
from baton.companies import services as company_services


def state() -> dict:
    """Every row of the chain tables, to compare before and after a refused write."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Chain, ChainNode, ChainTarget, ChainSupplier, ChainEvent)
    }


def company(w, name, code="", district=None, **values):
    district = district or w.district
    office = w.office if district == w.district else w.tongan_office
    return company_services.company_create(
        actor=office, district=district, name=name, industry_code=code, confirmed=True, **values
    )


def battery_chain(w, district=None):
    """新能源 in 翔安区: 上游 正极材料 (C3985) and 锂矿 (B0939), 中游 动力电池 (C384) with a
    lower node 储能电池 (C3849), 下游 整车 (C36)."""
    district = district or w.district
    actor = w.office if district == w.district else w.tongan_office
    chain = services.chain_create(actor=actor, district=district, name="新能源")
    nodes = {
        "正极材料": services.node_create(
            chain=chain, actor=actor, name="正极材料", position="upstream", codes="C3985"
        ),
        "锂矿": services.node_create(
            chain=chain, actor=actor, name="锂矿", position="上游", codes=["B0939"]
        ),
        "动力电池": services.node_create(
            chain=chain, actor=actor, name="动力电池", position="midstream", codes="C384"
        ),
        "整车": services.node_create(
            chain=chain, actor=actor, name="整车", position="downstream", codes="C36"
        ),
    }
    nodes["储能电池"] = services.node_create(
        chain=chain, actor=actor, name="储能电池", parent=nodes["动力电池"], codes="3849"
    )
    return chain, nodes
