"""通知: a person's own notices; the district office's channels and delivery log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baton.org.models import District

from . import services
from .forms import ChannelForm
from .permissions import CHANNEL_REFUSED, channel_district
from .selectors import deliveries_of, notices_of, unread_count

PER_PAGE = 20


@require_GET
@login_required
def notice_list(request):
    page = Paginator(notices_of(request.user), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread": unread_count(request.user),
        "page_title": "通知",
        "keeps_channels": channel_district(request.user) is not None,
    }
    return render(request, "notices/list.html", context)


@require_GET
@login_required
def notice_open(request, pk: int):
    """Open a notice: mark it read and go where it points (one's own notices only)."""
    notice = get_object_or_404(notices_of(request.user), pk=pk)
    services.mark_read(notice=notice, user=request.user)
    target = notice.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("notices:list")


@require_POST
@login_required
def notice_read_all(request):
    if services.mark_all_read(user=request.user):
        messages.success(request, "已将全部通知标为已读。")
    return redirect("notices:list")


def _office_district(request) -> District:
    district_id = channel_district(request.user)
    if district_id is None:
        raise PermissionDenied(CHANNEL_REFUSED)
    return District.objects.get(pk=district_id)


@require_http_methods(["GET", "POST"])
@login_required
def channel_edit(request):
    """通知渠道: the district office sets its e-mail and group-robot delivery."""
    district = _office_district(request)
    channel = services.channel_of(district)
    form = ChannelForm(request.POST or None, instance=channel)
    if request.method == "POST":
        if form.is_valid():
            services.channel_save(form=form, actor=request.user, request=request)
            messages.success(request, "通知渠道已保存。")
            return redirect("notices:channel")
        status = 400
    else:
        status = 200
    context = {
        "form": form,
        "district": district,
        "has_secret": bool(channel.pk and channel.secret),
        "page_title": "通知渠道",
    }
    return render(request, "notices/channel.html", context, status=status)


@require_GET
@login_required
def delivery_log(request):
    """发送记录: each notice sent by e-mail or to the robot, its attempts and errors."""
    district = _office_district(request)
    page = Paginator(deliveries_of(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/log.html",
        {"page": page, "district": district, "page_title": "通知发送记录"},
    )


urls = [
    path("", notice_list, name="list"),
    path("<int:pk>/", notice_open, name="open"),
    path("read-all/", notice_read_all, name="read_all"),
    path("channel/", channel_edit, name="channel"),
    path("deliveries/", delivery_log, name="deliveries"),
]
