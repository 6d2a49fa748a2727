"""Real delivery after the commit: e-mail to an SMTP sink, the robot's POST to a local
receiver, its signatures, the retries and the log; a request never fails for them."""

import base64
import datetime as dt
import email
import hashlib
import hmac
import json
import urllib.parse

import pytest
from django.urls import reverse
from django.utils import timezone

from baton.notices import delivery
from baton.notices.models import Channel, Delivery, Notice
from baton.projects import services
from baton.testing import make_project

from .receivers import SmtpSink, Webhook

T0 = timezone.now() - dt.timedelta(days=1)
SECRET = "SEC-robot-secret"
Status = Delivery.Status


@pytest.fixture(autouse=True)
def _mail(settings, w):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "bulk"],
        }
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", SmtpSink().controller.port
    settings.EMAIL_TIMEOUT = 5
    settings.BATON_NOTICE_EMAIL = True
    settings.BATON_SITE_URL = "https://baton.example.gov.cn"
    settings.BATON_NOTICE_RETRY_SECONDS = 60
    settings.BATON_NOTICE_MAX_ATTEMPTS = 3
    w.office.email = "office@xa.example.gov.cn"
    w.office.save()
    w.tongan_office.email = "office@ta.example.gov.cn"
    w.tongan_office.save()


def robot(w, url, kind=Channel.Webhook.WECOM, secret=SECRET, district=None):
    return Channel.objects.create(
        district=district or w.district, webhook_kind=kind, webhook_url=url, secret=secret
    )


def submit(w, django_capture_on_commit_callbacks):
    project = make_project(w, name="新能源电池项目", at=T0)
    with django_capture_on_commit_callbacks(execute=True):
        services.project_submit(project=project, actor=w.promoter, at=T0)
    return project


def test_email_and_robot_are_delivered_after_commit(w, django_capture_on_commit_callbacks):
    with SmtpSink() as sink, Webhook() as hook:
        robot(w, hook.url)
        project = submit(w, django_capture_on_commit_callbacks)
    # E-mail: to the office of the project's district only.
    assert [m.rcpt_tos for m in sink.messages] == [["office@xa.example.gov.cn"]]
    message = email.message_from_bytes(sink.messages[0].content, policy=email.policy.default)
    assert "项目待审核" in message["Subject"]
    text = message.get_body().get_content()
    assert "新能源电池项目" in text
    assert f"https://baton.example.gov.cn/projects/{project.code}/review/" in text
    # The robot: WeCom's markdown shape, and the body's signature for any receiver.
    [post] = hook.received
    payload = json.loads(post["body"])
    assert payload["msgtype"] == "markdown"
    assert "**项目待审核**" in payload["markdown"]["content"]
    expected = hmac.new(SECRET.encode(), post["body"], hashlib.sha256).hexdigest()
    assert post["headers"]["X-Baton-Signature"] == f"sha256={expected}"
    # The log: one row per notice and channel, sent on the first attempt.
    rows = Delivery.objects.order_by("via")
    assert [(d.via, d.status, d.attempts) for d in rows] == [
        ("email", "sent", 1),
        ("webhook", "sent", 1),
    ]
    assert all(d.delivered_at and not d.last_error for d in rows)


def test_nothing_is_sent_before_the_commit(w):
    with SmtpSink() as sink, Webhook() as hook:
        robot(w, hook.url)
        project = make_project(w, at=T0)
        services.project_submit(project=project, actor=w.promoter, at=T0)  # not committed
    assert sink.messages == [] and hook.received == []
    assert Delivery.objects.filter(status=Status.PENDING).count() == 2


def test_dingtalk_is_signed_in_its_address(w, django_capture_on_commit_callbacks):
    with Webhook() as hook:
        robot(w, hook.url, kind=Channel.Webhook.DINGTALK)
        submit(w, django_capture_on_commit_callbacks)
    [post] = hook.received
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(post["path"]).query)
    timestamp = query["timestamp"][0]
    mac = hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256)
    assert query["sign"][0] == base64.b64encode(mac.digest()).decode()
    assert query["key"] == ["test"]  # the robot's own address is kept
    assert abs(int(timestamp) / 1000 - timezone.now().timestamp()) < 60
    payload = json.loads(post["body"])
    assert payload["markdown"]["title"] == "项目待审核"
    assert "新能源电池项目" in payload["markdown"]["text"]


