"""Shared pieces of the assessment page tests: schemes in each state, and a snapshot."""

import datetime as dt

from django.urls import reverse

from baton.assessment import services
from baton.assessment.models import (
    Indicator,
    ManualScore,
    Ranking,
    RankingLine,
    Scheme,
    SchemeUnit,
    Target,
)
from baton.projects.tests.helpers_views import HTMX, login  # noqa: F401 (re-exported)

from .helpers import Q1, project

SIGNED = {"metric": "signed"}


def draft_scheme(w, name: str = "季度招商考核", district=None) -> Scheme:
    """A draft of 马巷 and 新店 (乡镇): 签约项目 ÷ 目标 × 60, and a manual score of 40."""
    district = district or w.district
    scheme = services.scheme_create(district=district, name=name, period_kind="quarter")
    units = (w.town, w.other_town) if district == w.district else (w.tongan_unit,)
    for unit in units:
        services.scheme_unit_set(scheme=scheme, unit=unit, group="乡镇")
    signed = services.indicator_add(
        scheme=scheme, name="签约项目", kind="ratio", weight="60", config=SIGNED
    )
    services.indicator_add(scheme=scheme, name="工作评价", kind="manual", weight="40", config={})
    for unit, target in zip(units, ("2", "4"), strict=False):
        services.target_set(indicator=signed, unit=unit, value=target)
    return scheme


def published_scheme(w, **kwargs) -> Scheme:
    scheme = draft_scheme(w, **kwargs)
    services.scheme_publish(scheme=scheme, actor=w.office)
    return scheme


def signed_projects(w) -> None:
    """马巷 signs 2 projects in Q1 2024, 新店 1 (its target 4)."""
    day = dt.date(2024, 2, 1)
    project(w, w.town, "10000", admitted=day, signed=day)
    project(w, w.town, "20000", admitted=day, signed=day)
    project(w, w.other_town, "5000", admitted=day, signed=day)


def ranking(w, scheme: Scheme, *, publish: bool = False) -> Ranking:
    result = services.ranking_compute(scheme=scheme, period_start=Q1[0], period_end=Q1[1])
    if publish:
        services.ranking_publish(ranking=result, actor=w.office)
    return result


def url(name: str, *args) -> str:
    return reverse(f"assessment:{name}", args=args)


def state() -> dict:
    """Every row the assessment pages may write, to compare before and after a refusal."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Scheme, SchemeUnit, Indicator, Target, ManualScore, Ranking, RankingLine)
    }
