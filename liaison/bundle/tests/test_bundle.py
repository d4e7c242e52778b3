"""``liaison export`` and the offline ``liaison verify FILE``: a bundle verifies on its
own, says which minutes bind, and a side's kept checkpoints hold it to what it said."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from liaison.bundle import check, export
from liaison.signing import checkpoints
from liaison.signing.commands import RotateKey
from liaison.testing import T0

from .conftest import LATER, busy_office, sizes


@pytest.fixture
def office(world):
    busy_office(world, messages=3, changes=2)
    return world


def test_an_exported_office_verifies_offline_and_names_the_binding_minutes(office, tmp_path):
    out = tmp_path / "kaesong.json"
    call_command("export", "testoffice", "--out", str(out))
    bundle = json.loads(out.read_text())
    report = check.check(bundle)
    assert report.problems == []
    assert report.agreed_minutes == ["weekly-20240105T1000 v1"]
    assert sizes(bundle) == report.sizes
    # Every signed checkpoint is in the bundle, and each was cosigned in the other log.
    assert report.checkpoints == len(bundle["checkpoints"]) >= 4
    assert report.cosignatures == report.checkpoints


def test_the_bundle_holds_no_private_content(office, tmp_path):
    from liaison.channel import notes
    from liaison.channel.commands import AddNote

    notes.add_note(
        member=office.south_head,
        command=AddNote(
            target_kind="session",
            target_key="weekly-20240105T1000",
            body="Our private view: they stalled.",
        ),
        now=LATER,
    )
    data = json.dumps(export.build("testoffice", now=LATER))
    assert "they stalled" not in data
    import base64

    for item in export.build("testoffice", now=LATER)["logs"]:
        for event in item["events"]:
            assert b"they stalled" not in base64.b64decode(event["data"])


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    # -I: isolated from the environment, so no DJANGO_SETTINGS_MODULE; the assertion
    # inside proves Django was never imported.
    code = (
        "import sys; from liaison.bundle import check; rc = check.main(sys.argv[1:]); "
        "assert 'django' not in sys.modules, 'django was imported'; sys.exit(rc)"
    )
    root = Path(__file__).resolve().parents[3]
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-I", "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=root,
        check=False,
        env={"PYTHONPATH": str(root)},
    )


def test_verify_runs_without_django_and_says_intact(office, tmp_path):
    out = tmp_path / "bundle.json"
    export.write(export.build("testoffice", now=LATER), out)
    done = _run(str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("intact: testoffice (events: charter")
    assert "minutes binding (both heads signed): weekly-20240105T1000 v1" in done.stdout


def test_verify_names_each_key_rotation_and_why(office, tmp_path):
    from liaison.signing import keys

    key = keys.rotate(
        member=office.north_deputy, command=RotateKey(reason="Our server was replaced."), now=LATER
    )
    out = tmp_path / "bundle.json"
    export.write(export.build("testoffice", now=LATER), out)
    done = _run(str(out))
    assert done.returncode == 0, done.stderr
    assert f"key rotated at testoffice/north#{key.valid_from_size}: Our server was replaced.\n" in (
        done.stdout
    )


def test_a_later_bundle_agrees_with_the_checkpoints_a_side_kept(office, tmp_path):
    kept = tmp_path / "kept.json"
    kept.write_text(json.dumps({"checkpoints": export.checkpoints_data("testoffice")}))
    office_now = office.office
    from liaison.meetings import attending
    from liaison.meetings.commands import CheckInTo

    attending.check_in(
        member=office.south_head,
        command=CheckInTo(key="weekly-20240112T1000"),
        now=T0.replace(day=12, hour=1),
    )
    checkpoints.sign_scheduled(T0.replace(day=12, hour=2), office_now.id)
    out = tmp_path / "later.json"
    export.write(export.build("testoffice", now=LATER), out)
    done = _run(str(out), "--against", str(kept))
    assert done.returncode == 0, done.stderr
    assert "of yours agree" in done.stdout


def test_an_older_bundle_passed_off_as_new_is_caught_by_kept_checkpoints(office, tmp_path):
    old = tmp_path / "old.json"
    export.write(export.build("testoffice", now=LATER), old)
    from liaison.meetings import attending
    from liaison.meetings.commands import CheckInTo

    attending.check_in(
        member=office.south_head,
        command=CheckInTo(key="weekly-20240112T1000"),
        now=T0.replace(day=12, hour=1),
    )
    checkpoints.sign_scheduled(T0.replace(day=12, hour=2), "testoffice")
    kept = tmp_path / "kept.json"
    kept.write_text(json.dumps({"checkpoints": export.checkpoints_data("testoffice", "south")}))
    done = _run(str(old), "--against", str(kept))
    assert done.returncode == 1
    assert "TRUNCATED at testoffice/south#" in done.stderr
    assert "a checkpoint signed" in done.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("not json", "is not JSON"),
        ('{"format": "zip"}', "not a Liaison bundle"),
        ('{"format": "liaison-bundle", "version": 9}', "bundle version 9"),
    ],
)
def test_unreadable_input_is_one_line_and_exit_2(tmp_path, content, message):
    path = tmp_path / "in.json"
    if content is not None:
        path.write_text(content)
    done = _run(str(path))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and message in done.stderr


def test_the_liaison_command_routes_a_file_to_the_offline_verifier(office, tmp_path):
    out = tmp_path / "bundle.json"
    export.write(export.build("testoffice", now=LATER), out)
    with pytest.raises(SystemExit) as done:
        from liaison.cli import main

        main(["verify", str(out)])
    assert done.value.code == 0


def test_export_refuses_an_unknown_office(db, tmp_path):
    with pytest.raises(CommandError, match="unknown office 'nowhere'"):
        call_command("export", "nowhere", "--out", str(tmp_path / "x.json"))


def test_export_refuses_a_folder_that_does_not_exist(office, tmp_path):
    with pytest.raises(CommandError, match="its folder does not exist"):
        call_command("export", "testoffice", "--out", str(tmp_path / "no" / "x.json"))


def test_a_head_whose_membership_had_ended_does_not_bind_the_minutes(office):
    """The operator ends the North head's membership the day before the signature; a
    bundle holding that is refused the binding, whatever the signature itself says."""
    import base64
    import hashlib

    import rfc8785

    bundle = export.build("testoffice", now=LATER)
    for item in bundle["logs"]:
        for event in item["events"]:
            event["n"] *= 10
    charter = next(item for item in bundle["logs"] if item["side"] is None)["events"]
    north = next(item for item in bundle["logs"] if item["side"] == "north")["events"]
    signed = next(e for e in north if b"minutes.signed" in base64.b64decode(e["data"]))
    head = json.loads(base64.b64decode(signed["data"]))["actor"]
    last = base64.b64decode(charter[-1]["data"])
    ended = rfc8785.dumps(
        {
            "v": 1,
            "office": "testoffice",
            "side": None,
            "seq": len(charter) + 1,
            "prev": hashlib.sha256(last).hexdigest(),
            "at": "2024-01-04T00:00:00.000000Z",
            "actor": "operator",
            "type": "member.ended",
            "body": {"username": head, "active_until": "2024-01-04"},
        }
    )
    charter.append({"n": signed["n"] - 5, "data": base64.b64encode(ended).decode()})
    report = check.check(bundle)
    assert report.agreed_minutes == []
    assert [(p.kind, p.detail.endswith("head then")) for p in report.problems] == [
        ("BAD_MINUTES_SIGNATURE", True)
    ]
