"""Hostile input on every form and write page (RELIABILITY item 17; issue 8, items 5 and 6).

Every Django form class of the project is found by walking the modules of the installed
Baton apps; each must have its case in ``CASES`` (``test_every_form_has_its_case`` fails
otherwise), so a new form cannot ship untested. For each form, first every listed hostile
value of a field's kind goes into each field alone (the others valid), and into all the
fields of that kind at once; then hypothesis combines hostile values in every field —
unicode of every plane, control characters and NUL, huge strings and numbers, negative and
NaN/Infinity amounts, impossible and extreme dates, SQL-ish text, spreadsheet formulas,
template and script syntax, repeated keys, missing keys — with valid choices so that the
other fields' checks are reached too. Then:

- nothing but validation happens: ``is_valid()``, rendering the bound form and what the
  view does next with a filter form's values (the query) raise nothing;
- every error is Chinese (contains CJK characters);
- a valid form holds no NUL character (PostgreSQL would refuse it later);
- the database is unchanged, row for row (forms only clean; a failed login may record
  its failure in the audit log and the lockout counter, nothing else).

The write pages (and the filter pages) get hostile data through the views — the values most
likely to overflow field by field, then hypothesis: never a 500, and unless the page
answered with the success redirect, nothing written. CI replays the same examples
(``CI`` set: the derandomized profile of ``baton/conftest.py``).
"""

import datetime as dt
import importlib
import inspect
import os
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baton.notices.models import Channel
from baton.projects import services
from baton.projects.listing import project_page
from baton.projects.models import Project
from baton.projects.tests.helpers_views import login
from baton.reports.scopes import scope_choices
from baton.supervision import services as supervision_services
from baton.supervision.models import LeaderAct, Problem
from baton.supervision.selectors import leader_choices, leaders_in_scope, units_in_scope
from baton.testing import make_project, stage, table_contents

# The huge strings are the point; hypothesis warns that printing them is costly.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
FORM_EXAMPLES = 30
VIEW_EXAMPLES = 12

# --- hostile values ---------------------------------------------------------------------

TODAY = timezone.localdate()
#: Typed into any field.
ANYWHERE = [
    "",
    " ",
    "\t\r\n",
    "\x00",
    "项目\x00名称",
    "\x1b[31m红\x1b[0m",
    "\x7f\x08\x0c",
    "\u202e反转文字",
    "\ufeff\u200b\u200d",
    "'; DROP TABLE projects_project; --",
    '" OR 1=1 --',
    "1 OR 1=1",
    "1; SELECT pg_sleep(10)",
    "%",
    "_",
    "%_%",
    "\\",
    "=1+1",
    '=HYPERLINK("http://example.com","点我")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7|add:7 }}{% debug %}",
    "${jndi:ldap://x/a}",
    "../../etc/passwd",
    "😀" * 40,
    "𠀀𠀁𪚥",
    "a" * 10001,
    "中" * 5001,
]
NUMBERS = [
    "NaN",
    "-nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "1e999999999",
    "-1e-999999999",
    "1E+2",
    "0x1F",
    "9" * 400,
    "9" * 5000,
    "-0",
    "-1",
    "0",
    "1.5",
    "1e9",
    "12,000.5",
    "1,2,3",
    "99999999.9999",
    "100000000.0001",
    "0.00001",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "０１２３",
    "１２．５",
    "¹²³",
    "٣٤٥",
    "〇一二",
    "一万",
]
DATES = [
    "0001-01-01",
    "9999-12-31",
    "1899-12-31",
    "1970-01-01",
    "2019-02-29",
    "2020-02-29",
    "2019-13-45",
    "0000-00-00",
    "10000-01-01",
    "-2019-01-01",
    "2019/5/1",
    "2019年5月1日",
    "2019-8-1",
    " 2019-08-01 ",
    "１９９９-０１-０１",
    "2019-08",
    "1970-01-01T00:00:00Z",
    (TODAY + dt.timedelta(days=1)).isoformat(),
    (TODAY + dt.timedelta(days=3650)).isoformat(),
]
CHOICES = [
    "-1",
    "0",
    "1.5",
    "abc",
    "999999999999999999999",
    "１",
    " 1",
    "1 ",
    "approve",
    "return",
    "unit:0",
    "unit:abc",
    "district:999999999999999999999",
    "city:-1",
    "admitted",
    "on",
    "true",
]
#: What the field-by-field sweep types into a text field (hypothesis uses all of ANYWHERE).
TEXTS = [
    "",
    " ",
    "\t\r\n",
    "\x00",
    "项目\x00名称",
    "\x1b[31m红\x1b[0m",
    "\u202e反转文字",
    "a" * 10001,
    "中" * 5001,
    "😀" * 40,
    "𠀀𠀁𪚥",
    "=1+1",
    "'; DROP TABLE projects_project; --",
    "<script>alert(1)</script>",
    "{{ 7|add:7 }}{% debug %}",
]
KIND_VALUES = {"number": NUMBERS, "date": DATES, "choice": CHOICES, "text": TEXTS, "bool": CHOICES}

generated = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "So", "Lo"]), max_size=60),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.dates().map(str),
    st.builds(lambda ch, n: ch * n, st.characters(codec="utf-8"), st.integers(1, 12000)),
)


def nasty(kind: str) -> list[str]:
    return [*KIND_VALUES[kind], *ANYWHERE]


