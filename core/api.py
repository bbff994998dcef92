"""API plumbing shared by every app: pagination, the one exception handler and the schema's error responses."""

import re

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import exceptions, pagination, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError


def _text_only(to_internal_value):
    """DRF's CharField reads a JSON number as text (0 becomes "0"). The schema says string, and a client that sends
    a number has the type wrong: refuse it ("Not a valid string."), as every other field refuses a wrong type."""

    def strict(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return to_internal_value(self, data)

    return strict


def _no_number(to_internal_value, message=None):
    """A JSON number is not a boolean (0 and 1 are numbers) nor, for money, a decimal: a float such as 0.1 is not
    the amount the client meant; decimals travel as strings, as the API returns them."""

    def strict(self, data):
        if isinstance(data, int | float) and not isinstance(data, bool):
            if message is None:
                self.fail("invalid")
            raise serializers.ValidationError(str(message), code="invalid")
        return to_internal_value(self, data)

    return strict


def _type_strict_fields():
    """DRF is lenient with JSON types where the schema is not; the contract test holds the API to its schema."""
    if getattr(serializers.CharField.to_internal_value, "type_strict", False):
        return
    serializers.CharField.to_internal_value = _text_only(serializers.CharField.to_internal_value)
    serializers.BooleanField.to_internal_value = _no_number(serializers.BooleanField.to_internal_value)
    serializers.DecimalField.to_internal_value = _no_number(
        serializers.DecimalField.to_internal_value,
        gettext_lazy('Send a decimal number as a string, such as "1000.00".'),
    )
    serializers.CharField.to_internal_value.type_strict = True


# DRF imports this module (DEFAULT_PAGINATION_CLASS) as its generic views load: before the API reads any body.
_type_strict_fields()


class StrictPageSize:
    """A ``page_size`` that is not a whole number of at least 1 is refused (400), not quietly replaced by the
    default; above ``max_page_size`` it is capped, as documented."""

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            return pagination._positive_int(raw, strict=True, cutoff=self.max_page_size)
        except ValueError:
            message = _("Enter a whole number of at least 1.")
            raise exceptions.ValidationError({self.page_size_query_param: [message]}) from None

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {**parameter["schema"], "minimum": 1}
        return parameters


class PageNumberPagination(StrictPageSize, pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_number(self, request, paginator):
        # DRF reads "?page=" as the first page; it is no page number, like any other that is not one.
        if request.query_params.get(self.page_query_param) == "":
            raise exceptions.NotFound(_("Invalid page."))
        return super().get_page_number(request, paginator)


class CursorPagination(StrictPageSize, pagination.CursorPagination):
    """For large lists: no COUNT(*), stable under inserts."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"


class PageNumberOrCursorPagination(PageNumberPagination):
    """Page numbers, or (for a view that switches with ``?paginate=cursor``) a cursor: the schema documents both
    shapes, the cursor one having no ``count``."""

    def get_paginated_response_schema(self, schema):
        cursor = CursorPagination()
        return {"anyOf": [super().get_paginated_response_schema(schema), cursor.get_paginated_response_schema(schema)]}

    def get_schema_operation_parameters(self, view):
        cursor = CursorPagination().get_schema_operation_parameters(view)
        return super().get_schema_operation_parameters(view) + [p for p in cursor if p["name"] == "cursor"]


def query_params(request, serializer_class):
    """The query string read through ``serializer_class`` (its fields optional): a value it refuses is a 400
    naming the parameter, as in a body, not a filter quietly dropped or a 500 from the database."""
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _errors_from(detail):
    if isinstance(detail, dict):
        return {field: [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])] for field, msgs in detail.items()}
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {}


def exception_handler(exc, context):
    """Every error leaves the API as {"detail": ..., "errors": {field: [...]}}."""
    if isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, "errors": _errors_from(exc.errors)}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(errors)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _errors_from(exc.detail)
        first = next(iter(errors.values()), [_("Invalid input.")])[0]
        response.data = {"detail": first, "errors": errors}
        response.status_code = status.HTTP_400_BAD_REQUEST
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        response.data = {"detail": str(detail), "errors": {}}
    return response


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["detail", "errors"],
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input or a business rule refused it; `errors` names the fields.",
    "401": "No valid token or session.",
    "403": "The role may not do this (read-only roles on writes; NPC deputies outside /api/v1/oversight/).",
    "404": "No such object in the caller's scope, or no such page.",
    "405": "Method not allowed.",
    "409": "The object's state does not allow it.",
    "414": "The request line is too long: the web server (gunicorn, or the proxy) refuses it before the app.",
    "415": "Unsupported request content type.",
    "429": "Too many requests; see Retry-After.",
}
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
_SPECTACULAR_DECIMAL = re.compile(r"^\^-\?\\d\{0,(\d+)\}\(\?:\\\.\\d\{0,(\d+)\}\)\?\$$")


class DecimalFieldExtension(OpenApiSerializerFieldExtension):
    """drf-spectacular's pattern for a decimal string admits "", "-" and "." (which DRF refuses) and, being a
    string, can carry no ``minimum``: require a digit, and drop the minus sign where ``min_value`` is 0 or more.
    A nullable decimal takes "" too, which DRF reads as null."""

    target_class = "rest_framework.serializers.DecimalField"

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        match = _SPECTACULAR_DECIMAL.match(str(schema.get("pattern", "")))
        if match:
            whole, places = match.groups()
            sign = "" if self.target.min_value is not None and self.target.min_value >= 0 else "-?"
            if places == "0":
                number = rf"{sign}\d{{1,{whole}}}\.?"
            else:
                number = rf"{sign}(?:\d{{1,{whole}}}(?:\.\d{{0,{places}}})?|\.\d{{1,{places}}})"
            schema["pattern"] = f"^(?:{number})?$" if self.target.allow_null else f"^{number}$"
        return schema


def _json_bodies_only(operation):
    """The API is JSON. DRF's form parsers also read a body (for the browsable API), but a form cannot carry a
    null, a list or a number, so the documented contract names JSON alone."""
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        for media_type in [m for m in content if m != "application/json"]:
            del content[media_type]


def _error_codes(method, operation):
    """The errors an operation can answer with, beside what its view declares: every error leaves
    through ``exception_handler`` or the middleware in the same {"detail", "errors"} shape."""
    parameters = operation.get("parameters", [])
    has_path = any(p.get("in") == "path" for p in parameters)
    has_query = any(p.get("in") == "query" for p in parameters)
    anonymous = not any(operation.get("security") or [{}])
    # 403 even where anonymous: a token sent along to the token exchange meets its role's write ban.
    codes = {"403"} if anonymous else {"401", "403"}
    if method in WRITE_METHODS or has_query or has_path:
        codes.add("400")
    if has_query:
        codes.add("414")
    if has_path or any(p.get("name") in ("page", "cursor") for p in parameters):
        codes.add("404")  # no such object; no such page, or a cursor that is not one
    if method in WRITE_METHODS:
        codes.add("409")  # services refuse a write the object's state does not allow
        if "requestBody" in operation:
            codes.add("415")
    if method == "get" or anonymous:
        codes.add("429")  # NPC deputies' read quota; the token exchange's throttle
    return codes


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents its error responses (and their one
    shape), so a client and a contract test (schemathesis) know every status code it may receive."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            _json_bodies_only(operation)
            responses = operation["responses"]
            for code in sorted(_error_codes(method, operation)):
                content = {} if code == "414" else {"content": {"application/json": {"schema": ref}}}
                responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code], **content})
    return result
