"""Factories and the named personas shared by every test.

The world: 厦门市 with 翔安区 (two-level review) and 同安区 (one-level review).
翔安区 has two towns (马巷街道, 新店街道), a department, a headquarters and its office.

Personas (the healthchecks alice/bob way):
- ``promoter``: 马巷街道's promoter (unit_staff)
- ``other_promoter``: 新店街道's promoter (unit_staff), must not see 马巷's projects
- ``office``: 翔安区招商办 (district_office)
- ``reviewer``: 厦门市招商办 (city_reviewer)
- ``leader``: a 翔安 district leader
- ``sys_admin``, ``sec_admin``, ``audit_admin``: the three separated administrators
"""

import contextlib
import datetime as dt
import fcntl
import itertools
import os
import secrets
import tempfile
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.utils import timezone

from baton.accounts.models import User
from baton.org.models import City, District, Person, Unit
from baton.projects import services
from baton.projects.models import Industry, Stage

_seq = itertools.count(1)


def test_password() -> str:
    return f"Tt-{secrets.token_hex(6)}"


test_password.__test__ = False  # type: ignore[attr-defined]  # a helper that pytest must not collect


def make_user(role: str, *, username: str | None = None, **area) -> User:
    user = User(username=username or f"{role}{next(_seq)}", role=role, **area)
    user.set_password(test_password())
    user.save()
    return user


def stage(code: str) -> Stage:
    return Stage.objects.get(code=code)


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    """Return an aware datetime in the deployment's zone (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def make_world() -> SimpleNamespace:
    city = City.objects.create(code="3502", name="厦门市", short_name="厦门")
    xiangan = District.objects.create(city=city, code="350213", name="翔安区", review_levels=2)
    tongan = District.objects.create(city=city, code="350212", name="同安区", review_levels=1)
    w = SimpleNamespace(city=city, district=xiangan, other_district=tongan)
    w.town = Unit.objects.create(district=xiangan, name="马巷街道", kind=Unit.Kind.TOWN, order=1)
    w.other_town = Unit.objects.create(
        district=xiangan, name="新店街道", kind=Unit.Kind.TOWN, order=2
    )
    w.department = Unit.objects.create(
        district=xiangan, name="区工信局", kind=Unit.Kind.DEPARTMENT, order=3
    )
    w.headquarters = Unit.objects.create(
        district=xiangan, name="新机场片区指挥部", kind=Unit.Kind.HEADQUARTERS, order=4
    )
    w.office_unit = Unit.objects.create(
        district=xiangan, name="翔安区招商办", kind=Unit.Kind.OFFICE, order=5
    )
    w.tongan_unit = Unit.objects.create(
        district=tongan, name="同安区招商办", kind=Unit.Kind.OFFICE, order=1
    )
    w.leader_person = Person.objects.create(
        name="陈立新",
        title="区长",
        level=Person.Level.DISTRICT_LEADER,
        city=city,
        district=xiangan,
    )
    w.industry = Industry.objects.get(name="新能源")
    w.promoter = make_user(User.Role.UNIT_STAFF, username="mx_promoter", unit=w.town)
    w.other_promoter = make_user(User.Role.UNIT_STAFF, username="xd_promoter", unit=w.other_town)
    w.office = make_user(User.Role.DISTRICT_OFFICE, username="xa_office", district=xiangan)
    w.tongan_office = make_user(User.Role.DISTRICT_OFFICE, username="ta_office", district=tongan)
    w.reviewer = make_user(User.Role.CITY_REVIEWER, username="xm_reviewer", city=city)
    w.leader = make_user(
        User.Role.LEADER, username="xa_leader", district=xiangan, person=w.leader_person
    )
    w.sys_admin = make_user(User.Role.SYS_ADMIN, username="sysadmin")
    w.sec_admin = make_user(User.Role.SEC_ADMIN, username="secadmin")
    w.audit_admin = make_user(User.Role.AUDIT_ADMIN, username="auditadmin")
    return w


def make_project(w, *, unit=None, actor=None, name=None, investment="10000", **kwargs):
    """Create a draft project in 翔安区 held by 马巷街道 unless told otherwise."""
    unit = unit or w.town
    return services.project_create(
        actor=actor or w.promoter,
        district=unit.district,
        unit=unit,
        name=name or f"测试项目{next(_seq)}",
        investment=Decimal(investment),
        **kwargs,
    )


def admit(w, project, *, when=None):
    """Take a project through submit → district approval → city admission."""
    services.project_submit(project=project, actor=w.promoter, at=when)
    services.project_review(project=project, actor=w.office, approve=True, at=when)
    if project.review_state != "admitted":
        services.project_review(project=project, actor=w.reviewer, approve=True, at=when)
    return project


def add_coordinating(w) -> SimpleNamespace:
    """Add a 协调部门 to 翔安区 with its staff: ``w.coord_unit`` (自然资源局) and
    ``w.coordinator`` (unit_staff of it), who see only the problems assigned to them."""
    w.coord_unit = Unit.objects.create(
        district=w.district, name="自然资源局", kind=Unit.Kind.COORDINATING, order=9
    )
    w.coordinator = make_user(User.Role.UNIT_STAFF, username="zr_coordinator", unit=w.coord_unit)
    return w


def database_url() -> str:
    """The test database as a server process or a script reaches it (``DATABASE_URL``)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = s["HOST"] or "127.0.0.1"
    return f"postgres://{s['USER']}{password}@{host}:{s['PORT'] or 5432}/{s['NAME']}"