def test_a_failed_post_is_retried_later_with_a_growing_wait(w, django_capture_on_commit_callbacks):
    with Webhook(statuses=[500, 502]) as hook:
        robot(w, hook.url)
        w.office.email = ""
        w.office.save()
        before = timezone.now()
        submit(w, django_capture_on_commit_callbacks)
        row = Delivery.objects.get()
        assert (row.status, row.attempts, row.last_error) == (
            "pending",
            1,
            "HTTP 500 Internal Server Error",
        )
        wait = row.next_attempt_at - before
        assert dt.timedelta(seconds=59) < wait < dt.timedelta(seconds=75)
        # Not yet due: nothing is tried.
        assert delivery.send_due(before + dt.timedelta(seconds=30)) == 0
        assert delivery.send_due(row.next_attempt_at) == 1
        row.refresh_from_db()
        assert (row.attempts, row.last_error) == (2, "HTTP 502 Bad Gateway")
        assert row.next_attempt_at - timezone.now() > dt.timedelta(seconds=110)  # doubled
        delivery.send_due(row.next_attempt_at)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, "")
    assert len(hook.received) == 3
    assert len({p["body"] for p in hook.received}) == 1  # the same message each time


def test_it_gives_up_after_the_last_attempt(w, django_capture_on_commit_callbacks):
    with Webhook(statuses=[500] * 5, answer={"errcode": 0}) as hook:
        robot(w, hook.url)
        submit(w, django_capture_on_commit_callbacks)
        row = Delivery.objects.get(via="webhook")
        for _ in range(4):
            delivery.send_due(timezone.now() + dt.timedelta(days=1))
    row.refresh_from_db()
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", 3, None)
    assert len(hook.received) == 3


def test_a_robot_that_refuses_in_its_answer_is_a_failure(w, django_capture_on_commit_callbacks):
    with Webhook(answer={"errcode": 93000, "errmsg": "invalid webhook url"}) as hook:
        robot(w, hook.url)
        submit(w, django_capture_on_commit_callbacks)
    row = Delivery.objects.get(via="webhook")
    assert row.status == "pending" and "93000" in row.last_error


def test_a_request_never_fails_when_the_mail_server_is_down(
    w, client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_PORT = 9  # nothing listens there
    project = make_project(w, name="新能源电池项目", at=T0)
    client.force_login(w.promoter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("projects:submit", args=[project.code]), {"version": project.version}
        )
    assert response.status_code in (200, 302)
    project.refresh_from_db()
    assert project.review_state == "submitted"
    row = Delivery.objects.get()
    assert row.status == "pending" and row.attempts == 1
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()
    assert Notice.objects.filter(recipient=w.office).count() == 1


def test_a_queue_that_is_down_fails_no_request(w, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "baton.notices.tests.receivers.BrokenBackend"}}
    project = make_project(w, at=T0)
    with django_capture_on_commit_callbacks(execute=True):
        services.project_submit(project=project, actor=w.promoter, at=T0)
    row = Delivery.objects.get()
    assert (row.status, row.attempts) == ("pending", 0)  # due: the sweep sends it
    assert delivery.due().filter(pk=row.pk).exists()


def test_another_districts_channel_gets_nothing(w, django_capture_on_commit_callbacks):
    with Webhook() as hook:
        robot(w, hook.url, district=w.other_district)
        submit(w, django_capture_on_commit_callbacks)
    assert hook.received == []
    assert not Delivery.objects.filter(via="webhook").exists()


def test_the_robot_gets_one_message_for_many_people(w, django_capture_on_commit_callbacks):
    from baton.accounts.models import User
    from baton.testing import make_user

    for n in range(3):
        make_user(User.Role.DISTRICT_OFFICE, district=w.district, email=f"o{n}@xa.example.gov.cn")
    with SmtpSink() as sink, Webhook() as hook:
        robot(w, hook.url)
        submit(w, django_capture_on_commit_callbacks)
    assert len(sink.messages) == 4 and len(hook.received) == 1


def test_deliver_notices_sends_what_a_queue_that_was_down_left(
    w, settings, django_capture_on_commit_callbacks
):
    import io

    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "baton.notices.tests.receivers.BrokenBackend"}}
    with SmtpSink() as sink:
        submit(w, django_capture_on_commit_callbacks)
        assert sink.messages == []
        out = io.StringIO()
        call_command("deliver_notices", stdout=out)
    assert "已尝试发送 1 条通知" in out.getvalue()
    assert [m.rcpt_tos for m in sink.messages] == [["office@xa.example.gov.cn"]]
    assert Delivery.objects.get().status == "sent"
