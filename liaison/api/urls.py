"""The JSON API under ``/api/``: the web UI's reads and actions, for scripts and tools.

Built on django-ninja rather than Django REST framework with drf-spectacular: the
request and response bodies are typed pydantic models, as the event bodies already are
(``ledger.events``); the OpenAPI 3.1 schema (``/api/openapi.json``, browsable at
``/api/docs``) is generated from those same types, so it cannot drift from the code;
and it is the lighter dependency (no serializer layer, no second schema generator).

Same permissions as the UI: every endpoint resolves the caller's membership through
``offices.access``, and every write is one call to a domain action. Signing in:
``auth``; how refusals read: ``errors``.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from liaison.api import (
    cadences,
    channel,
    checkpoints,
    commitments,
    errors,
    needs,
    offices,
    projects,
    proposals,
    records,
    sessions,
    third_parties,
    timeline,
)
from liaison.api.auth import AUTH


class LiaisonAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Plain operation ids (``check_in``) make readable generated clients.
        return operation.view_func.__name__

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        errors.declare_common_responses(schema)
        return schema


api = LiaisonAPI(
    title="Liaison API",
    version="1",
    description=(
        "The record of a liaison office between two sides: offices, standing, sessions, "
        "check-ins, cadences, meeting records, readouts, minutes, frameworks, "
        "commitments, joint projects, third parties, and the channel: messages with their "
        "receipts and files, private notes, notification settings. Sign in with "
        "`Authorization: Bearer <token>` (`liaison api_token create USER`) or the web UI's "
        "session (CSRF token required for POST)."
    ),
    auth=AUTH,
)
errors.install(api)
api.add_router("", offices.router)
api.add_router("", sessions.router)
api.add_router("", cadences.router)
api.add_router("", proposals.router)
api.add_router("", records.router)
api.add_router("", commitments.router)
api.add_router("", projects.router)
api.add_router("", third_parties.router)
api.add_router("", channel.router)
api.add_router("", timeline.router)
api.add_router("", checkpoints.router)
api.add_router("", needs.router)
