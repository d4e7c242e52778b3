"""A held session's meeting record: where and when it met, who took part, the topics
and the typed outcomes, saved whole as each new revision (``record.saved``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from liaison.ledger import log
from liaison.lib.errors import Refused
from liaison.lib.timezones import format_utc
from liaison.offices.models import Member, Office
from liaison.records.commands import OutcomeIn, ParticipantIn, SaveRecord
from liaison.records.models import (
    Commitment,
    MeetingRecord,
    OutcomeKind,
)
from liaison.records.shared import (
    append,
    check_writer,
    conflict,
    diff,
    held_session,
)

# How far a record's actual start may lie from the session's scheduled start.
START_TOLERANCE = dt.timedelta(hours=12)


def _participants(office: Office, participants: Sequence[ParticipantIn]) -> list[dict[str, Any]]:
    if not participants:
        raise Refused("a meeting record names at least one participant", field="participants")
    usernames = [p.member.strip() for p in participants if p.member.strip()]
    members = {
        m.username: m
        for m in Member.objects.filter(office=office, username__in=usernames).select_related("side")
    }
    result: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, p in enumerate(participants, start=1):
        username = p.member.strip()
        if username:
            member = members.get(username)
            if member is None:
                raise Refused(
                    f"participant {number}: {username!r} is not a member of this office",
                    field="participants",
                )
            if username in seen:
                raise Refused(f"{member.full_name} is listed twice", field="participants")
            seen.add(username)
            affiliation = p.affiliation.strip() or (
                f"{member.side.name}, {member.title}" if member.side else member.title
            )
            result.append(
                {"member": username, "name": member.full_name, "affiliation": affiliation}
            )
            continue
        name = p.name.strip()
        if not name:
            raise Refused(
                f"participant {number} is from neither side and needs a name",
                field="participants",
            )
        result.append({"member": None, "name": name, "affiliation": p.affiliation.strip()})
    return result


def _outcomes(record: MeetingRecord | None, outcomes: Sequence[OutcomeIn]) -> list[dict[str, str]]:
    existing = set(record.outcomes.values_list("key", flat=True)) if record else set()
    used = {o.key.strip() for o in outcomes if o.key.strip()}
    unknown = used - existing
    if unknown:
        raise Refused(
            f"outcome key {sorted(unknown)[0]!r} is not in the record; leave the key empty "
            "for a new outcome",
            field="outcomes",
        )
    if len(used) != len([o for o in outcomes if o.key.strip()]):
        raise Refused("two outcomes have the same key", field="outcomes")
    # A new outcome never takes a key an earlier revision used for another outcome.
    retired = (
        {
            o["key"]
            for content in record.revisions.values_list("content", flat=True)
            for o in content["outcomes"]
        }
        if record
        else set()
    )
    taken = existing | used | retired
    result = []
    for number, outcome in enumerate(outcomes, start=1):
        if outcome.kind not in OutcomeKind.values:
            raise Refused(
                f"outcome {number}: the kind must be one of {', '.join(OutcomeKind.values)}",
                field="outcomes",
            )
        text = outcome.text.strip()
        if not text:
            raise Refused(f"outcome {number} has no text", field="outcomes")
        key = outcome.key.strip()
        if not key:
            n = 1
            while f"o{n}" in taken:
                n += 1
            key = f"o{n}"
            taken.add(key)
        result.append({"key": key, "kind": outcome.kind, "text": text})
    if record is not None:
        dropped = existing - {o["key"] for o in result}
        cited = Commitment.objects.filter(
            source_outcome__record=record, source_outcome__key__in=dropped
        ).first()
        if cited is not None:
            raise Refused(
                f"outcome {cited.source_outcome.key} is the source of commitment "  # type: ignore[union-attr]
                f"{cited.key!r}; keep it in the record",
                field="outcomes",
            )
    return result


def _record_text(content: dict[str, Any]) -> str:
    lines = [
        f"place: {content['place']}",
        f"started at: {content['started_at']}",
        f"duration: {content['duration_minutes']} minutes",
    ]
    lines += [f"participant: {p['name']} ({p['affiliation']})" for p in content["participants"]]
    lines += [f"topic: {t}" for t in content["topics"]]
    lines += [f"outcome {o['key']} ({o['kind']}): {o['text']}" for o in content["outcomes"]]
    return "\n".join(lines)


def save_record(*, member: Member, command: SaveRecord, now: dt.datetime) -> MeetingRecord:
    """Write the meeting record of a held session, or its next revision.

    ``base_revision`` is the revision the writer started from (0 for a new record); if
    someone saved since, the save is refused with what changed."""
    office = member.office
    session = command.session
    check_writer(member, now)
    with log.writing(office.id):
        detail = held_session(member, session, now)
        if not command.place:
            raise Refused("say where the meeting took place", field="place")
        if not 1 <= command.duration_minutes <= 24 * 60:
            raise Refused("the duration is between 1 minute and 24 hours", field="duration_minutes")
        started_at = command.started_at
        if abs(started_at - detail.session.start) > START_TOLERANCE:
            raise Refused(
                "the actual start is more than 12 hours from the session's scheduled start",
                field="started_at",
            )
        if started_at > now:
            raise Refused("the actual start is in the future", field="started_at")
        record = MeetingRecord.objects.filter(office=office, session_key=session).first()
        body = {
            "session": session,
            "revision": (record.revision if record else 0) + 1,
            "place": command.place,
            "started_at": format_utc(started_at),
            "duration_minutes": command.duration_minutes,
            "participants": _participants(office, command.participants),
            "topics": [t for t in command.topics if t],
            "outcomes": _outcomes(record, command.outcomes),
        }
        current = record.revision if record else 0
        if command.base_revision != current:
            if record is None:
                raise Refused(
                    "this session has no record yet; start a new one", field="base_revision"
                )
            saved = record.revisions.get(revision=current).content
            raise conflict(
                "The record",
                command.base_revision,
                current,
                record.written_by,
                record.updated_at,
                diff(_record_text(saved), _record_text(body), "the record"),
                office=office,
            )
        append(member, "record.saved", body, now)
    return MeetingRecord.objects.get(office=office, session_key=session)
