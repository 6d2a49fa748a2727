"""Export the project library as a ledger workbook (openpyxl write-only).

Two layouts:

- ``contract``: exactly the import headers (DESIGN §7), one row a project, so that
  export → import changes nothing;
- ``official``: what offices print — a title row, a two-level header (基本情况 / 投资情况 /
  推进情况 / 联系方式) and a totals row.

Every export goes through a scope: a district (the CLI), or a user (what
``selectors.project_list`` lets them see, optionally narrowed to a district). As of a
date, the rows are the library then — the projects admitted at the end of that day —
with the stage, amount, unit, industry and review state they had (from
``ProjectPeriod``) and the milestones reached by then; the other columns are current.
Every text cell is neutralised against formula injection.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from baton.accounts import privacy
from baton.accounts.models import User
from baton.core.dates import end_of_day
from baton.core.xlsx import neutralize
from baton.files.models import Attachment
from baton.org.models import District, Person, Unit
from baton.projects.listing import clean_filters, filtered, phone_scope
from baton.projects.models import Industry, Milestone, Project, ProjectPeriod, ReviewState, Stage
from baton.projects.rules import LEDGER_FIELDS
from baton.projects.selectors import project_list

from .columns import COLUMNS, MILESTONE_KEYS, SHEET, ledger_value

_MILESTONE_KEY = {
    Milestone.Kind.SIGNED: "signed",
    Milestone.Kind.REGISTERED: "registered",
    Milestone.Kind.LAND_SUPPLIED: "land_supplied",
    Milestone.Kind.STARTED: "started",
    Milestone.Kind.IN_PRODUCTION: "in_production",
    Milestone.Kind.AT_CAPACITY: "at_capacity",
}
LAYOUTS = ("contract", "official")
#: The official layout: (group, [(key, header)]); ``None`` group = one cell over both rows.
OFFICIAL = (
    (
        "基本情况",
        [
            ("seq", "序号"),
            ("code", "项目编号"),
            ("name", "项目名称"),
            ("investor", "投资方"),
            ("industry", "行业"),
            ("unit", "责任单位"),
            ("leader", "挂钩领导"),
        ],
    ),
    (
        "投资情况",
        [
            ("project_type", "项目类型"),
            ("investment", "总投资(万元)"),
            ("fixed_investment", "固定资产投资(万元)"),
            ("land_area_mu", "拟用地面积(亩)"),
        ],
    ),
    (
        "推进情况",
        [
            ("stage", "项目阶段"),
            ("stage_date", "阶段日期"),
            ("review_state", "入库状态"),
            ("signed", "签约日期"),
            ("planned_start_on", "计划开工日期"),
            ("started", "开工日期"),
            ("in_production", "投产日期"),
            ("progress", "进展情况"),
            ("issues_text", "存在问题"),
            ("attachments", "附件(个)"),
        ],
    ),
    ("联系方式", [("contact_name", "联系人"), ("contact_phone", "联系电话")]),
    (None, [("remarks", "备注")]),
)
_DATE_KEYS = {"stage_date", "admitted_on", "planned_start_on", "planned_production_on"}
_DATE_KEYS |= set(MILESTONE_KEYS)
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=16)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def ledger_projects(
    *, district: District | None = None, user: User | None = None, filters: dict | None = None
) -> "Project.objects":
    """Return the projects an export may contain: a district's, or a user's scope.

    ``filters`` are the project list's (``listing.clean_filters``), so that a user's
    export holds exactly the rows their filtered list shows.
    """
    if user is not None:
        projects = project_list(user=user)
        if filters:
            clean = clean_filters(filters)
            projects = filtered(projects, clean, phones=phone_scope(user), user=user)
        return projects.filter(district=district) if district is not None else projects
    if district is None:
        raise ValueError("an export needs a scope: a district or a user")
    return Project.objects.filter(district=district)


def ledger_rows(
    *,
    district: District | None = None,
    user: User | None = None,
    as_of: dt.date | None = None,
    filters: dict | None = None,
) -> Iterator[dict]:
    """Yield one dict per project (keys of ``COLUMNS``), ordered by 项目编号."""
    projects = ledger_projects(district=district, user=user, filters=filters)
    state: dict[int, dict] = {}
    if as_of is not None:
        cutoff = end_of_day(as_of)
        periods = ProjectPeriod.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=cutoff),
            valid_from__lt=cutoff,
            review_state=ReviewState.ADMITTED,
            project_id__in=projects.values("pk"),
        ).values("project_id", "stage_id", "unit_id", "industry_id", "investment", "review_state")
        state = {p["project_id"]: p for p in periods}
        projects = projects.filter(pk__in=list(state))
        entered = _stage_entered(list(state), cutoff)
    stages = {s.pk: s for s in Stage.objects.all()}
    units = {u.pk: u for u in Unit.objects.all()}
    industries = {i.pk: i for i in Industry.objects.all()}
    leaders = {p.pk: p for p in Person.objects.exclude(level=Person.Level.STAFF)}
    district_codes = dict(District.objects.values_list("pk", "code"))
    ids = list(projects.order_by("code").values_list("pk", flat=True))
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        milestones: dict[int, dict] = defaultdict(dict)
        for project_id, kind, date in Milestone.objects.filter(project_id__in=chunk).values_list(
            "project_id", "kind", "date"
        ):
            if as_of is None or date <= as_of:
                milestones[project_id][_MILESTONE_KEY[kind]] = date
        # The official layout's 附件(个): the files kept now, those uploaded by the date.
        files = Attachment.objects.filter(project_id__in=chunk)
        if as_of is not None:
            files = files.filter(uploaded_at__lte=cutoff)
        attachments = dict(
            files.values("project_id").annotate(n=Count("id")).values_list("project_id", "n")
        )
        for project in Project.objects.filter(pk__in=chunk).order_by("code"):
            at = state.get(project.pk)
            if at is not None:
                stage_id, unit_id, industry_id = at["stage_id"], at["unit_id"], at["industry_id"]
                investment, review_state = at["investment"], at["review_state"]
                stage_date = entered[project.pk]
            else:
                stage_id, unit_id, industry_id = (
                    project.stage_id,
                    project.unit_id,
                    project.industry_id,
                )
                investment, review_state = project.investment, project.review_state
                stage_date = timezone.localdate(project.stage_entered_at)
            # A user's export shows the number as they see it (baton.accounts.privacy).
            phone = project.contact_phone
            if user is not None:
                phone = privacy.shown_phone(user, project)
            industry = industries.get(industry_id)
            leader = leaders.get(project.leader_id)
            yield {
                "code": project.code,
                "original_code": project.original_code,
                "name": project.name,
                "investor": project.investor,
                "district": district_codes[project.district_id],
                "unit": units[unit_id].name,
                "leader": leader.name if leader else "",
                "industry": industry.name if industry else "",
                "stage": stages[stage_id].name,
                "stage_date": stage_date,
                "review_state": str(ReviewState(review_state).label),
                "admitted_on": timezone.localdate(project.admitted_at)
                if project.admitted_at
                else None,
                "investment": investment,
                "land_area_mu": project.land_area_mu,
                "info_source": project.info_source,
                "progress": project.progress,
                "issues_text": project.issues_text,
                "contact_name": project.contact_name,
                "contact_phone": phone,
                "remarks": project.remarks,
                "attachments": attachments.get(project.pk, 0),
                **{key: milestones[project.pk].get(key) for key in MILESTONE_KEYS},
                **{key: ledger_value(key, getattr(project, key)) for key in LEDGER_FIELDS},
            }


def _stage_entered(project_ids: list[int], cutoff: dt.datetime) -> dict[int, dt.date]:
    """Return when each project entered the stage it had at ``cutoff``."""
    entered: dict[int, dt.date] = {}
    last_stage: dict[int, int] = {}
    for start in range(0, len(project_ids), 1000):
        rows = (
            ProjectPeriod.objects.filter(
                project_id__in=project_ids[start : start + 1000], valid_from__lt=cutoff
            )
            .order_by("project_id", "valid_from", "id")
            .values_list("project_id", "stage_id", "valid_from")
        )
        for project_id, stage_id, valid_from in rows:
            if last_stage.get(project_id) != stage_id:
                last_stage[project_id] = stage_id
                entered[project_id] = timezone.localdate(valid_from)
    return entered


def _cell(ws, value, *, key: str = "", font=None, fill=None, align=None, border=None):
    if isinstance(value, str):
        value = neutralize(value) if value else None
    cell = WriteOnlyCell(ws, value=value)
    if key in _DATE_KEYS and value is not None:
        cell.number_format = "yyyy-mm-dd"
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if align:
        cell.alignment = align
    if border:
        cell.border = border
    return cell


def ledger_export(
    *,
    out,
    district: District | None = None,
    user: User | None = None,
    as_of: dt.date | None = None,
    layout: str = "contract",
    filters: dict | None = None,
) -> int:
    """Write the ledger workbook to ``out`` (a path or a binary file); return the row count.

    ``filters`` (with ``user``) narrow the export to the project list's filtered rows.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    # Refuse an unscoped export, or bad filters, up front.
    ledger_projects(district=district, user=user, filters=filters)
    rows = ledger_rows(district=district, user=user, as_of=as_of, filters=filters)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    if layout == "contract":
        ws.freeze_panes = "C2"
        ws.append([_cell(ws, c.header, font=_BOLD) for c in COLUMNS])
        n = 0
        for n, row in enumerate(rows, start=1):  # noqa: B007 (n is the count)
            ws.append([_cell(ws, row[c.key], key=c.key) for c in COLUMNS])
    else:
        n = _official(ws, rows, title=_title(district, user, as_of))
    wb.save(out)
    return n


