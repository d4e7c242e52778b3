"""``liaison backup`` and ``liaison restore``: an office restored onto a fresh database
verifies, its roots equal its last cosigned checkpoints, and it holds everything the
logs do not (drafts, private notes, sealed keys, accounts, files); a backup that does
not verify, or an office that exists, is refused with nothing written."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from liaison.bundle import backup, export
from liaison.channel import messages, notes
from liaison.channel.attachments import Upload
from liaison.channel.commands import AddNote, SendMessage
from liaison.channel.models import PrivateNote
from liaison.ledger.models import Event
from liaison.lib.errors import Refused
from liaison.projects import drafts
from liaison.projects.commands import SaveDraft
from liaison.records import readouts
from liaison.records.commands import SaveReadoutDraft

from .conftest import LATER, busy_office

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def office(world):
    busy_office(world, messages=2, changes=1)
    messages.send_message(
        member=world.north_head,
        command=SendMessage(
            kind="notice",
            subject="Agenda",
            body="Attached.",
            attachments=[Upload("agenda.pdf", PDF)],
        ),
        now=LATER,
    )
    notes.add_note(
        member=world.south_staff,
        command=AddNote(
            target_kind="session",
            target_key="weekly-20240105T1000",
            body="Ours only: they looked tired.",
        ),
        now=LATER,
    )
    readouts.save_readout_draft(
        member=world.north_staff,
        command=SaveReadoutDraft(
            session="weekly-20240105T1000",
            base_revision=0,
            title="Our account",
            source="KCNA",
            body="A draft not yet published.",
        ),
        now=LATER,
    )
    drafts.save_project_draft(
        member=world.south_staff,
        command=SaveDraft(
            key="concert",
            base_revision=0,
            kind="event",
            title="A concert in Seoul",
            leads=["south"],
        ),
        now=LATER,
    )
    return world


def _liaison(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "liaison.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )


def test_a_backup_restored_on_a_fresh_database_verifies_and_holds_everything(office, tmp_path):
    data = backup.build("testoffice", now=LATER)
    file = tmp_path / "backup.json"
    export.write(data, file)
    assert "Ours only: they looked tired." in file.read_text()  # an operator's artefact
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "LIAISON_ATTACHMENTS_DIR": str(tmp_path / "files"),
        "LIAISON_VAR_DIR": str(tmp_path / "var"),
        "LIAISON_KEY_SECRET": settings.LIAISON_KEY_SECRET,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    assert _liaison("migrate", "--noinput", env=env).returncode == 0
    done = _liaison("restore", str(file), env=env)
    assert done.returncode == 0, done.stderr
    assert "verify passes" in done.stdout
    assert "south: root of the first" in done.stdout and "equals the last cosigned" in done.stdout
    # The restored record is the same record, byte for byte.
    again = tmp_path / "again.json"
    assert _liaison("export", "testoffice", "--out", str(again), env=env).returncode == 0
    original, restored = data["bundle"], json.loads(again.read_text())

    def stored(bundle: dict) -> list[tuple[str | None, list[str]]]:
        return [(log["side"], [e["data"] for e in log["events"]]) for log in bundle["logs"]]

    assert stored(restored) == stored(original)
    assert [c["statement"] for c in restored["checkpoints"]] == [
        c["statement"] for c in original["checkpoints"]
    ]
    # What the logs do not hold came back too; the keys still open and sign.
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
        "django.setup(); "
        "from liaison.channel.models import PrivateNote; "
        "from liaison.records.models import ReadoutDraft; "
        "from liaison.projects.models import ProjectDraft; "
        "from liaison.signing import checkpoints; from liaison.offices.models import Office; "
        "import datetime as dt; "
        "print(PrivateNote.objects.get().body, ReadoutDraft.objects.get().body, "
        "ProjectDraft.objects.get().title, PrivateNote.objects.get().key, sep='|'); "
        "c = checkpoints.sign_checkpoint(Office.objects.get(), 'south', "
        "now=dt.datetime(2024, 3, 1, tzinfo=dt.UTC), reason='demand', force=True); "
        "print(c.size)"
    )
    probe = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    lines = probe.stdout.splitlines()
    # The note keeps its key: links and API clients that name it still find it.
    key = PrivateNote.objects.get().key
    assert lines[0] == (
        f"Ours only: they looked tired.|A draft not yet published.|A concert in Seoul|{key}"
    )
    sha = next(iter(data["attachments"]))["sha256"]
    assert (tmp_path / "files" / sha[:2] / sha).read_bytes() == PDF


def test_restoring_an_office_that_exists_is_refused(office):
    data = backup.build("testoffice", now=LATER)
    before = Event.objects.count()
    with pytest.raises(Refused, match="office 'testoffice' already exists in this database"):
        backup.restore(data)
    assert Event.objects.count() == before


def test_a_backup_whose_record_was_edited_is_refused(office):
    data = backup.build("testoffice", now=LATER)
    events = data["bundle"]["logs"][2]["events"]  # the South's
    first = next(i for i, e in enumerate(events) if b"Notice" in base64.b64decode(e["data"]))
    raw = base64.b64decode(events[first]["data"]).replace(b"Notice", b"N0tice")
    events[first]["data"] = base64.b64encode(raw).decode()
    with pytest.raises(Refused, match="the backup's record is not intact: BROKEN_CHAIN"):
        backup.restore(data)


def test_restore_answers_bad_input_in_one_line(db, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "x.json"
    path.write_text('{"format": "liaison-bundle"}')
    with pytest.raises(CommandError, match="not a Liaison backup"):
        call_command("restore", str(path))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("restore", str(tmp_path / "missing.json"))


def test_the_backup_command_says_what_it_wrote_and_refuses_bad_input(office, tmp_path):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("backup", "testoffice", "--out", str(tmp_path / "b.json"), stdout=out)
    data = json.loads((tmp_path / "b.json").read_text())
    assert out.getvalue().startswith(f"wrote {tmp_path / 'b.json'}: ")
    assert f"{len(data['users'])} accounts" in out.getvalue()
    with pytest.raises(CommandError, match="unknown office 'nowhere'"):
        call_command("backup", "nowhere", "--out", str(tmp_path / "x.json"))
    with pytest.raises(CommandError, match="its folder does not exist"):
        call_command("backup", "testoffice", "--out", str(tmp_path / "no" / "x.json"))


def test_schedule_mails_not_yet_sent_are_in_the_backup(office):
    # A mail owed to the North's head about the South's proposal is the operator's to
    # keep, like the message notifications: a restore must not lose it.
    from django.contrib.auth import get_user_model

    from liaison.meetings import proposing
    from liaison.meetings.commands import ProposeSession
    from liaison.meetings.models import ScheduleNotice

    get_user_model().objects.filter(pk=office.north_head.user_id).update(email="n@example.org")
    proposing.propose_session(
        member=office.south_head,
        command=ProposeSession(
            title="Extra",
            start=LATER + dt.timedelta(days=3),
            duration_minutes=60,
            grace_minutes=15,
            required_level="head",
        ),
        now=LATER,
    )
    assert ScheduleNotice.objects.filter(username=office.north_head.username).exists()
    rows = backup.build("testoffice", now=LATER)["private"]["meetings.schedulenotice"]
    assert [row["fields"]["username"] for row in rows] == [office.north_head.username]
