"""``baton rqworker``: the RQ queue's worker (django-rq's), which runs Django tasks
(``django_tasks_rq.Job`` by default) and first hands back to RQ the tasks a killed worker
of this machine left half-run (``baton.jobs.rq``)."""

import django_rq
from django.conf import settings
from django_rq.management.commands import rqworker
from django_tasks_rq import Job

from baton.jobs.rq import hostname, requeue_abandoned


class Command(rqworker.Command):
    help = "运行后台任务队列（RQ 队列）；启动时先把本机上被中断的任务交回 RQ 重新运行。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(job_class="django_tasks_rq.Job")

    def handle(self, *args, **options):
        queues = [django_rq.get_queue(name, job_class=Job) for name in settings.RQ_QUEUES]
        handed_back = requeue_abandoned(queues, host=hostname())
        if handed_back and options["verbosity"]:
            self.stdout.write(f"已把 {handed_back} 个被中断的任务交回队列。")
        return super().handle(*args, **options)
