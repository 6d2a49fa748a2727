"""A project's promises (履约) and yearly results (效益) in the HTTP API:
``/projects/{code}/promises`` and ``/projects/{code}/results``.

Scoped like the project (``projects.selectors.project_get``: outside the scope 404);
recording is for the project's district office and the unit holding it (403 otherwise);
the service's refusal is a 422 with its Chinese message and nothing written; a stale
``version`` is a 409. The same services as the pages and the import.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Router, Schema, Status

from baton.core.api import Code, Error, In, IsoDate, Money, Text, Version
from baton.core.money import plain
from baton.projects.selectors import project_get

from . import measure, rules, services
from .models import Promise, Result

router = Router(tags=["履约与效益"])


class PromiseOut(Schema):
    kind: str = Field(
        description="fixed_investment=固定资产投资、intensity=投资强度、output=达产年产值、"
        "tax=达产年税收、jobs=就业人数、start=开工期限、production=投产期限"
    )
    kind_label: str
    target: str | None = Field(description="承诺值（万元、万元/亩或人）；期限类为空")
    unit: str = Field(description="承诺值的单位")
    due_on: str = Field(description="承诺期限")
    check_on: str = Field(description="核查日期")
    clause: str
    note: str
    status: str = Field(description="pending=待核查、kept=已履约、at_risk=有风险、broken=未履约")
    actual: str | None = Field(description="评估时的实际值")
    gap: str | None = Field(description="差额（期限类为逾期天数）")
    finding: str
    evaluated_on: str | None
    version: int


class ResultOut(Schema):
    year: int
    quarter: int = Field(description="0 为全年，1–4 为季度")
    investment: str | None = Field(description="到位资金（万元）")
    output: str | None = Field(description="产值（万元）")
    tax: str | None = Field(description="税收（万元）")
    jobs: int | None
    source: str = Field(
        description="statistics=统计局、tax_bureau=税务部门、enterprise=企业填报、other=其他"
    )
    note: str
    version: int


class YearOut(Schema):
    year: int
    output: str | None
    tax: str | None
    output_per_mu: str | None = Field(description="亩均产值（万元/亩）")
    tax_per_mu: str | None = Field(description="亩均税收（万元/亩）")


class ResultsOut(Schema):
    items: list[ResultOut]
    years: list[YearOut] = Field(description="按年汇总及亩均")
    land_mu: str | None = Field(description="计算亩均所用的面积（亩）")
    land_basis: str = Field(
        description="地块=项目预留（已出让）地块；拟用地面积=未关联地块时的项目拟用地面积"
    )


class PromiseIn(In):
    kind: Text = Field(max_length=20, description="承诺事项代码（见 PromiseOut.kind）")
    target: Text | None = Field(None, max_length=30, description="承诺值；期限类不填")
    due_on: IsoDate = Field(description="承诺期限")
    check_on: IsoDate | None = Field(None, description="核查日期，默认承诺期限当日")
    clause: Text = Field("", max_length=200)
    note: Text = Field("", max_length=2000)


class PromiseUpdateIn(In):
    kind: Text = Field(max_length=20, description="要修改的承诺事项代码（每类一项）")
    version: Version
    target: Text | None = Field(None, max_length=30)
    due_on: IsoDate
    check_on: IsoDate | None = None
    clause: Text = Field("", max_length=200)
    note: Text = Field("", max_length=2000)


class ResultIn(In):
    year: int = Field(ge=2000, le=2100)
    quarter: int = Field(0, ge=0, le=4, description="0 为全年")
    investment: Money | None = None
    output: Money | None = None
    tax: Money | None = None
    jobs: int | None = Field(None, ge=0, le=services.MAX_JOBS)
    source: Text = Field(max_length=12, description="数据来源代码（见 ResultOut.source）")
    note: Text = Field("", max_length=300)
    version: Version | None = Field(None, description="更正已有期间时带上读到的版本号")


def _num(value) -> str | None:
    return None if value is None else plain(Decimal(value))


def _promise_out(row: Promise) -> dict:
    return {
        "kind": row.kind,
        "kind_label": row.get_kind_display(),
        "target": _num(row.target),
        "unit": row.unit_label,
        "due_on": row.due_on.isoformat(),
        "check_on": row.check_on.isoformat(),
        "clause": row.clause,
        "note": row.note,
        "status": row.status,
        "actual": _num(row.actual),
        "gap": _num(row.gap),
        "finding": row.finding,
        "evaluated_on": row.evaluated_on.isoformat() if row.evaluated_on else None,
        "version": row.version,
    }


def _result_out(row: Result) -> dict:
    return {
        "year": row.year,
        "quarter": row.quarter,
        "investment": _num(row.investment),
        "output": _num(row.output),
        "tax": _num(row.tax),
        "jobs": row.jobs,
        "source": row.source,
        "note": row.note,
        "version": row.version,
    }


def _project(request, code: Code, *, write: bool = False):
    user = request.auth
    project = project_get(user=user, code=code)  # outside the scope (an administrator): 404
    if write and not rules.can_record(user, project):
        raise PermissionDenied(rules.NOT_A_RECORDER)
    return project


@router.get(
    "/projects/{code}/promises",
    response={200: list[PromiseOut], 401: Error, 403: Error, 404: Error},
    summary="项目的履约承诺",
)
def promise_index(request, code: Code):
    """项目投资协议的承诺及其核查结论（每日核查）；可见范围与项目相同。"""
    project = _project(request, code)
    return [_promise_out(p) for p in project.promises.order_by("check_on", "id")]


@router.post(
    "/projects/{code}/promises",
    response={201: PromiseOut, 400: Error, 401: Error, 403: Error, 404: Error, 422: Error},
    summary="登记履约承诺",
)
def promise_create(request, code: Code, payload: PromiseIn):
    """项目所属区的区招商办或责任单位登记一项承诺（每类一项；项目须已签约）。"""
    project = _project(request, code, write=True)
    row = services.promise_create(actor=request.auth, project=project, values=payload.dict())
    return Status(201, _promise_out(row))


@router.patch(
    "/projects/{code}/promises",
    response={
        200: PromiseOut,
        400: Error,
        401: Error,
        403: Error,
        404: Error,
        409: Error,
        422: Error,
    },
    summary="修改履约承诺",
)
def promise_update(request, code: Code, payload: PromiseUpdateIn):
    """修改一项承诺（按 kind 指定），带上读到的 version；他人已先修改时 409。"""
    project = _project(request, code, write=True)
    values = payload.dict()
    version, kind = values.pop("version"), values.pop("kind")
    row = project.promises.filter(kind=kind).first()
    if row is None:
        raise Http404("该项目没有登记这类承诺。")
    row = services.promise_update(
        actor=request.auth, promise=row, values=values, expected_version=version
    )
    return _promise_out(row)


def _results(project) -> dict:
    rows = list(project.results.all())
    land = measure.project_land(project)
    return {
        "items": [_result_out(r) for r in rows],
        "years": [
            {
                "year": y.year,
                "output": _num(y.output),
                "tax": _num(y.tax),
                "output_per_mu": _num(y.output_per_mu),
                "tax_per_mu": _num(y.tax_per_mu),
            }
            for y in measure.year_lines(rows, land)
        ],
        "land_mu": _num(land.mu),
        "land_basis": land.basis,
    }


@router.get(
    "/projects/{code}/results",
    response={200: ResultsOut, 401: Error, 403: Error, 404: Error},
    summary="项目的效益数据",
)
def result_index(request, code: Code):
    """项目各年度（季度）的到位资金、产值、税收、就业，及按年汇总的亩均产值、亩均税收。"""
    return _results(_project(request, code))


@router.post(
    "/projects/{code}/results",
    response={
        200: ResultsOut,
        400: Error,
        401: Error,
        403: Error,
        404: Error,
        409: Error,
        422: Error,
    },
    summary="登记效益数据",
)
def result_record(request, code: Code, payload: ResultIn):
    """登记或更正一个期间的效益数据（同一年度、季度一条）；项目须已落地。"""
    project = _project(request, code, write=True)
    values = payload.dict()
    version = values.pop("version")
    services.result_record(
        actor=request.auth, project=project, values=values, expected_version=version
    )
    return _results(project)
