"""A world for the meetings' tests: two projects admitted last month, a unit's person."""

import datetime as dt

from django.utils import timezone

from baton.org.models import Person
from baton.projects import services as projects
from baton.testing import make_project


def last_month() -> dt.date:
    """The first day of the month before this one."""
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def on(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def in_days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def world(w):
    """Two projects of 马巷街道 admitted on the 5th of last month, one of 新店街道 a draft."""
    first = last_month()
    w.p1 = make_project(w, name="新能源电池项目", investment="50000", at=on(first.replace(day=3)))
    w.p2 = make_project(w, name="智能装备项目", investment="30000", at=on(first.replace(day=3), 11))
    for p in (w.p1, w.p2):
        when = on(first.replace(day=5))
        projects.project_submit(project=p, actor=w.promoter, at=when)
        projects.project_review(project=p, actor=w.office, approve=True, at=when)
        projects.project_review(project=p, actor=w.reviewer, approve=True, at=when)
    w.zhang = Person.objects.create(
        name="张敏", title="主任", city=w.city, district=w.district, unit=w.town
    )
    return w
