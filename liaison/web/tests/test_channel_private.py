"""No page or endpoint shows a side's private note to anyone off that side: a walk of
every page of the office (from the access matrix), the inbox, sent list, searches and
threads, the timeline, and every GET of the JSON API, as a member of the other side, an
observer and an outsider."""

from __future__ import annotations

import hashlib

import pytest
import time_machine
from django.urls import reverse

from liaison.api.tests.conftest import (
    CHANNEL_AT,
    COMMITMENT,
    FIRST,
    FRAMEWORK,
    PARTY,
    PDF,
    PROJECT,
    corresponded,
    planned,
    recorded,
)
from liaison.api.tests.test_notes import every_get
from liaison.channel import notes
from liaison.channel.commands import AddNote
from liaison.channel.models import Message
from liaison.testing import World

from .test_access import MATRIX

pytestmark = pytest.mark.django_db

SECRET = "Concede the March date if pressed"
# Reached by other means, or not a page: signing in and out, the live stream.
NOT_PAGES = {"login", "logout", "office-live"}
# The user's own account (second factor, tokens, re-authentication): no office's content.
NOT_PAGES |= {"account", "account-login-code", "account-reauth", "account-2fa"}


@pytest.fixture
def everything(world: World) -> str:
    """Records, projects, messages with a file, and a note of the South's on every kind
    of record; the notice's key."""
    recorded(world)
    planned(world)
    corresponded(world)
    notice = Message.objects.get(subject="Weekly meetings").key
    targets = {
        "session": FIRST,
        "record": FIRST,
        "minutes": FIRST,
        "project": PROJECT,
        "message": notice,
        "commitment": COMMITMENT,
    }
    for kind, key in targets.items():
        notes.add_note(
            member=world.south_deputy,
            command=AddNote(target_kind=kind, target_key=key, body=f"{SECRET} ({kind})"),
            now=CHANNEL_AT,
        )
    # A reply is noted as a message is, and shown beside it in its thread.
    reply = Message.objects.get(in_reply_to__key=notice).key
    notes.add_note(
        member=world.south_deputy,
        command=AddNote(target_kind="message", target_key=reply, body=f"{SECRET} (reply)"),
        now=CHANNEL_AT,
    )
    return notice


def pages(world: World, notice: str) -> list[str]:
    """Every GET page of the web UI, filled in, with the lists' searches and pages and
    every thread."""
    slug = world.office.slug
    values = {
        "": [],
        "office": [slug],
        "session": [slug, FIRST],
        "framework": [slug, FRAMEWORK],
        "message": [slug, notice],
        "attachment": [slug, notice, hashlib.sha256(PDF).hexdigest()],
        "project": [slug, PROJECT],
        "party": [slug, PARTY],
        "proposal": [slug, "south-1"],  # the weekly cadence, the South's first event
    }
    urls = []
    for name, row in sorted(MATRIX.items()):
        if row.method != "get" or name in NOT_PAGES:
            continue
        assert row.args in values, f"the walk does not know how to reach {name}"
        urls.append(reverse(name, args=values[row.args]))
    lists = [reverse(n, args=[slug]) for n in ("office-messages", "office-messages-sent")]
    urls += [f"{u}?q={q}" for u in lists for q in ("Concede", "March", "weekly")]
    urls += [f"{u}?page=2" for u in lists]
    urls += [reverse("office-message", args=[slug, m.key]) for m in Message.objects.all()]
    urls += [reverse("office-timeline", args=[slug]) + "?from=2024-01-01&to=2024-12-31"]
    return urls


def content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("reader", ["north_head", "north_staff", "observer", "outsider"])
def test_no_page_or_endpoint_shows_a_note_off_its_side(world, everything, as_user, reader):
    who = world.outsider if reader == "outsider" else world.members[reader]
    client = as_user(who)
    walk = pages(world, everything) + every_get(everything)
    with time_machine.travel(CHANNEL_AT, tick=False):
        answers = {url: client.get(url) for url in walk}
    slug = world.office.slug
    refused = set()
    if reader != "north_head":  # only heads and deputies write messages
        refused.add(reverse("office-message-new", args=[slug]))
    if reader == "observer":  # on no side: no draft readout of its own
        refused.add(f"/api/offices/{slug}/sessions/{FIRST}/readouts/draft")
    # Pages that ask before an act: only those who may act reach them (403 otherwise);
    # a head with nothing left to sign is sent back to the minutes.
    asking = {
        reverse("office-key-rotate-confirm", args=[slug]): 200 if reader == "north_head" else 403,
        reverse("session-minutes-sign-confirm", args=[slug, FIRST]): (
            302 if reader == "north_head" else 403
        ),
    }
    for url, response in answers.items():
        assert SECRET.encode() not in content(response), url
        if reader == "outsider":
            # Every office page is the unknown office's 404; the office lists are empty.
            assert response.status_code == (200 if url in ("/", "/api/offices") else 404), url
        else:
            # The walk is not a walk of refusals: a member reads the pages.
            expected = asking.get(url, 200)
            if url in refused:
                expected = 403 if "/messages/new/" in url else 404
            assert response.status_code == expected, url


def test_the_walk_reaches_the_notes_of_the_readers_own_side(world, everything, as_user):
    client = as_user(world.south_staff)
    walk = pages(world, everything) + every_get(everything)
    with time_machine.travel(CHANNEL_AT, tick=False):
        seen = {url: content(client.get(url)) for url in walk}
    shown = {url for url, body in seen.items() if SECRET.encode() in body}
    slug = world.office.slug
    for name, kind in (
        ("session-detail", "session"),
        ("session-record", "record"),
        ("session-minutes", "minutes"),
    ):
        assert f"{SECRET} ({kind})".encode() in seen[reverse(name, args=[slug, FIRST])]
    assert f"{SECRET} (project)".encode() in seen[reverse("office-project", args=[slug, PROJECT])]
    # The thread shows the notes on its first message and on the reply, each beside it.
    thread = seen[reverse("office-message", args=[slug, everything])]
    reply = Message.objects.get(in_reply_to__key=everything).key
    for kind, key in (("message", everything), ("reply", reply)):
        block = thread.split(f'id="notes-{key}"'.encode(), 1)[1].split(b"</details>", 1)[0]
        assert f"{SECRET} ({kind})".encode() in block
    commitments = seen[reverse("office-commitments", args=[slug])]
    row = commitments.split(f'id="commitment-{COMMITMENT}"'.encode(), 1)[1]
    assert f"{SECRET} (commitment)".encode() in row.split(b"</article>", 1)[0]
    assert any(url.startswith("/api/") for url in shown)
