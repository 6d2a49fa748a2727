"""The bell, the list and the district office's pages, each scoped to who asks."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from baton.audit.models import AuditRecord
from baton.notices.models import Channel, Delivery, Notice
from baton.projects import services
from baton.projects.tests.helpers_views import login
from baton.testing import make_project

T0 = timezone.now() - dt.timedelta(days=1)


def notice(user, title="项目待审核", **kwargs) -> Notice:
    return Notice.objects.create(
        recipient=user, kind=Notice.Kind.SUBMITTED, title=title, url="/projects/", **kwargs
    )


@pytest.fixture
def submitted(w):
    project = make_project(w, name="新能源电池项目", at=T0)
    services.project_submit(project=project, actor=w.promoter, at=T0)
    return project


def test_the_bell_counts_ones_own_unread_notices(w, client, submitted):
    client.force_login(w.office)
    page = client.get(reverse("notices:list")).content.decode()
    assert 'aria-label="通知，1 条未读"' in page and 'class="bell-count">1<' in page
    client.force_login(w.tongan_office)  # another district's office
    page = client.get(reverse("notices:list")).content.decode()
    assert "bell-count" not in page and "暂无通知" in page
    assert "新能源电池项目" not in page


def test_the_bell_is_one_query(w, client, django_assert_num_queries):
    from django.template import Context, Template
    from django.test import RequestFactory

    for _ in range(30):
        notice(w.office)
    template = Template("{% load notices %}{% notice_bell %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"user": w.office, "request": RequestFactory().get("/")}))
    assert ">30<" in html


def test_unread_come_first_in_bold_and_opening_marks_read(w, client):
    old = notice(w.office, title="较早的未读通知")
    read = notice(w.office, title="已读通知", read_at=T0)
    new = notice(w.office, title="最新的未读通知")
    client.force_login(w.office)
    page = client.get(reverse("notices:list")).content.decode()
    order = [page.index(t) for t in ("最新的未读通知", "较早的未读通知", "已读通知")]
    assert order == sorted(order)
    assert page.count('class="notice is-unread"') == 2
    response = client.get(reverse("notices:open", args=[old.pk]))
    assert response.status_code == 302 and response["Location"] == "/projects/"
    old.refresh_from_db()
    assert old.read_at is not None
    read.refresh_from_db()
    assert read.read_at == T0  # opening again changes nothing
    client.post(reverse("notices:read_all"))
    assert not Notice.objects.filter(recipient=w.office, read_at__isnull=True).exists()
    assert new.pk


def test_nobody_opens_anothers_notice(w, client):
    theirs = notice(w.office)
    for user in (w.tongan_office, w.promoter, w.sys_admin, w.leader):
        login(client, user)
        assert client.get(reverse("notices:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_ones_own(w, client):
    mine, theirs = notice(w.promoter), notice(w.office)
    client.force_login(w.promoter)
    assert client.get(reverse("notices:read_all")).status_code == 405
    client.post(reverse("notices:read_all"))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_an_outside_link_is_never_followed(w, client):
    bad = notice(w.office)
    Notice.objects.filter(pk=bad.pk).update(url="https://evil.example.com/")
    client.force_login(w.office)
    response = client.get(reverse("notices:open", args=[bad.pk]))
    assert response["Location"] == reverse("notices:list")


def test_the_list_pages(w, client):
    for n in range(45):
        notice(w.promoter, title=f"通知{n:02d}")
    client.force_login(w.promoter)
    page = client.get(reverse("notices:list") + "?page=3").content.decode()
    assert "第 3 / 3 页，共 45 条" in page and "通知04" in page and "通知05" not in page


def test_the_office_sets_its_own_channel_and_the_secret_stays_hidden(w, client):
    client.force_login(w.office)
    url = reverse("notices:channel")
    response = client.post(
        url,
        {
            "email_enabled": "on",
            "webhook_kind": "dingtalk",
            "webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
            "secret": "SECxyz",
        },
    )
    assert response.status_code == 302
    channel = Channel.objects.get(district=w.district)
    assert channel.webhook_kind == "dingtalk" and channel.secret == "SECxyz"
    page = client.get(url).content.decode()
    assert "SECxyz" not in page and "已设置签名密钥" in page
    # Saved again without a secret: the secret is kept.
    client.post(url, {"webhook_kind": "dingtalk", "webhook_url": channel.webhook_url})
    channel.refresh_from_db()
    assert channel.secret == "SECxyz" and channel.email_enabled is False
    record = AuditRecord.objects.filter(event=AuditRecord.Event.CONFIG_CHANGED).last()
    assert record.object_type == "notice_channel" and "SECxyz" not in str(record.after)


def test_an_empty_form_or_a_robot_without_address_is_refused(w, client):
    client.force_login(w.office)
    assert client.post(reverse("notices:channel"), {}).status_code == 400
    response = client.post(reverse("notices:channel"), {"webhook_kind": "wecom"})
    assert response.status_code == 400 and "请填写推送地址" in response.content.decode()
    assert not Channel.objects.exists()


def test_a_bad_robot_address_is_refused(w, client):
    client.force_login(w.office)
    response = client.post(
        reverse("notices:channel"), {"webhook_kind": "wecom", "webhook_url": "file:///etc/passwd"}
    )
    assert response.status_code == 400
    assert not Channel.objects.exists()


@pytest.mark.parametrize(
    "persona", ["promoter", "reviewer", "leader", "sys_admin", "sec_admin", "audit_admin"]
)
def test_only_the_district_office_keeps_channels_and_reads_the_log(w, client, persona):
    login(client, getattr(w, persona))
    for name in ("notices:channel", "notices:deliveries"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert "只有区招商办可以设置本区的通知渠道" in response.content.decode()
    assert client.post(reverse("notices:channel"), {"webhook_kind": ""}).status_code == 403
    assert not Channel.objects.exists()


def test_the_log_shows_ones_own_district_only(w, client, submitted):
    ours = Notice.objects.get(recipient=w.office)
    Delivery.objects.create(
        notice=ours, district=w.district, via="email", target="o@xa", last_error="连接被拒绝"
    )
    client.force_login(w.office)
    page = client.get(reverse("notices:deliveries")).content.decode()
    assert "连接被拒绝" in page and "项目待审核" in page
    client.force_login(w.tongan_office)
    page = client.get(reverse("notices:deliveries")).content.decode()
    assert "连接被拒绝" not in page and "暂无发送记录" in page
