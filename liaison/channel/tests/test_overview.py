"""The inbox, sent list, thread and awaiting panel: what each reader sees, searching,
paging, and a fixed number of queries with thousands of messages."""

from __future__ import annotations

import datetime as dt

from liaison.channel import messages as channel_messages
from liaison.channel import overview
from liaison.channel import receipts as channel_receipts
from liaison.channel.commands import Acknowledge, SendMessage
from liaison.testing import T0, World

NOW = T0 + dt.timedelta(days=1)


def send(world: World, member: str, subject: str, at: dt.datetime = NOW, **kw):
    kind, body = kw.pop("kind", "notice"), kw.pop("body", "Text")
    command = SendMessage(kind=kind, subject=subject, body=body, **kw)
    return channel_messages.send_message(member=world.members[member], command=command, now=at)


def test_inbox_and_sent_by_side_and_observers_see_all(world):
    send(world, "south_head", "From the South")
    send(world, "north_head", "From the North")
    assert [m.subject for m in overview.inbox(world.north_staff)] == ["From the South"]
    assert [m.subject for m in overview.sent(world.north_staff)] == ["From the North"]
    assert {m.subject for m in overview.inbox(world.observer)} == {
        "From the South",
        "From the North",
    }
    assert list(overview.sent(world.observer)) == []


def test_search_by_subject_and_body(world):
    send(world, "south_head", "Rail study", body="Survey teams")
    send(world, "south_head", "Concert", body="The troupe")
    assert [m.subject for m in overview.inbox(world.north_head, "rail")] == ["Rail study"]
    assert [m.subject for m in overview.inbox(world.north_head, "TROUPE")] == ["Concert"]


def test_the_thread_in_order_with_receipts(world):
    first = send(world, "south_head", "Proposal", kind="proposal")
    reply = send(
        world,
        "north_head",
        "Re: Proposal",
        NOW + dt.timedelta(hours=1),
        kind="reply",
        in_reply_to=first.key,
    )
    channel_receipts.mark_shown(
        world.north_head, [first], opened=True, now=NOW + dt.timedelta(minutes=5)
    )
    messages = overview.thread(world.office, reply.key)
    assert [m.key for m in messages] == [first.key, reply.key]
    receipts = overview.Receipts.of(messages[0])
    assert receipts.delivered is not None and [r.member for r in receipts.reads] == [
        world.north_head.username
    ]
    assert receipts.acknowledged is None


def test_awaiting_lists_unanswered_notices_with_how_long(world):
    answered = send(world, "south_head", "Answered")
    acked = send(world, "south_head", "Acknowledged")
    open_one = send(world, "south_head", "Still open")
    send(world, "south_head", "Just a reply", kind="reply")
    send(world, "north_head", "Re", kind="reply", in_reply_to=answered.key)
    channel_receipts.acknowledge(
        member=world.north_deputy, command=Acknowledge(message=acked.key), now=NOW
    )
    later = NOW + dt.timedelta(days=3)
    waiting = overview.awaiting(world.office, world.south_head.side_id, later)
    assert [(w.message.key, w.waiting.days) for w in waiting] == [(open_one.key, 3)]


def test_listing_pages_reads_a_fixed_number_of_queries(world, django_assert_num_queries):
    for n in range(60):
        send(world, "south_head", f"Notice {n}", NOW + dt.timedelta(minutes=n))
    with django_assert_num_queries(4):  # count, page, receipts, attachments
        page = overview.inbox(world.north_head, page=2)
        subjects = [m.subject for m in page]
        _ = [overview.Receipts.of(m) for m in page]
    assert subjects[0] == "Notice 34" and len(subjects) == overview.PAGE_SIZE
    assert page.paginator.num_pages == 3
