"""Attachment files are shared by their hash: a refused message never removes the file of
a message that was committed with the same bytes, and ``verify`` reports every file a
message names that is missing from the store or does not hash to its name."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from typing import Any

import pytest
from django.db import connections

from liaison.bundle.audit import verify
from liaison.channel import attachments as files
from liaison.channel import messages
from liaison.channel.attachments import Upload
from liaison.channel.commands import SendMessage
from liaison.channel.models import Message
from liaison.lib.errors import Refused
from liaison.testing import T0, make_world

NOW = T0 + dt.timedelta(days=1)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SHA = hashlib.sha256(PDF).hexdigest()


def _in_thread(name: str, work: Any, errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    return threading.Thread(target=run, name=name)


@pytest.mark.django_db(transaction=True)
def test_a_refused_message_keeps_the_file_another_message_committed_meanwhile(monkeypatch):
    """The two writes interleaved as in the burst that lost files: the refused message
    (a reply to a message that does not exist) stores the file, and while it has not
    yet been refused the other side sends the same bytes. Before, the other message
    committed in that window (the file was there, so it wrote none) and the refusal then
    removed the file it had written: the committed message named a file that was gone."""
    world = make_world()
    stored = threading.Event()
    committed = threading.Event()
    real_store = files.store

    def store(item: files.Checked) -> bool:
        created = real_store(item)
        if threading.current_thread().name == "refused":
            stored.set()
            # Let the other write commit now if it can; it cannot while this write holds
            # the file's lock, so do not wait for ever.
            committed.wait(timeout=1.5)
        return created

    monkeypatch.setattr(files, "store", store)
    refusals: list[str] = []

    def refused() -> None:
        try:
            messages.send_message(
                member=world.south_head,
                command=SendMessage(
                    kind="reply",
                    subject="Re: nothing",
                    body="An answer to a message that does not exist.",
                    in_reply_to="north-99",
                    attachments=[Upload("agenda.pdf", PDF)],
                ),
                now=NOW,
            )
        except Refused as exc:
            refusals.append(exc.message)

    def other() -> None:
        assert stored.wait(timeout=10)
        messages.send_message(
            member=world.north_head,
            command=SendMessage(
                kind="notice",
                subject="Agenda",
                body="The same agenda, attached.",
                attachments=[Upload("agenda.pdf", PDF)],
            ),
            now=NOW,
        )
        committed.set()

    errors: list[BaseException] = []
    threads = [_in_thread("refused", refused, errors), _in_thread("other", other, errors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads) and errors == []
    assert refusals == ["there is no message 'north-99' in this office"]
    message = Message.objects.get()
    assert message.side_id == "testoffice:north"
    assert message.attachments.get().sha256 == SHA
    assert files.read(SHA) == PDF


@pytest.mark.django_db
def test_a_refused_message_takes_back_only_the_files_it_alone_wrote(world):
    messages.send_message(
        member=world.north_head,
        command=SendMessage(
            kind="notice",
            subject="Agenda",
            body="Attached.",
            attachments=[Upload("agenda.pdf", PDF)],
        ),
        now=NOW,
    )
    other = PDF + b"% another\n"
    with pytest.raises(Refused):
        messages.send_message(
            member=world.south_head,
            command=SendMessage(
                kind="reply",
                subject="Re: nothing",
                body="Both files.",
                in_reply_to="north-99",
                attachments=[Upload("agenda.pdf", PDF), Upload("other.pdf", other)],
            ),
            now=NOW,
        )
    assert files.read(SHA) == PDF
    assert not files.path_of(hashlib.sha256(other).hexdigest()).exists()


# What verify says of the store ----------------------------------------------------------


def _sent(world: Any, subject: str, uploads: list[Upload]) -> Message:
    return messages.send_message(
        member=world.south_head,
        command=SendMessage(kind="notice", subject=subject, body="Attached.", attachments=uploads),
        now=NOW,
    )


@pytest.mark.django_db
def test_verify_reports_each_missing_or_changed_file_on_one_line(world, scratch_allowed):
    text = b"The agenda, in plain words.\n"
    first = _sent(world, "Agenda", [Upload("agenda.pdf", PDF), Upload("agenda.txt", text)])
    _sent(world, "Again", [Upload("agenda.pdf", PDF)])  # the same file: reported once
    assert verify("testoffice") == []
    files.path_of(SHA).unlink()
    files.path_of(hashlib.sha256(text).hexdigest()).write_bytes(b"Changed words.\n")
    problems = [str(p) for p in verify("testoffice")]
    assert problems == [
        f"MISSING_FILE at testoffice message {first.key}: agenda.pdf: no file {SHA} in the store",
        f"BAD_FILE at testoffice message {first.key}: agenda.txt: the file "
        f"{hashlib.sha256(text).hexdigest()} holds bytes hashing to "
        f"{hashlib.sha256(b'Changed words.' + chr(10).encode()).hexdigest()}",
    ]
    assert all("\n" not in p for p in problems)


@pytest.mark.django_db
def test_the_verify_command_fails_on_a_lost_file(world, scratch_allowed):
    from django.core.management import CommandError, call_command

    _sent(world, "Agenda", [Upload("agenda.pdf", PDF)])
    call_command("verify", "--office", "testoffice")  # intact
    files.path_of(SHA).unlink()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("verify", "--office", "testoffice")
