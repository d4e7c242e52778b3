from django.test import Client

PATHS = {
    "/api/offices": {"get"},
    "/api/offices/{slug}": {"get"},
    "/api/offices/{slug}/standing": {"get"},
    "/api/offices/{slug}/sessions": {"get", "post"},
    "/api/offices/{slug}/sessions/{key}": {"get"},
    "/api/offices/{slug}/sessions/{key}/check-in": {"post"},
    "/api/offices/{slug}/sessions/{key}/absence": {"post"},
    "/api/offices/{slug}/sessions/{key}/move": {"post"},
    "/api/offices/{slug}/sessions/{key}/postpone": {"post"},
    "/api/offices/{slug}/sessions/{key}/cancel": {"post"},
    "/api/offices/{slug}/cadences": {"get", "post"},
    "/api/offices/{slug}/proposals": {"get"},
    "/api/offices/{slug}/proposals/{key}": {"get"},
    "/api/offices/{slug}/proposals/{key}/accept": {"post"},
    "/api/offices/{slug}/proposals/{key}/decline": {"post"},
    "/api/offices/{slug}/proposals/{key}/withdraw": {"post"},
    "/api/offices/{slug}/cadences/{key}/end": {"post"},
    "/api/offices/{slug}/sessions/{key}/record": {"get", "put"},
    "/api/offices/{slug}/sessions/{key}/readouts": {"get"},
    "/api/offices/{slug}/sessions/{key}/readouts/draft": {"get", "put"},
    "/api/offices/{slug}/sessions/{key}/readouts/{side}/publish": {"post"},
    "/api/offices/{slug}/sessions/{key}/minutes": {"get", "post"},
    "/api/offices/{slug}/sessions/{key}/minutes/{version}/propose": {"post"},
    "/api/offices/{slug}/sessions/{key}/minutes/{version}/sign": {"post"},
    "/api/offices/{slug}/frameworks": {"get", "post"},
    "/api/offices/{slug}/frameworks/{fkey}": {"get", "put"},
    "/api/offices/{slug}/commitments": {"get", "post"},
    "/api/offices/{slug}/commitments/{ckey}": {"get"},
    "/api/offices/{slug}/commitments/{ckey}/status": {"post"},
    "/api/offices/{slug}/projects": {"get"},
    "/api/offices/{slug}/projects/drafts": {"get"},
    "/api/offices/{slug}/projects/drafts/{pkey}": {"put", "delete"},
    "/api/offices/{slug}/projects/drafts/{pkey}/propose": {"post"},
    "/api/offices/{slug}/projects/{pkey}": {"get"},
    "/api/offices/{slug}/projects/{pkey}/plan": {"post"},
    "/api/offices/{slug}/projects/{pkey}/status": {"post"},
    "/api/offices/{slug}/projects/{pkey}/blockers": {"post"},
    "/api/offices/{slug}/projects/{pkey}/blockers/{bkey}/resolve": {"post"},
    "/api/offices/{slug}/projects/{pkey}/dependencies": {"post"},
    "/api/offices/{slug}/projects/{pkey}/dependencies/{dkey}": {"delete"},
    "/api/offices/{slug}/projects/{pkey}/conditions": {"post"},
    "/api/offices/{slug}/third-parties": {"get", "post"},
    "/api/offices/{slug}/third-parties/{tkey}": {"get"},
    "/api/offices/{slug}/third-parties/{tkey}/actors": {"post"},
    "/api/offices/{slug}/third-parties/{tkey}/positions": {"post"},
    "/api/offices/{slug}/third-parties/{tkey}/events": {"post"},
    "/api/offices/{slug}/messages": {"get", "post"},
    "/api/offices/{slug}/messages/sent": {"get"},
    "/api/offices/{slug}/messages/awaiting": {"get"},
    "/api/offices/{slug}/messages/{key}": {"get"},
    "/api/offices/{slug}/messages/{key}/acknowledge": {"post"},
    "/api/offices/{slug}/messages/{key}/attachments/{sha256}": {"get"},
    "/api/offices/{slug}/notes": {"get", "post"},
    "/api/offices/{slug}/notes/{note_id}": {"delete"},
    "/api/offices/{slug}/notifications": {"get", "put"},
    "/api/offices/{slug}/timeline": {"get"},
    "/api/offices/{slug}/checkpoints": {"get", "post"},
    "/api/offices/{slug}/keys": {"get"},
    "/api/offices/{slug}/needs": {"get"},
}


def test_the_openapi_schema_loads_and_lists_every_endpoint(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert schema["info"]["title"] == "Liaison API"
    assert {path: set(ops) for path, ops in schema["paths"].items()} == PATHS


def test_every_operation_has_a_plain_id_and_needs_sign_in(db):
    schema = Client().get("/api/openapi.json").json()
    ids = [op["operationId"] for ops in schema["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids)) and "check_in" in ids and "list_sessions" in ids
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    for ops in schema["paths"].values():
        for op in ops.values():
            assert op["security"], op["operationId"]


def test_the_sessions_list_documents_the_from_parameter(db):
    schema = Client().get("/api/openapi.json").json()
    params = schema["paths"]["/api/offices/{slug}/sessions"]["get"]["parameters"]
    assert {p["name"] for p in params} == {"slug", "from", "to"}


def test_the_docs_page_is_served(db):
    response = Client().get("/api/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
