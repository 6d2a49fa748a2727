"""The HTTP API under /api/v1/: one NinjaAPI, token authentication, Chinese errors.

Every refusal is JSON ``{"detail": "…中文…"}``; input that does not validate is a 422
that also names each bad field: ``{"detail": …, "errors": {"investment_wan": "…"}}``.
Nothing a client sends produces a 500.
"""

import logging
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.urls import reverse_lazy
from ninja import NinjaAPI, Swagger
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaError

from baton.accounts.api_auth import TokenAuth, TokenRefused
from baton.land.api import router as land_router
from baton.projects.api import reference_router
from baton.projects.api import router as projects_router
from baton.projects.services import ConflictError
from baton.reports.api import router as reports_router

logger = logging.getLogger("django.request")

DESCRIPTION = """接力棒招商项目库的 JSON 接口。

**认证**：每个请求带上请求头 `Authorization: Bearer <令牌>`；令牌由管理员用
`baton create-token 用户名` 创建，只显示一次。可见范围与网页相同：单位看本单位的项目，
区招商办看本区，市招商办看全市；三类管理员看不到业务数据。

**约定**：金额以万元为单位、用十进制字符串表示（如 `"12345.6"`，最多 4 位小数，不用浮点数）；
日期为 `YYYY-MM-DD`，时间为带时区的 ISO 8601。改变项目状态的操作须带上读到的 `version`，
他人已先保存时返回 409。

**错误**：均为 JSON，`detail` 为中文说明；字段校验错误（422）另有 `errors` 按字段给出原因。
401 未认证，403 无权操作，404 项目不存在或不在您的范围内。
"""


