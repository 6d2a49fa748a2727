"""The HTTP API's shared parts: field types that check what the services check, the
error shape, and the handlers that answer every refusal in Chinese JSON.

Every refusal is JSON ``{"detail": "…中文…"}``; input that does not validate is a 422
that also names each bad field: ``{"detail": …, "errors": {"investment_wan": "…"}}``.
Nothing a client sends produces a 500. Each app's router builds on these types; the one
``NinjaAPI`` (``config/api.py``) installs the handlers with ``add_error_handlers``.
"""

import datetime as dt
import logging
import re
from decimal import Decimal
from types import UnionType
from typing import Annotated, Union, get_args, get_origin

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.http import Http404
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaError
from pydantic import AfterValidator, BeforeValidator, ConfigDict, PlainValidator, WithJsonSchema

from .dates import ISO_DATE, ISO_DATE_FORMAT, parse_iso_date
from .money import MAX_WAN, to_wan

logger = logging.getLogger("django.request")

# --- field types ------------------------------------------------------------------------

MAX_ID = 2**63 - 1
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PLAIN_DECIMAL = re.compile(r"^[0-9]+(\.[0-9]{1,4})?$")


def _text(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("不能包含控制字符。")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("包含无效的 Unicode 字符。") from None
    return value


def _money(value) -> Decimal:
    if not isinstance(value, str):
        raise ValueError('金额须以字符串传入（万元），如 "12345.6"，不能是数字或浮点数。')
    if len(value) > 40 or _CONTROL.search(value):
        raise ValueError("不是有效的金额（万元）。")
    try:
        amount = to_wan(value)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None
    if not _PLAIN_DECIMAL.fullmatch(value):
        raise ValueError(f"金额格式不正确：“{value}”，应写作 12345.6 这样的十进制数。")
    return amount


def _json_integer(value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("应为整数。")
    return value


# The document states what the server checks, so that a client sends what it accepts;
# the checks stay the validators' and the services', with their Chinese messages (a
# ``json_schema_extra`` is not checked by pydantic).
_ALLOWED = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"  # what _CONTROL finds
NO_CONTROL = rf"^[^{_ALLOWED}]*$"
#: Not blank either: one character that the services' ``strip()`` keeps.
NOT_BLANK = rf"^[^{_ALLOWED}]*[^\s{_ALLOWED}][^{_ALLOWED}]*$"
#: 万元 as _money takes it: digits, at most 4 decimals, at most MAX_WAN (a power of ten).
_MAX_WAN = int(MAX_WAN)
MONEY = rf"^0*({_MAX_WAN}(\.0{{1,4}})?|[0-9]{{1,{len(str(_MAX_WAN)) - 1}}}(\.[0-9]{{1,4}})?)$"

#: Free text: no control characters, no lone surrogates (the databases refuse them).
Text = Annotated[str, AfterValidator(_text), Field(json_schema_extra={"pattern": NO_CONTROL})]


#: A blank the services' ``strip()`` removes; a character it keeps; any allowed one.
BLANK = r"[^\S\x0b\x0c\x1c-\x1f]"
_W = BLANK
_N = rf"[^\s{_ALLOWED}]"
_X = rf"[^{_ALLOWED}]"


def text_limited(limit: int | None, *, required: bool = False, pattern: str | None = None):
    """Return Text of at most ``limit`` characters once stripped — not blank if
    ``required`` — as the services check it; stated in the document, checked by the
    services. The limit is in the pattern: blanks around the text do not count."""
    if pattern is None and limit is None:
        pattern = NOT_BLANK if required else NO_CONTROL
    elif pattern is None:
        core = rf"{_N}(?:{_X}{{0,{limit - 2}}}{_N})?"
        pattern = rf"^{_W}*{core}{_W}*$" if required else rf"^{_W}*(?:{core})?{_W}*$"
    schema: dict = {"pattern": pattern}
    if limit is not None:
        schema["x-max-length-stripped"] = limit
    if required:
        schema["minLength"] = 1
    return Annotated[Text, Field(json_schema_extra=schema)]


#: An amount in 万元 as a decimal string, at most four decimals; never a float.
Money = Annotated[
    Decimal,
    PlainValidator(_money),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": MONEY,
            "maxLength": 40,
            "description": f"万元，十进制字符串，最多 4 位小数，不超过 {_MAX_WAN}",
            "examples": ["12345.6"],
        }
    ),
]
IsoDate = Annotated[
    dt.date,
    PlainValidator(parse_iso_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": ISO_DATE.pattern}),
]
# The bounds come before the validator that runs first: after it, pydantic would write
# them as "ge"/"le", which JSON Schema does not know (a client saw version 0 as valid).
#: An integer in a JSON body: 7 or 7.0, never "7" or true.
Id = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_json_integer)]
QueryId = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[
    int,
    Field(ge=1, le=2**31 - 1, description="读到的项目版本号（乐观锁）"),
    BeforeValidator(_json_integer),
]
Code = Annotated[Text, Field(max_length=40)]


class Error(Schema):
    detail: str
    errors: dict[str, str] | None = None


class In(Schema):
    model_config = ConfigDict(extra="forbid")


class Ref(Schema):
    id: int
    name: str


class DistrictRef(Schema):
    code: str
    name: str


