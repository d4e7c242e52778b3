"""The live stream: a connected client receives a new message and a check-in as they
happen, resumes after Last-Event-ID, and only members get a stream."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.test import AsyncClient

from liaison.channel import messages
from liaison.channel.commands import SendMessage
from liaison.testing import T0, make_world

URL = "/offices/testoffice/live/"
NOW = T0 + dt.timedelta(days=1)

# The stream is async; each test runs its coroutine with async_to_sync (as Django's own
# ASGI handler would), so no async test plugin is needed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fast(settings):
    settings.LIAISON_LIVE_POLL_SECONDS = 0.02
    settings.LIAISON_LIVE_STREAM_SECONDS = 5


async def _next_update(chunks) -> dict:
    while True:
        chunk = await asyncio.wait_for(anext(chunks), timeout=5)
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        if "event: update" in text:
            fields = dict(line.split(": ", 1) for line in text.strip().splitlines())
            return {"id": fields["id"], **json.loads(fields["data"])}


def test_a_connected_client_receives_a_new_message_as_it_is_sent(fast):
    async_to_sync(_a_connected_client_receives_a_new_message_as_it_is_sent)()


async def _a_connected_client_receives_a_new_message_as_it_is_sent() -> None:
    world = await sync_to_async(make_world)()
    client = AsyncClient()
    await sync_to_async(lambda: client.force_login(world.north_staff.user))()
    response = await client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    chunks = aiter(response.streaming_content)
    assert "retry: 3000" in (await anext(chunks)).decode()
    await sync_to_async(messages.send_message)(
        member=world.south_head,
        command=SendMessage(kind="notice", subject="Now", body="Live"),
        now=NOW,
    )
    update = await _next_update(chunks)
    assert (update["kind"], update["side"]) == ("message", "south")


def test_a_reconnecting_client_resumes_after_the_last_event_it_saw(fast):
    async_to_sync(_a_reconnecting_client_resumes_after_the_last_event_it_saw)()


async def _a_reconnecting_client_resumes_after_the_last_event_it_saw() -> None:
    world = await sync_to_async(make_world)()
    first = await sync_to_async(messages.send_message)(
        member=world.south_head,
        command=SendMessage(kind="notice", subject="One", body="1"),
        now=NOW,
    )
    await sync_to_async(messages.send_message)(
        member=world.south_head,
        command=SendMessage(kind="notice", subject="Two", body="2"),
        now=NOW,
    )
    assert first.event_seq == 1
    client = AsyncClient()
    await sync_to_async(lambda: client.force_login(world.north_head.user))()
    # The id of the update that announced the first message, as the browser kept it.
    response = await client.get(URL, headers={"Last-Event-ID": "north:0,south:1"})
    update = await _next_update(aiter(response.streaming_content))
    assert (update["id"], update["kind"]) == ("north:0,south:2", "message")


def test_a_point_that_is_not_the_offices_starts_the_stream_now(fast):
    async_to_sync(_a_point_that_is_not_the_offices_starts_the_stream_now)()


async def _a_point_that_is_not_the_offices_starts_the_stream_now() -> None:
    world = await sync_to_async(make_world)()
    await sync_to_async(messages.send_message)(
        member=world.south_head,
        command=SendMessage(kind="notice", subject="Before", body="1"),
        now=NOW,
    )
    client = AsyncClient()
    await sync_to_async(lambda: client.force_login(world.north_head.user))()
    # A global event key, as the stream sent before, or another office's sides.
    for header in ("3", "east:0,west:0"):
        response = await client.get(URL, headers={"Last-Event-ID": header})
        chunks = aiter(response.streaming_content)
        await anext(chunks)  # retry:
        await sync_to_async(messages.send_message)(
            member=world.south_head,
            command=SendMessage(kind="notice", subject=header, body="2"),
            now=NOW,
        )
        update = await _next_update(chunks)
        assert update["kind"] == "message"
        seq = await sync_to_async(first_seq)(world, header)
        assert update["id"] == f"north:0,south:{seq}"


def first_seq(world, subject: str) -> int:
    from liaison.channel.models import Message

    return Message.objects.get(office=world.office, subject=subject).event_seq


def test_only_members_get_a_stream(fast):
    async_to_sync(_only_members_get_a_stream)()


async def _only_members_get_a_stream() -> None:
    world = await sync_to_async(make_world)()
    anonymous = await AsyncClient().get(URL)
    assert anonymous.status_code == 302
    outsider = AsyncClient()
    await sync_to_async(lambda: outsider.force_login(world.outsider))()
    assert (await outsider.get(URL)).status_code == 404


def test_under_a_wsgi_server_there_is_nothing_to_stream(client):
    # The sync test client is WSGI, like pytest-django's live server.
    assert client.get(URL).status_code == 204
