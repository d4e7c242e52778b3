"""A message is seen before it is sent: the compose form (new message or reply) leads to
a preview of exactly what will be sent (subject, text as it will appear, files with
their names, types and sizes, the side it goes to), which sends nothing and stores no
message file; Send sends it, Edit goes back with everything kept (files too), Discard
drops it. An identical message sent moments before is named, with "Send it again
anyway"."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from liaison.channel import messages
from liaison.channel.attachments import Upload
from liaison.channel.commands import SendMessage
from liaison.channel.models import Message
from liaison.ledger.models import Event
from liaison.testing import World
from liaison.web import outbox

pytestmark = pytest.mark.django_db

AT = dt.datetime(2024, 2, 1, 1, 0, tzinfo=dt.UTC)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
NOTES = b"Points to raise.\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 32


def url(world: World, name: str, *args: object) -> str:
    return reverse(name, args=[world.office.slug, *args])


def compose(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "proposal",
        "subject": "Rail-link survey",
        "body": "We propose a joint survey in March.\n\nTeams of <b>five</b> & a driver.",
        "about_session": "",
        "about_project": "",
        "attachments": [
            SimpleUploadedFile("survey.pdf", PDF),
            SimpleUploadedFile("notes.txt", NOTES),
        ],
    }
    data.update(changes)
    return data


def draft_of(response) -> str:
    found = re.search(r'name="draft" value="([^"]+)"', response.text)
    assert found is not None, response.text[:3000]
    return found[1]


def message_files() -> list[Path]:
    """The files of the message store itself, the held drafts aside."""
    root = Path(settings.LIAISON_ATTACHMENTS_DIR)
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and ".outbox" not in p.parts)


def held_dirs() -> list[Path]:
    return sorted(outbox.root().iterdir()) if outbox.root().exists() else []


@pytest.fixture
def head(world: World, as_user) -> Client:
    return as_user(world.south_head)


def preview(client: Client, world: World, data: dict[str, object]):
    with time_machine.travel(AT, tick=False):
        return client.post(url(world, "office-message-preview"), data)


def press(client: Client, world: World, token: str, action: str, **extra: object):
    with time_machine.travel(AT, tick=False):
        return client.post(
            url(world, "office-message-send"), {"draft": token, "action": action, **extra}
        )


def test_the_preview_shows_what_will_be_sent_and_sends_nothing(world, head):
    before = Event.objects.count()
    response = preview(head, world, compose())
    assert response.status_code == 200
    page = response.text
    assert "Nothing has been sent yet." in page
    assert '<span class="kind kind-proposal">Proposal</span> Rail-link survey' in page
    assert '<dd id="preview-to">The North: its head, deputy and staff' in page
    # The text as the thread will show it: paragraphs, and markup as text.
    assert (
        '<div class="msg-body"><p>We propose a joint survey in March.</p>\n\n'
        "<p>Teams of &lt;b&gt;five&lt;/b&gt; &amp; a driver.</p></div>"
    ) in page
    assert (
        f'<li>survey.pdf <span class="muted">(application/pdf, {len(PDF)} bytes)</span></li>'
    ) in page
    assert f'<li>notes.txt <span class="muted">(text/plain, {len(NOTES)} bytes)</span></li>' in page
    assert ">Send to The North</button>" in page
    assert 'value="edit"' in page and 'value="discard"' in page
    assert Event.objects.count() == before
    assert not Message.objects.exists()
    assert message_files() == []  # held for the session, not stored as a message's file
    assert len(held_dirs()) == 1


def test_send_sends_exactly_what_was_previewed_and_lets_go_of_the_draft(world, head):
    token = draft_of(preview(head, world, compose()))
    response = press(head, world, token, "send")
    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(world, "office-message", message.key)
    assert (message.kind, message.subject) == ("proposal", "Rail-link survey")
    assert message.body.endswith("Teams of <b>five</b> & a driver.")
    assert [(a.name, a.content_type, a.size) for a in message.attachments.all()] == [
        ("survey.pdf", "application/pdf", len(PDF)),
        ("notes.txt", "text/plain", len(NOTES)),
    ]
    assert len(message_files()) == 2
    assert held_dirs() == []
    # Pressing Send again (a double click, the back button) sends nothing more.
    again = press(head, world, token, "send")
    assert again.status_code == 400
    assert "no longer waiting to be sent" in again.text
    assert Message.objects.count() == 1


def test_edit_comes_back_filled_in_with_the_files_kept(world, head):
    token = draft_of(preview(head, world, compose()))
    edit = press(head, world, token, "edit")
    assert edit.status_code == 200
    page = edit.text
    assert 'value="Rail-link survey"' in page
    assert "Teams of &lt;b&gt;five&lt;/b&gt; &amp; a driver.</textarea>" in page
    assert "Files chosen before" in page
    assert f"survey.pdf (application/pdf, {len(PDF)} bytes)" in page
    assert Event.objects.filter(type="message.sent").count() == 0
    # Leave one file out, add another, change the subject: the new preview shows that.
    kept = re.findall(r'name="keep" value="([0-9a-f]{64})"', page)
    assert len(kept) == 2
    again = preview(
        head,
        world,
        compose(
            subject="Rail-link survey in March",
            draft=draft_of(edit),
            keep=[kept[0]],
            attachments=[SimpleUploadedFile("map.png", PNG)],
        ),
    )
    assert again.status_code == 200
    assert "Rail-link survey in March" in again.text
    assert "<li>survey.pdf " in again.text and "<li>map.png " in again.text
    assert "<li>notes.txt " not in again.text
    assert len(held_dirs()) == 1  # the draft edited is replaced, not kept beside
    press(head, world, draft_of(again), "send")
    message = Message.objects.get()
    assert message.subject == "Rail-link survey in March"
    assert [a.name for a in message.attachments.all()] == ["survey.pdf", "map.png"]


def test_discard_sends_nothing_and_keeps_nothing(world, head):
    token = draft_of(preview(head, world, compose()))
    response = press(head, world, token, "discard")
    assert response.status_code == 302
    assert response["Location"] == url(world, "office-messages")
    assert not Message.objects.exists()
    assert held_dirs() == [] and message_files() == []


def test_another_session_cannot_send_or_read_the_draft(world, head, as_user):
    token = draft_of(preview(head, world, compose()))
    other = Client()
    other.force_login(world.south_deputy.user)
    response = press(other, world, token, "send")
    assert response.status_code == 400
    assert "no longer waiting to be sent" in response.text
    assert "Rail-link survey" not in response.text
    assert not Message.objects.exists()


def test_what_the_send_would_refuse_is_said_on_the_compose_form_and_nothing_is_held(world, head):
    response = preview(head, world, compose(about_session="weekly-20990101T1000"))
    assert response.status_code == 400
    assert "has no session" in response.text
    assert 'id="message-form"' in response.text
    assert held_dirs() == [] and not Message.objects.exists()


def test_an_identical_message_sent_moments_before_is_named_and_sent_again_only_if_confirmed(
    world, head
):
    first = messages.send_message(
        member=world.south_deputy,
        command=SendMessage(
            kind="proposal",
            subject="Rail-link survey",
            body="We propose a joint survey in March.\n\nTeams of <b>five</b> & a driver.",
            attachments=[Upload("survey.pdf", PDF), Upload("notes.txt", NOTES)],
        ),
        now=AT - dt.timedelta(minutes=3),
    )
    response = preview(head, world, compose())
    page = response.text
    assert "The South sent an identical message" in page
    assert f"<code>{first.key}</code>" in page
    assert ">Send it again anyway</button>" in page
    press(head, world, draft_of(response), "send", confirm_duplicate="True")
    assert Message.objects.count() == 2


def test_an_identical_message_sent_meanwhile_stops_the_send_and_says_when(world, head):
    token = draft_of(preview(head, world, compose()))  # nothing identical yet
    first = messages.send_message(
        member=world.south_head,
        command=SendMessage(
            kind="proposal",
            subject="Rail-link survey",
            body="We propose a joint survey in March.\n\nTeams of <b>five</b> & a driver.",
            attachments=[Upload("notes.txt", NOTES), Upload("survey.pdf", PDF)],
        ),
        now=AT - dt.timedelta(minutes=1),
    )
    before = Event.objects.count()
    response = press(head, world, token, "send")
    assert response.status_code == 400
    assert (
        f"your side sent an identical message ({first.key}) at 2024-02-01 00:59:00 UTC; "
        "nothing was sent"
    ) in response.text
    assert ">Send it again anyway</button>" in response.text
    assert Event.objects.count() == before
    confirmed = press(head, world, draft_of(response), "send", confirm_duplicate="True")
    assert confirmed.status_code == 302
    assert Message.objects.count() == 2


def test_a_reply_is_previewed_too_and_edit_returns_to_its_thread(world, as_user):
    notice = messages.send_message(
        member=world.south_head,
        command=SendMessage(kind="notice", subject="Weekly meetings", body="We propose Fridays."),
        now=AT - dt.timedelta(hours=1),
    )
    client = as_user(world.north_head)
    reply = {
        "kind": "reply",
        "subject": "Re: Weekly meetings",
        "body": "Our delegation will attend.",
        "in_reply_to": notice.key,
        "attachments": [SimpleUploadedFile("list.txt", NOTES)],
    }
    with time_machine.travel(AT, tick=False):
        shown = client.post(url(world, "office-message-reply", notice.key), reply)
    assert shown.status_code == 200
    assert "In reply to" in shown.text and f"<code>{notice.key}</code>" in shown.text
    assert '<dd id="preview-to">The South: ' in shown.text
    assert Message.objects.count() == 1
    edit = press(client, world, draft_of(shown), "edit")
    assert edit.status_code == 200
    assert 'id="reply-form"' in edit.text and "We propose Fridays." in edit.text
    assert "Our delegation will attend.</textarea>" in edit.text
    assert "list.txt (text/plain" in edit.text
    with time_machine.travel(AT, tick=False):
        again = client.post(
            url(world, "office-message-reply", notice.key),
            {
                **reply,
                "attachments": [],
                "draft": draft_of(edit),
                "keep": [re.findall(r'name="keep" value="([0-9a-f]{64})"', edit.text)[0]],
            },
        )
    sent = press(client, world, draft_of(again), "send")
    answer = Message.objects.get(side__key="north")
    assert sent["Location"].endswith(f"#message-{answer.key}")
    assert answer.in_reply_to_id == notice.pk
    assert [a.name for a in answer.attachments.all()] == ["list.txt"]


def test_abandoned_drafts_are_swept_once_no_session_can_hold_them(world, head):
    draft_of(preview(head, world, compose()))
    (held,) = held_dirs()
    age = settings.LIAISON_SESSION_MAX_HOURS * 3600
    assert outbox.sweep(now=held.stat().st_mtime + age - 1) == 0
    assert outbox.sweep(now=held.stat().st_mtime + age + 1) == 1
    assert held_dirs() == []


def test_a_swept_draft_asks_for_the_files_again_and_sends_nothing(world, head):
    token = draft_of(preview(head, world, compose()))
    (held,) = held_dirs()
    outbox.sweep(now=held.stat().st_mtime + 10**6)
    response = press(head, world, token, "send")
    assert response.status_code == 400
    assert "The files chosen before are no longer held: choose them again." in response.text
    assert 'value="Rail-link survey"' in response.text
    assert not Message.objects.exists()
