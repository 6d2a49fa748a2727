"""Build projects through the project services, at dates inside the assessed periods."""

import datetime as dt
from decimal import Decimal

from baton.assessment import services
from baton.projects import services as project_services
from baton.projects.models import Industry, Milestone
from baton.supervision import services as supervision_services
from baton.testing import at, make_project, stage

Q1 = (dt.date(2024, 1, 1), dt.date(2024, 3, 31))


def noon(day: dt.date, hour: int = 10) -> dt.datetime:
    return at(day.year, day.month, day.day, hour)


def project(
    w,
    unit,
    amount: str,
    *,
    admitted: dt.date,
    signed: dt.date | None = None,
    landed: dt.date | None = None,
    started: dt.date | None = None,
    in_production: dt.date | None = None,
    industry: str = "其他",
    **roles,
):
    """Return an admitted project of ``unit``; ``landed`` moves it to 落地 signed on ``signed``.

    ``roles`` are ``info_unit``/``talks_unit``/``landing_unit`` (info defaults to ``unit``).
    """
    p = make_project(
        w,
        unit=unit,
        investment=amount,
        industry=Industry.objects.get(name=industry),
        investor="示例投资有限公司",
        at=noon(admitted, 9),
        **roles,
    )
    # Made-up projects look alike; the reviewer has checked they are different ones.
    when = noon(admitted, 10)
    project_services.project_submit(project=p, actor=w.office, at=when)
    while p.review_state != "admitted":
        reviewer = w.office if p.review_state == "submitted" else w.reviewer
        project_services.project_review(
            project=p, actor=reviewer, approve=True, not_duplicate=True, at=when
        )
    if landed:
        project_services.project_move(
            project=p,
            stage=stage("landed"),
            actor=w.office,
            fields={"signed_on": signed or landed},
            at=noon(landed, 11),
        )
    elif signed:
        project_services.milestone_record(
            project=p, kind=Milestone.Kind.SIGNED, date=signed, actor=w.office, at=noon(signed, 11)
        )
    for kind, day in (
        (Milestone.Kind.STARTED, started),
        (Milestone.Kind.IN_PRODUCTION, in_production),
    ):
        if day:
            project_services.milestone_record(
                project=p, kind=kind, date=day, actor=w.office, at=noon(day, 12)
            )
    return p


def leader_acts(w, p, day: dt.date, n: int) -> None:
    for i in range(n):
        supervision_services.leader_act_record(
            project=p,
            actor=w.office,
            leader=w.leader_person,
            kind="promote",
            date=day,
            at=noon(day, 13 + i % 8),
        )


def scheme(w, name: str, *, units: dict, period_kind: str = "quarter", **shares):
    """Return a draft scheme of 翔安区 assessing ``units`` ({unit: group})."""
    s = services.scheme_create(district=w.district, name=name, period_kind=period_kind, **shares)
    for unit, group in units.items():
        services.scheme_unit_set(scheme=s, unit=unit, group=group)
    return s


def run(s, period) -> dict:
    """Return {unit name: line} of a freshly computed ranking."""
    ranking = services.ranking_compute(scheme=s, period_start=period[0], period_end=period[1])
    return {line.unit.name: line for line in ranking.lines.select_related("unit")}


def scores(line) -> list[tuple[str, str]]:
    return [(Decimal(s["score"]), s["formula"]) for s in line.scores]