def field_value(kind: str, valid: list[str]):
    """Hostile values for a field of ``kind``, with its own kind's favourites weighted up."""
    mine = st.sampled_from(nasty(kind))
    parts = [mine, mine, st.sampled_from(NUMBERS + DATES + CHOICES), generated]
    if valid:
        parts.append(st.sampled_from(valid))
    return st.one_of(parts)


def payload(fields: dict[str, tuple[str, list[str]]]):
    """Return a strategy of form data: each field missing, one value, or several."""
    entries = {
        name: st.one_of(
            st.none(),
            field_value(kind, valid),
            field_value(kind, valid),
            st.lists(field_value(kind, valid), max_size=3),
        )
        for name, (kind, valid) in fields.items()
    }
    extra = st.dictionaries(
        st.sampled_from(["next", "page", "csrfmiddlewaretoken", "\x00"]),
        field_value("text", []),
        max_size=2,
    )
    return st.tuples(st.fixed_dictionaries(entries), extra).map(_merge)


def _merge(parts) -> dict[str, list[str]]:
    chosen, extra = parts
    data = {k: v if isinstance(v, list) else [v] for k, v in chosen.items() if v is not None}
    for key, value in extra.items():
        data.setdefault(key, [value])
    return data


def sweep(fields: dict[str, tuple[str, list[str]]], kinds=None, *, short=False):
    """Yield form data with hostile values, the other fields valid: each listed value of a
    field's kind in each field alone, then in every field of that kind at once (so that
    paired fields such as a new password and its repetition agree)."""
    base = {name: [valid[0]] for name, (_, valid) in fields.items() if valid}
    by_kind: dict[str, list[str]] = {}
    for name, (kind, _) in fields.items():
        if kinds is None or kind in kinds:
            by_kind.setdefault(kind, []).append(name)
    for kind, names in by_kind.items():
        values = KIND_VALUES[kind] if kind == "text" else [*KIND_VALUES[kind], *TEXTS[:4]]
        if short:
            values = SHORT[kind]
        for name in names:
            for value in values:
                yield {**base, name: [value]}
        if len(names) > 1:
            for value in values:
                yield {**base, **{name: [value] for name in names}}


#: The values the pages get one by one (all of them go through the forms).
SHORT = {
    "number": [
        "NaN",
        "-Infinity",
        "1e999999999",
        "9" * 400,
        "9223372036854775808",
        "-1",
        "1.5",
        "１２",
    ],
    "date": [
        "0001-01-01",
        "9999-12-31",
        "10000-01-01",
        "-2019-01-01",
        "2019-02-29",
        "2019年5月1日",
    ],
    "text": ["a" * 10001, "项目\x00名称"],
    "choice": ["999999999999999999999", "-1", "abc"],
    "bool": [],
}


_DATE_NAMES = ("date", "as_of", "deadline", "start", "end", "signed_on")
_NUMBER_NAMES = ("version", "investment", "amount_min", "amount_max", "land_area_mu")


def kind_of(name: str, f: forms.Field | None) -> str:
    if isinstance(f, forms.DateField) or (f is None and name in _DATE_NAMES):
        return "date"
    if isinstance(f, forms.BooleanField):
        return "bool"
    if isinstance(f, forms.ChoiceField):
        return "choice"
    if isinstance(f, forms.IntegerField | forms.DecimalField) or name in _NUMBER_NAMES:
        return "number"
    return "text"


def field_specs(form: forms.Form | None, names=None) -> dict[str, tuple[str, list[str]]]:
    """Return, for each field, its kind and a few values it would accept."""
    specs = {}
    for name in names or form.fields:
        f = form.fields.get(name) if form is not None else None
        kind = kind_of(name, f)
        if isinstance(f, forms.ModelChoiceField):
            ok = [str(pk) for pk in f.queryset.values_list("pk", flat=True)[:10]]
        elif isinstance(f, forms.ChoiceField):
            ok = [str(key) for key, _ in f.choices if key != ""]
        elif kind == "date":
            ok = [TODAY.isoformat(), (TODAY - dt.timedelta(days=40)).isoformat(), "2019-08-31"]
        elif kind == "bool":
            ok = ["on"]
        elif name == "version":
            ok = ["1", "2"]
        elif kind == "number":
            ok = ["12000.5", "0", "300"]
        elif isinstance(f, forms.FileField):
            ok = []
        else:
            ok = ["厦门示例科技有限公司", "签订框架协议", "123456"]
        specs[name] = (kind, ok)
    return specs


# --- the database, row for row ----------------------------------------------------------


def snapshot(*, skip=frozenset()) -> dict:
    """Return every row of every table the project owns (minus ``skip``), to compare."""
    return table_contents(skip=skip)


#: Written on every request (the idle timeout is refreshed).
SESSIONS = frozenset({"sessions.session"})
AUDITED = frozenset({"audit.auditrecord", "audit.audithead"})
#: A failed login or second factor is recorded, and counted for the lockout.
FAILED_LOGIN = frozenset(
    {
        *AUDITED,
        "axes.accessattempt",
        "axes.accessfailurelog",
        "axes.accesslog",
        "otp_totp.totpdevice",
    }
)


def messages_of(form: forms.Form) -> list[str]:
    return [str(m) for errors in form.errors.values() for m in errors]


def no_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, list | tuple | set):
        return all(no_nul(v) for v in value)
    return True


# --- the world the forms work in --------------------------------------------------------


