"""月报材料 built in the background worker: the page queues the pack and shows its
progress, then offers the file (``baton.jobs``)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django_tasks import task

from baton.accounts.models import User
from baton.jobs import services as jobs
from baton.jobs.models import Job

from .charts import ChartFontError
from .docx import pack_docx
from .pack import pack_build
from .scopes import scope_choices
from .xlsx import pack_xlsx

FORMATS = {"docx": "Word", "xlsx": "Excel"}
SCOPE_GONE = "您的账号已无权统计该范围，月报材料未生成。"


def start_pack(*, user: User, scope: str, as_of: dt.date, fmt: str, label: str) -> Job:
    """Queue the pack of ``scope`` (a key of ``scope_choices``) as of a day."""
    job = jobs.create(
        user=user,
        kind=Job.Kind.REPORT_PACK,
        title=f"{label} 月报材料（{FORMATS[fmt]}，截至{as_of:%Y-%m-%d}）",
        params={"scope": scope, "as_of": as_of.isoformat(), "format": fmt},
    )
    return jobs.enqueue(job, build_pack)


@task(queue_name="bulk")
def build_pack(job_id: int) -> str:
    return jobs.run(job_id, _build)


def _build(job: Job, progress) -> dict:
    user, params = job.user, job.params
    # The user's scopes as they are when the pack is built, not when it was asked for.
    scopes = {key: scope for key, _label, scope in scope_choices(user)} if user.is_active else {}
    scope = scopes.get(params["scope"])
    if scope is None:
        raise ValidationError(SCOPE_GONE)
    fmt = params["format"]
    progress(0, 2, "正在汇总数据")
    pack = pack_build(scope=scope, as_of=dt.date.fromisoformat(params["as_of"]), user=user)
    progress(1, 2, "正在生成文件")
    try:
        data = pack_docx(pack) if fmt == "docx" else pack_xlsx(pack)
    except ChartFontError as exc:
        raise ValidationError(str(exc)) from None
    name, path = jobs.file_for(job, f".{fmt}")
    path.write_bytes(data)
    return {"message": f"{pack.title}已生成。", "file": name, "file_name": f"{pack.title}.{fmt}"}
