"""产业链图谱 pages: the chains, a chain's map (an ECharts tree) that drills to a node's
lists, and the office's edit page with its dialogs (``core.views.run_dialog``)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from baton.companies.rules import visible_companies
from baton.core.views import deny, go_to, run_dialog

from . import rules, selectors, services
from .forms import ChainForm, DeleteForm, NodeForm, SupplierForm, TargetForm
from .models import ChainNode, ChainSupplier, ChainTarget

app_name = "chains"


def _posted(request):
    return request.POST if request.method == "POST" else None


@require_GET
@login_required
def chain_list(request):
    user = request.user
    rows = [selectors.chain_map(user, chain) for chain in rules.visible_chains(user)]
    context = {"maps": rows, "can_edit": rules.can_edit(user), "page_title": "产业链图谱"}
    return render(request, "chains/list.html", context)


def _map_data(chain_map) -> dict:
    """The tree ECharts draws: chain → 上游/中游/下游 → nodes, each with its drill URL."""

    def node(view) -> dict:
        count = len(view.companies)
        return {
            "name": view.node.name,
            "value": count,
            "gap": view.gap,
            "url": reverse("chains:node", args=[chain_map.chain.pk, view.pk]),
            "children": [node(c) for c in view.children],
        }

    return {
        "name": chain_map.chain.name,
        "children": [
            {"name": label, "position": True, "children": [node(v) for v in tops]}
            for _code, label, tops in chain_map.positions
        ],
    }


def _chain_page(request, pk, node_pk=None):
    user = request.user
    chain = selectors.chain_get(user, pk)
    chain_map = selectors.chain_map(user, chain)
    selected = None
    if node_pk is not None:
        selected = chain_map.get(node_pk)
        if selected is None:
            raise Http404("环节不存在或您无权查看。")
    context = {
        "chain": chain,
        "map": chain_map,
        "map_data": _map_data(chain_map),
        "selected": selected,
        "can_edit": rules.can_edit(user, chain),
        "page_title": f"{chain.name} · 产业链图谱",
    }
    if request.htmx and selected is not None:
        return render(request, "chains/_node.html", context)
    return render(request, "chains/detail.html", context)


@require_GET
@login_required
def chain_detail(request, pk):
    return _chain_page(request, pk)


@require_GET
@login_required
def node_detail(request, pk, node):
    return _chain_page(request, pk, node)


def _editable(request, pk):
    """The chain and None when the user edits it, else the chain and the refusal."""
    chain = selectors.chain_get(request.user, pk)
    if rules.can_edit(request.user, chain):
        return chain, None
    back = reverse("chains:detail", args=[chain.pk])
    return chain, deny(request, rules.NOT_THE_OFFICE, back_url=back, back_label="返回产业链")


def _dialog(request, chain, form, perform, *, title, template="chains/_dialog_form.html", **extra):
    back = reverse("chains:edit", args=[chain.pk])
    context = {
        "page_title": title,
        "subject": chain.name,
        "cancel_url": back,
        "crumbs": [("产业链图谱", reverse("chains:list")), (chain.name, back)],
        **extra,
    }
    return run_dialog(
        request, form, template=template, perform=perform, done=go_to(back), context=context
    )


@require_GET
@login_required
def chain_edit(request, pk):
    chain, refused = _editable(request, pk)
    if refused:
        return refused
    chain_map = selectors.chain_map(request.user, chain)
    context = {
        "chain": chain,
        "map": chain_map,
        "suppliers": chain.suppliers.select_related("leader", "supplier", "node"),
        "page_title": f"编辑 · {chain.name}",
    }
    return render(request, "chains/edit.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def chain_new(request):
    district = rules.editable_district(request.user)
    if district is None:
        return deny(request, rules.NOT_THE_OFFICE, back_url=reverse("chains:list"))
    form = ChainForm(_posted(request))
    created = []

    def perform(data):
        created.append(services.chain_create(actor=request.user, district=district, **data))
        return f"已新建产业链「{created[0].name}」，请添加环节。"

    def done(request, message):
        return go_to(reverse("chains:edit", args=[created[0].pk]))(request, message)

    context = {"page_title": "新建产业链", "cancel_url": reverse("chains:list")}
    return run_dialog(
        request,
        form,
        template="chains/_dialog_form.html",
        perform=perform,
        done=done,
        context=context,
    )


@require_http_methods(["GET", "POST"])
@login_required
def chain_settings(request, pk):
    chain, refused = _editable(request, pk)
    if refused:
        return refused
    initial = {"name": chain.name, "description": chain.description, "order": chain.order}
    form = ChainForm(_posted(request), initial=initial)

    def perform(data):
        services.chain_update(chain=chain, actor=request.user, **data)
        return "已保存产业链信息。"

    return _dialog(request, chain, form, perform, title="修改产业链")


@require_http_methods(["GET", "POST"])
@login_required
def node_new(request, pk):
    chain, refused = _editable(request, pk)
    if refused:
        return refused
    parent = chain.nodes.filter(pk=request.GET.get("parent") or 0).first()
    initial = {"parent": parent, "position": request.GET.get("position") or ""}
    form = NodeForm(_posted(request), initial=initial, nodes=chain.nodes.all())

    def perform(data):
        node = services.node_create(chain=chain, actor=request.user, **data)
        return f"已新增环节「{node.name}」。"

    return _dialog(request, chain, form, perform, title="新增环节")


def _node(chain, pk) -> ChainNode:
    return get_object_or_404(ChainNode, chain=chain, pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def node_edit(request, pk, node):
    chain, refused = _editable(request, pk)
    if refused:
        return refused
    node = _node(chain, node)
    initial = {
        "name": node.name,
        "parent": node.parent,
        "position": node.position,
        "codes": ", ".join(node.codes),
        "order": node.order,
    }
    form = NodeForm(_posted(request), initial=initial, nodes=chain.nodes.exclude(pk=node.pk))

    def perform(data):
        services.node_update(node=node, actor=request.user, **data)
        return f"已保存环节「{data['name']}」。"

    return _dialog(request, chain, form, perform, title=f"修改环节：{node.name}")


@require_http_methods(["GET", "POST"])
@login_required
def node_delete(request, pk, node):
    chain, refused = _editable(request, pk)
    if refused:
        return refused
    node = _node(chain, node)
    form = DeleteForm(_posted(request))

    def perform(data):
        services.node_delete(node=node, actor=request.user)
        return f"已删除环节「{node.name}」。"

    return _dialog(
        request,
        chain,
        form,
        perform,
        title=f"删除环节：{node.name}",
        warning="删除后，本环节的目标企业清单一并删除；配套企业保留，但不再指定环节。",
        submit="删除",
    )


@require_http_methods(["GET", "POST"])
@login_required
def target_new(request, pk, node):
    chain, refused = _editable(request, pk)
    if refused:
        return refused
    node = _node(chain, node)
    companies = visible_companies(request.user).filter(district_id=chain.district_id)
    form = TargetForm(_posted(request), companies=companies)

    def perform(data):
        target = services.target_add(node=node, actor=request.user, **data)
        return f"已将「{target.display_name}」加入「{node.name}」的目标企业清单。"

    return _dialog(request, chain, form, perform, title=f"添加目标企业：{node.name}")


@require_http_methods(["GET", "POST"])
@login_required
def target_delete(request, pk, target):
    chain, refused = _editable(request, pk)
    if refused:
        return refused
    target = get_object_or_404(
        ChainTarget.objects.select_related("node", "company"), node__chain=chain, pk=target
    )
    form = DeleteForm(_posted(request))

    def perform(data):
        services.target_remove(target=target, actor=request.user)
        return f"已从目标企业清单移除「{target.display_name}」。"

    return _dialog(
        request, chain, form, perform, title=f"移除目标企业：{target.display_name}", submit="移除"
    )


@require_http_methods(["GET", "POST"])
@login_required
def supplier_new(request, pk):
    chain, refused = _editable(request, pk)
    if refused:
        return refused
    companies = visible_companies(request.user).filter(district_id=chain.district_id)
    form = SupplierForm(_posted(request), companies=companies, nodes=chain.nodes.all())

    def perform(data):
        row = services.supplier_add(chain=chain, actor=request.user, **data)
        return f"已登记「{row.supplier.name}」为「{row.leader.name}」的{row.get_tier_display()}配套企业。"

    return _dialog(request, chain, form, perform, title="登记链主配套企业")


@require_http_methods(["GET", "POST"])
@login_required
def supplier_delete(request, pk, supplier):
    chain, refused = _editable(request, pk)
    if refused:
        return refused
    row = get_object_or_404(
        ChainSupplier.objects.select_related("leader", "supplier"), chain=chain, pk=supplier
    )
    form = DeleteForm(_posted(request))

    def perform(data):
        services.supplier_remove(supplier=row, actor=request.user)
        return f"已移除配套企业「{row.supplier.name}」。"

    return _dialog(
        request, chain, form, perform, title=f"移除配套企业：{row.supplier.name}", submit="移除"
    )


urlpatterns = [
    path("", chain_list, name="list"),
    path("new/", chain_new, name="new"),
    path("<int:pk>/", chain_detail, name="detail"),
    path("<int:pk>/nodes/<int:node>/", node_detail, name="node"),
    path("<int:pk>/edit/", chain_edit, name="edit"),
    path("<int:pk>/settings/", chain_settings, name="settings"),
    path("<int:pk>/nodes/new/", node_new, name="node_new"),
    path("<int:pk>/nodes/<int:node>/edit/", node_edit, name="node_edit"),
    path("<int:pk>/nodes/<int:node>/delete/", node_delete, name="node_delete"),
    path("<int:pk>/nodes/<int:node>/targets/new/", target_new, name="target_new"),
    path("<int:pk>/targets/<int:target>/delete/", target_delete, name="target_delete"),
    path("<int:pk>/suppliers/new/", supplier_new, name="supplier_new"),
    path("<int:pk>/suppliers/<int:supplier>/delete/", supplier_delete, name="supplier_delete"),
]
