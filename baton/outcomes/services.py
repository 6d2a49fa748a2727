"""Writes of promises and results, the check that states each promise, and the payment
guard.

Every function checks who may (``rules``), validates everything before it saves and
writes its ``OutcomeEvent`` (old and new values) in the same transaction; a refusal raises
``ValidationError`` (by field where it names one), ``PermissionDenied`` or, for a stale
``expected_version``, ``ConflictError``, and writes nothing. ``actor`` None is the server
itself (the command, the demo). The pages, the API, the import and the command all come
here, so the rules are the same on every path.

After a write the project's promises are evaluated again as of today; a promise found
broken raises, once, a problem (``supervision.services.problem_open``) for the project's
responsible unit, and holds the project's policy payments while it stays broken
(``pay_guard``, registered in ``PAY_GUARDS`` by ``apps.ready``).
"""

import datetime as dt
import logging
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from baton.accounts.models import User
from baton.core.dates import local_date
from baton.core.messages import fill_in, too_long
from baton.core.money import plain, to_wan
from baton.org.models import District
from baton.policies.models import Application
from baton.projects.models import Project
from baton.projects.rules import event_time
from baton.projects.services import ConflictError
from baton.supervision import services as supervision
from baton.supervision.models import Problem

from . import measure, rules
from .models import OutcomeEvent, Promise, Result

Kind = OutcomeEvent.Kind
Status = Promise.Status

#: The days a raised problem gives the responsible unit.
log = logging.getLogger(__name__)

PROBLEM_DAYS = 30
MAX_JOBS = 1_000_000
EARLIEST_YEAR = 2000

#: The fields of a promise a form or an API call gives.
PROMISE_FIELDS = ("kind", "target", "due_on", "check_on", "clause", "note")
RESULT_FIGURES = ("investment", "output", "tax", "jobs")


# --- cleaning ------------------------------------------------------------------------------


def _text(value: Any, label: str, limit: int) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise ValidationError(too_long(limit, label))
    return text