def objects(w) -> SimpleNamespace:
    o = SimpleNamespace(w=w)
    o.project = make_project(w, name="翔安新能源电池项目", investor="厦门示例科技有限公司")
    o.landed = make_project(w, name="翔安航空物流园", investor="厦门示例物流有限公司")
    services.project_move(
        project=o.landed,
        stage=stage("landed"),
        actor=w.promoter,
        fields={"signed_on": dt.date(2024, 3, 1)},
    )
    o.submitted = make_project(w, name="翔安智能制造基地", investor="厦门示例制造有限公司")
    services.project_submit(project=o.submitted, actor=w.promoter)
    o.problem = supervision_services.problem_open(
        project=o.project,
        actor=w.promoter,
        category=Problem.Category.values[0],
        description="用地指标尚未落实",
        responsible_unit=w.town,
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    o.supervision = supervision_services.supervision_issue(
        project=o.project,
        actor=w.office,
        leader=w.leader_person,
        instruction="两周内协调解决用地",
        deadline=timezone.localdate() + dt.timedelta(days=14),
    )
    supervision_services.leader_act_record(
        project=o.project,
        actor=w.leader,
        leader=w.leader_person,
        kind=LeaderAct.Kind.values[0],
        date=timezone.localdate(),
    )
    from baton.assessment import services as assessment

    o.scheme = assessment.scheme_create(
        district=w.district, name="翔安区招商考核", period_kind="month"
    )
    assessment.scheme_units_set(scheme=o.scheme, members={w.town: "镇街", w.other_town: "镇街"})
    o.request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.9.8.7")
    o.request.session = {}
    return o


# --- the forms --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """How to build one form class (``build(o, data, files)``) and what the view does next."""

    form: str  # "module.Class"
    build: Callable
    then: Callable | None = None  # the view's next step with the form, valid or not
    may_write: frozenset = frozenset()
    label: str = ""

    @property
    def id(self) -> str:
        return self.label or self.form.rsplit(".", 1)[1]


def _pf(name):
    return f"baton.projects.forms.{name}"


def _rf(name):
    return f"baton.projects.forms_review.{name}"


def _sf(name):
    return f"baton.supervision.forms.{name}"


def _cls(path: str):
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def _scope_choices(user):
    return [(key, text) for key, text, _ in scope_choices(user)]


def _list_page(user):
    def then(form, o):
        if form.is_valid():
            data = form.cleaned_data
            page = project_page(
                user=user(o),
                filters=form.filters(),
                sort=data["sort"],
                cursor=data["cursor"] or None,
                size=25,
            )
            list(page.rows)

    return then


def _problems_then(form, o):
    form.is_valid()
    Problem.objects.filter(**form.problem_filters()).count()


def _acts_then(form, o):
    form.is_valid()
    LeaderAct.objects.filter(form.act_filters()).count()


def _audit_then(form, o):
    if form.is_valid():
        list(form.records()[:50])


CASES = [
    Case(_pf("ProjectForm"), lambda o, d, f: _cls(_pf("ProjectForm"))(d, district=o.w.district)),
    Case(
        _pf("ProjectCreateForm"),
        lambda o, d, f: _cls(_pf("ProjectCreateForm"))(d, district=o.w.district, unit=o.w.town),
    ),
    Case(
        _pf("ProjectEditForm"), lambda o, d, f: _cls(_pf("ProjectEditForm"))(d, project=o.project)
    ),
    Case(_pf("VersionForm"), lambda o, d, f: _cls(_pf("VersionForm"))(d)),
    Case(_pf("SubmitForm"), lambda o, d, f: _cls(_pf("SubmitForm"))(d)),
    Case(_pf("MoveForm"), lambda o, d, f: _cls(_pf("MoveForm"))(d, project=o.project)),
    Case(
        _pf("MoveForm"),
        lambda o, d, f: _cls(_pf("MoveForm"))(d, project=o.landed),
        label="MoveForm-landed",
    ),
    Case(_pf("HandoffForm"), lambda o, d, f: _cls(_pf("HandoffForm"))(d, project=o.project)),
    Case(_pf("MilestoneForm"), lambda o, d, f: _cls(_pf("MilestoneForm"))(d, project=o.landed)),
    Case(_pf("NoteForm"), lambda o, d, f: _cls(_pf("NoteForm"))(d)),
    Case(
        _pf("ProjectFilterForm"),
        lambda o, d, f: _cls(_pf("ProjectFilterForm"))(d, user=o.w.office),
        then=_list_page(lambda o: o.w.office),
    ),
    Case(
        _pf("ProjectFilterForm"),
        lambda o, d, f: _cls(_pf("ProjectFilterForm"))(d, user=o.w.reviewer),
        then=_list_page(lambda o: o.w.reviewer),
        label="ProjectFilterForm-city",
    ),
    Case(_rf("ReviewForm"), lambda o, d, f: _cls(_rf("ReviewForm"))(d, has_candidates=True)),
    Case(
        _rf("ReviewForm"),
        lambda o, d, f: _cls(_rf("ReviewForm"))(d, has_candidates=False),
        label="ReviewForm-no-candidates",
    ),
    Case(_sf("ProblemForm"), lambda o, d, f: _cls(_sf("ProblemForm"))(d, district=o.w.district)),
    Case(
        _sf("ProblemUpdateForm"),
        lambda o, d, f: _cls(_sf("ProblemUpdateForm"))(d, problem=o.problem),
    ),
    Case(
        _sf("SupervisionForm"),
        lambda o, d, f: _cls(_sf("SupervisionForm"))(
            d, leaders=leader_choices(project=o.project), problems=o.project.problems.all()
        ),
    ),
    Case(
        _sf("SupervisionForm"),
        lambda o, d, f: _cls(_sf("SupervisionForm"))(
            d, leaders=None, problems=o.project.problems.all()
        ),
        label="SupervisionForm-in-person",
    ),
    Case(
        _sf("SupervisionReportForm"),
        lambda o, d, f: _cls(_sf("SupervisionReportForm"))(d, f),
    ),
    Case(
        "baton.files.forms.AttachmentForm",
        lambda o, d, f: _cls("baton.files.forms.AttachmentForm")(d, f, project=o.landed),
    ),
    Case(
        "baton.files.forms.AttachmentDeleteForm",
        lambda o, d, f: _cls("baton.files.forms.AttachmentDeleteForm")(d),
    ),
    Case(_sf("SupervisionCloseForm"), lambda o, d, f: _cls(_sf("SupervisionCloseForm"))(d)),
    Case(_sf("SupervisionReturnForm"), lambda o, d, f: _cls(_sf("SupervisionReturnForm"))(d)),
    Case(
        _sf("LeaderActForm"),
        lambda o, d, f: _cls(_sf("LeaderActForm"))(d, leaders=leader_choices(project=o.project)),
    ),
    Case(
        _sf("ProblemFilterForm"),
        lambda o, d, f: _cls(_sf("ProblemFilterForm"))(d, units=units_in_scope(o.w.office)),
        then=_problems_then,
    ),
    Case(
        _sf("LeaderActFilterForm"),
        lambda o, d, f: _cls(_sf("LeaderActFilterForm"))(d, leaders=leaders_in_scope(o.w.office)),
        then=_acts_then,
    ),
    Case(
        "baton.accounts.forms.LoginForm",
        lambda o, d, f: _cls("baton.accounts.forms.LoginForm")(o.request, data=d),
        may_write=FAILED_LOGIN,
    ),
    Case(
        "baton.accounts.forms.TokenForm", lambda o, d, f: _cls("baton.accounts.forms.TokenForm")(d)
    ),
    Case(
        "baton.accounts.admin.BusinessUserForm",
        lambda o, d, f: _cls("baton.accounts.admin.BusinessUserForm")(d, instance=o.w.promoter),
    ),
    Case(
        "baton.accounts.forms.EnrolmentCodeForm",
        lambda o, d, f: _cls("baton.accounts.forms.EnrolmentCodeForm")(d),
    ),
    Case(
        "baton.accounts.forms.ChangePasswordForm",
        lambda o, d, f: _cls("baton.accounts.forms.ChangePasswordForm")(o.w.promoter, data=d),
    ),
    Case(
        "baton.audit.forms.AuditSearchForm",
        lambda o, d, f: _cls("baton.audit.forms.AuditSearchForm")(d),
        then=_audit_then,
    ),
    Case(
        "baton.ledger.forms.LedgerUploadForm",
        lambda o, d, f: _cls("baton.ledger.forms.LedgerUploadForm")(d, f),
    ),
    Case(
        "baton.ledger.forms.LedgerExportForm",
        lambda o, d, f: _cls("baton.ledger.forms.LedgerExportForm")(d),
    ),
    Case(
        "baton.reports.forms.MonthlyForm",
        lambda o, d, f: _cls("baton.reports.forms.MonthlyForm")(
            d, choices=_scope_choices(o.w.office)
        ),
    ),
    Case(
        "baton.reports.forms.WorkForm",
        lambda o, d, f: _cls("baton.reports.forms.WorkForm")(d, choices=_scope_choices(o.w.office)),
    ),
    Case(
        "baton.reports.forms.PackForm",
        lambda o, d, f: _cls("baton.reports.forms.PackForm")(d, choices=_scope_choices(o.w.office)),
    ),
    Case(
        "baton.projects.forms_handoff.HandoffAcceptForm",
        lambda o, d, f: _cls("baton.projects.forms_handoff.HandoffAcceptForm")(d),
    ),
    Case(
        "baton.projects.forms_handoff.HandoffDeclineForm",
        lambda o, d, f: _cls("baton.projects.forms_handoff.HandoffDeclineForm")(d),
    ),
    Case(
        "baton.projects.forms_handoff.HandoffWithdrawForm",
        lambda o, d, f: _cls("baton.projects.forms_handoff.HandoffWithdrawForm")(d),
    ),
    Case(
        "baton.notices.forms.ChannelForm",
        lambda o, d, f: _cls("baton.notices.forms.ChannelForm")(
            d, instance=Channel(district=o.w.district)
        ),
    ),
    Case(
        "baton.notices.admin.ChannelAdminForm",
        lambda o, d, f: _cls("baton.notices.admin.ChannelAdminForm")(d),
    ),
    Case(
        "baton.reports.forms.PublishForm",
        lambda o, d, f: _cls("baton.reports.forms.PublishForm")(
            d, choices=_scope_choices(o.w.reviewer)
        ),
    ),
]


def _simple(path: str) -> Case:
    """A form built from its data alone."""
    return Case(path, lambda o, d, f: _cls(path)(d, files=f))


#: Values outside the catalogues as the import's preview offers them (one of each kind).
UNKNOWN = [
    {
        "key": "industry",
        "column": "行业",
        "value": "集成电路",
        "count": 2,
        "choices": ["新能源"],
        "addable": True,
    },
    {
        "key": "unit",
        "column": "责任单位",
        "value": "上海片区",
        "count": 1,
        "choices": ["马巷街道"],
        "addable": True,
    },
    {
        "key": "stage",
        "column": "项目阶段",
        "value": "洽谈中",
        "count": 1,
        "choices": ["在谈"],
        "addable": False,
    },
]
_co = "baton.companies.forms."
CASES += [
    *(_simple(_co + name) for name in ("CompanyForm", "SearchForm", "ImportForm")),
    Case(
        _co + "MergeForm",
        lambda o, d, f: _cls(_co + "MergeForm")(
            d, companies=_cls("baton.companies.models.Company").objects.all()
        ),
    ),
    Case(
        "baton.ledger.forms.UnknownValuesForm",
        lambda o, d, f: _cls("baton.ledger.forms.UnknownValuesForm")(
            d, unknown=UNKNOWN, may_add=True
        ),
    ),
    *(
        Case(
            "baton.reports.forms." + name,
            lambda o, d, f, name=name: _cls("baton.reports.forms." + name)(
                d, choices=_scope_choices(o.w.office)
            ),
        )
        for name in ("NotesForm", "PublishedMonthForm")
    ),
    Case("baton.org.admin.UnitForm", lambda o, d, f: _cls("baton.org.admin.UnitForm")(d)),
]


def _in_scope(o):
    return Project.objects.filter(district=o.w.district)


def _parcel_then(form, o):
    if form.is_valid():
        from baton.land.selectors import parcel_list

        list(parcel_list(user=o.w.office, filters=form.filters()))


_ac = "baton.accounts.forms."
_land = "baton.land.forms."
_as = "baton.assessment.forms."
_as_ranks = "baton.assessment.forms_rankings."
_as_figures = "baton.assessment.forms_figures."
CASES += [
    *(_simple(_ac + name) for name in ("UserFilterForm", "AreaForm", "UserCreateForm")),
    *(_simple(_ac + name) for name in ("RoleChangeForm", "ActiveForm", "ConfirmForm")),
    _simple(_ac + "UnlockForm"),
    Case(
        _land + "ParcelFilterForm",
        lambda o, d, f: _cls(_land + "ParcelFilterForm")(d, user=o.w.office),
        then=_parcel_then,
    ),
    Case(
        _land + "ReserveForm", lambda o, d, f: _cls(_land + "ReserveForm")(d, projects=_in_scope(o))
    ),
    _simple(_land + "ReleaseForm"),
    Case(
        _land + "StatusForm",
        lambda o, d, f: _cls(_land + "StatusForm")(
            d, moves=_cls("baton.land.models.Parcel").Status.values
        ),
    ),
    Case(_land + "MatchForm", lambda o, d, f: _cls(_land + "MatchForm")(d, projects=_in_scope(o))),
    _simple(_land + "ImportForm"),
    *(_simple(_as + name) for name in ("SchemeForm", "IndicatorForm", "ConfirmForm")),
    *(
        Case(path, lambda o, d, f, path=path: _cls(path)(d, scheme=o.scheme))
        for path in (
            _as + "UnitsForm",
            "baton.assessment.forms_targets.TargetsForm",
            *(_as_ranks + name for name in ("PeriodForm", "RankForm", "ManualScoreForm")),
        )
    ),
    Case(
        _as_figures + "EnteredFactForm",
        lambda o, d, f: _cls(_as_figures + "EnteredFactForm")(
            d, units=list(o.w.district.units.all())
        ),
    ),
    _simple(_as_figures + "EnteredUploadForm"),
    Case(
        "baton.reports.views_cockpit.CockpitForm",
        lambda o, d, f: _cls("baton.reports.views_cockpit.CockpitForm")(
            d, choices=_scope_choices(o.w.office)
        ),
    ),
]

# 政策兑现 (issue 18): the list's filters, receiving an application and its steps.
_pd = "baton.policies.forms_delivery."
CASES += [
    *(
        _simple(_pd + name)
        for name in ("FilterForm", "DayForm", "ApproveForm", "ReasonForm", "TextForm")
    ),
    _simple(_pd + "DeliverForm"),
    Case(
        _pd + "ReceiveForm",
        lambda o, d, f: _cls(_pd + "ReceiveForm")(
            d, clauses=_cls("baton.policies.models.Clause").objects.all()
        ),
    ),
    Case(_pd + "PayForm", lambda o, d, f: _cls(_pd + "PayForm")(d, instalments=())),
    Case(
        _pd + "InstalmentReasonForm",
        lambda o, d, f: _cls(_pd + "InstalmentReasonForm")(d, instalments=()),
    ),
]

_le = "baton.leads.forms."
_ch = "baton.chains.forms."


def _district_units(o):
    return _cls("baton.org.models.Unit").objects.filter(district=o.w.district)


def _companies(o):
    return _cls("baton.companies.models.Company").objects.all()


def _nodes(o):
    return _cls("baton.chains.models.ChainNode").objects.all()


# 投资信息, 产业链图谱 and the 线索台账 upload (issue 17).
CASES += [
    *(
        _simple(_le + name)
        for name in (
            "ArbitrateForm",
            "AssessForm",
            "ConvertForm",
            "EditForm",
            "FigureForm",
            "LeadForm",
            "RespondForm",
            "SettingsForm",
            "TextForm",
        )
    ),
    *(
        Case(_le + name, lambda o, d, f, name=name: _cls(_le + name)(d, units=_district_units(o)))
        for name in ("FilterForm", "ReassignForm", "RegisterForm")
    ),
    *(_simple(_ch + name) for name in ("ChainForm", "DeleteForm")),
    Case(_ch + "NodeForm", lambda o, d, f: _cls(_ch + "NodeForm")(d, nodes=_nodes(o))),
    Case(_ch + "TargetForm", lambda o, d, f: _cls(_ch + "TargetForm")(d, companies=_companies(o))),
    Case(
        _ch + "SupplierForm",
        lambda o, d, f: _cls(_ch + "SupplierForm")(d, companies=_companies(o), nodes=_nodes(o)),
    ),
    _simple("baton.ledger.forms.LeadLedgerForm"),
]


# 招商活动 (issue 19): the list's filter, an activity, its signed list, the plan, the import.
_ac = "baton.activities.forms."


def _leaders(o):
    return _cls("baton.org.models.Person").objects.exclude(level="staff")


CASES += [
    *(_simple(_ac + name) for name in ("RemoveForm", "SettingsForm", "ImportForm")),
    *(
        Case(_ac + name, lambda o, d, f, name=name: _cls(_ac + name)(d, units=_district_units(o)))
        for name in ("FilterForm", "PlanItemForm")
    ),
    Case(
        _ac + "ActivityForm",
        lambda o, d, f: _cls(_ac + "ActivityForm")(
            d, units=_district_units(o), companies=_companies(o), leaders=_leaders(o)
        ),
    ),
    Case(
        _ac + "SigningForm",
        lambda o, d, f: _cls(_ac + "SigningForm")(
            d, projects=_in_scope(o), companies=_companies(o)
        ),
    ),
]


# 政策测算 (issue 18): the what-if's facts, the facts added to a project or a lead, the picker.
_pc = "baton.policies.forms_calculator."
CASES += [_simple(_pc + name) for name in ("FactsForm", "WhatIfForm", "PickForm")]


# 政策梳理分析 (issue 18): the page's date, year and the line it opens.
CASES += [_simple("baton.policies.forms_analysis.AnalysisForm")]


# 政策库: the list's filters, a review conclusion, publishing (issue 18).
_po = "baton.policies.forms."


def _policy_list_then(form, o):
    from baton.policies.selectors import policy_rows

    form.is_valid()
    list(policy_rows(form.filters()))


CASES += [
    Case(_po + "FilterForm", lambda o, d, f: _cls(_po + "FilterForm")(d), then=_policy_list_then),
    *(_simple(_po + name) for name in ("ReviewForm", "PublishForm")),
]


# 外出招商 and 来访接待 (issue 19): the lists' and the 考勤 page's filters, a trip, a
# reception, the trip report, a lead produced and the ledger upload.
_vi = "baton.visits.forms."
CASES += [
    *(
        Case(_vi + name, lambda o, d, f, name=name: _cls(_vi + name)(d, units=_district_units(o)))
        for name in ("FilterForm", "MonthForm")
    ),
    *(
        Case(
            _vi + name,
            lambda o, d, f, name=name: _cls(_vi + name)(
                d, district=o.w.district, units=_district_units(o)
            ),
        )
        for name in ("TripForm", "ReceptionForm")
    ),
    Case(_vi + "LeadForm", lambda o, d, f: _cls(_vi + "LeadForm")(d, companies=_companies(o))),
    *(_simple(_vi + name) for name in ("ReportForm", "ImportForm", "SettingsForm")),
]


# 中介机构与引荐人 (issue 19): 备案 and its edit, the agreement, a claim and its decisions,
# the reward's steps, the district's rules, the lists' filters and the register's upload.
_im = "baton.intermediaries.forms."
CASES += [
    *(
        _simple(_im + name)
        for name in (
            "IntermediaryForm", "AgreementForm", "ReasonForm", "ConfirmForm", "ApproveForm",
            "PublicizeForm", "SettingsForm", "FilterForm", "ClaimFilterForm", "ImportForm",
        )
    ),
    Case(
        _im + "ClaimForm",
        lambda o, d, f: _cls(_im + "ClaimForm")(
            d, intermediaries=_cls("baton.intermediaries.models.Intermediary").objects.all()
        ),
    ),
    Case(
        _im + "RewardForm",
        lambda o, d, f: _cls(_im + "RewardForm")(
            d, clauses=_cls("baton.policies.models.Clause").objects.all()
        ),
    ),
    Case(
        _im + "PayForm",
        lambda o, d, f: _cls(_im + "PayForm")(
            d, instalments=_cls("baton.policies.models.Instalment").objects.all()
        ),
    ),
]  # fmt: skip


# 月例会 (issue 21): the meeting's details, an agenda item, attendance, the minutes, a
# decision and its closing, a step's version.
_mt = "baton.meetings.forms."
CASES += [
    *(
        _simple(_mt + name)
        for name in ("VersionForm", "AgendaItemForm", "MinutesForm", "CloseForm")
    ),
    *(
        Case(_mt + name, lambda o, d, f, name=name: _cls(_mt + name)(d, district=o.w.district))
        for name in ("MeetingForm", "AttendanceForm", "DecisionForm")
    ),
]


# 履约与效益 (issue 21): a promise, a period's results, the office's check, the figures'
# date and the statistics bureau's upload.
_oc = "baton.outcomes.forms."
CASES += [
    _simple(_oc + name)
    for name in ("PromiseForm", "ResultForm", "CheckForm", "AsOfForm", "ImportForm")
]


# 读新闻 (issue 22): the text to read (or its upload), a company put in the queue, and
# the office's decisions on a draft: accept into a lead, merge into one, discard.
_nw = "baton.news.forms."
CASES += [
    *(
        Case(
            _nw + name,
            lambda o, d, f, name=name: _cls(_nw + name)(d, files=f),
            label=f"news.{name}",
        )
        for name in ("ReadForm", "DraftForm", "DiscardForm")
    ),
    Case(
        _nw + "AcceptForm",
        lambda o, d, f: _cls(_nw + "AcceptForm")(d, units=_district_units(o)),
        label="news.AcceptForm",
    ),
    Case(
        _nw + "MergeForm",
        lambda o, d, f: _cls(_nw + "MergeForm")(
            d, leads=_cls("baton.leads.models.Lead").objects.all()
        ),
        label="news.MergeForm",
    ),
]


def project_forms() -> set[str]:
    """Return every form class defined in a module of an installed Baton app."""
    found = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("baton."):
            continue
        for module in pkgutil.walk_packages([config.path], prefix=f"{config.name}."):
            parts = module.name.split(".")
            if {"tests", "migrations", "management"} & set(parts):
                continue
            loaded = importlib.import_module(module.name)
            for name, obj in vars(loaded).items():
                if (
                    inspect.isclass(obj)
                    and issubclass(obj, forms.BaseForm)
                    and obj.__module__ == loaded.__name__
                    and not name.startswith("_")
                ):
                    found.add(f"{loaded.__name__}.{name}")
    return found


def test_every_form_has_its_case():
    assert project_forms() == {case.form for case in CASES}


hostile_file = st.tuples(
    st.one_of(
        st.sampled_from(
            ["台账.xlsx", "a.XLSX", "x.xls", ".xlsx", "台账.xlsx.exe", "a" * 300 + ".xlsx"]
        ),
        field_value("text", []),
    ),
    st.one_of(st.just(b""), st.binary(max_size=200), st.just(b"PK\x03\x04" + b"\x00" * 50)),
)


def upload(name: str, content: bytes) -> MultiValueDict:
    name = os.path.basename(name)[:200]  # what the upload parser keeps of a file name
    name = name if name not in ("", ".", "..") else "台账.xlsx"
    return MultiValueDict({"file": [SimpleUploadedFile(name, content)]})


def check_form(case: Case, o, data: dict, files: MultiValueDict, *, render=True) -> None:
    """Validate hostile data as the view would, and check what comes out."""
    with translation.override("zh-hans"):
        form = case.build(o, MultiValueDict(data), files)
        valid = form.is_valid()
        if render:
            str(form)  # the page shows the bound form again
        if valid:
            assert no_nul(list(form.cleaned_data.values())), form.cleaned_data
        else:
            errors = messages_of(form)
            assert errors
            assert all(CJK.search(m) for m in errors), errors
        if case.then is not None:
            try:
                case.then(form, o)
            except ValidationError as exc:
                assert all(CJK.search(m) for m in exc.messages), exc.messages


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_hostile_input_is_refused_in_chinese_and_writes_nothing(w, case):
    o = objects(w)
    fields = field_specs(case.build(o, None, None))
    before = snapshot(skip=case.may_write)
    # Every listed hostile value in every field, the others valid ...
    for data in sweep(fields):
        check_form(case, o, data, upload("台账.xlsx", b"PK\x03\x04"), render=False)

    # ... then hostile values in all fields at once, as hypothesis combines them.
    @settings(max_examples=FORM_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=payload(fields), file=hostile_file)
    def check(data, file):
        check_form(case, o, data, upload(*file))

    check()
    assert snapshot(skip=case.may_write) == before


# --- the write pages --------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A write page: its URL, who posts, the form fields to fill (and GET filter pages)."""

    name: str
    url: Callable
    who: str
    fields: tuple
    method: str = "post"
    may_write: frozenset = frozenset()

    @property
    def id(self) -> str:
        return self.name


#: The fields of the project forms: those the services let a user change.
PROJECT_FIELDS = services.EDITABLE_FIELDS


def _code(key):
    return lambda o, name: reverse(name, args=[getattr(o, key).code])


PAGES = [
    Page(
        "projects:create",
        lambda o, n: reverse(n),
        "promoter",
        (*PROJECT_FIELDS, "stage", "signed_on"),
    ),
    Page("projects:edit", _code("project"), "promoter", (*PROJECT_FIELDS, "version", "reason")),
    Page("projects:submit", _code("project"), "promoter", ("version",)),
    Page(
        "projects:move",
        _code("project"),
        "promoter",
        ("version", "stage", "reason", "investor", "signed_on"),
    ),
    Page(
        "projects:handoff",
        _code("project"),
        "promoter",
        ("version", "to_unit", "reason", "relay_role", "keep_as_co_unit"),
    ),
    Page("projects:milestone", _code("landed"), "promoter", ("kind", "date", "note")),
    Page("projects:note", _code("project"), "promoter", ("text",)),
    Page("files:new", _code("landed"), "promoter", ("kind", "milestone", "label")),
    Page(
        "projects:review",
        _code("submitted"),
        "office",
        ("decision", "reason", "not_duplicate", "version"),
    ),
    Page(
        "supervision:problem_new",
        _code("project"),
        "promoter",
        ("category", "description", "responsible_unit", "deadline"),
    ),
    Page(
        "supervision:problem_update",
        lambda o, n: reverse(n, args=[o.problem.pk]),
        "promoter",
        ("status", "note"),
    ),
    Page(
        "supervision:supervision_new",
        _code("project"),
        "office",
        ("leader", "problem", "instruction", "deadline"),
    ),
    Page(
        "supervision:supervision_report",
        lambda o, n: reverse(n, args=[o.supervision.pk]),
        "promoter",
        ("response",),
    ),
    Page(
        "supervision:supervision_close",
        lambda o, n: reverse(n, args=[o.supervision.pk]),
        "office",
        ("note", "confirm"),
    ),
    Page(
        "supervision:supervision_return",
        lambda o, n: reverse(n, args=[o.supervision.pk]),
        "office",
        ("reason",),
    ),
    Page("supervision:leader_act_new", _code("project"), "leader", ("kind", "date", "note")),
    Page("reports:monthly_publish", lambda o, n: reverse(n), "reviewer", ("scope", "as_of")),
    Page(
        "activities:new",
        lambda o, n: reverse(n),
        "promoter",
        ("unit", "kind", "title", "organizer", "start_on", "end_on", "place", "budget", "cost"),
    ),
    Page(
        "activities:plan",
        lambda o, n: reverse(n) + "?year=2027",
        "promoter",
        ("unit", "kind", "title", "month", "place", "budget"),
    ),
    Page(
        "accounts:password_change",
        lambda o, n: reverse(n),
        "promoter",
        ("old_password", "new_password1", "new_password2"),
    ),
    Page(
        "accounts:login",
        lambda o, n: reverse(n),
        "",
        ("username", "password", "next"),
        may_write=FAILED_LOGIN,
    ),
    Page(
        "projects:list",
        lambda o, n: reverse(n),
        "reviewer",
        (
            "q",
            "district",
            "unit",
            "stage",
            "report_group",
            "review_state",
            "industry",
            "leader",
            "amount_min",
            "amount_max",
            "sort",
            "cursor",
        ),
        method="get",
    ),
    Page(
        "supervision:problems",
        lambda o, n: reverse(n),
        "office",
        ("status", "category", "unit", "overdue", "page", "spage"),
        method="get",
    ),
    Page(
        "supervision:leader_acts",
        lambda o, n: reverse(n),
        "office",
        ("leader", "kind", "month", "q", "page"),
        method="get",
    ),
    Page("reports:monthly", lambda o, n: reverse(n), "office", ("scope", "as_of"), method="get"),
    Page(
        "reports:work",
        lambda o, n: reverse(n),
        "office",
        ("scope", "as_of", "period"),
        method="get",
    ),
    Page(
        "ledger:export",
        lambda o, n: reverse(n),
        "office",
        ("layout", "as_of", "q", "stage", "sort"),
        method="get",
        may_write=AUDITED,  # every export is audited
    ),
    Page(
        "audit:log",
        lambda o, n: reverse(n),
        "audit_admin",
        ("start", "end", "user", "event", "outcome", "object", "page"),
        method="get",
    ),
]


def _meeting(o, name):
    """The address of ``name`` on the district's meeting (opened once, by the office)."""
    if not hasattr(o, "meeting"):
        from baton.meetings import services as meetings

        o.meeting = meetings.meeting_create(actor=o.w.office)
    return reverse(name, args=[o.meeting.pk])


PAGES += [
    Page("meetings:edit", _meeting, "office", ("title", "date", "time", "place", "chair")),
    Page("meetings:attendance_new", _meeting, "office", ("unit", "person", "present", "reason")),
    Page(
        "meetings:decision_new",
        _meeting,
        "office",
        ("text", "project", "owner_person", "owner_unit", "deadline"),
    ),
]

PAGES += [
    Page(
        "outcomes:promise_new",
        _code("landed"),
        "promoter",
        ("kind", "target", "due_on", "check_on", "clause", "note"),
    ),
    Page(
        "outcomes:result_new",
        _code("landed"),
        "promoter",
        ("year", "quarter", "investment", "output", "tax", "jobs", "source", "note"),
    ),
    Page("outcomes:figures", lambda o, n: reverse(n), "office", ("as_of",), method="get"),
]

PAGES += [
    Page(
        "assessment:figures",
        lambda o, n: reverse(n),
        "office",
        ("unit", "name", "period", "value", "source", "reason"),
    )
]

PAGES += [Page("news:read", lambda o, n: reverse(n), "promoter", ("text", "title", "source_url"))]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.id)
def test_hostile_posts_to_a_page_never_give_a_500_nor_a_partial_write(w, page):
    o = objects(w)
    client = Client()
    if page.who:
        login(client, getattr(w, page.who))
    url = page.url(o, page.name)
    opened = client.get(url)
    assert opened.status_code < 500
    form = opened.context.get("form") if opened.context else None
    fields = field_specs(form, page.fields)
    skip = SESSIONS | page.may_write

    def send(data):
        before = snapshot(skip=skip)
        response = client.get(url, data) if page.method == "get" else client.post(url, data)
        assert response.status_code < 500, (response.status_code, data)
        if page.method == "get" or response.status_code != 302:
            assert snapshot(skip=skip) == before, data

    # The values most likely to overflow on their way to a query, field by field ...
    for data in sweep(fields, short=True):
        send(data)

    # ... then everything at once, as hypothesis combines it.
    @settings(max_examples=VIEW_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=payload(fields))
    def check(data):
        send(data)

    check()
