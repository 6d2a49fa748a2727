"""Refusals and small dialogs, answered the same way by every app.

A refusal is a 403 with its Chinese reason, rendered from one template, ``denied.html``:
as a page of its own (with a way back), in the dialog when htmx loads it there, or as an
alert in place of the element an htmx request targets. ``raise PermissionDenied("…")``
anywhere gives the same answer through ``permission_denied`` (``handler403``).

An action is a small form. With htmx it loads into ``#dialog`` (frame ``_dialog.html``);
without JavaScript the same template is a page of its own (frame ``dialog_page.html``),
and the action still works. ``run_dialog`` is the one loop every such view runs: GET
shows the form; POST validates it, calls the service, puts the service's refusal on the
form, and on success answers as the view says (``go_to``, ``close_dialog`` or its own).
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

#: The frames an action's template extends (``{% extends frame %}``, ``{% block body %}``).
DIALOG = "_dialog.html"
PAGE = "dialog_page.html"
INLINE = "_inline.html"

#: Said when a refusal gives no reason of its own.
NOT_YOUR_ROLE = "您的角色不能进行这项操作。如需办理，请联系项目的责任单位或区招商办。"

Done = Callable[[HttpRequest, str], HttpResponse]


def frame(request: HttpRequest) -> str:
    """Return the frame of an action: the dialog for htmx, a page of its own otherwise."""
    return DIALOG if request.htmx else PAGE


def _refusal_frame(request: HttpRequest) -> str:
    """The dialog when htmx asks for the dialog (or names no target), else an alert in place
    of the element it targets; a page of its own without htmx."""
    if not request.htmx:
        return PAGE
    target = request.htmx.target
    return DIALOG if target in (None, "dialog") else INLINE


def deny(
    request: HttpRequest,
    message: str,
    *,
    back_url: str | None = None,
    back_label: str = "返回工作台",
    **context,
) -> HttpResponse:
    """Refuse with ``message``: 403, as a page, in the dialog or in place (see above).

    ``back_url`` (else the 工作台) and ``back_label`` are the page's way back; ``context``
    reaches the frame (``subject``, ``subject_url``: what the action was about).
    """
    chosen = _refusal_frame(request)
    context = {
        "page_title": "无权操作",
        **context,
        "message": message,
        "frame": chosen,
        "in_dialog": chosen == DIALOG,
        "inline_id": request.htmx.target if chosen == INLINE else "",
        "back_url": back_url or reverse("reports:home"),
        "back_label": back_label,
    }
    return render(request, "denied.html", context, status=403)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler403``: the reason given to ``PermissionDenied``, answered as ``deny`` does."""
    message = str(exception) if exception is not None and exception.args else ""
    return deny(request, message or NOT_YOUR_ROLE)


def add_errors(form: Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def go_to(url: str) -> Done:
    """Success: say so (a message on the next page) and go to ``url`` — by HX-Redirect for
    htmx, by a redirect otherwise."""

    def done(request: HttpRequest, message: str) -> HttpResponse:
        messages.success(request, message)
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)

    return done


def close_dialog(*events: str, url: str) -> Done:
    """Success: for htmx, close the dialog, say so on the page (``showMessage``) and fire
    ``events`` (the page refreshes what they name; 204, nothing to swap); otherwise say so
    and go to ``url``."""

    def done(request: HttpRequest, message: str) -> HttpResponse:
        if not request.htmx:
            return go_to(url)(request, message)
        response = trigger_client_event(HttpResponse(status=204), "closeDialog")
        trigger_client_event(response, "showMessage", {"text": message})
        for event in events:
            trigger_client_event(response, event)
        return response

    return done


def run_dialog(
    request: HttpRequest,
    form: Form,
    *,
    template: str,
    perform: Callable[[dict], str],
    done: Done,
    context: dict | None = None,
    invalid_status: int = 422,
    conflict: type[ValidationError] | None = None,
) -> HttpResponse:
    """Run one action's form and answer as dialog or page.

    ``perform`` calls the service with the cleaned data and returns the success message;
    a ``ValidationError`` it raises (the service's refusal) goes onto the form and the
    form comes back with ``invalid_status``, as does a form that does not validate. A
    ``conflict`` (someone saved first) comes back with 409 and the reason as
    ``conflict``. On success ``done(request, message)`` answers.
    """
    context = {**(context or {}), "form": form, "frame": frame(request)}
    status = 200
    if request.method == "POST":
        status = invalid_status
        if form.is_valid():
            try:
                message = perform(form.cleaned_data)
            except ValidationError as exc:
                if conflict is not None and isinstance(exc, conflict):
                    context["conflict"] = exc.messages[0]
                    status = 409
                else:
                    add_errors(form, exc)
            else:
                return done(request, message)
    return render(request, template, context, status=status)
