"""Every endpoint for every kind of caller: the same permissions as the web UI."""

import re

import pytest
from django.test import Client

from liaison.api.tests.conftest import (
    BEFORE_FIRST,
    READS,
    ROLES,
    WRITES,
    office_url,
)
from liaison.ledger.models import Event


def send(client, world, write, actor):
    row = WRITES[write]
    return getattr(client, row.method)(
        row.url(world, actor), row.body(world, actor), content_type="application/json"
    )


@pytest.fixture
def prepared(world, django_db_setup):
    """``prepared(row)``: the world with the row's setup done (its rows taken once per
    test process: every setup passes its instants to the actions)."""

    def prepare(row):
        django_db_setup.with_layer(row.setup, world)
        return row

    return prepare


@pytest.mark.parametrize("read", READS)
@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_every_record(world, api_as, frozen, role, read, prepared):
    row = prepared(READS[read])
    with frozen(row.at):
        response = api_as(role).get(office_url(world, read))
    if role in row.hidden_from:
        assert response.status_code == 404, response.content
        assert set(response.json()) == {"detail", "field"}
    else:
        assert response.status_code == 200, response.content


@pytest.mark.parametrize("read", READS)
def test_an_outsider_gets_404_like_an_unknown_office(world, api_as, frozen, read, prepared):
    row = prepared(READS[read])
    client = api_as("outsider")
    with frozen(row.at):
        theirs = client.get(office_url(world, read))
        unknown = client.get(f"/api/offices/no-such-office{read}")
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json() == unknown.json() == {"detail": "No such office.", "field": None}


@pytest.mark.parametrize("read", ["/api/offices", *[f"/api/offices/testoffice{r}" for r in READS]])
def test_anonymous_reads_get_401(cadenced, api_as, read):
    response = api_as("anonymous").get(read)
    assert response.status_code == 401
    assert response.json()["detail"] == "Authentication required."


WRITERS = [(write, role) for write, row in WRITES.items() for role in row.writers]
REFUSED = [
    (write, role) for write, row in WRITES.items() for role in ROLES if role not in row.writers
]


@pytest.mark.parametrize(("write", "writer"), WRITERS)
def test_each_writer_of_either_side_writes_one_event_to_its_sides_log(
    world, api_as, frozen, writer, write, prepared
):
    row = prepared(WRITES[write])
    before = Event.objects.count()
    with frozen(row.at):
        response = send(api_as(writer), world, write, writer)
    assert response.status_code in (200, 201, 204), response.content
    if row.event is None:  # a side's private draft never enters a log
        assert Event.objects.count() == before
        return
    new = list(Event.objects.select_related("log").order_by("pk")[before:])
    if row.by_witness:
        other = "north" if writer.startswith("south") else "south"
        assert [(e.type, e.actor, e.log.side) for e in new if e.type == row.event] == [
            (row.event, "witness", other)
        ]
        return
    mine = [e for e in new if e.actor == world.members[writer].username]
    assert [e.type for e in mine] == [row.event]
    assert mine[0].log.side == writer.split("_")[0]
    # Besides: a side's first key named in the charter, and the other side witnessing a
    # checkpoint (signing minutes checkpoints the signer's log).
    assert {e.type for e in new if e not in mine} <= {"key.registered", "checkpoint.cosigned"}


@pytest.mark.parametrize(("write", "role"), REFUSED)
def test_everyone_else_gets_403_and_nothing_is_written(
    world, api_as, frozen, role, write, prepared
):
    row = prepared(WRITES[write])
    before = Event.objects.count()
    with frozen(row.at):
        response = send(api_as(role), world, write, role)
    assert response.status_code == 403, response.content
    assert response.json()["detail"]
    assert Event.objects.count() == before


@pytest.mark.parametrize("write", WRITES)
def test_an_outsider_writing_gets_404_and_nothing_is_written(
    world, api_as, frozen, write, prepared
):
    row = prepared(WRITES[write])
    before = Event.objects.count()
    with frozen(row.at):
        response = send(api_as("outsider"), world, write, "outsider")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such office.", "field": None}
    assert Event.objects.count() == before


@pytest.mark.parametrize("write", WRITES)
def test_anonymous_writes_get_401_not_a_csrf_403(world, api_as, frozen, write, prepared):
    row = prepared(WRITES[write])
    before = Event.objects.count()
    with frozen(row.at):
        response = send(api_as("anonymous"), world, write, "anonymous")
    assert response.status_code == 401
    assert Event.objects.count() == before


def test_the_other_sides_head_cannot_check_in_for_a_side(cadenced, api_as, frozen):
    before = Event.objects.count()
    with frozen(BEFORE_FIRST):
        response = api_as("north_head").post(
            office_url(cadenced, "/sessions/weekly-20240105T1000/check-in"),
            {"attendee": cadenced.south_head.username},
            content_type="application/json",
        )
        detail = api_as("south_head").get(office_url(cadenced, "/sessions/weekly-20240105T1000"))
    assert response.status_code == 403
    assert response.json()["detail"] == "you can act only for your own side"
    assert Event.objects.count() == before
    assert detail.json()["attendance"] == {"south": "expected", "north": "expected"}


def _operations_tested() -> set[tuple[str, str]]:
    """(method, concrete path) of every call the tests above make."""
    # A read's query string is not part of its path; a write's placeholders other than
    # ``{side}`` (filled from the state) stand for one path segment, as in the schema.
    reads = {("get", "/api/offices")} | {
        ("get", f"/api/offices/testoffice{r.split('?')[0]}") for r in READS
    }
    writes = {
        (row.method, f"/api/offices/testoffice{row.path.replace('{side}', 'south')}")
        for row in WRITES.values()
    }
    return reads | writes


def test_every_api_operation_has_a_row(db):
    # A new endpoint must join READS or WRITES, so every kind of caller is tried on it.
    schema = Client().get("/api/openapi.json").json()
    tested = _operations_tested()
    missing = []
    for template, operations in schema["paths"].items():
        pattern = re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
        for method in operations:
            if not any(m == method and pattern.match(path) for m, path in tested):
                missing.append(f"{method.upper()} {template}")
    assert missing == []
