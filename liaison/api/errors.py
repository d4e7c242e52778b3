"""How a refusal reads over HTTP: ``{"detail": message, "field": field-or-null}``.

- 401: no credentials, or a bad token (``auth``).
- 403: ``NotAllowed`` (role or side), or a failed CSRF check on a session call.
- 404: an unknown office, one the caller is not a member of, or an object the caller
  cannot reach (``NotFound`` from a lookup: unknown, or the other side's private one);
  they read alike so nothing leaks about what a caller cannot see.
- 400: ``Refused`` naming a field: the value given is wrong (a start in the past, a
  naive datetime, a reversed range); also a date too near the calendar's ends to be
  turned into instants (``DayOutOfRange``, year 1 or 9999).
- 409: ``Refused`` naming no field: the request is fine but the office's state forbids
  it now (the grace period ended, the side already checked in, the session was cancelled).
  Also ``Conflict``: a save started from a revision or version someone else has since
  replaced; the answer adds ``current`` (what is saved now) and ``changes`` (a diff from
  it to what was sent), so the caller can show both and nothing typed is lost.
- 413: the body is larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (one attachment of
  ``LIAISON_ATTACHMENT_MAX_BYTES`` in base64 and 1 MiB for the rest).
- 422: the body, query or path does not match the schema (ninja's own answer,
  ``{"detail": [{"type", "loc", "msg"}, ...]}``).

Every operation's OpenAPI entry lists 401, (where it takes input) 422 and (where it takes
a body) 413 as well: ``declare_common_responses``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Schema
from ninja.errors import AuthenticationError

from liaison.api.schemas import ErrorOut, InputErrorOut
from liaison.lib.errors import Conflict, NotAllowed, NotFound, Refused
from liaison.lib.timezones import DayOutOfRange

if TYPE_CHECKING:
    from ninja import NinjaAPI
    from ninja.openapi.schema import OpenAPISchema


def status_for(exc: Refused) -> int:
    if isinstance(exc, NotAllowed):
        return 403
    if exc.field:
        return 400
    return 409


def declare_common_responses(schema: OpenAPISchema) -> None:
    """Add the answers every operation can give to the OpenAPI schema: 401 (each one
    needs sign-in), where the request carries parameters or a body, ninja's 422, and
    where it carries a body, the 413 of one over the limit.
    Declared once here rather than in each operation's ``response=``, so none is missed
    and a generated client knows every status it will see."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorOut, InputErrorOut):
        body = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(body.pop("$defs", {}))
        components[model.__name__] = body
    for operations in schema["paths"].values():
        for operation in operations.values():
            responses = operation["responses"]
            if operation.get("security"):
                responses.setdefault(401, _response("Unauthorized", ErrorOut))
            if operation.get("parameters") or operation.get("requestBody"):
                responses.setdefault(422, _response("Unprocessable Content", InputErrorOut))
            if operation.get("requestBody"):
                responses.setdefault(413, _response("Content Too Large", ErrorOut))


def _response(description: str, model: type[Schema]) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"description": description, "content": {"application/json": {"schema": ref}}}


def install(api: NinjaAPI) -> None:
    # Handlers are found by the exception's class first, so this one answers a Conflict
    # and the Refused handler below everything else.
    @api.exception_handler(Conflict)
    def conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
        body = {
            "detail": exc.message,
            "field": exc.field,
            "current": exc.current,
            "changes": exc.changes,
        }
        return api.create_response(request, body, status=409)

    @api.exception_handler(Refused)
    def refused(request: HttpRequest, exc: Refused) -> HttpResponse:
        return api.create_response(
            request, {"detail": exc.message, "field": exc.field}, status=status_for(exc)
        )

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        files = settings.LIAISON_ATTACHMENT_MAX_BYTES
        message = (
            f"The request body is larger than {limit:,} bytes, the most the API takes: "
            f"room for one attachment of up to {files:,} bytes in base64 and the rest of "
            "the message. Send large files in messages of their own."
        )
        return api.create_response(request, {"detail": message, "field": None}, status=413)

    @api.exception_handler(DayOutOfRange)
    def day_out_of_range(request: HttpRequest, exc: DayOutOfRange) -> HttpResponse:
        # A date parameter near the calendar's ends (year 1, 9999): whichever operation
        # turned it into instants, it is the value given that is wrong.
        return api.create_response(request, {"detail": str(exc), "field": None}, status=400)

    @api.exception_handler(NotFound)
    def lookup_failed(request: HttpRequest, exc: NotFound) -> HttpResponse:
        # The lookup logged the refusal already.
        return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=404)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(
            request, {"detail": str(exc) or "Not found.", "field": None}, status=404
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = exc.message if exc.message != "Unauthorized" else "Authentication required."
        response = api.create_response(request, {"detail": message, "field": None}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="liaison"'
        return response