def _docs_access(view):
    """Open the docs page and the OpenAPI document to a signed-in user or a valid token.

    A signed-in administrator must have passed the second factor first, as on every page.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        user = request.user
        if user.is_authenticated and (not user.is_admin_role or user.is_verified()):
            return view(request, *args, **kwargs)
        if request.headers.get("Authorization"):
            try:
                TokenAuth()(request)
            except TokenRefused as exc:
                return JsonResponse({"detail": exc.message}, status=401)
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse({"detail": "请先登录，或携带访问令牌。"}, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapper


api = NinjaAPI(
    title="接力棒 HTTP API",
    version="1.0.0",
    description=DESCRIPTION,
    auth=TokenAuth(),
    # validatorUrl: Swagger UI would otherwise send our schema's address to swagger.io.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    docs_decorator=_docs_access,
)
api.add_router("", projects_router)
api.add_router("", reports_router)
api.add_router("", reference_router)
api.add_router("", land_router)

#: Chinese for the English messages ninja itself raises.
_STATUS_MESSAGES = {
    400: "请求格式不正确：请求体必须是 UTF-8 编码的 JSON。",
    401: "未认证：请携带有效的访问令牌。",
    403: "无权执行此操作。",
    404: "请求的资源不存在。",
    405: "不支持该请求方法。",
    413: "请求体过大。",
    429: "请求过于频繁，请稍后再试。",
}

#: Chinese for pydantic's error types; ``{…}`` takes the error's context.
_SCHEMA_MESSAGES = {
    "missing": "必须填写。",
    "string_type": "应为文本（字符串）。",
    "int_type": "应为整数。",
    "int_parsing": "应为整数。",
    "int_from_float": "应为整数。",
    "int_parsing_size": "数值过大。",
    "bool_type": "应为 true 或 false。",
    "bool_parsing": "应为 true 或 false。",
    "greater_than": "必须大于 {gt}。",
    "greater_than_equal": "不能小于 {ge}。",
    "less_than": "必须小于 {lt}。",
    "less_than_equal": "不能大于 {le}。",
    "string_too_short": "至少 {min_length} 个字。",
    "string_too_long": "不能超过 {max_length} 个字。",
    "too_long": "最多 {max_length} 项。",
    "literal_error": "只能是 {expected}。",
    "enum": "只能是 {expected}。",
    "list_type": "应为列表。",
    "dict_type": "应为 JSON 对象。",
    "model_type": "应为 JSON 对象。",
    "model_attributes_type": "应为 JSON 对象。",
    "extra_forbidden": "不认识的字段。",
    "date_type": "日期格式不正确，应为 YYYY-MM-DD。",
    "date_parsing": "日期格式不正确，应为 YYYY-MM-DD。",
    "date_from_datetime_parsing": "日期格式不正确，应为 YYYY-MM-DD。",
    "date_from_datetime_inexact": "日期格式不正确，应为 YYYY-MM-DD。",
    "json_invalid": "请求体不是有效的 JSON。",
    "value_error": "{error}",
}
#: Names of the body parameters of the operations: dropped from error locations.
_BODY_PARAMS = {"payload"}


def _field_name(loc) -> str:
    parts = [str(part) for part in loc[1:] if part not in _BODY_PARAMS]
    return ".".join(parts) or {"body": "请求体"}.get(loc[0], str(loc[0]))


def _schema_message(error: dict) -> str:
    template = _SCHEMA_MESSAGES.get(error.get("type", ""), "格式不正确。")
    context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    if "expected" in context:
        context["expected"] = context["expected"].replace(", ", "、").replace(" or ", "、")
    try:
        return template.format(**context)
    except (KeyError, IndexError, ValueError):
        return "格式不正确。"


def _invalid(request, errors: dict[str, str], detail: str = ""):
    listed = "；".join(f"{field}：{message.rstrip('。')}" for field, message in errors.items())
    detail = detail or f"提交的内容有误。{listed}。"
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(SchemaError)
def _schema_error(request, exc: SchemaError):
    errors: dict[str, str] = {}
    for error in exc.errors:
        errors.setdefault(_field_name(error.get("loc", ("body",))), _schema_message(error))
    return _invalid(request, errors)


@api.exception_handler(DjangoValidationError)
def _service_error(request, exc: DjangoValidationError):
    if isinstance(exc, ConflictError):
        return api.create_response(request, {"detail": exc.messages[0]}, status=409)
    if hasattr(exc, "error_dict"):
        errors = {
            ("请求" if field == "__all__" else field): "；".join(
                message for error in field_errors for message in error.messages
            )
            for field, field_errors in exc.error_dict.items()
        }
        return _invalid(request, errors)
    return api.create_response(request, {"detail": "；".join(exc.messages)}, status=422)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    message = str(exc)
    if message.isascii():  # one of ninja's own English messages
        message = _STATUS_MESSAGES.get(exc.status_code, "请求无法处理。")
    response = api.create_response(request, {"detail": message}, status=exc.status_code)
    if exc.status_code == 401:
        response["WWW-Authenticate"] = 'Bearer realm="baton"'
    return response


@api.exception_handler(Http404)
def _not_found(request, exc: Http404):
    message = str(exc) if exc.args and not str(exc).isascii() else _STATUS_MESSAGES[404]
    return api.create_response(request, {"detail": message}, status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc: PermissionDenied):
    message = str(exc) if exc.args and not str(exc).isascii() else _STATUS_MESSAGES[403]
    return api.create_response(request, {"detail": message}, status=403)


@api.exception_handler(SuspiciousOperation)
def _bad_request(request, exc: SuspiciousOperation):
    status = 413 if isinstance(exc, RequestDataTooBig) else 400
    return api.create_response(request, {"detail": _STATUS_MESSAGES[status]}, status=status)


@api.exception_handler(Exception)
def _server_error(request, exc: Exception):
    logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
    return api.create_response(request, {"detail": "服务器内部错误，请稍后再试。"}, status=500)


def json_method_not_allowed(get_response):
    """Give the API's 405 the JSON body of every other API error.

    ninja answers a method no operation of the path takes with a plain-text
    ``HttpResponseNotAllowed`` before any of its exception handlers run; this keeps its
    status and ``Allow`` header and says why in Chinese, as the API's description promises.
    """
    prefix = reverse_lazy("api-1.0.0:api-root")

    def middleware(request):
        response = get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith(str(prefix))
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            allowed = response.get("Allow", "")
            response = JsonResponse({"detail": _STATUS_MESSAGES[405]}, status=405)
            response["Allow"] = allowed
        return response

    return middleware
