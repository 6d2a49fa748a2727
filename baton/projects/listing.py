"""The project library's list (项目库): filters, sorts, keyset pages, and the filtered totals.

``project_page`` is what the list page and the API call. It always starts from
``selectors.project_list`` (the user's scope), validates every filter value (a bad one
is a ``ValidationError`` with a Chinese message per field, never a 500), and pages by
keyset: the cursor carries the last row's sort key and id, and the next page is

    .filter(key__lte=k).exclude(key=k, id__gte=i)

which each database serves as one range of a (scope, key, id) index — unlike
``Q(key__lt=k) | Q(key=k, id__lt=i)``, which they scan — so page 1,000 costs what page 1
costs. The total count and 亿元 sum of everything filtered come from one aggregate.
"""

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from baton.accounts.models import User
from baton.core.dates import chinese_date
from baton.core.forms import PAGE_INVALID
from baton.core.money import plain, to_wan
from baton.core.templatetags.baton import wan
from baton.org.models import Person

from . import asof, hooks
from .models import Milestone, Project, ReviewState, Stage
from .search import search, terms
from .selectors import project_list

ZERO = Decimal("0.0000")
MAX_SIZE = 200

#: sort key → (label, ORDER BY); the only keys a list accepts (a column's header toggles
#: between its two directions, ``COLUMNS``).
SORTS = {
    "recent": ("最近动态", ("-updated_at", "-id")),
    "recent_asc": ("最早动态", ("updated_at", "id")),
    "investment_desc": ("总投资从高到低", ("-investment", "-id")),
    "investment_asc": ("总投资从低到高", ("investment", "id")),
    "code": ("项目编号", ("code",)),
    "code_desc": ("项目编号倒序", ("-code",)),
    "name": ("项目名称", ("name", "id")),
    "name_desc": ("项目名称倒序", ("-name", "-id")),
    "stage": ("项目阶段", ("stage__order", "-updated_at", "-id")),
}
DEFAULT_SORT = "recent"
#: A column's header → its (ascending, descending) sort keys; the first click sorts as
#: the column is most often read (amounts and activity newest first).
COLUMNS = {
    "code": ("code", "code_desc"),
    "name": ("name", "name_desc"),
    "investment": ("investment_desc", "investment_asc"),
    "recent": ("recent", "recent_asc"),
}
#: (field, descending) of the sorts paged by keyset on one column and the id.
_KEYSET = {
    "recent": ("updated_at", True),
    "recent_asc": ("updated_at", False),
    "investment_desc": ("investment", True),
    "investment_asc": ("investment", False),
    "name": ("name", False),
    "name_desc": ("name", True),
}
#: The page sizes the list offers; the API takes any size up to ``MAX_SIZE``.
PAGE_SIZES = (20, 50, 100)
#: Milestone date ranges: filter ``<kind>_from`` / ``<kind>_to`` (both days included).
MILESTONE_RANGES = {
    f"{kind.value}_{end}": (kind.value, end, f"{kind.label}日期{'起' if end == 'from' else '止'}")
    for kind in Milestone.Kind
    for end in ("from", "to")
}

FILTERS = {
    "district": "所属区",
    "unit": "责任单位",
    "stage": "项目阶段",
    "report_group": "报表分组",
    "review_state": "入库状态",
    "industry": "行业",
    "leader": "挂钩领导",
    "project_type": "项目类型",
    "tag": "企业标签",
    "amount_min": "总投资下限（万元）",
    "amount_max": "总投资上限（万元）",
    "amount_below": "总投资低于（万元）",
    **{name: label for name, (_kind, _end, label) in MILESTONE_RANGES.items()},
    "q": "搜索",
    # The cockpit's drill-downs (baton.reports.cockpit): the projects each figure counts.
    "as_of": "截至日期",
    "idle": "无进展天数",
    "open_problem": "存在未解决问题",
    "no_industry": "未填行业",
    "landed": "落地项目",
    # The assessment's drill-down (baton.assessment.drill): the projects an item score of a
    # ranking counts for a unit, as ``<ranking>-<indicator>-<unit>[-<part>]``.
    "credited": "考核计分项目",
    "change": "期间变动",
    "entered": "期间进入阶段",
    "reached": "此后进入更高阶段",
    "acted_by": "开展活动的领导",
    "since": "起始日期",
    "until": "截止日期",
}
#: The drill-down filters the list's form carries as hidden inputs (``as_of`` is shown).
DRILL_FIELDS = (
    "idle",
    "open_problem",
    "no_industry",
    "landed",
    "credited",
    "change",
    "entered",
    "reached",
    "acted_by",
    "since",
    "until",
)
#: Filters about the library at a date: the scope filters then read that date's period.
AT_DATE = ("as_of", "idle", "open_problem")
#: Filters about a window of time: the scope filters read the period of each change.
IN_WINDOW = ("change", "entered", "acted_by")


