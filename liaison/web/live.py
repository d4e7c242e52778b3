"""Live updates for an office's pages: a server-sent event stream.

Server-sent events rather than polling from the page or WebSockets: updates only flow
from the server to the browser; ``EventSource`` reconnects by itself and resumes after
the last event it saw (``Last-Event-ID``), so nothing is missed across a dropped
connection; and it needs nothing beyond the ASGI server we run (no Channels, no broker).
The stream looks for new events once a second — one indexed query — and closes after a
few minutes so that no connection is held for ever; the browser then reconnects.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

from liaison.channel.live import Cursor, last_id, parse_cursor, updates_after
from liaison.offices import access

KEEP_ALIVE_SECONDS = 15.0


async def _stream(office: str, after: Cursor) -> AsyncIterator[str]:
    poll = float(settings.LIAISON_LIVE_POLL_SECONDS)
    deadline = time.monotonic() + float(settings.LIAISON_LIVE_STREAM_SECONDS)
    yield "retry: 3000\n\n"
    quiet = 0.0
    while time.monotonic() < deadline:
        updates = await sync_to_async(updates_after)(office, after)
        for update in updates:
            after = update.point
            yield update.as_sse()
        quiet = 0.0 if updates else quiet + poll
        if quiet >= KEEP_ALIVE_SECONDS:
            quiet = 0.0
            yield ": still here\n\n"
        await asyncio.sleep(poll)


async def office_live(request: HttpRequest, slug: str) -> HttpResponseBase:
    if not hasattr(request, "scope"):
        # Under a WSGI server a stream would be read whole before it is sent: tell the
        # browser there is nothing to stream (204 stops EventSource from reconnecting).
        return HttpResponse(status=204)
    user = await request.auser()
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        office, _member = await sync_to_async(access.get_office_for_user)(user, slug)
    except Http404:
        return HttpResponse("No such office.", status=404, content_type="text/plain")
    # Resume where the browser's last update left off (a point of the office's own logs,
    # see ``channel.live``); anything else starts now.
    after = await sync_to_async(last_id)(office.id)
    resumed = parse_cursor(request.headers.get("Last-Event-ID", ""))
    if resumed is not None and set(resumed) <= set(after):
        after = resumed
    response = StreamingHttpResponse(_stream(office.id, after), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # a proxy must pass events on at once
    return response
