"""Refusals and dialogs (``baton.core.views``), and the administrators' one rule (三员分立).

A refusal is a 403 with its Chinese reason: a page of its own with a way back, the
dialog's body for htmx, an alert in place of the element htmx targets. ``PermissionDenied``
raised anywhere answers the same way. The dialog loop shows, refuses and succeeds as
each view asks. An administrator gets the rule on every business page, and only there.
"""

import json

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_htmx.middleware import HtmxDetails

from baton.accounts.middleware import ADMINS_SEE_NO_BUSINESS_DATA, BUSINESS_NAMESPACES
from baton.core.views import (
    NOT_YOUR_ROLE,
    close_dialog,
    deny,
    go_to,
    permission_denied,
    run_dialog,
)
from baton.projects.tests.helpers_views import HTMX, login

REASON = "只有责任单位（马巷街道）或区招商办可以变更阶段。"


def request_for(method: str = "get", data: dict | None = None, **headers):
    request = getattr(RequestFactory(), method)("/somewhere/", data or {}, **headers)
    request.htmx = HtmxDetails(request)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def text(response) -> str:
    return response.content.decode()


# --- deny and the 403 handler --------------------------------------------------------------


@pytest.mark.django_db
def test_a_refusal_without_htmx_is_a_page_with_the_reason_and_a_way_back():
    response = deny(request_for(), REASON, back_url="/projects/x/", back_label="返回项目")

    assert response.status_code == 403
    page = text(response)
    assert page.startswith("<!doctype html>") and "无权操作" in page
    assert REASON in page
    assert 'href="/projects/x/">返回项目</a>' in page
    assert "data-close-dialog" not in page


@pytest.mark.django_db
def test_a_refusal_goes_back_to_the_workbench_unless_told():
    page = text(deny(request_for(), REASON))

    assert f'href="{reverse("reports:home")}">返回工作台</a>' in page


@pytest.mark.django_db
def test_a_refusal_for_htmx_is_the_dialogs_body():
    response = deny(request_for(**HTMX, HTTP_HX_TARGET="dialog"), REASON, subject="某项目")

    assert response.status_code == 403
    fragment = text(response)
    assert "<html" not in fragment
    assert 'class="dialog-head"' in fragment and "<h2>无权操作</h2>" in fragment
    assert REASON in fragment and "某项目" in fragment
    assert "data-close-dialog>关闭</button>" in fragment
    assert "返回工作台" not in fragment


@pytest.mark.django_db
def test_a_refusal_for_htmx_without_a_target_is_the_dialogs_body():
    fragment = text(deny(request_for(**HTMX), REASON))

    assert 'class="dialog-head"' in fragment and REASON in fragment


@pytest.mark.django_db
def test_a_refusal_for_htmx_aimed_elsewhere_takes_the_targets_place():
    response = deny(request_for(**HTMX, HTTP_HX_TARGET="review-form"), REASON)

    assert response.status_code == 403
    fragment = text(response).strip()
    assert fragment.startswith('<div id="review-form" class="inline-refusal">')
    assert REASON in fragment
    assert "dialog-head" not in fragment and "关闭" not in fragment


@pytest.mark.django_db
def test_permission_denied_gives_its_reason_on_the_one_page():
    response = permission_denied(request_for(), PermissionDenied(REASON))

    assert response.status_code == 403
    assert REASON in text(response) and "<!doctype html>" in text(response)


@pytest.mark.django_db
def test_permission_denied_without_a_reason_says_what_to_do():
    response = permission_denied(request_for(**HTMX, HTTP_HX_TARGET="dialog"), PermissionDenied())

    assert response.status_code == 403
    assert NOT_YOUR_ROLE in text(response) and "<html" not in text(response)


def test_a_raised_permission_denied_reaches_the_user_with_its_reason(client, w):
    """The 审计日志 refuses with ``raise PermissionDenied``: the reason, page or dialog."""
    login(client, w.office)

    page = client.get(reverse("audit:log"))
    dialog = client.get(reverse("audit:log"), **HTMX, HTTP_HX_TARGET="dialog")

    assert (page.status_code, dialog.status_code) == (403, 403)
    assert "审计日志仅审计管理员可以查看。" in text(page) and "<!doctype html>" in text(page)
    assert "审计日志仅审计管理员可以查看。" in text(dialog) and "<html" not in text(dialog)


# --- the administrators: one rule for every business page ------------------------------------

SAMPLE = {
    "code": "350213-2026-0001",
    "token": "A" * 32,
    # A chain's node, target and supplier (chains:node …).
    "node": "1",
    "target": "1",
    "supplier": "1",
    # A meeting's agenda item and attendance row (meetings:agenda_edit …).
    "item": "1",
    "row": "1",
}


def sample(key: str) -> str:
    """A value for a URL parameter: a number for any key or id, else the named sample."""
    if key == "pk" or key.endswith(("_pk", "_id")):
        return "1"
    assert key in SAMPLE, f"no sample value for the URL parameter {key!r}"
    return SAMPLE[key]


def business_paths() -> list[str]:
    """Every page of the business apps (the sample values fill each pattern's parameters)."""
    paths = []
    for resolver in get_resolver().url_patterns:
        if not isinstance(resolver, URLResolver) or resolver.namespace not in BUSINESS_NAMESPACES:
            continue
        for pattern in resolver.url_patterns:
            assert isinstance(pattern, URLPattern)
            name = f"{resolver.namespace}:{pattern.name}"
            if name == "reports:home":
                continue
            kwargs = {key: sample(key) for key in pattern.pattern.regex.groupindex}
            paths.append(reverse(name, kwargs=kwargs))
    return paths


