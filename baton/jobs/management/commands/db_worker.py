"""``baton db_worker``: the database queue's worker (django-tasks-db's), which first puts
back the tasks a killed worker of this machine left half-run.

A worker killed in the middle of a task (SIGKILL, power, the OOM killer) leaves the task
marked running for ever: django-tasks-db never looks at it again. This worker names
itself after its machine and process (``host:pid:random``); when it starts, every task
still marked running by a worker of the same machine whose process is gone is made ready
again, and runs anew. A task must therefore be safe to run twice: a job's work finishes
the job in the transaction of its writes, and a second run of a finished job does nothing
(``baton.jobs.services``).
"""

import os
import socket

from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from baton.jobs.services import requeue_orphans


def worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{get_random_string(8)}"


class Command(db_worker.Command):
    help = "运行后台任务队列（数据库队列）；启动时先把本机上被中断的任务放回队列。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=worker_id())

    def handle(self, *args, **options):
        put_back = requeue_orphans(DBTaskResult.objects.all(), host=socket.gethostname()[:30])
        if put_back and options["verbosity"]:
            self.stdout.write(f"已把 {put_back} 个被中断的任务放回队列。")
        return super().handle(*args, **options)
