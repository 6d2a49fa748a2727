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
from django.db.models import Count, QuerySet, Sum

from baton.accounts.models import User

from .models import Project, ReviewState, Stage
from .money import plain, to_wan
from .search import search, terms
from .selectors import project_list

ZERO = Decimal("0.0000")
MAX_SIZE = 200

#: sort key → (label, ORDER BY)
SORTS = {
    "recent": ("最近动态", ("-updated_at", "-id")),
    "investment_desc": ("总投资从高到低", ("-investment", "-id")),
    "investment_asc": ("总投资从低到高", ("investment", "id")),
    "code": ("项目编号", ("code",)),
    "stage": ("项目阶段", ("stage__order", "-updated_at", "-id")),
}
DEFAULT_SORT = "recent"

FILTERS = {
    "district": "所属区",
    "unit": "责任单位",
    "stage": "项目阶段",
    "report_group": "报表分组",
    "review_state": "入库状态",
    "industry": "行业",
    "leader": "挂钩领导",
    "amount_min": "总投资下限（万元）",
    "amount_max": "总投资上限（万元）",
    "q": "搜索",
}


@dataclass
class Page:
    rows: list[Project]
    next_cursor: str | None
    total: int
    investment: Decimal  # 万元, of everything filtered
    sort: str = DEFAULT_SORT
    filters: dict = field(default_factory=dict)


def project_page(
    *,
    user: User,
    filters: dict | None = None,
    sort: str | None = None,
    cursor: str | None = None,
    size: int = 50,
) -> Page:
    """Return one page of the projects ``user`` may see, with the totals of the filter."""
    sort = sort or DEFAULT_SORT
    if sort not in SORTS:
        raise ValidationError({"sort": f"不支持的排序方式：{sort}。"})
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_SIZE:
        raise ValidationError({"size": f"每页条数必须是 1 到 {MAX_SIZE} 之间的整数。"})
    clean = clean_filters(filters or {})
    after = decode_cursor(cursor, sort) if cursor else None
    projects = filtered(project_list(user=user), clean)
    totals = projects.order_by().aggregate(n=Count("id"), amount=Sum("investment"))
    if sort == "stage":
        ids = _stage_ids(projects, after, size + 1)
    else:
        ordered = _after(projects, sort, after).order_by(*SORTS[sort][1])
        ids = list(ordered.values_list("id", flat=True)[: size + 1])
    rows = _load(projects, ids)
    next_cursor = encode_cursor(sort, rows[size - 1]) if len(rows) > size else None
    return Page(
        rows=rows[:size],
        next_cursor=next_cursor,
        total=totals["n"],
        investment=totals["amount"] or ZERO,
        sort=sort,
        filters=clean,
    )


# --- filters ------------------------------------------------------------------------------


def _id(field_name: str, value) -> int:
    label = FILTERS[field_name]
    if isinstance(value, bool):
        raise ValidationError({field_name: f"{label}无效。"})
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field_name: f"{label}无效：“{value}”。"}) from None
    if not 0 < number < 2**63:
        raise ValidationError({field_name: f"{label}无效：“{value}”。"})
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
        errors["amount_max"] = "总投资上限不能小于下限。"
    if errors:
        raise ValidationError(errors)
    return clean


def _clean(name: str, value):
    if name in ("district", "unit", "stage", "industry", "leader"):
        return _id(name, value)
    if name == "review_state":
        if value not in ReviewState.values:
            raise ValidationError(f"入库状态无效：“{value}”。")
        return value
    if name == "report_group":
        group = str(value).strip()
        if not Stage.objects.filter(report_group=group).exists():
            raise ValidationError(f"没有名为“{group}”的报表分组。")
        return group
    if name in ("amount_min", "amount_max"):
        try:
            return to_wan(value)
        except ValidationError as exc:
            raise ValidationError(f"{FILTERS[name]}：{exc.messages[0]}") from None
    if name == "q":
        if not isinstance(value, str):
            raise ValidationError("搜索内容必须是文字。")
        terms(value)  # validates length and number of terms
        return " ".join(value.split())
    raise AssertionError(name)


def filtered(projects: QuerySet, clean: dict) -> QuerySet:
    """Apply cleaned filters to a scoped queryset of projects."""
    lookups = {
        "district": "district_id",
        "unit": "unit_id",
        "stage": "stage_id",
        "review_state": "review_state",
        "industry": "industry_id",
        "leader": "leader_id",
        "amount_min": "investment__gte",
        "amount_max": "investment__lte",
    }
    projects = projects.filter(**{lookups[k]: v for k, v in clean.items() if k in lookups})
    if "report_group" in clean:
        ids = list(
            Stage.objects.filter(report_group=clean["report_group"]).values_list("pk", flat=True)
        )
        projects = projects.filter(stage_id__in=ids)
    if "q" in clean:
        projects = search(projects, clean["q"])
    return projects


# --- keyset pages ---------------------------------------------------------------------


def _after(projects: QuerySet, sort: str, key: tuple | None) -> QuerySet:
    if key is None:
        return projects
    if sort == "recent":
        updated, pk = key
        return projects.filter(updated_at__lte=updated).exclude(updated_at=updated, id__gte=pk)
    if sort == "investment_desc":
        amount, pk = key
        return projects.filter(investment__lte=amount).exclude(investment=amount, id__gte=pk)
    if sort == "investment_asc":
        amount, pk = key
        return projects.filter(investment__gte=amount).exclude(investment=amount, id__lte=pk)
    if sort == "code":
        return projects.filter(code__gt=key[0])
    raise AssertionError(sort)


def _load(projects: QuerySet, ids: list[int]) -> list[Project]:
    """Return the page's projects, related rows joined, in the order of ``ids``.

    The page is chosen by a query on the project table alone, so the planner picks the
    scope-and-sort index without the five joins of the display in the way; the rows are
    then read by primary key.
    """
    found = projects.model.objects.select_related(*projects.query.select_related).in_bulk(ids)
    return [found[pk] for pk in ids]


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
    if sort == "recent":
        key = [project.updated_at.isoformat(), project.pk]
    elif sort in ("investment_desc", "investment_asc"):
        key = [plain(project.investment), project.pk]
    elif sort == "code":
        key = [project.code]
    else:
        key = [project.stage_id, project.updated_at.isoformat(), project.pk]
    raw = json.dumps([sort, *key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple:
    """Return the sort key a cursor carries, or raise ValidationError."""
    bad = ValidationError({"cursor": "分页参数无效，请回到第一页。"})
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
        if sort == "recent":
            return (_moment(key[0]), _pk(key[1]))
        if sort in ("investment_desc", "investment_asc"):
            if not isinstance(key[0], str):
                raise bad
            return (to_wan(key[0]), _pk(key[1]))
        if sort == "code":
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
