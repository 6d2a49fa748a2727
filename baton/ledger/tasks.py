"""The ledger import as a background task: the page confirms, the worker imports.

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

from .importer import IMPORT_REFUSED, ImportResult, ledger_import

Role = User.Role
#: The done page lists this many of the projects created and updated.
LISTED = 50


def import_district(user):
    """Return the district a user imports into, or None when the role may not import."""
    if not permissions.can_import(user):
        return None
    return user.unit.district if user.role == Role.UNIT_STAFF else user.district


def uploads() -> Path:
    return Path(settings.VAR_DIR) / "ledger-uploads"


def queued_file(token: str) -> Path:
    return uploads() / f"{token}.queued"


def start_import(*, user: User, token: str, name: str, ip: str) -> Job:
    """Create the job of a confirmed upload (already moved to its ``.queued`` file) and
    queue its import."""
    job = jobs.create(
        user=user,
        kind=Job.Kind.LEDGER_IMPORT,
        title=f"导入台账 {name}",
        params={"token": token, "name": name, "ip": ip},
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
        raise ValidationError(
            "上传的台账文件已不在服务器上，未写入任何数据，请您重新上传。"
        ) from None

    def written(result: ImportResult) -> None:
        audit_import(result, file_name=name, district=district, user=user)
        jobs.finish(job, message=result.summary(), result=outcome(result))

    with audit_context(ip=params.get("ip", "")):
        result = ledger_import(
            data=data, actor=user, district=district, progress=progress, on_written=written
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
    }
