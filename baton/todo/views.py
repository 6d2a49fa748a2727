from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from .selectors import request_items


@require_GET
@login_required
def todo_list(request):
    """待办事项: every open item of the signed-in user (the 工作台 shows the first ones)."""
    items = request_items(request, timezone.localdate())
    context = {
        "page_title": "待办事项",
        "items": items,
        "overdue": sum(entry.overdue for entry in items),
    }
    return render(request, "todo/todo_list.html", context)


urls = [path("", todo_list, name="list")]
