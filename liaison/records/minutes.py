"""Minutes: versions of a held session's text, proposed to both heads and signed by
each (with the side's key, then a checkpoint); signed by both, a version is agreed."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from liaison.ledger import log
from liaison.lib.errors import Conflict, Refused
from liaison.offices.access import (
    require_active,
    require_head,
)
from liaison.offices.models import Member, Office
from liaison.records.commands import ProposeMinutes, SaveMinutes, SignMinutes
from liaison.records.models import (
    Minutes,
    MinutesSignature,
    MinutesVersion,
)
from liaison.records.shared import (
    append,
    check_speaker,
    check_writer,
    diff,
    held_session,
    side_key,
)
from liaison.signing import checkpoints, formats, keyring


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def save_minutes(*, member: Member, command: SaveMinutes, now: dt.datetime) -> MinutesVersion:
    """Save the next version of a held session's minutes.

    Versions never change. Once both heads signed the latest version it is agreed: a
    change is then a correction, a new version with its reason, that both sign again."""
    office = member.office
    session, base_version = command.session, command.base_version
    check_writer(member, now)
    text = command.text.replace("\r\n", "\n")
    with log.writing(office.id):
        if not text:
            raise Refused("the minutes are empty", field="text")
        held_session(member, session, now)
        minutes = Minutes.objects.filter(office=office, session_key=session).first()
        current = minutes.latest_version if minutes else 0
        latest = MinutesVersion.objects.get(minutes=minutes, version=current) if minutes else None
        if base_version != current:
            if latest is None:
                raise Refused(
                    "this session has no minutes yet; start a new draft", field="base_version"
                )
            raise Conflict(
                f"The minutes changed while you were editing: you started from version "
                f"{base_version}, and {latest.saved_by} saved version {current} at "
                f"{latest.saved_at.astimezone(office.zone):%d %b %Y %H:%M %Z}. Nothing of "
                "yours was saved; compare the two, then save again from the current version.",
                current=current,
                changes=diff(latest.text, text, f"version {current}"),
                field="base_version",
            )
        reason = command.correction_reason
        if latest is not None and latest.agreed and not reason:
            raise Refused(
                f"version {current} is agreed: both heads signed it and it cannot be edited. "
                "Save a correction instead: a new version, with its reason, that both heads "
                "sign again.",
                field="correction_reason",
            )
        if latest is not None and not latest.agreed and reason:
            raise Refused(
                "only a change to agreed minutes is a correction; leave the reason empty",
                field="correction_reason",
            )
        if latest is not None and latest.text == text:
            raise Refused(f"nothing changed since version {current}", field="text")
        append(
            member,
            "minutes.saved",
            {
                "session": session,
                "version": current + 1,
                "based_on": current or None,
                "correction_reason": reason,
                "text": text,
                "content_hash": content_hash(text),
            },
            now,
        )
    return MinutesVersion.objects.select_related("minutes").get(
        minutes__office=office, minutes__session_key=session, version=current + 1
    )


def _version(office: Office, session: str, version: int) -> tuple[Minutes, MinutesVersion]:
    minutes = Minutes.objects.filter(office=office, session_key=session).first()
    if minutes is None:
        raise Refused(f"session {session} has no minutes yet", field="session")
    row = MinutesVersion.objects.filter(minutes=minutes, version=version).first()
    if row is None:
        raise Refused(f"the minutes have no version {version}", field="version")
    if version != minutes.latest_version:
        raise Refused(
            f"version {version} is superseded by version {minutes.latest_version}",
            field="version",
        )
    return minutes, row


def _ref(row: MinutesVersion) -> dict[str, Any]:
    return {"side": row.event_side, "seq": row.event_seq, "hash": row.event_hash}


def propose_minutes(*, member: Member, command: ProposeMinutes, now: dt.datetime) -> MinutesVersion:
    """Put the latest version to both heads for signature."""
    office = member.office
    session, version = command.session, command.version
    check_speaker(member, now)
    with log.writing(office.id):
        minutes, row = _version(office, session, version)
        if row.agreed:
            raise Refused(f"version {version} is already agreed", field="version")
        if minutes.proposed_version == version:
            raise Refused(f"version {version} is already proposed for signature", field="version")
        append(
            member,
            "minutes.proposed",
            {"session": session, "version": version, "ref": _ref(row)},
            now,
        )
    return MinutesVersion.objects.get(pk=row.pk)


def sign_minutes(*, member: Member, command: SignMinutes, now: dt.datetime) -> MinutesVersion:
    """The head signs this exact version (the signature names its saving event's hash).
    When both heads have signed it, it is agreed and binding.

    ``content_hash``, when given, is the hash of the text the head read: anything but
    the version's own is refused, so a signature never lands on a text the signer did
    not see."""
    office = member.office
    session, version, content_hash = command.session, command.version, command.content_hash
    require_head(member)
    require_active(member, now)
    with log.writing(office.id):
        minutes, row = _version(office, session, version)
        if MinutesSignature.objects.filter(version=row, side_id=member.side_id).exists():
            raise Refused(f"your side has already signed version {version}", field="version")
        if minutes.proposed_version != version:
            raise Refused(f"version {version} has not been proposed for signature", field="version")
        if content_hash is not None and content_hash != row.content_hash:
            raise Refused(
                f"version {version}'s content hash is {row.content_hash}, not {content_hash}: "
                "that is not the text proposed for signature; nothing was signed",
                field="content_hash",
            )
        # The side's key signs too, so an exported bundle shows the signature binds
        # without trusting the server; then the side checkpoints its log.
        side = side_key(member)
        keyring.ensure_keys(office, now)
        key = keyring.current_key(office, side)
        message = formats.minutes_message(
            office=office.id,
            side=side,
            session=session,
            version=version,
            content_hash=row.content_hash,
            signer=member.username,
        )
        append(
            member,
            "minutes.signed",
            {
                "session": session,
                "version": version,
                "ref": _ref(row),
                "content_hash": row.content_hash,
                "key": key.fingerprint,
                "signature": keyring.sign(key, message),
            },
            now,
        )
        checkpoints.sign_checkpoint(office, side, now=now, reason="minutes")
    return MinutesVersion.objects.get(pk=row.pk)
