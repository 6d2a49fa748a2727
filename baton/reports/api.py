"""The figures over HTTP: the same JSON as ``baton report --format json``."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from baton.core.api import Code, Error, IsoDate, refuse_unknown_params
from baton.core.dates import future_refusal
from baton.org.lookup import find_district
from baton.org.models import City

from .scopes import scope_choices
from .selectors import figures_as_of
from .summary import figures_json

router = Router(tags=["统计"])


class ScopeOut(Schema):
    kind: str
    code: str
    name: str


class TotalOut(Schema):
    count: int
    investment_wan: str


class StageLine(Schema):
    stage: str
    count: int
    investment_wan: str


class MilestoneLine(Schema):
    milestone: str
    count: int
    investment_wan: str


class ReportOut(Schema):
    as_of: str
    scope: ScopeOut
    total: TotalOut
    stages: list[StageLine]
    milestones: list[MilestoneLine]
    exits: list[StageLine]


class ReportParams(Schema):
    district: Code | None = Field(None, description="区划代码或名称，如 350213")
    city: Code | None = Field(None, description="市的区划代码或名称")
    as_of: IsoDate | None = Field(None, description="统计截止日期 YYYY-MM-DD，缺省为今天")


def _key(district: str | None, city: str | None) -> str | None:
    """Return the scope key (as in ``scopes.scope_choices``) a request names, or None."""
    if district and city:
        raise ValidationError({"district": "district 与 city 只能给出一个。"})
    if district:
        match = find_district(district)
        if match is None:
            raise Http404(f"找不到区：{district}")
        return f"district:{match.code}"
    if city:
        match = City.objects.filter(code=city).first() or City.objects.filter(name=city).first()
        if match is None:
            raise Http404(f"找不到市：{city}")
        return f"city:{match.code}"
    return None


@router.get(
    "/report",
    response={200: ReportOut, 401: Error, 403: Error, 404: Error, 422: Error},
    summary="截至某日的入库项目统计",
)
def report(request, params: Query[ReportParams]):
    """与 `baton report --format json` 相同的 JSON；不给范围时为您的默认统计范围。"""
    refuse_unknown_params(request, ReportParams)
    user = request.auth
    day = params.as_of or timezone.localdate()
    if refusal := future_refusal(day):
        raise ValidationError({"as_of": refusal})
    key = _key(params.district, params.city)
    choices = {choice_key: scope for choice_key, _label, scope in scope_choices(user)}
    if not choices:
        raise PermissionDenied("您的角色不能查看业务统计。")
    if key is None:
        scope = next(iter(choices.values()))
    elif key in choices:
        scope = choices[key]
    else:
        raise PermissionDenied("无权查看该范围的统计。")
    return figures_json(figures_as_of(as_of=day, scope=scope, user=user))