def _day(value: Any, label: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError(fill_in(label))
    if not EARLIEST_YEAR <= value.year <= 2100:
        raise ValidationError(f"{label}应在 {EARLIEST_YEAR} 年至 2100 年之间。")
    return value


def _jobs(value: Any, label: str = "就业人数") -> int:
    number: Decimal | None = None
    if not isinstance(value, bool) and not (isinstance(value, float) and not value.is_integer()):
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            number = None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        raise ValidationError(f"{label}应为整数。")
    if number < 0 or number > MAX_JOBS:
        raise ValidationError(f"{label}应在 0 到 {MAX_JOBS} 之间。")
    return int(number)


def _amount(value: Any, label: str) -> Decimal:
    try:
        return to_wan(value)
    except ValidationError as exc:
        raise ValidationError(f"{label}：{exc.messages[0]}") from None


def clean_promise(values: dict) -> dict:
    """Return a promise's fields from ``values``, or refuse them by field."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}

    def take(name: str, fn: Callable[[Any], Any]) -> None:
        try:
            out[name] = fn(values.get(name))
        except ValidationError as exc:
            errors[name] = exc.messages

    kind = values.get("kind")
    if kind not in Promise.Kind.values:
        errors["kind"] = ["请选择承诺事项。"]
    out["kind"] = kind
    target = values.get("target")
    if kind in Promise.AMOUNT_KINDS:
        if target in (None, ""):
            errors["target"] = [fill_in("承诺值")]
        elif kind == Promise.Kind.JOBS:
            take("target", lambda v: Decimal(_jobs(v, "承诺就业人数")))
        else:
            take("target", lambda v: _amount(v, "承诺值"))
        if out.get("target") is not None and out["target"] <= 0:
            errors["target"] = ["承诺值须大于 0。"]
    else:
        if target not in (None, ""):
            errors["target"] = ["开工、投产期限只填期限，不填承诺值。"]
        out["target"] = None
    take("due_on", lambda v: _day(v, "承诺期限"))
    check_on = values.get("check_on") or out.get("due_on")
    try:
        out["check_on"] = _day(check_on, "核查日期")
    except ValidationError as exc:
        errors["check_on"] = exc.messages
    if out.get("due_on") and out.get("check_on") and out["check_on"] < out["due_on"]:
        errors["check_on"] = ["核查日期不能早于承诺期限。"]
    take("clause", lambda v: _text(v, "合同条款", 200))
    take("note", lambda v: _text(v, "备注", 2000))
    if errors:
        raise ValidationError(errors)
    return out


def clean_result(values: dict, today: dt.date) -> dict:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    try:
        year = _jobs(values.get("year"), "年度")
        if not EARLIEST_YEAR <= year <= today.year:
            raise ValidationError(f"年度应在 {EARLIEST_YEAR} 年至今年（{today.year}）之间。")
        out["year"] = year
    except ValidationError as exc:
        errors["year"] = exc.messages
    quarter = values.get("quarter") or 0
    try:
        quarter = _jobs(quarter, "季度")
        if quarter > 4:
            raise ValidationError("季度应为 1–4，全年数据填 0 或留空。")
        if "year" in out and quarter and dt.date(out["year"], 3 * quarter - 2, 1) > today:
            raise ValidationError("该季度尚未开始，不能登记。")
        out["quarter"] = quarter
    except ValidationError as exc:
        errors["quarter"] = exc.messages
    labels = {"investment": "到位资金", "output": "产值", "tax": "税收"}
    for name, label in labels.items():
        value = values.get(name)
        if value in (None, ""):
            out[name] = None
            continue
        try:
            out[name] = _amount(value, label)
        except ValidationError as exc:
            errors[name] = exc.messages
    if values.get("jobs") in (None, ""):
        out["jobs"] = None
    else:
        try:
            out["jobs"] = _jobs(values.get("jobs"))
        except ValidationError as exc:
            errors["jobs"] = exc.messages
    if not errors and all(out[name] is None for name in RESULT_FIGURES):
        errors["output"] = ["到位资金、产值、税收、就业人数至少填一项。"]
    source = values.get("source")
    if source not in Result.Source.values:
        errors["source"] = ["请选择数据来源（统计局、税务部门、企业填报或其他）。"]
    out["source"] = source
    try:
        out["note"] = _text(values.get("note"), "备注", 300)
    except ValidationError as exc:
        errors["note"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return out


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _event(
    project: Project,
    kind: str,
    actor: User | None,
    at: dt.datetime,
    *,
    promise: Promise | None = None,
    result: Result | None = None,
    old: dict | None = None,
    new: dict | None = None,
    reason: str = "",
) -> OutcomeEvent:
    return OutcomeEvent.objects.create(
        district_id=project.district_id,
        project=project,
        promise=promise,
        result=result,
        kind=kind,
        actor=actor,
        at=at,
        old={k: _json(v) for k, v in (old or {}).items()},
        new={k: _json(v) for k, v in (new or {}).items()},
        reason=reason,
    )


def _check_recorder(actor: User | None, project: Project) -> None:
    if not rules.can_record(actor, project):
        raise PermissionDenied(rules.NOT_A_RECORDER)


# --- promises ------------------------------------------------------------------------------


@transaction.atomic
def promise_create(
    *, actor: User | None, project: Project, values: dict, at: dt.datetime | None = None
) -> Promise:
    """登记 one promise of the signed project's contract (one per kind)."""
    project = Project.objects.select_for_update().select_related("stage").get(pk=project.pk)
    _check_recorder(actor, project)
    signed = rules.signed_on(project)
    if signed is None:
        raise ValidationError(rules.NOT_SIGNED)
    clean = _after_signing(clean_promise(values), signed)
    if Promise.objects.filter(project=project, kind=clean["kind"]).exists():
        label = Promise.Kind(clean["kind"]).label
        raise ValidationError({"kind": [f"该项目已登记“{label}”承诺，请修改原承诺。"]})
    at = event_time(at)
    promise = Promise.objects.create(
        project=project,
        district_id=project.district_id,
        created_by=actor,
        created_at=at,
        updated_at=at,
        **clean,
    )
    _event(project, Kind.PROMISED, actor, at, promise=promise, new=clean)
    evaluate_project(project=project, as_of=local_date(at), actor=actor, at=at)
    promise.refresh_from_db()
    return promise


def _after_signing(clean: dict, signed: dt.date) -> dict:
    """A contract's term falls due after the contract: a promise due before the signing
    would be broken the moment it is recorded (a problem raised, payments held)."""
    if clean["due_on"] < signed:
        raise ValidationError({"due_on": [f"承诺期限不能早于项目签约日期（{signed:%Y-%m-%d}）。"]})
    return clean


def _lock_promise(promise: Promise, expected_version: int | None) -> Promise:
    fresh = Promise.objects.select_for_update().select_related("project").get(pk=promise.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise ConflictError(rules.STALE)
    return fresh


@transaction.atomic
def promise_update(
    *,
    actor: User | None,
    promise: Promise,
    values: dict,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Promise:
    """修改 a promise (a corrected contract term); the event keeps what changed."""
    row = _lock_promise(promise, expected_version)
    project = row.project
    _check_recorder(actor, project)
    clean = clean_promise({**values, "kind": row.kind})
    signed = rules.signed_on(project)
    if signed is not None:
        clean = _after_signing(clean, signed)
    old = {f: getattr(row, f) for f in PROMISE_FIELDS if getattr(row, f) != clean[f]}
    if not old:
        return row
    at = event_time(at)
    new = {f: clean[f] for f in old}
    for name, value in new.items():
        setattr(row, name, value)
    row.version += 1
    row.updated_at = at
    row.save()
    _event(project, Kind.PROMISE_CHANGED, actor, at, promise=row, old=old, new=new)
    evaluate_project(project=project, as_of=local_date(at), actor=actor, at=at)
    row.refresh_from_db()
    return row


# --- results --------------------------------------------------------------------------------


@transaction.atomic
def result_record(
    *,
    actor: User | None,
    project: Project,
    values: dict,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> tuple[Result, bool]:
    """登记 a period's figures of a landed project, or correct the period's row (the same
    year and quarter: one row each). Return the row and whether anything changed; the
    same figures again change nothing (an import read twice)."""
    project = Project.objects.select_for_update().select_related("stage").get(pk=project.pk)
    _check_recorder(actor, project)
    if not rules.is_landed(project):
        raise ValidationError(rules.NOT_LANDED)
    at = event_time(at)
    clean = clean_result(values, local_date(at))
    row = (
        Result.objects.select_for_update()
        .filter(project=project, year=clean["year"], quarter=clean["quarter"])
        .first()
    )
    if row is None:
        row = Result.objects.create(
            project=project,
            district_id=project.district_id,
            created_by=actor,
            created_at=at,
            updated_at=at,
            **clean,
        )
        _event(project, Kind.RESULT, actor, at, result=row, new=clean)
    else:
        if expected_version is not None and row.version != expected_version:
            raise ConflictError(rules.STALE)
        fields = (*RESULT_FIGURES, "source", "note")
        old = {f: getattr(row, f) for f in fields if getattr(row, f) != clean[f]}
        if not old:
            return row, False
        new = {f: clean[f] for f in old}
        for name, value in new.items():
            setattr(row, name, value)
        row.version += 1
        row.updated_at = at
        row.save()
        _event(project, Kind.RESULT_CHANGED, actor, at, result=row, old=old, new=new)
    evaluate_project(project=project, as_of=local_date(at), actor=actor, at=at)
    return row, True


# --- the check --------------------------------------------------------------------------------


def _problem_actor(promise: Promise, actor: User | None) -> User | None:
    """Who a problem raised by the check is recorded as raised by: the one who ran the
    check or the write; for the server's own run, who recorded the promise, else the
    district's office."""
    if actor is not None:
        return actor
    if promise.created_by is not None and promise.created_by.is_active:
        return promise.created_by
    return (
        User.objects.filter(
            role=User.Role.DISTRICT_OFFICE, district_id=promise.district_id, is_active=True
        )
        .order_by("pk")
        .first()
    )


def _raise_problem(promise: Promise, actor: User | None, at: dt.datetime) -> Problem | None:
    raiser = _problem_actor(promise, actor)
    if raiser is None:
        return None
    project = promise.project
    text = (
        f"未履行投资协议承诺：{promise.get_kind_display()}（承诺 {promise.target_text}，"
        f"核查日期 {promise.check_on:%Y-%m-%d}）。{promise.finding}"
    )
    # The problem is raised when the check runs (its ``at``; a check of a past date is
    # run now), never before the project's last event.
    at = max(at, project.updated_at)
    problem = supervision.problem_open(
        project=project,
        actor=raiser,
        category=Problem.Category.OTHER,
        description=text[:2000],
        responsible_unit=project.unit,
        deadline=local_date(at) + dt.timedelta(days=PROBLEM_DAYS),
        at=at,
    )
    promise.problem = problem
    promise.save(update_fields=["problem"])
    _event(
        project,
        Kind.PROBLEM,
        actor,
        at,
        promise=promise,
        new={"problem": problem.pk, "unit": project.unit.name},
        reason=text[:500],
    )
    return problem


def promise_evaluate(
    *,
    promise: Promise,
    facts: measure.Facts,
    as_of: dt.date,
    actor: User | None = None,
    at: dt.datetime | None = None,
) -> bool:
    """State the promise as of ``as_of``; on a change, save it with its CHECKED event. A
    broken promise with no problem raised yet raises one. Return whether anything
    changed (the same date twice changes nothing)."""
    at = event_time(at)
    if promise.evaluated_on is not None and as_of < promise.evaluated_on:
        # A check of an earlier date never overwrites a later one: the stored state is
        # what holds the policy payments (a backdated check would release them).
        return False
    found = measure.evaluate(promise, facts, as_of)
    values = {"status": found.status, "actual": found.actual, "gap": found.gap}
    current = {"status": promise.status, "actual": promise.actual, "gap": promise.gap}
    changed = {k for k in values if values[k] != current[k]} or (
        found.text[:300] != promise.finding
    )
    if changed:
        old = {**current, "finding": promise.finding, "evaluated_on": promise.evaluated_on}
        promise.status, promise.actual, promise.gap = found.status, found.actual, found.gap
        promise.finding, promise.evaluated_on = found.text[:300], as_of
        promise.save(update_fields=["status", "actual", "gap", "finding", "evaluated_on"])
        new = {**values, "finding": promise.finding, "evaluated_on": as_of}
        _event(promise.project, Kind.CHECKED, actor, at, promise=promise, old=old, new=new)
    raised = False
    if promise.status == Status.BROKEN and promise.problem_id is None:
        raised = _raise_problem(promise, actor, at) is not None
    return bool(changed) or raised


def evaluate_project(
    *, project: Project, as_of: dt.date, actor: User | None = None, at: dt.datetime | None = None
) -> int:
    """Evaluate every promise of the project; return how many changed."""
    promises = list(project.promises.select_for_update().select_related("project__unit"))
    if not promises:
        return 0
    facts = measure.Facts.of(project)
    return sum(
        promise_evaluate(promise=p, facts=facts, as_of=as_of, actor=actor, at=at) for p in promises
    )


def outcomes_check(
    *, as_of: dt.date, district: District | None = None, actor: User | None = None
) -> tuple[int, int, int]:
    """The daily check: evaluate the promises (of ``district``, or of every district)
    as of ``as_of``. Return (promises, changed, broken). Idempotent.

    A person checks their own district (its office); every district is the server's run
    (no actor). A date after today is refused: a promise not yet due would be stated
    broken. A project whose check fails (a problem cannot be raised for a unit since
    closed, say) does not stop the others: each is checked in its own transaction, and
    the failures are refused together at the end, naming the projects."""
    if actor is not None and (district is None or not rules.is_office(actor, district.pk)):
        raise PermissionDenied(rules.NOT_THE_OFFICE)
    if as_of > timezone.localdate():
        raise ValidationError({"as_of": [rules.CHECK_IN_FUTURE]})
    projects = Project.objects.filter(promises__isnull=False).distinct().order_by("pk")
    if district is not None:
        projects = projects.filter(district=district)
    total = changed = 0
    failed: list[str] = []
    for project in projects:
        try:
            with transaction.atomic():
                locked = Project.objects.select_for_update().get(pk=project.pk)
                total += locked.promises.count()
                changed += evaluate_project(project=locked, as_of=as_of, actor=actor)
        except (ValidationError, PermissionDenied) as exc:
            reason = "；".join(getattr(exc, "messages", None) or [str(exc)])
            log.warning("履约核查未能完成 %s：%s", project.code, reason)
            failed.append(f"{project.code} {project.name}：{reason}")
    if failed:
        summary = check_summary(total, changed, _broken(projects))
        raise ValidationError(f"{summary}以下项目未能核查：" + "；".join(failed[:20]))
    return total, changed, _broken(projects)


def _broken(projects: QuerySet[Project]) -> int:
    return Promise.objects.filter(status=Status.BROKEN, project__in=projects.values("pk")).count()


def check_summary(total: int, changed: int, broken: int) -> str:
    return f"履约核查：承诺 {total} 项，状态变化 {changed} 项，未履约 {broken} 项。"


# --- the payment guard --------------------------------------------------------------------------


def broken_promises(project_id: int) -> QuerySet[Promise]:
    return Promise.objects.filter(project_id=project_id, status=Status.BROKEN)


def pay_guard(application: Application, on: dt.date) -> None:
    """``services_payment.PAY_GUARDS``: a project that breaks a promise of its contract gets
    no policy payment until the promise is kept (or corrected), on every path."""
    broken = list(broken_promises(application.project_id))
    if broken:
        names = "、".join(p.get_kind_display() for p in broken)
        raise ValidationError(
            f"项目未履行投资协议承诺（{names}），政策兑现暂缓支付；履约后方可支付。"
        )
