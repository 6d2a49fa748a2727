"""Reads of industry chains, scoped by the user: a chain through ``rules.visible_chains``,
the companies on its nodes through ``companies.rules.visible_companies``, the projects
through ``projects.selectors.project_list``, the leads through ``leads.rules.visible_leads``.

A node's local companies are the chain's district's companies whose GB/T 4754 code falls
under one of the node's codes: the codes are hierarchical (门类 letter, 大类 two digits,
中类 three, 小类 four), so C38 holds C384 and C3841, and the section C holds every
division of its range (13–43), also a code kept without its letter. A node naming no
code holds what its lower nodes hold. A node with no local company is a gap (补链).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404

from baton.accounts.models import User
from baton.companies.industry import SECTIONS
from baton.companies.models import Company
from baton.companies.rules import visible_companies
from baton.leads.models import Status as LeadStatus
from baton.leads.rules import visible_leads
from baton.projects.models import Project
from baton.projects.selectors import project_list

from .models import Chain, ChainNode, ChainSupplier, ChainTarget, Position
from .rules import visible_chains

NOT_FOUND = "产业链不存在或您无权查看。"


def chain_get(user: User, pk: int) -> Chain:
    """One chain the user may see, or 404."""
    chain = visible_chains(user).filter(pk=pk).first()
    if chain is None:
        raise Http404(NOT_FOUND)
    return chain


def code_prefixes(code: str) -> tuple[str, ...]:
    """The starts of a company's code that fall under the node's ``code``: the code itself
    and, for a code kept without its letter, its digits (a section: its divisions)."""
    if len(code) == 1:
        entry = SECTIONS.get(code)
        divisions = tuple(f"{d:02d}" for d in range(entry[1], entry[2] + 1)) if entry else ()
        return (code, *divisions)
    return (code, code[1:])


def under(company_code: str, codes: Iterable[str]) -> bool:
    """Whether a company's industry code falls under one of a node's codes."""
    if not company_code:
        return False
    return any(company_code.startswith(p) for c in codes for p in code_prefixes(c))


@dataclass
class NodeView:
    node: ChainNode
    depth: int
    companies: list[Company] = field(default_factory=list)
    targets: list[ChainTarget] = field(default_factory=list)
    suppliers: list[ChainSupplier] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    leads: list = field(default_factory=list)
    children: list["NodeView"] = field(default_factory=list)

    @property
    def gap(self) -> bool:
        return not self.companies

    @property
    def pk(self) -> int:
        return self.node.pk


@dataclass
class ChainMap:
    chain: Chain
    #: Position → its top nodes, in the order 上游, 中游, 下游.
    positions: list[tuple[str, str, list[NodeView]]]
    nodes: list[NodeView]

    @property
    def gaps(self) -> list[NodeView]:
        return [v for v in self.nodes if v.gap]

    def get(self, pk: int) -> NodeView | None:
        return next((v for v in self.nodes if v.pk == pk), None)


def chain_map(user: User, chain: Chain) -> ChainMap:
    """The chain's tree with each node's companies, targets, suppliers and projects, as
    ``user`` may see them (a few queries, whatever the size of the tree)."""
    nodes = list(chain.nodes.all())
    companies = list(
        visible_companies(user)
        .filter(district_id=chain.district_id)
        .exclude(industry_code="")
        .only("pk", "name", "former_names", "uscc", "industry_code", "tags", "district_id")
    )
    targets = ChainTarget.objects.filter(node__chain=chain).select_related("company")
    suppliers = ChainSupplier.objects.filter(chain=chain).select_related(
        "leader", "supplier", "node"
    )
    views = {n.pk: NodeView(n, 0) for n in nodes}
    for target in targets:
        views[target.node_id].targets.append(target)
    for row in suppliers:
        if row.node_id in views:
            views[row.node_id].suppliers.append(row)
    roots: dict[str, list[NodeView]] = {p: [] for p in Position.values}
    for node in nodes:
        view = views[node.pk]
        if node.parent_id in views:
            views[node.parent_id].children.append(view)
        else:
            roots[node.position].append(view)
    flat: list[NodeView] = []

    def walk(view: NodeView, depth: int) -> list[Company]:
        view.depth = depth
        flat.append(view)
        below = [c for child in view.children for c in walk(child, depth + 1)]
        if view.node.codes:
            view.companies = [c for c in companies if under(c.industry_code, view.node.codes)]
        else:
            view.companies = list({c.pk: c for c in below}.values())
        return view.companies

    for position in Position.values:
        for view in roots[position]:
            walk(view, 0)
    _attach_projects(user, chain, flat)
    _attach_leads(user, chain, flat)
    positions = [(p, str(Position(p).label), roots[p]) for p in Position.values]
    return ChainMap(chain, positions, flat)


def _attach_projects(user: User, chain: Chain, views: list[NodeView]) -> None:
    """Each node's projects: the district's projects the user sees whose investor has the
    credit code of a company on the node or, without one, its name or a former name."""
    on_nodes = {c.pk: c for v in views for c in v.companies}.values()
    codes = {c.uscc: c.pk for c in on_nodes if c.uscc}
    names = {n: c.pk for c in on_nodes for n in [c.name, *c.former_names]}
    if not codes and not names:
        return
    rows = (
        project_list(user=user)
        .filter(district_id=chain.district_id)
        .filter(Q(investor_uscc__in=list(codes)) | Q(investor_uscc="", investor__in=list(names)))
        .order_by("code")
    )
    by_company: dict[int, list[Project]] = {}
    for project in rows:
        owner = codes.get(project.investor_uscc) or names.get(project.investor)
        if owner is not None:
            by_company.setdefault(owner, []).append(project)
    for view in views:
        seen = {}
        for company in view.companies:
            for project in by_company.get(company.pk, []):
                seen[project.pk] = project
        view.projects = list(seen.values())


def _attach_leads(user: User, chain: Chain, views: list[NodeView]) -> None:
    """Each node's leads: the district's leads the user sees (not merged away) whose
    company is on the node or whose own industry code falls under the node's."""
    rows = list(
        visible_leads(user)
        .filter(district_id=chain.district_id)
        .exclude(status=LeadStatus.MERGED)
        .select_related("company", "unit")
        .order_by("-reported_at", "-id")
    )
    if not rows:
        return
    for view in views:
        on_node = {c.pk for c in view.companies}
        codes = view.node.codes or [c for child in _below(view) for c in child.node.codes]
        view.leads = [
            lead
            for lead in rows
            if lead.company_id in on_node or (codes and under(lead.industry_code, codes))
        ]


def _below(view: NodeView) -> list[NodeView]:
    return [d for child in view.children for d in (child, *_below(child))]