def test_the_business_pages_are_all_found():
    paths = business_paths()

    assert len(paths) > 40
    assert {"/projects/", "/projects/problems/", "/cockpit/", "/ledger/export/"} <= set(paths)


@pytest.mark.parametrize("admin", ["sys_admin", "sec_admin", "audit_admin"])
def test_an_administrator_gets_the_rule_on_every_business_page(client, w, admin):
    login(client, getattr(w, admin))
    for path in business_paths():
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code == 403, (method, path)
            assert ADMINS_SEE_NO_BUSINESS_DATA in text(response), (method, path)
        fragment = client.get(path, **HTMX, HTTP_HX_TARGET="dialog")
        assert fragment.status_code == 403 and "<html" not in text(fragment), path


@pytest.mark.parametrize("admin", ["sys_admin", "sec_admin", "audit_admin"])
def test_an_administrator_still_has_the_workbench_and_their_own_pages(client, w, admin):
    login(client, getattr(w, admin))

    assert client.get(reverse("reports:home")).status_code == 200
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_a_business_role_is_not_given_the_administrators_rule(client, w):
    login(client, w.promoter)
    for path in ("/projects/", "/projects/problems/", "/cockpit/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert ADMINS_SEE_NO_BUSINESS_DATA not in text(response)


# --- the dialog loop --------------------------------------------------------------------------


class NoteForm(forms.Form):
    text = forms.CharField(label="内容", error_messages={"required": "请填写内容。"})


class Conflict(ValidationError):
    pass


DIALOG = "{% extends frame %}{% block body %}{{ form.errors }}{{ conflict }}{% endblock %}"


@pytest.fixture
def dialog_template(settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "APP_DIRS": False,
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [
                    ("django.template.loaders.locmem.Loader", {"kit_dialog.html": DIALOG}),
                    "django.template.loaders.filesystem.Loader",
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]
    return "kit_dialog.html"


def run(request, perform, done=None, **options):
    form = NoteForm(request.POST if request.method == "POST" else None)
    response = run_dialog(
        request,
        form,
        template="kit_dialog.html",
        perform=perform,
        done=done or go_to("/projects/x/"),
        context={"page_title": "跟进记录"},
        **options,
    )
    return form, response


def never(data):
    raise AssertionError("the action must not run")


@pytest.mark.django_db
def test_a_get_shows_the_form_in_the_dialog_or_as_a_page(dialog_template):
    _, dialog = run(request_for(**HTMX, HTTP_HX_TARGET="dialog"), never)
    _, page = run(request_for(), never)

    assert dialog.status_code == page.status_code == 200
    assert "<h2>跟进记录</h2>" in text(dialog) and "<html" not in text(dialog)
    assert "<h1>跟进记录</h1>" in text(page) and "<!doctype html>" in text(page)


@pytest.mark.django_db
def test_an_invalid_form_comes_back_without_running_the_action(dialog_template):
    _, response = run(request_for("post", **HTMX), never)
    _, plain = run(request_for("post"), never, invalid_status=400)

    assert response.status_code == 422 and "请填写内容。" in text(response)
    assert plain.status_code == 400


@pytest.mark.django_db
def test_the_services_refusal_goes_onto_the_form(dialog_template):
    def perform(data):
        raise ValidationError({"text": "该项目已终止，不能再添加跟进记录。"})

    form, response = run(request_for("post", {"text": "走访"}, **HTMX), perform)

    assert response.status_code == 422
    assert form.errors["text"] == ["该项目已终止，不能再添加跟进记录。"]
    assert "该项目已终止" in text(response)


@pytest.mark.django_db
def test_a_conflict_comes_back_with_409_and_its_reason(dialog_template):
    def perform(data):
        raise Conflict("该项目已被他人修改，请刷新后重试。")

    form, response = run(request_for("post", {"text": "走访"}), perform, conflict=Conflict)

    assert response.status_code == 409
    assert "该项目已被他人修改" in text(response) and not form.errors


@pytest.mark.django_db
def test_success_goes_to_the_page_with_the_message(dialog_template):
    done = []

    def perform(data):
        done.append(data["text"])
        return "已添加跟进记录。"

    htmx_request = request_for("post", {"text": "走访"}, **HTMX)
    _, htmx = run(htmx_request, perform)
    plain_request = request_for("post", {"text": "再访"})
    _, plain = run(plain_request, perform)

    assert done == ["走访", "再访"]
    assert (htmx.status_code, htmx["HX-Redirect"]) == (200, "/projects/x/")
    assert (plain.status_code, plain["Location"]) == (302, "/projects/x/")
    assert [str(m) for m in get_messages(plain_request)] == ["已添加跟进记录。"]


@pytest.mark.django_db
def test_success_can_close_the_dialog_and_tell_the_page(dialog_template):
    done = close_dialog("problemsChanged", url="/projects/problems/")

    request = request_for("post", {"text": "走访"}, **HTMX)
    _, htmx = run(request, lambda data: "已登记。", done=done)
    _, plain = run(request_for("post", {"text": "走访"}), lambda data: "已登记。", done=done)

    assert htmx.status_code == 204
    triggers = json.loads(htmx["HX-Trigger"])
    assert set(triggers) == {"closeDialog", "showMessage", "problemsChanged"}
    assert triggers["showMessage"] == {"text": "已登记。"}  # said on the page, no reload
    assert (plain.status_code, plain["Location"]) == (302, "/projects/problems/")
