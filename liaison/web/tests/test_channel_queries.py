"""The channel's pages read a fixed number of queries: the same with 10 messages in the
office as with 2,000 (one thread of 10, or of all 2,000)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from liaison.channel import messages
from liaison.channel.attachments import Upload
from liaison.channel.commands import SendMessage
from liaison.channel.models import Message
from liaison.testing import World

pytestmark = pytest.mark.django_db

SENT = dt.datetime(2024, 2, 1, 1, 0, tzinfo=dt.UTC)
LATER = SENT + dt.timedelta(hours=2)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

# Session and user (2), office and membership (2), the count and the page with its
# receipts and files (4), the members named (1). A receiving member's page seen before
# costs no more: ``mark_shown`` finds every receipt in the prefetched ones and neither
# locks the log nor reads them again.
INBOX_RECEIVER = 9
INBOX_OTHERS = 9  # an observer's inbox, the sender's sent list: no receipts to record
# The same four; the message looked up (1), its root and the thread with its receipts
# and files (4), the members (1); for a receiving member, the viewer's side's notes (1).
# (No message names a project: that lookup is skipped.)
THREAD_RECEIVER = 11
THREAD_OBSERVER = 10


def _messages(world: World, count: int) -> str:
    """``count`` messages, all in one thread (notices from the South, every other one
    answered by the North), a file on every fifth; the thread's first key."""
    first = None
    for number in range(count):
        north = number % 2 == 1
        message = messages.send_message(
            member=world.north_head if north else world.south_head,
            command=SendMessage(
                kind="reply" if first else "notice",
                subject=f"Notice {number}",
                body="Routine business.",
                in_reply_to=first or "",
                attachments=[Upload("agenda.pdf", PDF)] if number % 5 == 0 else (),
            ),
            now=SENT,
        )
        first = first or message.key
    assert first is not None
    return first


@pytest.mark.parametrize("count", [10, 2000])
def test_the_lists_and_a_thread_read_the_same_queries_however_many_messages(
    world, as_user, django_assert_num_queries, count
):
    key = _messages(world, count)
    slug = world.office.slug
    inbox = reverse("office-messages", args=[slug])
    sent = reverse("office-messages-sent", args=[slug])
    thread = reverse("office-message", args=[slug, key])
    with time_machine.travel(LATER, tick=False):
        client = as_user(world.north_staff)  # signing in is not the page's work
        client.get(inbox)  # delivers the first page
        with django_assert_num_queries(INBOX_RECEIVER):
            listed = client.get(inbox)
        with django_assert_num_queries(INBOX_RECEIVER):
            client.get(inbox, {"q": "Notice"})
        client.get(thread)  # reads it
        with django_assert_num_queries(THREAD_RECEIVER):
            read = client.get(thread)
        client = as_user(world.observer)
        with django_assert_num_queries(INBOX_OTHERS):
            observed = client.get(inbox)
        with django_assert_num_queries(THREAD_OBSERVER):
            client.get(thread)
        client = as_user(world.south_staff)
        with django_assert_num_queries(INBOX_OTHERS):
            client.get(sent)
    assert listed.status_code == observed.status_code == read.status_code == 200
    assert listed.text.count('<tr id="message-') == min(count // 2, 25)
    assert read.text.count('<li id="message-') == count
    assert Message.objects.count() == count
