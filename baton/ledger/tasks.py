"""The ledger's check (the preview's dry run) and its import as background tasks: the
page uploads and confirms, the worker checks and imports, the pages show the progress.

The check writes nothing; it keeps what the preview shows (``preview_data``) in its job.

The confirmed upload waits under ``VAR_DIR/ledger-uploads`` as ``<token>.queued`` (the
sweep of unconfirmed uploads leaves it alone) until the import has run. The import is
written in one transaction and the job is finished, with its audit record, inside that
transaction (``ledger_import``'s ``on_written``): a worker killed in the middle leaves
nothing written and the job unfinished, and the task run again imports the file whole;
a task run again after the commit finds its job finished and does nothing.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django_tasks import task

from baton.accounts.models import User
from baton.audit.hooks import audit_import
from baton.audit.services import audit_context
from baton.jobs import services as jobs
from baton.jobs.models import Job
from baton.projects import permissions

from .columns import BY_KEY, COLUMNS, header_map, normalize_header
from .importer import IMPORT_REFUSED, ImportResult, ledger_import
from .mapping import ADDABLE, MAPPED, Mapping
from .reading import shown

Role = User.Role
#: The done page lists this many of the projects created and updated.
LISTED = 50
#: The preview shows this many of the ledger's rows, and this many of its errors.
PREVIEW_ROWS = 200
PREVIEW_ERRORS = 500
UPLOAD_GONE = "上传的台账文件已不在服务器上，未写入任何数据，请您重新上传。"


def import_district(user):
    """Return the district a user imports into, or None when the role may not import."""
    if not permissions.can_import(user):
        return None
    return user.unit.district if user.role == Role.UNIT_STAFF else user.district


def uploads() -> Path:
    return Path(settings.VAR_DIR) / "ledger-uploads"


def queued_file(token: str) -> Path:
    return uploads() / f"{token}.queued"


def start_check(*, user: User, token: str, name: str, mapping: Mapping | None = None) -> Job:
    """Queue the dry run of an upload (``<token>.xlsx``) that the preview shows, with
    what the office said about its values outside the catalogues."""
    job = jobs.create(
        user=user,
        kind=Job.Kind.LEDGER_CHECK,
        title=f"校验台账 {name}",
        params={"token": token, "name": name, "mapping": (mapping or Mapping()).as_data()},
    )
    return jobs.enqueue(job, check_ledger)


@task(queue_name="bulk")
def check_ledger(job_id: int) -> str:
    return jobs.run(job_id, _check)


def _check(job: Job, progress) -> dict:
    user = job.user
    district = import_district(user)
    if district is None or not user.is_active:
        raise ValidationError(IMPORT_REFUSED)
    try:
        data = (uploads() / f"{job.params['token']}.xlsx").read_bytes()
    except FileNotFoundError:
        raise ValidationError(UPLOAD_GONE) from None
    result = ledger_import(
        data=data,
        actor=user,
        district=district,
        dry_run=True,
        progress=progress,
        mapping=Mapping.from_data(job.params.get("mapping")),
    )
    message = result.summary() if result.ok else f"校验发现 {len(result.errors)} 处错误。"
    return {"message": message, "result": preview_data(result)}


def preview_data(result: ImportResult) -> dict:
    """What the preview shows of a dry run (kept in its job, so plain data)."""
    rows, total = _rows(result)
    errors = [
        {
            "sheet": e.sheet,
            "row": e.row,
            "column": e.column,
            "value": e.value,
            "reason": e.reason,
            "letter": e.letter,
        }
        for e in result.errors[:PREVIEW_ERRORS]
    ]
    return {
        "ok": result.ok,
        "created": len(result.created),
        "updated": len(result.updated),
        "unchanged": len(result.unchanged),
        "events": result.events,
        "rows": rows,
        "total": total,
        "more": total - len(rows),
        "errors": errors,
        "error_count": len(result.errors),
        "more_errors": max(len(result.errors) - PREVIEW_ERRORS, 0),
        "annotated": result.book is not None,  # the error workbook can be made
        "unknown": [
            {
                "key": key,
                "column": BY_KEY[key].header,
                "value": value,
                "count": count,
                "choices": result.catalogue.get(key, []),
                "addable": key in ADDABLE,
            }
            for (key, value), count in sorted(
                result.unknown.items(), key=lambda item: (MAPPED.index(item[0][0]), item[0][1])
            )
        ],
        **_catalogue_changes(result),
    }


def _catalogue_changes(result: ImportResult) -> dict:
    """The aliases an import remembers and the catalogue values it adds."""
    return {
        "mapped": [
            {"column": BY_KEY[key].header, "value": value, "target": target}
            for (_district, key, value), target in result.aliases.items()
        ],
        "added": [
            {"column": BY_KEY[key].header, "value": value}
            | (
                {"kind": result.added_kinds[key, value]}
                if (key, value) in result.added_kinds
                else {}
            )
            for key, value in result.added
        ],
    }


_PREVIEW_KEYS = ("code", "name", "unit", "stage", "investment")


def _rows(result: ImportResult) -> tuple[list[dict], int]:
    """Return the first data rows as the preview shows them, with what happens to each."""
    book = result.book
    if book is None or not result.ok or book.main.name not in result.header_rows:
        return [], 0
    head = result.header_rows[book.main.name]
    known = header_map(COLUMNS)
    where = {}
    for col, text in enumerate(book.main.rows[head - 1]):
        column = known.get(normalize_header(text)) if isinstance(text, str) else None
        if column is not None:
            where.setdefault(column.key, col)
    for column in COLUMNS:  # a column read from another when missing (德清's 固定资产投资)
        if column.key not in where and column.fallback in where:
            where[column.key] = where[column.fallback]
    where = {k: c for k, c in where.items() if k in _PREVIEW_KEYS}
    rows, total = [], 0
    for number, cells in enumerate(book.main.rows[head:], start=head + 1):
        values = {k: shown(cells[c]) if c < len(cells) else "" for k, c in where.items()}
        if not any(values.values()):
            continue
        total += 1
        if len(rows) < PREVIEW_ROWS:
            action = result.actions.get(number, "")
            changes = (
                [list(c) for c in result.changes.get(number, [])] if action == "update" else []
            )
            rows.append({"number": number, "action": action, "changes": changes, **values})
    return rows, total


def start_import(
    *, user: User, token: str, name: str, ip: str, mapping: Mapping | None = None
) -> Job:
    """Create the job of a confirmed upload (already moved to its ``.queued`` file) and
    queue its import, with the mapping its preview was checked with."""
    job = jobs.create(
        user=user,
        kind=Job.Kind.LEDGER_IMPORT,
        title=f"导入台账 {name}",
        params={
            "token": token,
            "name": name,
            "ip": ip,
            "mapping": (mapping or Mapping()).as_data(),
        },
    )
    return jobs.enqueue(job, import_ledger)


@task(queue_name="bulk")
def import_ledger(job_id: int) -> str:
    return jobs.run(job_id, _import)


def _import(job: Job, progress) -> None:
    params = job.params
    user, name = job.user, params["name"]
    district = import_district(user)
    if district is None or not user.is_active:
        raise ValidationError(IMPORT_REFUSED)
    path = queued_file(params["token"])
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(UPLOAD_GONE) from None

    def written(result: ImportResult) -> None:
        audit_import(result, file_name=name, district=district, user=user)
        jobs.finish(job, message=result.summary(), result=outcome(result))

    with audit_context(ip=params.get("ip", "")):
        result = ledger_import(
            data=data,
            actor=user,
            district=district,
            progress=progress,
            on_written=written,
            mapping=Mapping.from_data(params.get("mapping")),
        )
        if not result.ok:
            audit_import(result, file_name=name, district=district, user=user)
    path.unlink(missing_ok=True)
    if not result.ok:  # the library changed since the preview
        raise ValidationError(
            f"项目库在预览之后有了变化，这份台账现有 {len(result.errors)} 处错误，"
            "未写入任何数据。请您重新上传，预览会标出每处错误。"
        )


def outcome(result: ImportResult) -> dict:
    """What the done page shows of an import."""
    return {
        "counts": [len(result.created), len(result.updated), len(result.unchanged)],
        "events": result.events,
        "created": result.created[:LISTED],
        "updated": result.updated[:LISTED],
        **_catalogue_changes(result),
    }