def refuse_unknown_params(request, params: type[Schema]) -> None:
    """Refuse query parameters the operation does not know (a typo must not widen a
    filter), and one value given twice where one is taken (``q=a&q=b``): neither may
    silently answer another question."""
    unknown = sorted(set(request.GET) - set(params.model_fields))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "不认识的参数。"))
    repeated = sorted(
        name
        for name, field in params.model_fields.items()
        if len(request.GET.getlist(name)) > 1 and not _many(field.annotation)
    )
    if repeated:
        raise ValidationError(dict.fromkeys(repeated, "只能给出一个值。"))


def _many(annotation) -> bool:
    """Whether a field takes a list (``list[…]``, or ``list[…] | None``)."""
    if get_origin(annotation) is list:
        return True
    return get_origin(annotation) in (Union, UnionType) and any(
        _many(arg) for arg in get_args(annotation)
    )


# --- errors -----------------------------------------------------------------------------

#: Chinese for the English messages ninja itself raises.
STATUS_MESSAGES = {
    400: "请求格式不正确：请求体必须是 UTF-8 编码的 JSON。",
    401: "未认证：请携带有效的访问令牌。",
    403: "无权执行此操作。",
    404: "请求的资源不存在。",
    405: "不支持该请求方法。",
    413: "请求体过大。",
    429: "请求过于频繁，请稍后再试。",
}

_NOT_A_BOOL = "应为 true 或 false。"
_ONE_OF = "只能是 {expected}。"
_NOT_AN_OBJECT = "应为 JSON 对象。"
_BAD_FORMAT = "格式不正确。"

#: Chinese for pydantic's error types; ``{…}`` takes the error's context.
_SCHEMA_MESSAGES = {
    "missing": "必须填写。",
    "string_type": "应为文本（字符串）。",
    "int_type": "应为整数。",
    "int_parsing": "应为整数。",
    "int_from_float": "应为整数。",
    "int_parsing_size": "数值过大。",
    "bool_type": _NOT_A_BOOL,
    "bool_parsing": _NOT_A_BOOL,
    "greater_than": "必须大于 {gt}。",
    "greater_than_equal": "不能小于 {ge}。",
    "less_than": "必须小于 {lt}。",
    "less_than_equal": "不能大于 {le}。",
    "string_too_short": "至少 {min_length} 个字。",
    "string_too_long": "不能超过 {max_length} 个字。",
    "too_long": "最多 {max_length} 项。",
    "literal_error": _ONE_OF,
    "enum": _ONE_OF,
    "list_type": "应为列表。",
    "dict_type": _NOT_AN_OBJECT,
    "model_type": _NOT_AN_OBJECT,
    "model_attributes_type": _NOT_AN_OBJECT,
    "extra_forbidden": "不认识的字段。",
    "date_type": ISO_DATE_FORMAT,
    "date_parsing": ISO_DATE_FORMAT,
    "date_from_datetime_parsing": ISO_DATE_FORMAT,
    "date_from_datetime_inexact": ISO_DATE_FORMAT,
    "json_invalid": "请求体不是有效的 JSON。",
    "value_error": "{error}",
}
#: Names of the body parameters of the operations: dropped from error locations.
_BODY_PARAMS = {"payload"}


def _field_name(loc) -> str:
    parts = [str(part) for part in loc[1:] if part not in _BODY_PARAMS]
    return ".".join(parts) or {"body": "请求体"}.get(loc[0], str(loc[0]))


def _schema_message(error: dict) -> str:
    template = _SCHEMA_MESSAGES.get(error.get("type", ""), _BAD_FORMAT)
    context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    if "expected" in context:
        context["expected"] = context["expected"].replace(", ", "、").replace(" or ", "、")
    try:
        return template.format(**context)
    except (KeyError, IndexError, ValueError):
        return _BAD_FORMAT


def add_error_handlers(api: NinjaAPI, *, conflicts: tuple[type[Exception], ...] = ()) -> None:
    """Answer every refusal raised under ``api`` as Chinese JSON.

    A ``ValidationError`` is a 422 (by field if it has fields), one of ``conflicts`` (a
    stale version) a 409; ninja's own English messages become Chinese; anything
    unexpected is logged and answered with a 500 that says nothing more.
    """

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

    @api.exception_handler(ValidationError)
    def _service_error(request, exc: ValidationError):
        if isinstance(exc, conflicts):
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
            message = STATUS_MESSAGES.get(exc.status_code, "请求无法处理。")
        response = api.create_response(request, {"detail": message}, status=exc.status_code)
        if exc.status_code == 401:
            response["WWW-Authenticate"] = 'Bearer realm="baton"'
        return response

    @api.exception_handler(Http404)
    def _not_found(request, exc: Http404):
        message = str(exc) if exc.args and not str(exc).isascii() else STATUS_MESSAGES[404]
        return api.create_response(request, {"detail": message}, status=404)

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc: PermissionDenied):
        message = str(exc) if exc.args and not str(exc).isascii() else STATUS_MESSAGES[403]
        return api.create_response(request, {"detail": message}, status=403)

    @api.exception_handler(SuspiciousOperation)
    def _bad_request(request, exc: SuspiciousOperation):
        status = 413 if isinstance(exc, RequestDataTooBig) else 400
        return api.create_response(request, {"detail": STATUS_MESSAGES[status]}, status=status)

    @api.exception_handler(Exception)
    def _server_error(request, exc: Exception):
        logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
        return api.create_response(request, {"detail": "服务器内部错误，请稍后再试。"}, status=500)