@dataclass
class Page:
    rows: list[Project]
    next_cursor: str | None
    total: int
    investment: Decimal  # 万元, of everything filtered
    sort: str = DEFAULT_SORT
    filters: dict = field(default_factory=dict)
    number: int = 1  # the page's number, for numbered pages (``page``)
    size: int = 50

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def numbers(self) -> list[int | None]:
        """The page numbers to offer: the first, the last and two either side of this one;
        ``None`` where numbers are left out."""
        shown = sorted({1, self.pages, *range(self.number - 2, self.number + 3)})
        shown = [n for n in shown if 1 <= n <= self.pages]
        out: list[int | None] = []
        for n in shown:
            if out and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out


PAGE_NUMBER_INVALID = "页码必须是正整数。"


def page_number(value) -> int:
    """Return a page number (1, 2, …) from the address, or raise ValidationError."""
    number = None
    if not isinstance(value, bool):
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            number = None
    if number is None or not 0 < number < 10**9:
        raise ValidationError({"page": PAGE_NUMBER_INVALID})
    return number


def project_page(
    *,
    user: User,
    filters: dict | None = None,
    sort: str | None = None,
    cursor: str | None = None,
    size: int = 50,
    page: int | None = None,
) -> Page:
    """Return one page of the projects ``user`` may see, with the totals of the filter.

    A page is chosen by ``cursor`` (keyset, the next page's cursor returned) or by its
    number ``page`` (numbered pages; a number past the last page gives the last page).
    """
    sort = sort or DEFAULT_SORT
    if sort not in SORTS:
        raise ValidationError({"sort": f"不支持的排序方式：{sort}。"})
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_SIZE:
        raise ValidationError({"size": f"每页条数必须是 1 到 {MAX_SIZE} 之间的整数。"})
    if page is not None:
        page = page_number(page)
        if cursor:
            raise ValidationError({"page": "页码和游标不能同时使用。"})
    clean = clean_filters(filters or {})
    after = decode_cursor(cursor, sort) if cursor else None
    projects = filtered(project_list(user=user), clean, phones=phone_scope(user), user=user)
    day = at_date(clean)
    if day is None:
        totals = projects.order_by().aggregate(n=Count("id"), amount=Sum("investment"))
    else:  # the amounts the projects had at that date, as the cockpit sums them
        then = asof.library_at(as_of=day).filter(project_id=OuterRef("pk"))
        totals = (
            projects.annotate(then=Subquery(then.values("investment")[:1]))
            .order_by()
            .aggregate(n=Count("id"), amount=Sum("then"))
        )
    number = 1
    if page is not None:
        number = min(page, max(1, -(-totals["n"] // size)))
        start = (number - 1) * size
        ordered = projects.order_by(*SORTS[sort][1]).values_list("id", flat=True)
        ids = list(ordered[start : start + size + 1])
    elif sort == "stage":
        ids = _stage_ids(projects, after, size + 1)
    else:
        ordered = _after(projects, sort, after).order_by(*SORTS[sort][1])
        ids = list(ordered.values_list("id", flat=True)[: size + 1])
    rows = _load(projects, ids)
    if day is not None:
        _attach_periods(rows, day)
    next_cursor = encode_cursor(sort, rows[size - 1]) if len(rows) > size else None
    return Page(
        rows=rows[:size],
        next_cursor=next_cursor,
        total=totals["n"],
        investment=totals["amount"] or ZERO,
        sort=sort,
        filters=clean,
        number=number,
        size=size,
    )


# --- filters ------------------------------------------------------------------------------


AMOUNTS_REVERSED = "总投资上限不能小于下限。"
AMOUNTS_EMPTY = "总投资“低于”须大于“不低于”，否则没有项目能落在这个区间。"


def invalid(label: str, value: object = None) -> str:
    """A filter value that is not one: “阶段无效：“x”。” (the value, when there is one)."""
    return f"{label}无效：“{value}”。" if value is not None else f"{label}无效。"


def _id(field_name: str, value) -> int:
    label = FILTERS[field_name]
    number = None
    if not isinstance(value, bool):
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            number = None
    if number is None or not 0 < number < 2**63:
        shown = None if isinstance(value, bool) else value  # True is no value a person typed
        raise ValidationError({field_name: invalid(label, shown)})
    return number


def clean_filters(filters: dict) -> dict:
    """Validate and convert the filter values; blank values are no filter."""
    if not isinstance(filters, dict):
        raise ValidationError("筛选条件格式不正确。")
    unknown = sorted(set(filters) - set(FILTERS))
    if unknown:
        raise ValidationError(f"不支持的筛选条件：{'、'.join(map(str, unknown))}。")
    clean: dict = {}
    errors: dict[str, str] = {}
    for name, value in filters.items():
        if isinstance(value, list | tuple):
            if len(value) > 1:
                errors[name] = f"{FILTERS[name]}只能选一个。"
                continue
            value = value[0] if value else None
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            clean[name] = _clean(name, value)
        except ValidationError as exc:
            errors[name] = exc.messages[0]
    low, high = clean.get("amount_min"), clean.get("amount_max")
    if not errors and low is not None and high is not None and low > high:
        errors["amount_max"] = AMOUNTS_REVERSED
    below = clean.get("amount_below")
    if not errors and low is not None and below is not None and low >= below:
        errors["amount_below"] = AMOUNTS_EMPTY
    if not errors:
        errors.update(_range_errors(clean))
    if not errors:
        errors.update(_drill_errors(clean))
    if errors:
        raise ValidationError(errors)
    return clean


def _range_errors(clean: dict) -> dict[str, str]:
    """Return the errors of milestone ranges that end before they start."""
    for kind in Milestone.Kind:
        first, last = clean.get(f"{kind.value}_from"), clean.get(f"{kind.value}_to")
        if first is not None and last is not None and first > last:
            return {f"{kind.value}_to": f"{kind.label}日期的截止日不能早于起始日。"}
    return {}


def _drill_errors(clean: dict) -> dict[str, str]:
    """Return the errors of drill-down filters that cannot go together."""
    windows = [name for name in IN_WINDOW if name in clean]
    if len(windows) > 1:
        return {windows[1]: f"{FILTERS[windows[0]]}和{FILTERS[windows[1]]}不能同时使用。"}
    dated = [name for name in AT_DATE if name in clean]
    if windows and dated:
        return {dated[0]: f"{FILTERS[dated[0]]}不能与{FILTERS[windows[0]]}同时使用。"}
    for name in ("since", "until"):
        if name in clean and not windows:
            return {name: f"{FILTERS[name]}只用于期间变动、进入阶段或领导活动。"}
    if "reached" in clean and "entered" not in clean:
        return {"reached": "“此后进入更高阶段”须与“期间进入阶段”同时使用。"}
    if "since" in clean and "until" in clean and clean["since"] > clean["until"]:
        return {"until": "截止日期不能早于起始日期。"}
    if clean.get("no_industry") and "industry" in clean:
        return {"no_industry": "“未填行业”不能与行业同时使用。"}
    return {}


def _clean(name: str, value):
    if name in ("district", "unit", "stage", "industry", "leader"):
        return _id(name, value)
    if name == "review_state":
        if value not in ReviewState.values:
            raise ValidationError(f"入库状态无效：“{value}”。")
        return value
    if name in ("project_type", "tag"):
        return _ledger_choice(name, value)
    if name == "report_group":
        group = str(value).strip()
        if not Stage.objects.filter(report_group=group).exists():
            raise ValidationError(f"没有名为“{group}”的报表分组。")
        return group
    if name in ("amount_min", "amount_max", "amount_below"):
        try:
            return to_wan(value)
        except ValidationError as exc:
            raise ValidationError(f"{FILTERS[name]}：{exc.messages[0]}") from None
    if name in MILESTONE_RANGES:
        return _any_day(FILTERS[name], value)
    if name == "q":
        if not isinstance(value, str):
            raise ValidationError("搜索内容必须是文字。")
        terms(value)  # validates length and number of terms
        return " ".join(value.split())
    return _clean_drill(name, value)


def _clean_drill(name: str, value):
    label = FILTERS[name]
    if name in ("as_of", "since", "until"):
        return _day(label, value)
    if name == "idle":
        days = _id(name, value)
        if days > 3650:
            raise ValidationError(f"{label}必须是 1 到 3650 之间的整数。")
        return days
    if name in ("open_problem", "reached", "no_industry", "landed"):
        if value in (True, 1, "1", "true"):
            return True
        if value in (False, 0, "0", "false"):
            return False
        raise ValidationError(f"{label}只能是 1 或 0。")
    if name == "change":
        if value not in asof.CHANGES:
            raise ValidationError(invalid(label, value))
        return value
    if name == "entered":
        stage = Stage.objects.filter(pk=_id(name, value), is_terminal=False).first()
        if stage is None:
            raise ValidationError(invalid(label, value))
        return stage.pk
    if name == "acted_by":
        return "all" if value == "all" else _id(name, value)
    if name == "credited":
        parts = str(value).strip().split("-")
        digits = all(p.isascii() and p.isdigit() and len(p) <= 9 for p in parts)
        if not 3 <= len(parts) <= 4 or not digits:
            raise ValidationError(invalid(label, value))
        return "-".join(str(int(p)) for p in parts)
    raise AssertionError(name)


def _parse_day(label: str, value) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValidationError(invalid(label))
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(f"{label}格式不正确，应为 年-月-日：“{value}”。") from None
    return value


def _day(label: str, value) -> dt.date:
    value = _parse_day(label, value)
    if value > timezone.localdate():
        raise ValidationError(f"{label}不能晚于今天。")
    if value.year < 2000:
        raise ValidationError(f"{label}不能早于 2000 年。")
    return value


def _any_day(label: str, value) -> dt.date:
    """A day of a milestone range: past or planned (a future day is allowed)."""
    value = _parse_day(label, value)
    if not 2000 <= value.year <= 2100:
        raise ValidationError(f"{label}须在 2000 年到 2100 年之间。")
    return value


def _milestones_in(projects: QuerySet, clean: dict) -> QuerySet:
    """Keep the projects whose milestone of each range named falls in it (days included)."""
    for kind in Milestone.Kind:
        first, last = clean.get(f"{kind.value}_from"), clean.get(f"{kind.value}_to")
        if first is None and last is None:
            continue
        dated = Milestone.objects.filter(project_id=OuterRef("pk"), kind=kind.value)
        if first is not None:
            dated = dated.filter(date__gte=first)
        if last is not None:
            dated = dated.filter(date__lte=last)
        projects = projects.filter(Exists(dated))
    return projects


#: The investor's tags the library filters by (企业标签), and the flag each one reads.
TAGS = {"global500": "世界500强", "china500": "中国500强", "listed": "上市公司"}


def _ledger_choice(name: str, value) -> str:
    choices = dict(Project.Type.choices) if name == "project_type" else TAGS
    if value not in choices:
        known = "、".join(f"{code} {label}" for code, label in choices.items())
        raise ValidationError(f"{FILTERS[name]}无效：“{value}”（可选：{known}）。")
    return value


def _ledger_filters(projects: QuerySet, clean: dict) -> QuerySet:
    """Apply the filters by the fields real ledgers keep: 项目类型 and 企业标签."""
    if "project_type" in clean:
        projects = projects.filter(project_type=clean["project_type"])
    if "tag" in clean:
        projects = projects.filter(**{f"is_{clean['tag']}": True})
    return projects


def phone_scope(user: User) -> Q | None:
    """The projects whose contact phone ``user`` sees in full (``privacy.FULL``: the
    holding unit, the district office), where a search may find a project by its phone;
    None for everyone else, who sees numbers masked and cannot search by them."""
    role = getattr(user, "role", None)
    if role == User.Role.UNIT_STAFF and user.unit_id:
        return Q(unit_id=user.unit_id)
    if role == User.Role.DISTRICT_OFFICE and user.district_id:
        return Q(district_id=user.district_id)
    return None


def filtered(
    projects: QuerySet, clean: dict, *, phones: Q | None = None, user: User | None = None
) -> QuerySet:
    """Apply cleaned filters to a scoped queryset of projects.

    With a drill-down filter (``AT_DATE``, ``IN_WINDOW``) the scope filters — district,
    unit, stage, report group, industry, amounts, review state — apply to the project's
    period at that date, or at each change, through the sets the cockpit counts with
    (``asof``); otherwise to the project as it is now. ``credited`` keeps the projects
    the assessment's engine counts for that item score, of a ranking ``user`` may read.
    """
    if "credited" in clean:  # (user, key) → the project ids, or ValidationError
        projects = projects.filter(pk__in=hooks.drill("credited")(user=user, key=clean["credited"]))
    if any(name in clean for name in (*AT_DATE, *IN_WINDOW)):
        projects = projects.filter(Exists(_drill_rows(clean).filter(project_id=OuterRef("pk"))))
        if "leader" in clean:
            projects = projects.filter(leader_id=clean["leader"])
        projects = _ledger_filters(_milestones_in(projects, clean), clean)
        return search(projects, clean["q"], phones=phones) if "q" in clean else projects
    lookups = {
        "district": "district_id",
        "unit": "unit_id",
        "stage": "stage_id",
        "review_state": "review_state",
        "industry": "industry_id",
        "leader": "leader_id",
        "amount_min": "investment__gte",
        "amount_max": "investment__lte",
        "amount_below": "investment__lt",
    }
    projects = projects.filter(**{lookups[k]: v for k, v in clean.items() if k in lookups})
    projects = _ledger_filters(_milestones_in(projects, clean), clean)
    if "report_group" in clean:
        ids = list(
            Stage.objects.filter(report_group=clean["report_group"]).values_list("pk", flat=True)
        )
        projects = projects.filter(stage_id__in=ids)
    if "landed" in clean:
        projects = projects.filter(stage__allows_milestones=clean["landed"])
    if "q" in clean:
        projects = search(projects, clean["q"], phones=phones)
    return projects


def _period_where(clean: dict) -> Q:
    """Return the scope filters as a condition on ``ProjectPeriod``."""
    lookups = {
        "district": "district_id",
        "unit": "unit_id",
        "stage": "stage_id",
        "review_state": "review_state",
        "industry": "industry_id",
        "report_group": "stage__report_group",
        "amount_min": "investment__gte",
        "amount_max": "investment__lte",
        "amount_below": "investment__lt",
    }
    where = Q(**{lookups[k]: v for k, v in clean.items() if k in lookups})
    if clean.get("no_industry"):
        where &= Q(industry_id__isnull=True)
    if "landed" in clean:  # 落地: a stage where milestones are kept, as the report counts
        where &= Q(stage__allows_milestones=clean["landed"])
    return where


def at_date(clean: dict) -> dt.date | None:
    """Return the date the list's figures are read at, for an ``AT_DATE`` filter."""
    if not any(name in clean for name in AT_DATE):
        return None
    return clean.get("as_of") or timezone.localdate()


def _drill_rows(clean: dict) -> QuerySet:
    """Return the cockpit's rows (periods or acts) that put a project in the list."""
    where = _period_where(clean)
    day = at_date(clean)
    if day is not None:
        rows = asof.library_at(as_of=day, where=where)
        if not any(name in clean for name in ("stage", "report_group", "landed")):
            rows = rows.filter(stage__is_terminal=False)  # 在库: 中止 is listed only when asked
        if "idle" in clean:
            rows = asof.idle_at(rows, as_of=day, days=clean["idle"])
        if "open_problem" in clean:  # (as_of) → a condition on rows with a project_id
            paused = hooks.drill("open_problem")(as_of=day)
            rows = rows.filter(paused) if clean["open_problem"] else rows.exclude(paused)
        return rows
    since, until = clean.get("since"), clean.get("until") or timezone.localdate()
    if "acted_by" in clean:  # (since, until, where) → the acts, with project and leader ids
        rows = hooks.drill("acted_by")(since=since, until=until, where=where)
        return rows if clean["acted_by"] == "all" else rows.filter(leader_id=clean["acted_by"])
    rows = asof.changes(
        kind=clean.get("change") or clean["entered"], since=since, until=until, where=where
    )
    if "reached" in clean:
        stage = Stage.objects.get(pk=clean["entered"])
        went_on = asof.project_ids(asof.reached_next(rows, stage=stage, until=until))
        rows = (
            rows.filter(project_id__in=went_on)
            if clean["reached"]
            else rows.exclude(project_id__in=went_on)
        )
    return rows


def drill_caption(clean: dict) -> str:
    """Return, in words, which projects a drill-down filter lists ("" if none)."""
    parts = []
    day = at_date(clean)
    if day is not None:
        parts.append(f"截至{chinese_date(day)}在库（阶段、金额、责任单位均按当日）")
        if "idle" in clean:
            parts.append(f"已连续 {clean['idle']} 天无任何进展")
        if "open_problem" in clean:
            parts.append("有未解决的存在问题" if clean["open_problem"] else "无未解决的存在问题")
    elif any(name in clean for name in IN_WINDOW):
        since = f"{chinese_date(clean['since'])}至" if "since" in clean else "截至"
        window = f"{since}{chinese_date(clean.get('until') or timezone.localdate())}"
        if "change" in clean:
            parts.append(f"{window}{asof.CHANGES[clean['change']]}（在库项目）")
        elif "entered" in clean:
            stage = Stage.objects.get(pk=clean["entered"])
            parts.append(f"{window}进入“{stage.name}”阶段（在库项目）")
            if "reached" in clean:
                parts.append("此后已进入更高阶段" if clean["reached"] else "尚未进入更高阶段")
        else:
            leader = clean["acted_by"]  # a leader's id, or "all"
            person = Person.objects.filter(pk=leader).first() if leader != "all" else None
            who = person.name if person else "领导"
            parts.append(f"{window}{who}亲自推介、洽谈、考察、协调或督办过的项目")
    if clean.get("no_industry"):
        parts.append("未填行业")
    if "landed" in clean:
        parts.append("已落地（阶段可记录里程碑）" if clean["landed"] else "尚未落地")
    if "credited" in clean:  # (key) → the item score in words
        parts.append(hooks.drill("credited_caption")(key=clean["credited"]))
    return "，".join(parts)


def bounds_caption(clean: dict) -> str:
    """Return the amount band and the milestone ranges in words, each bound stated
    (“10,000 万元 ≤ 总投资 < 50,000 万元”; “签约日期 2024-01-01 至 2024-06-30”)."""
    parts = []
    low, high, below = (clean.get(k) for k in ("amount_min", "amount_max", "amount_below"))
    if low is not None or high is not None or below is not None:
        band = "总投资"
        if low is not None:
            band = f"{wan(low)} 万元 ≤ {band}"
        if below is not None:
            band = f"{band} < {wan(below)} 万元"
        if high is not None:
            band = f"{band} ≤ {wan(high)} 万元"
        parts.append(band)
    for kind in Milestone.Kind:
        first, last = clean.get(f"{kind.value}_from"), clean.get(f"{kind.value}_to")
        if first is None and last is None:
            continue
        span = f"{first.isoformat() if first else '不限'} 至 {last.isoformat() if last else '不限'}"
        parts.append(f"{kind.label}日期 {span}")
    return "；".join(parts)


# --- keyset pages ---------------------------------------------------------------------


def _after(projects: QuerySet, sort: str, key: tuple | None) -> QuerySet:
    if key is None:
        return projects
    if sort in _KEYSET:
        column, descending = _KEYSET[sort]
        value, pk = key
        if descending:
            return projects.filter(**{f"{column}__lte": value}).exclude(
                **{column: value, "id__gte": pk}
            )
        return projects.filter(**{f"{column}__gte": value}).exclude(
            **{column: value, "id__lte": pk}
        )
    if sort == "code":
        return projects.filter(code__gt=key[0])
    if sort == "code_desc":
        return projects.filter(code__lt=key[0])
    raise AssertionError(sort)


#: What a row of the list (the page's table, the API's ``ProjectRow``, the cursor) reads;
#: the other forty-odd columns of a project, its texts among them, stay in the database.
ROW_FIELDS = (
    "code",
    "name",
    "investor",
    "review_state",
    "investment",
    "updated_at",
    "version",
    "stage__code",
    "stage__name",
    "stage__order",
    "district__code",
    "district__name",
    "unit__name",
    "industry__name",
    "leader__name",
)


def _load(projects: QuerySet, ids: list[int]) -> list[Project]:
    """Return the page's projects, related rows joined, in the order of ``ids``.

    The page is chosen by a query on the project table alone, so the planner picks the
    scope-and-sort index without the five joins of the display in the way; the rows are
    then read by primary key, only the columns a row shows (``ROW_FIELDS``).
    """
    found = (
        projects.model.objects.select_related(*projects.query.select_related)
        .only(*ROW_FIELDS)
        .in_bulk(ids)
    )
    return [found[pk] for pk in ids]


def _attach_periods(rows: list[Project], day: dt.date) -> None:
    """Give each row ``period_then``: its stage, unit and amount at ``day``, to show."""
    periods = asof.library_at(as_of=day).filter(project_id__in=[p.pk for p in rows])
    by_project = {p.project_id: p for p in periods.select_related("stage", "unit")}
    for project in rows:
        project.period_then = by_project.get(project.pk)


def _stage_ids(projects: QuerySet, key: tuple | None, limit: int) -> list[int]:
    """Walk the ladder in order, each stage a keyset range by recent activity."""
    ladder = list(Stage.objects.order_by("order").values_list("pk", flat=True))
    start = 0
    if key is not None:
        stage_id = key[0]
        if stage_id not in ladder:
            raise ValidationError({"cursor": "分页参数已失效，请回到第一页。"})
        start = ladder.index(stage_id)
    ids: list[int] = []
    for position in range(start, len(ladder)):
        in_stage = projects.filter(stage_id=ladder[position])
        if key is not None and position == start:
            in_stage = _after(in_stage, "recent", key[1:])
        in_order = in_stage.order_by("-updated_at", "-id").values_list("id", flat=True)
        ids += list(in_order[: limit - len(ids)])
        if len(ids) >= limit:
            break
    return ids


def encode_cursor(sort: str, project: Project) -> str:
    if sort in ("recent", "recent_asc"):
        key = [project.updated_at.isoformat(), project.pk]
    elif sort in ("investment_desc", "investment_asc"):
        key = [plain(project.investment), project.pk]
    elif sort in ("name", "name_desc"):
        key = [project.name, project.pk]
    elif sort in ("code", "code_desc"):
        key = [project.code]
    else:
        key = [project.stage_id, project.updated_at.isoformat(), project.pk]
    raw = json.dumps([sort, *key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple:
    """Return the sort key a cursor carries, or raise ValidationError."""
    bad = ValidationError({"cursor": PAGE_INVALID})
    if not isinstance(cursor, str) or len(cursor) > 300:
        raise bad
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad from None
    if not isinstance(data, list) or not data or data[0] != sort:
        raise bad
    key = data[1:]
    try:
        if sort in ("recent", "recent_asc"):
            return (_moment(key[0]), _pk(key[1]))
        if sort in ("investment_desc", "investment_asc"):
            if not isinstance(key[0], str):
                raise bad
            return (to_wan(key[0]), _pk(key[1]))
        if sort in ("name", "name_desc"):
            if not isinstance(key[0], str) or len(key) != 2:
                raise bad
            return (key[0], _pk(key[1]))
        if sort in ("code", "code_desc"):
            if not isinstance(key[0], str) or len(key) != 1:
                raise bad
            return (key[0],)
        return (_pk(key[0]), _moment(key[1]), _pk(key[2]))
    except (IndexError, TypeError, ValueError, ValidationError):
        raise bad from None


def _moment(text) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("naive")
    return value


def _pk(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**63:
        raise ValueError("id")
    return value