def signed_in_cookie(user: User) -> dict[str, str]:
    """A session cookie for ``user``, as a login through the page would leave (the
    session saved and recorded), for a client of a real server process."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import login
    from django.http import HttpRequest

    from baton.accounts.services import session_record

    request = HttpRequest()
    request.META.update(REMOTE_ADDR="127.0.0.1", HTTP_USER_AGENT="baton-test")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    login(request, user, backend="baton.accounts.backends.UserBackend")
    request.session.save()
    session_record(request=request, user=user)
    return {settings.SESSION_COOKIE_NAME: request.session.session_key}


def redis_test_url(database: int) -> str:
    """Return the Redis URL of ``database`` for this test process: each xdist worker gets
    its own (``database``, ``database + 8``), so that the two workers of a run never wait
    for each other's lock; ``redis_database`` still keeps two runs on one machine apart."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    return f"redis://127.0.0.1:6379/{database + 8 * (index % 2)}"


@contextlib.contextmanager
def redis_database(url: str):
    """Hold Redis database ``url`` alone while a test flushes and fills it.

    The suites on SQLite and on PostgreSQL, and the workers of each, may run at the same
    time on one machine with one Redis; a test that empties its database must not empty
    it under another's feet. A lock file per database, held by the test's process, makes
    the tests that use it take turns (the lock goes with the process if it dies)."""
    name = url.rstrip("/").rsplit("/", 1)[-1]
    path = Path(tempfile.gettempdir()) / f"baton-test-redis-{name}.lock"
    with path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def table_contents(*, skip: frozenset[str] = frozenset()) -> dict[str, str]:
    """Return every row of every table the project owns (minus the models labelled in
    ``skip``), each table as one text in primary-key order, read in one query.

    Two calls compare equal exactly when no row was added, removed or changed in between;
    reading each table through the ORM took two hundred queries a call, and the hostile-
    input tests call it twice for every request they send.
    """
    quote = connection.ops.quote_name
    labels, selects = [], []
    for model in apps.get_models():
        meta = model._meta
        if not meta.managed or meta.proxy or meta.label_lower in skip:
            continue
        table, pk = quote(meta.db_table), quote(meta.pk.column)
        if connection.vendor == "postgresql":
            rows = f"SELECT string_agg(t::text, E'\\n' ORDER BY t.{pk}) FROM {table} t"  # noqa: S608 — names from the model registry, quoted
        else:
            row = " || ',' || ".join(f"quote({quote(f.column)})" for f in meta.concrete_fields)
            rows = f"SELECT group_concat(r, char(10)) FROM (SELECT {row} AS r FROM {table} ORDER BY {pk})"  # noqa: S608
        labels.append(meta.label_lower)
        selects.append(f"SELECT {len(selects)}, ({rows})")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects))
        found = dict(cursor.fetchall())
    return {label: found[index] or "" for index, label in enumerate(labels)}
