"""The HTTP API under /api/v1/: one NinjaAPI, token authentication, Chinese errors.

Every refusal is JSON ``{"detail": "…中文…"}`` (``baton.core.api.add_error_handlers``);
input that does not validate is a 422 that also names each bad field:
``{"detail": …, "errors": {"investment_wan": "…"}}``. Nothing a client sends produces a 500.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import reverse_lazy
from ninja import NinjaAPI, Swagger

from baton.accounts.api_auth import TokenAuth, TokenRefused
from baton.activities.api import router as activities_router
from baton.companies.api import router as companies_router
from baton.core.api import STATUS_MESSAGES, add_error_handlers
from baton.files.api import router as files_router
from baton.intermediaries.api import router as intermediaries_router
from baton.land.api import router as land_router
from baton.leads.api import router as leads_router
from baton.meetings.api import router as meetings_router
from baton.outcomes.api import router as outcomes_router
from baton.projects.api import router as projects_router
from baton.projects.api_handoffs import router as handoffs_router
from baton.projects.api_reference import reference_router
from baton.projects.services import ConflictError
from baton.reports.api import router as reports_router
from baton.todo.api import router as todo_router
from baton.visits.api import router as visits_router

DESCRIPTION = """接力棒招商项目库的 JSON 接口。

**认证**：每个请求带上请求头 `Authorization: Bearer <令牌>`；令牌由管理员用
`baton create-token 用户名` 创建，只显示一次。可见范围与网页相同：单位看本单位的项目，
区招商办看本区，市招商办看全市；三类管理员看不到业务数据；协调部门（如自然资源局）的
令牌只能调用 `GET /todo`（交办给本单位的问题和督办），其余一律 403。

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
            except PermissionDenied as exc:  # a 协调部门's token: only its to-do
                return JsonResponse({"detail": str(exc)}, status=403)
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
api.add_router("", handoffs_router)
api.add_router("", reports_router)
api.add_router("", reference_router)
api.add_router("", land_router)
api.add_router("", todo_router)
api.add_router("", files_router)
api.add_router("", companies_router)
api.add_router("", leads_router)
api.add_router("", intermediaries_router)
api.add_router("", activities_router)
api.add_router("", visits_router)
api.add_router("", meetings_router)
api.add_router("", outcomes_router)

add_error_handlers(api, conflicts=(ConflictError,))


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
            response = JsonResponse({"detail": STATUS_MESSAGES[405]}, status=405)
            response["Allow"] = allowed
        return response

    return middleware
