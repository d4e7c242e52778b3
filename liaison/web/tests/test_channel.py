"""The channel's pages: receipts by side and role, acknowledging, sending and replying
with files checked by content, downloads, search and pages, private notes, notification
settings and the dashboard's "Awaiting an answer" panel."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liaison.channel import messages
from liaison.channel import notes as channel_notes
from liaison.channel import receipts as channel_receipts
from liaison.channel.attachments import Upload
from liaison.channel.commands import Acknowledge, AddNote, SendMessage
from liaison.channel.models import Message, NotificationPreference, PrivateNote, Receipt
from liaison.ledger.models import Event
from liaison.records import commitments, minutes
from liaison.records.commands import MakeCommitment, SaveMinutes
from liaison.testing import World, hold, make_world

pytestmark = pytest.mark.django_db

SENT = dt.datetime(2024, 2, 1, 1, 0, tzinfo=dt.UTC)  # Thursday 10:00 in Seoul
LATER = SENT + dt.timedelta(hours=2)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("inside.txt", "not a PDF")
    return buffer.getvalue()


def notice(world: World, **kwargs: object) -> Message:
    values: dict = {
        "member": world.south_head,
        "kind": "notice",
        "subject": "Weekly meetings",
        "body": "We propose to resume the weekly meetings on Friday.",
        "uploads": [Upload("agenda.pdf", PDF)],
        "now": SENT,
    }
    values.update(kwargs)
    member, now = values.pop("member"), values.pop("now")
    values["attachments"] = values.pop("uploads", ())
    return messages.send_message(member=member, command=SendMessage(**values), now=now)


def url(world: World, name: str, *args: object) -> str:
    return reverse(name, args=[world.office.slug, *args])


def receipts(message: Message) -> list[tuple[str, str, str]]:
    return sorted(Receipt.objects.filter(message=message).values_list("kind", "side_id", "member"))


def stored() -> list[Path]:
    root = Path(settings.LIAISON_ATTACHMENTS_DIR)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def sent(world: World) -> Message:
    return notice(world)


# Receipts -----------------------------------------------------------------------------


def test_listing_the_inbox_delivers_to_the_receiving_side_once(world, sent, as_user):
    with time_machine.travel(LATER, tick=False):
        for reader in ("observer", "south_staff", "south_head"):
            response = as_user(getattr(world, reader)).get(url(world, "office-messages"))
            assert response.status_code == 200
        assert receipts(sent) == []  # the sender's side and observers leave none
        before = Event.objects.count()
        response = as_user(world.north_staff).get(url(world, "office-messages"))
        again = as_user(world.north_head).get(url(world, "office-messages"))
    assert "Weekly meetings" in response.text and "Weekly meetings" in again.text
    # Delivered once, to the side (by the member first shown it); listing reads nothing.
    assert receipts(sent) == [("delivered", "testoffice:north", "testoffice-north-staff")]
    assert Event.objects.count() == before + 1


def test_the_senders_inbox_does_not_list_its_own_message(world, sent, as_user):
    with time_machine.travel(LATER, tick=False):
        inbox = as_user(world.south_staff).get(url(world, "office-messages")).text
        observed = as_user(world.observer).get(url(world, "office-messages")).text
    assert "Weekly meetings" not in inbox
    assert "Weekly meetings" in observed  # an observer reads both sides' messages


def test_opening_a_thread_records_each_receiving_members_reading(world, sent, as_user):
    thread = url(world, "office-message", sent.key)
    with time_machine.travel(LATER, tick=False):
        for reader in ("south_head", "south_staff", "observer"):
            assert as_user(getattr(world, reader)).get(thread).status_code == 200
        assert receipts(sent) == []
        staff = as_user(world.north_staff).get(thread)
        as_user(world.north_staff).get(thread)
        as_user(world.north_head).get(thread)
    assert receipts(sent) == [
        ("delivered", "testoffice:north", "testoffice-north-staff"),
        ("read", "testoffice:north", "testoffice-north-head"),
        ("read", "testoffice:north", "testoffice-north-staff"),
    ]
    # The page shows the reading it recorded.
    assert "North Staff" in staff.text.split("Read</dt>", 1)[1].split("</dd>", 1)[0]


def test_staff_read_but_cannot_acknowledge(world, sent, as_user):
    client = as_user(world.north_staff)
    with time_machine.travel(LATER, tick=False):
        page = client.get(url(world, "office-message", sent.key)).text
        before = Event.objects.count()
        response = client.post(
            url(world, "office-message-acknowledge", sent.key), {"message": sent.key}
        )
    assert "Acknowledge for" not in page and "Reply for" not in page
    assert response.status_code == 403
    assert Event.objects.count() == before


def test_the_receiving_deputy_acknowledges_once_and_the_sender_sees_it(world, sent, as_user):
    client = as_user(world.north_deputy)
    target = url(world, "office-message-acknowledge", sent.key)
    with time_machine.travel(LATER, tick=False):
        assert (
            "Acknowledge for The North" in client.get(url(world, "office-message", sent.key)).text
        )
        done = client.post(target, {"message": sent.key, "note": "Received; we will answer."})
        before = Event.objects.count()
        twice = client.post(target, {"message": sent.key})
        seen = as_user(world.south_staff).get(url(world, "office-messages-sent")).text
    assert done.status_code == 302
    assert done["Location"] == url(world, "office-message", sent.key)
    assert ("acknowledged", "testoffice:north", "testoffice-north-deputy") in receipts(sent)
    assert twice.status_code == 400
    assert "acknowledged this message already" in twice.text
    assert Event.objects.count() == before
    acknowledged = seen.split("Acknowledged</dt>", 1)[1].split("</dd>", 1)[0]
    assert "North Deputy" in acknowledged and "Received; we will answer." in acknowledged
    assert "Thu 1 Feb 2024, 12:00 KST" in acknowledged  # the sender's zone: Seoul


def test_acknowledging_your_own_sides_message_is_refused(world, sent, as_user):
    before = Event.objects.count()
    with time_machine.travel(LATER, tick=False):
        page = as_user(world.south_head).get(url(world, "office-message", sent.key)).text
        response = as_user(world.south_head).post(
            url(world, "office-message-acknowledge", sent.key), {"message": sent.key}
        )
    assert "Acknowledge for" not in page
    assert response.status_code == 400
    assert "your own side sent this message" in response.text
    assert Event.objects.count() == before
    assert receipts(sent) == []


def test_an_acknowledgement_names_the_message_it_is_for(world, sent, as_user):
    other = notice(world, subject="Second notice", uploads=())
    with time_machine.travel(LATER, tick=False):
        response = as_user(world.north_head).post(
            url(world, "office-message-acknowledge", sent.key), {"message": other.key}
        )
    assert response.status_code == 400
    assert "the form is for another message" in response.text
    assert not Receipt.objects.filter(kind="acknowledged").exists()


# Sending and replying -----------------------------------------------------------------
# Both go compose -> preview -> send (the preview's own tests: test_message_preview.py).


def through_preview(client, address: str, data: dict[str, object]):
    """Post the compose form to its preview (``address``), then press Send on the
    preview: the answer to the send."""
    preview = client.post(address, data)
    assert preview.status_code == 200, preview.text[:2000]
    draft = re.search(r'name="draft" value="([^"]+)"', preview.text)
    assert draft is not None
    return client.post(
        reverse("office-message-send", args=[address.split("/")[2]]),
        {"draft": draft[1], "action": "send"},
    )


def test_a_head_sends_a_message_with_files_about_a_session(office, as_user):
    files = [
        SimpleUploadedFile("agenda.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("notes.txt", b"Points to raise.\n", content_type="text/plain"),
    ]
    data = {
        "kind": "proposal",
        "subject": "Rail-link survey",
        "body": "We propose a joint survey in March.",
        "about_session": "weekly-20240105T1000",
        "about_project": "",
        "attachments": files,
    }
    client = as_user(office.north_head)
    with time_machine.travel(LATER, tick=False):
        assert client.get(url(office, "office-message-new")).status_code == 200
        response = through_preview(client, url(office, "office-message-preview"), data)
    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(office, "office-message", message.key)
    assert (message.side_id, message.kind, message.about_session) == (
        "testoffice:north",
        "proposal",
        "weekly-20240105T1000",
    )
    assert [(a.name, a.content_type) for a in message.attachments.all()] == [
        ("agenda.pdf", "application/pdf"),
        ("notes.txt", "text/plain"),
    ]
    with time_machine.travel(LATER, tick=False):
        page = client.get(response["Location"]).text
    assert "session weekly-20240105T1000" in page
    assert (
        url(office, "office-message-attachment", message.key, message.attachments.first().sha256)
        in page
    )


def test_staff_and_observers_get_no_new_message_page(world, as_user):
    for reader in ("north_staff", "observer"):
        with time_machine.travel(LATER, tick=False):
            response = as_user(getattr(world, reader)).get(url(world, "office-message-new"))
        assert response.status_code == 403


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (("minutes.pdf", "zip"), "minutes.pdf cannot be attached: its content is application/zip"),
        (("minutes.pdf", "text"), "minutes.pdf is not a PDF: its content is plain text"),
        (("big.txt", "big"), "big.txt is 2,048 bytes; attachments may be at most 1,024 bytes"),
    ],
)
def test_a_refused_file_is_said_on_the_form_and_nothing_is_written(
    world, as_user, settings, upload, error
):
    settings.LIAISON_ATTACHMENT_MAX_BYTES = 1024
    name, what = upload
    content = {"zip": _zip(), "text": b"Plain words.\n", "big": b"x" * 2048}[what]
    data = {
        "kind": "notice",
        "subject": "Minutes",
        "body": "Attached.",
        "attachments": [
            SimpleUploadedFile("fine.pdf", PDF),  # accepted on its own, but not kept
            SimpleUploadedFile(name, content),
        ],
    }
    before = Event.objects.count()
    with time_machine.travel(LATER, tick=False):
        response = as_user(world.south_head).post(url(world, "office-message-preview"), data)
    assert response.status_code == 400
    assert error in response.text
    assert 'class="field field-attachments invalid"' in response.text
    assert Event.objects.count() == before
    assert not Message.objects.exists()
    assert stored() == []


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("subject", "Agenda\u202efdp.exe", "must be one line, without control"),
        ("subject", "Agenda\x07", "must be one line, without control"),
        ("body", "Attached\x1b[2J.", "must be text without NUL, control"),
        ("body", "Attached\x00.", "Null characters are not allowed."),  # Django's own check
    ],
)
def test_control_characters_are_a_form_error_and_write_nothing(world, as_user, field, value, error):
    data = {"kind": "notice", "subject": "Minutes", "body": "Attached.", field: value}
    data["attachments"] = [SimpleUploadedFile("fine.pdf", PDF)]
    before = Event.objects.count()
    with time_machine.travel(LATER, tick=False):
        response = as_user(world.south_head).post(url(world, "office-message-preview"), data)
    assert response.status_code == 400
    assert error in response.text
    assert f'class="field field-{field} invalid"' in response.text
    assert Event.objects.count() == before
    assert not Message.objects.exists()
    assert stored() == []


def test_a_file_name_with_a_right_to_left_override_is_shown_cleaned(world, as_user):
    data = {
        "kind": "notice",
        "subject": "Minutes",
        "body": "Attached.",
        "attachments": [SimpleUploadedFile("agen\u202eda\u2066.pdf", PDF)],
    }
    client = as_user(world.south_head)
    with time_machine.travel(LATER, tick=False):
        response = through_preview(client, url(world, "office-message-preview"), data)
        page = client.get(response["Location"]).text
    assert response.status_code == 302
    assert Message.objects.get().attachments.get().name == "agenda.pdf"
    assert ">agenda.pdf</a>" in page
    assert "\u202e" not in page


def test_an_empty_reply_is_refused_and_its_file_not_kept(world, sent, as_user):
    data = {
        "kind": "reply",
        "subject": "Re: Weekly meetings",
        "body": "   ",
        "in_reply_to": sent.key,
        "attachments": [SimpleUploadedFile("answer.pdf", PDF + b"% reply\n")],
    }
    files_before = stored()
    with time_machine.travel(LATER, tick=False):
        response = as_user(world.north_head).post(
            url(world, "office-message-reply", sent.key), data
        )
    assert response.status_code == 400
    assert "the message is empty: write its text" in response.text.split('id="reply-form"', 1)[1]
    assert Message.objects.count() == 1
    assert stored() == files_before


def test_a_reply_answers_the_other_sides_latest_message_and_joins_the_thread(world, sent, as_user):
    client = as_user(world.north_head)
    with time_machine.travel(LATER, tick=False):
        page = client.get(url(world, "office-message", sent.key)).text
        response = through_preview(
            client,
            url(world, "office-message-reply", sent.key),
            {
                "kind": "reply",
                "subject": "Re: Weekly meetings",
                "body": "Our delegation will attend.",
                "in_reply_to": sent.key,
            },
        )
        thread = as_user(world.south_head).get(url(world, "office-message", sent.key)).text
    reply = Message.objects.get(side__key="north")
    assert f'name="in_reply_to" value="{sent.key}"' in page
    assert 'value="Re: Weekly meetings"' in page
    assert response.status_code == 302
    assert response["Location"].endswith(f"#message-{reply.key}")
    assert (reply.in_reply_to_id, reply.thread_id) == (sent.pk, sent.pk)
    assert thread.index("We propose to resume") < thread.index("Our delegation will attend.")
    assert f'in reply to <a href="#message-{sent.key}">Weekly meetings</a>' in thread


def test_a_reply_cannot_name_a_message_outside_the_thread(world, sent, as_user):
    elsewhere = notice(world, subject="Unrelated", uploads=())
    with time_machine.travel(LATER, tick=False):
        response = as_user(world.north_head).post(
            url(world, "office-message-reply", sent.key),
            {"kind": "reply", "subject": "Re", "body": "Yes.", "in_reply_to": elsewhere.key},
        )
    assert response.status_code == 400
    assert Message.objects.count() == 2


# Files --------------------------------------------------------------------------------


def test_a_file_downloads_with_its_checked_type_as_an_attachment(world, sent, as_user):
    attachment = sent.attachments.get()
    target = url(world, "office-message-attachment", sent.key, attachment.sha256)
    with time_machine.travel(LATER, tick=False):
        for reader in ("north_staff", "observer", "south_head"):
            response = as_user(getattr(world, reader)).get(target)
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == PDF
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"] == 'attachment; filename="agenda.pdf"'
            assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_is_not_found_off_the_office_or_off_its_message(world, sent, as_user):
    attachment = sent.attachments.get()
    other = notice(world, subject="No files", uploads=())
    elsewhere = make_world("elsewhere")
    with time_machine.travel(LATER, tick=False):
        outsider = as_user(world.outsider).get(
            url(world, "office-message-attachment", sent.key, attachment.sha256)
        )
        stranger = as_user(elsewhere.south_head).get(
            url(world, "office-message-attachment", sent.key, attachment.sha256)
        )
        wrong_message = as_user(world.north_head).get(
            url(world, "office-message-attachment", other.key, attachment.sha256)
        )
        anonymous = as_user(None).get(
            url(world, "office-message-attachment", sent.key, attachment.sha256)
        )
    assert outsider.status_code == stranger.status_code == wrong_message.status_code == 404
    assert anonymous.status_code == 302


# Search and pages ---------------------------------------------------------------------


def test_the_inbox_searches_subjects_and_texts_and_pages_through_them(world, as_user):
    for number in range(30):
        messages.send_message(
            member=world.south_head,
            command=SendMessage(
                kind="notice",
                subject=f"Rail survey {number}" if number % 10 == 0 else f"Notice {number}",
                body="Timber for the rail sleepers." if number == 7 else "Routine business.",
            ),
            now=SENT + dt.timedelta(minutes=number),
        )
    client = as_user(world.north_staff)
    with time_machine.travel(LATER, tick=False):
        first = client.get(url(world, "office-messages")).text
        second = client.get(url(world, "office-messages"), {"page": 2}).text
        past = client.get(url(world, "office-messages"), {"page": 99}).text
        found = client.get(url(world, "office-messages"), {"q": "rail"}).text
        none = client.get(url(world, "office-messages"), {"q": "summit"}).text
    assert first.count('<tr id="message-') == 25 and second.count('<tr id="message-') == 5
    assert "Notice 29" in first and "Notice 29" not in second and "Rail survey 0" in second
    assert "page 1 of 2" in first and 'href="?page=2" rel="next"' in first
    assert past.count('<tr id="message-') == 5  # past the last: the last
    assert found.count('<tr id="message-') == 4  # three subjects and one text
    assert "4 messages matching “rail”" in found
    assert "Notice 7" in found
    assert "No message matches “summit”." in none
    # Only the page shown is delivered.
    assert Receipt.objects.filter(kind="delivered").count() == 30


def test_the_sent_list_keeps_the_search_in_its_page_links(world, as_user):
    for number in range(27):
        messages.send_message(
            member=world.south_head,
            command=SendMessage(
                kind="notice", subject=f"Rail notice {number}", body="Routine business."
            ),
            now=SENT,
        )
    with time_machine.travel(LATER, tick=False):
        page = as_user(world.south_staff).get(url(world, "office-messages-sent"), {"q": "rail"})
    assert 'href="?q=rail&amp;page=2" rel="next"' in page.text
    assert 'Delivered</dt><dd><span class="muted">not yet</span>' in page.text


# Private notes ------------------------------------------------------------------------


def test_a_side_keeps_notes_on_a_thread_that_only_it_sees(world, sent, as_user):
    client = as_user(world.south_staff)
    with time_machine.travel(LATER, tick=False):
        response = client.post(
            url(world, "office-note-add"),
            {"target_kind": "message", "target_key": sent.key, "body": "Concede the date."},
        )
        ours = as_user(world.south_head).get(url(world, "office-message", sent.key)).text
        theirs = as_user(world.north_head).get(url(world, "office-message", sent.key)).text
        observed = as_user(world.observer).get(url(world, "office-message", sent.key)).text
    assert response.status_code == 302
    assert response["Location"] == url(world, "office-message", sent.key) + f"#notes-{sent.key}"
    assert "Concede the date." in ours and "visible only to The South" in ours
    assert "Concede the date." not in theirs and "visible only to The North" in theirs
    assert "Concede the date." not in observed and 'class="notes' not in observed
    assert not any(b"Concede" in bytes(e.data) for e in Event.objects.all())


def test_each_message_of_a_thread_shows_its_own_notes_beside_it(world, sent, as_user):
    reply = messages.send_message(
        member=world.north_head,
        command=SendMessage(
            kind="reply",
            subject="Re: Weekly meetings",
            body="We will attend.",
            in_reply_to=sent.key,
        ),
        now=SENT,
    )
    for key, body in ((sent.key, "On the notice."), (reply.key, "On their reply.")):
        channel_notes.add_note(
            member=world.south_staff,
            command=AddNote(target_kind="message", target_key=key, body=body),
            now=SENT,
        )
    channel_notes.add_note(
        member=world.north_staff,
        command=AddNote(target_kind="message", target_key=reply.key, body="The North's own."),
        now=SENT,
    )
    with time_machine.travel(LATER, tick=False):
        # Both keys open the same thread; each message carries its own notes.
        for key in (sent.key, reply.key):
            page = as_user(world.south_head).get(url(world, "office-message", key)).text
            blocks = {
                k: page.split(f'<details class="notes compact" id="notes-{k}" open>', 1)[1].split(
                    "</details>", 1
                )[0]
                for k in (sent.key, reply.key)
            }
            assert "On the notice." in blocks[sent.key]
            assert "On their reply." not in blocks[sent.key]
            assert "On their reply." in blocks[reply.key]
            assert "The North's own." not in page
            # One form per message, each with ids of its own.
            assert page.count('id="notes-' + reply.key + '-body"') == 1
        observed = as_user(world.observer).get(url(world, "office-message", reply.key)).text
        response = as_user(world.south_staff).post(
            url(world, "office-note-add"),
            {"target_kind": "message", "target_key": reply.key, "body": "Another."},
        )
    assert "On their reply." not in observed and 'class="notes' not in observed
    assert response["Location"] == url(world, "office-message", reply.key) + f"#notes-{reply.key}"


def test_the_register_shows_each_commitments_notes_in_its_row(office, as_user):
    hold(office)
    commitments.make_commitment(
        member=office.south_head,
        command=MakeCommitment(
            key="rail-study", text="Study the rail link.", owners=["south", "north"], due_on=None
        ),
        now=LATER,
    )
    channel_notes.add_note(
        member=office.north_staff,
        command=AddNote(
            target_kind="commitment", target_key="rail-study", body="The North doubts the date."
        ),
        now=LATER,
    )
    with time_machine.travel(LATER, tick=False):
        north = as_user(office.north_head).get(url(office, "office-commitments")).text
        south = as_user(office.south_head).get(url(office, "office-commitments")).text
        observed = as_user(office.observer).get(url(office, "office-commitments")).text
    row = north.split('id="commitment-rail-study"', 1)[1].split("</article>", 1)[0]
    assert 'id="notes-rail-study"' in row and "The North doubts the date." in row
    assert "The North doubts the date." not in south and 'id="notes-rail-study"' in south
    assert "The North doubts the date." not in observed and 'class="notes' not in observed


def test_notes_appear_on_the_session_record_and_minutes_pages(office, as_user):
    key = "weekly-20240105T1000"
    for kind in ("session", "minutes"):
        # Minutes need a saved version to be noted.
        if kind == "minutes":
            hold(office)
            minutes.save_minutes(
                member=office.south_staff,
                command=SaveMinutes(session=key, base_version=0, text="Met."),
                now=LATER,
            )
        channel_notes.add_note(
            member=office.north_staff,
            command=AddNote(target_kind=kind, target_key=key, body=f"The North notes the {kind}"),
            now=LATER,
        )
    pages = {"session": "session-detail", "minutes": "session-minutes"}
    with time_machine.travel(LATER, tick=False):
        for kind, name in pages.items():
            north = as_user(office.north_head).get(url(office, name, key)).text
            south = as_user(office.south_head).get(url(office, name, key)).text
            assert f"The North notes the {kind}" in north
            assert f"The North notes the {kind}" not in south


def test_a_refused_note_keeps_nothing_and_says_why(world, sent, as_user):
    with time_machine.travel(LATER, tick=False):
        empty = as_user(world.south_staff).post(
            url(world, "office-note-add"),
            {"target_kind": "message", "target_key": sent.key, "body": "  "},
        )
        missing = as_user(world.south_staff).post(
            url(world, "office-note-add"),
            {"target_kind": "message", "target_key": "north-99", "body": "On nothing."},
        )
        observer = as_user(world.observer).post(
            url(world, "office-note-add"),
            {"target_kind": "message", "target_key": sent.key, "body": "An analyst's view."},
        )
    assert empty.status_code == missing.status_code == 400
    assert "the note is empty" in empty.text
    assert "there is no message &#x27;north-99&#x27; to note" in missing.text
    assert "On nothing." in missing.text  # what was typed is kept for another try
    assert observer.status_code == 403
    assert not PrivateNote.objects.exists()


def test_a_page_names_notes_by_their_random_key_never_by_a_number(world, sent, as_user):
    # One integer sequence numbers every side's notes: an anchor "note-7" after "note-3"
    # told the North that the South had written three notes meanwhile.
    for body in ("First.", "Second."):
        channel_notes.add_note(
            member=world.north_staff,
            command=AddNote(target_kind="message", target_key=sent.key, body=body),
            now=SENT,
        )
    with time_machine.travel(LATER, tick=False):
        page = as_user(world.north_staff).get(url(world, "office-message", sent.key)).text
    notes = list(PrivateNote.objects.order_by("pk"))
    for note in notes:
        assert f'id="note-{note.key}"' in page
        assert url(world, "office-note-delete", note.key) in page
    numbered = re.findall(r'id="note-(\d+)"|/notes/(\d+)/delete/', page)
    assert numbered == []


def test_only_the_author_removes_a_note_and_the_other_side_finds_none(world, sent, as_user):
    note = channel_notes.add_note(
        member=world.south_staff,
        command=AddNote(target_kind="message", target_key=sent.key, body="Ours."),
        now=SENT,
    )
    target = url(world, "office-note-delete", note.key)
    data = {"target_kind": "message", "target_key": sent.key}
    with time_machine.travel(LATER, tick=False):
        colleague = as_user(world.south_head).post(target, data)
        other_side = as_user(world.north_staff).post(target, data)
        assert PrivateNote.objects.filter(pk=note.pk).exists()
        author = as_user(world.south_staff).post(target, data)
    assert colleague.status_code == 403
    assert other_side.status_code == 404
    assert author.status_code == 302
    assert author["Location"] == url(world, "office-message", sent.key) + f"#notes-{sent.key}"
    assert not PrivateNote.objects.exists()


# Notifications ------------------------------------------------------------------------


def test_a_member_chooses_a_daily_digest(world, as_user):
    client = as_user(world.north_staff)
    with time_machine.travel(LATER, tick=False):
        default = client.get(url(world, "office-notifications")).text
        response = client.post(url(world, "office-notifications-save"), {"delivery": "daily"})
        after = client.get(url(world, "office-notifications")).text
        wrong = client.post(url(world, "office-notifications-save"), {"delivery": "weekly"})
    assert 'id="notifications-delivery_0" required checked' in default
    assert response.status_code == 302
    assert 'id="notifications-delivery_1" required checked' in after
    assert wrong.status_code == 400
    preference = NotificationPreference.objects.get()
    assert (preference.username, preference.delivery) == ("testoffice-north-staff", "daily")


# The dashboard ------------------------------------------------------------------------


def test_the_dashboard_shows_how_long_the_sides_messages_have_waited(world, sent, as_user):
    waited = SENT + dt.timedelta(days=3, hours=5, minutes=20)
    with time_machine.travel(waited, tick=False):
        south = as_user(world.south_staff).get(url(world, "office-dashboard")).text
        north = as_user(world.north_head).get(url(world, "office-dashboard")).text
        observer = as_user(world.observer).get(url(world, "office-dashboard")).text
    panel = south.split('id="awaiting-heading"', 1)[1].split("</section>", 1)[0]
    assert "Weekly meetings" in panel and "3 days 5 hours" in panel
    assert url(world, "office-message", sent.key) in panel
    assert "Nothing The North sent is waiting for an answer." in north
    assert "awaiting-heading" not in observer
    channel_receipts.acknowledge(
        member=world.north_head, command=Acknowledge(message=sent.key), now=waited
    )
    with time_machine.travel(waited, tick=False):
        south = as_user(world.south_staff).get(url(world, "office-dashboard")).text
    assert "Nothing The South sent is waiting for an answer." in south


def test_the_thread_is_where_the_timeline_and_emails_link(world, sent):
    assert (
        url(world, "office-message", sent.key)
        == reverse("office-dashboard", args=[world.office.slug]) + f"messages/{sent.key}/"
    )
