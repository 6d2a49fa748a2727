"""A world for the tests of trips and receptions: people, two companies, a project."""

import datetime as dt

from django.utils import timezone

from baton.companies import services as companies
from baton.companies.tests.helpers import BYD, CATL
from baton.org.models import Person

from .. import services


def people(w):
    w.zhang = Person.objects.create(
        name="张敏", title="科员", city=w.city, district=w.district, unit=w.town
    )
    w.li = Person.objects.create(
        name="李强", title="副主任", city=w.city, district=w.district, unit=w.town
    )
    w.wang = Person.objects.create(
        name="王芳", title="科员", city=w.city, district=w.district, unit=w.other_town
    )
    return w


def two_companies(w):
    w.catl = companies.company_create(
        actor=w.office, district=w.district, name="宁德时代新能源科技股份有限公司", uscc=CATL
    )
    w.byd = companies.company_create(
        actor=w.office, district=w.district, name="比亚迪股份有限公司", uscc=BYD
    )
    return w


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def trip(w, actor=None, **values):
    values = {
        "title": "赴深圳拜访新能源企业",
        "start": days_ago(20),
        "end": days_ago(18),
        "destinations": "深圳",
        "members": [w.zhang, w.li],
        "leaders": [w.leader_person],
        "companies": [w.catl, w.byd],
        **values,
    }
    return services.trip_create(actor=actor or w.promoter, **values)