def _title(district: District | None, user: User | None, as_of: dt.date | None) -> str:
    if district is not None:
        scope = district.full_name
    elif user is not None and user.unit_id:
        scope = f"{user.unit.district.full_name}{user.unit.name}"
    elif user is not None and user.district_id:
        scope = user.district.full_name
    elif user is not None and user.city_id:
        scope = user.city.name
    else:
        scope = ""
    day = as_of or timezone.localdate()
    return f"{scope}招商项目台账（截至{day.year}年{day.month}月{day.day}日）"


def _official(ws, rows, *, title: str) -> int:
    columns = [(group, key, header) for group, cols in OFFICIAL for key, header in cols]
    width = len(columns)
    widths = {"name": 30, "investor": 26, "unit": 18, "progress": 40, "issues_text": 30}
    for i, (_group, key, _header) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(key, 12)
    last = get_column_letter(width)
    ws.merged_cells.add(f"A1:{last}1")
    ws.append([_cell(ws, title, font=_TITLE, align=_CENTER)] + [None] * (width - 1))
    groups, heads = [], []
    col = 1
    for group, cols in OFFICIAL:
        first, end = get_column_letter(col), get_column_letter(col + len(cols) - 1)
        if group is None:
            ws.merged_cells.add(f"{first}2:{first}3")
            groups.append(
                _cell(ws, cols[0][1], font=_BOLD, fill=_HEAD_FILL, align=_CENTER, border=_BOX)
            )
            heads.append(_cell(ws, None, border=_BOX))
        else:
            if len(cols) > 1:
                ws.merged_cells.add(f"{first}2:{end}2")
            for i, (_key, header) in enumerate(cols):
                label = group if i == 0 else None
                groups.append(
                    _cell(ws, label, font=_BOLD, fill=_HEAD_FILL, align=_CENTER, border=_BOX)
                )
                heads.append(
                    _cell(ws, header, font=_BOLD, fill=_HEAD_FILL, align=_CENTER, border=_BOX)
                )
        col += len(cols)
    ws.append(groups)
    ws.append(heads)
    ws.freeze_panes = "D4"
    count, investment, fixed, area, files = 0, Decimal(0), Decimal(0), Decimal(0), 0
    for row in rows:
        count += 1
        files += row["attachments"]
        investment += row["investment"] or 0
        fixed += row["fixed_investment"] or 0
        area += row["land_area_mu"] or 0
        row = {**row, "seq": count}
        ws.append([_cell(ws, row.get(key), key=key, border=_BOX) for _g, key, _h in columns])
    totals = {
        "seq": "合计",
        "name": f"{count} 个项目",
        "investment": investment,
        "fixed_investment": fixed,
        "land_area_mu": area,
        "attachments": files,
    }
    ws.append(
        [_cell(ws, totals.get(key), key=key, font=_BOLD, border=_BOX) for _g, key, _h in columns]
    )
    return count
