"""Every change to records, readouts, minutes, frameworks and commitments.

Each action takes the acting member and ``now``, checks the rules against the
projections inside the office's write lock, and appends exactly one event to the
member's side's log, or raises ``Refused`` (``NotAllowed``, ``Conflict``) with a message
for a person and leaves everything as it was. Readout drafts are the exception: they are
the side's private content and are saved outside the logs (``ReadoutDraft``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from liaison.ledger import log
from liaison.lib.errors import Conflict, Refused
from liaison.lib.fields import text_problem
from liaison.lib.timezones import format_utc
from liaison.meetings.overview import SessionDetail, session_detail
from liaison.offices.access import (
    require_active,
    require_head,
    require_side_member,
    require_side_speaker,
)
from liaison.offices.models import Member, Office
from liaison.records.models import (
    Clause,
    Commitment,
    CommitmentStatus,
    Framework,
    MeetingRecord,
    Minutes,
    MinutesSignature,
    MinutesVersion,
    Outcome,
    OutcomeKind,
    Readout,
    ReadoutDraft,
)
from liaison.signing import checkpoints, formats
from liaison.signing import keys as signing_keys

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
# How far a record's actual start may lie from the session's scheduled start.
START_TOLERANCE = dt.timedelta(hours=12)


def _side_key(member: Member) -> str:
    if member.side is None:  # the require_* checks refuse this first
        raise Refused("observers cannot act for a side")
    return member.side.key


def _append(member: Member, type: str, body: dict[str, Any], now: dt.datetime) -> None:
    log.append(
        office=member.office_id,
        side=_side_key(member),
        actor=member.username,
        type=type,
        at=now,
        body=body,
    )


def _writer(member: Member, now: dt.datetime) -> None:
    require_side_member(member)
    require_active(member, now)


def _speaker(member: Member, now: dt.datetime, side_key: str | None = None) -> None:
    require_side_speaker(member, side_key)
    require_active(member, now)


def _session(office: Office, key: str, now: dt.datetime) -> SessionDetail:
    detail = session_detail(office, key, now)
    if detail is None:
        raise Refused(f"office {office.id} has no session {key!r}", field="session")
    return detail


def _held(office: Office, key: str, now: dt.datetime) -> SessionDetail:
    detail = _session(office, key, now)
    if not detail.held:
        absent = ", ".join(
            f"{s.side.name}: {s.attendance.value.replace('_', ' ')}"
            for s in detail.sides
            if not s.attendance.attended
        )
        raise Refused(
            f"session {key} was not held ({absent}); only a held session has a record and minutes",
            field="session",
        )
    return detail


def _changes(current: str, submitted: str, what: str) -> str:
    """A unified diff from what is saved now to what the person tried to save."""
    return "\n".join(
        difflib.unified_diff(
            current.splitlines(),
            submitted.splitlines(),
            fromfile=f"{what} as saved now",
            tofile="your version",
            lineterm="",
        )
    )


def _conflict(
    what: str,
    base: int,
    current: int,
    by: str,
    at: dt.datetime,
    changes: str,
    *,
    office: Office,
    field: str = "base_revision",
    outcome: str = "Nothing of yours was saved; compare the two, then save again from the "
    "current revision.",
) -> Conflict:
    when = at.astimezone(office.zone).strftime("%d %b %Y %H:%M %Z")
    return Conflict(
        f"{what} changed while you were editing: you started from revision {base}, and "
        f"{by} saved revision {current} at {when}. {outcome}",
        current=current,
        changes=changes,
        field=field,
    )


# Meeting records ----------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantIn:
    """A member of the office by username, or another person by name."""

    member: str = ""
    name: str = ""
    affiliation: str = ""


@dataclass(frozen=True)
class OutcomeIn:
    kind: str
    text: str
    key: str = ""  # kept from an earlier revision; a new outcome gets the next free key


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


def save_record(
    *,
    member: Member,
    session: str,
    base_revision: int,
    place: str,
    started_at: dt.datetime,
    duration_minutes: int,
    participants: Sequence[ParticipantIn],
    topics: Sequence[str],
    outcomes: Sequence[OutcomeIn],
    now: dt.datetime,
) -> MeetingRecord:
    """Write the meeting record of a held session, or its next revision.

    ``base_revision`` is the revision the writer started from (0 for a new record); if
    someone saved since, the save is refused with what changed."""
    office = member.office
    _writer(member, now)
    with log.writing(office.id):
        detail = _held(office, session, now)
        if not place.strip():
            raise Refused("say where the meeting took place", field="place")
        if not 1 <= duration_minutes <= 24 * 60:
            raise Refused("the duration is between 1 minute and 24 hours", field="duration_minutes")
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
            "place": place.strip(),
            "started_at": format_utc(started_at),
            "duration_minutes": duration_minutes,
            "participants": _participants(office, participants),
            "topics": [t.strip() for t in topics if t.strip()],
            "outcomes": _outcomes(record, outcomes),
        }
        current = record.revision if record else 0
        if base_revision != current:
            if record is None:
                raise Refused(
                    "this session has no record yet; start a new one", field="base_revision"
                )
            saved = record.revisions.get(revision=current).content
            raise _conflict(
                "The record",
                base_revision,
                current,
                record.written_by,
                record.updated_at,
                _changes(_record_text(saved), _record_text(body), "the record"),
                office=office,
            )
        _append(member, "record.saved", body, now)
    return MeetingRecord.objects.get(office=office, session_key=session)


# Readouts -----------------------------------------------------------------------------


def save_readout_draft(
    *,
    member: Member,
    session: str,
    base_revision: int,
    title: str,
    source: str,
    body: str,
    now: dt.datetime,
) -> ReadoutDraft:
    """Save the member's side's private draft readout of a session (no event: private)."""
    office = member.office
    _writer(member, now)
    title, source, body = title.strip(), source.strip(), body.strip()
    if not title:
        raise Refused("a readout needs a title", field="title")
    if not source:
        raise Refused("say who issues the readout (e.g. the ministry)", field="source")
    if not body:
        raise Refused("the readout is empty", field="body")
    # A draft enters no log until it is published: the event schema's rule for text, here.
    for field, value, one_line in (("title", title, True), ("source", source, True)):
        if problem := text_problem(value, one_line=one_line):
            raise Refused(f"the {field} {problem}", field=field)
    if problem := text_problem(body, one_line=False):
        raise Refused(f"the readout {problem}", field="body")
    side = member.side
    if side is None:  # pragma: no cover - _writer refuses observers
        raise Refused("observers cannot draft readouts")
    with log.writing(office.id):
        _session(office, session, now)
        draft = ReadoutDraft.objects.filter(office=office, session_key=session, side=side).first()
        current = draft.revision if draft else 0
        if base_revision != current:
            if draft is None:
                raise Refused("your side has no draft of this readout yet", field="base_revision")
            raise _conflict(
                "Your side's draft readout",
                base_revision,
                current,
                draft.updated_by,
                draft.updated_at,
                _changes(draft.body, body, "the draft"),
                office=office,
            )
        values = {
            "title": title,
            "source": source,
            "body": body,
            "revision": current + 1,
            "updated_by": member.username,
            "updated_at": now,
        }
        if draft is None:
            try:
                with transaction.atomic():
                    ReadoutDraft.objects.create(
                        office=office, session_key=session, side=side, **values
                    )
            except IntegrityError:  # pragma: no cover - the office lock makes this rare
                raise Conflict(
                    "someone on your side started this draft at the same moment; reload it",
                    current=1,
                ) from None
        elif not ReadoutDraft.objects.filter(pk=draft.pk, revision=current).update(**values):
            raise Conflict(  # pragma: no cover - the office lock serialises saves
                "the draft changed while saving; reload it", current=current + 1
            )
    return ReadoutDraft.objects.get(office=office, session_key=session, side=side)


def publish_readout(
    *,
    member: Member,
    session: str,
    side: str | None = None,
    draft_revision: int | None = None,
    now: dt.datetime,
) -> Readout:
    """Publish the side's draft as the next version of its readout.

    ``side`` names whose readout is meant (refused unless it is the member's own);
    ``draft_revision``, when given, is the draft the member read before publishing."""
    office = member.office
    _speaker(member, now, side)
    own = member.side
    if own is None:  # pragma: no cover - _speaker refuses observers
        raise Refused("observers cannot publish readouts")
    with log.writing(office.id):
        detail = _session(office, session, now)
        if detail.session.start > now:
            raise Refused("a readout is published after the session has begun", field="session")
        draft = ReadoutDraft.objects.filter(office=office, session_key=session, side=own).first()
        if draft is None:
            raise Refused("your side has no draft readout of this session to publish")
        if draft_revision is not None and draft_revision != draft.revision:
            raise _conflict(
                "Your side's draft readout",
                draft_revision,
                draft.revision,
                draft.updated_by,
                draft.updated_at,
                "",
                office=office,
                field="draft_revision",
                outcome="Nothing was published; read the draft as it is now, then publish.",
            )
        if draft.published_revision == draft.revision:
            raise Refused("this draft is already published; revise it to publish a new version")
        version = Readout.objects.filter(office=office, session_key=session, side=own).count() + 1
        _append(
            member,
            "readout.published",
            {
                "session": session,
                "version": version,
                "title": draft.title,
                "source": draft.source,
                "body": draft.body,
            },
            now,
        )
        ReadoutDraft.objects.filter(pk=draft.pk).update(published_revision=draft.revision)
    return Readout.objects.get(office=office, session_key=session, side=own, version=version)


# Minutes ------------------------------------------------------------------------------


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def save_minutes(
    *,
    member: Member,
    session: str,
    base_version: int,
    text: str,
    correction_reason: str = "",
    now: dt.datetime,
) -> MinutesVersion:
    """Save the next version of a held session's minutes.

    Versions never change. Once both heads signed the latest version it is agreed: a
    change is then a correction, a new version with its reason, that both sign again."""
    office = member.office
    _writer(member, now)
    text = text.strip().replace("\r\n", "\n")
    if not text:
        raise Refused("the minutes are empty", field="text")
    with log.writing(office.id):
        _held(office, session, now)
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
                changes=_changes(latest.text, text, f"version {current}"),
                field="base_version",
            )
        reason = correction_reason.strip()
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
        _append(
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


def propose_minutes(
    *, member: Member, session: str, version: int, now: dt.datetime
) -> MinutesVersion:
    """Put the latest version to both heads for signature."""
    office = member.office
    _speaker(member, now)
    with log.writing(office.id):
        minutes, row = _version(office, session, version)
        if row.agreed:
            raise Refused(f"version {version} is already agreed", field="version")
        if minutes.proposed_version == version:
            raise Refused(f"version {version} is already proposed for signature", field="version")
        _append(
            member,
            "minutes.proposed",
            {"session": session, "version": version, "ref": _ref(row)},
            now,
        )
    return MinutesVersion.objects.get(pk=row.pk)


def sign_minutes(
    *,
    member: Member,
    session: str,
    version: int,
    now: dt.datetime,
    content_hash: str | None = None,
) -> MinutesVersion:
    """The head signs this exact version (the signature names its saving event's hash).
    When both heads have signed it, it is agreed and binding.

    ``content_hash``, when given, is the hash of the text the head read: anything but
    the version's own is refused, so a signature never lands on a text the signer did
    not see."""
    office = member.office
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
        side = _side_key(member)
        signing_keys.ensure_keys(office, now)
        key = signing_keys.current_key(office, side)
        message = formats.minutes_message(
            office=office.id,
            side=side,
            session=session,
            version=version,
            content_hash=row.content_hash,
            signer=member.username,
        )
        _append(
            member,
            "minutes.signed",
            {
                "session": session,
                "version": version,
                "ref": _ref(row),
                "content_hash": row.content_hash,
                "key": key.fingerprint,
                "signature": signing_keys.sign(key, message),
            },
            now,
        )
        checkpoints.sign_checkpoint(office, side, now=now, reason="minutes")
    return MinutesVersion.objects.get(pk=row.pk)


# Frameworks and commitments -----------------------------------------------------------


@dataclass(frozen=True)
class ClauseIn:
    number: str
    text: str


def record_framework(
    *,
    member: Member,
    key: str,
    base_revision: int,
    title: str,
    adopted_on: dt.date,
    summary: str,
    clauses: Sequence[ClauseIn],
    now: dt.datetime,
) -> Framework:
    """Record a framework both sides committed to, or revise it (the whole document)."""
    office = member.office
    _speaker(member, now)
    if not _KEY.match(key):
        raise Refused("a key is lowercase letters, digits and hyphens", field="key")
    if key == "record":  # /frameworks/record/ is the address that records a new one
        raise Refused("“record” names a page of its own; choose another key", field="key")
    if not title.strip():
        raise Refused("a framework needs a title", field="title")
    if not clauses:
        raise Refused("a framework has at least one clause", field="clauses")
    body_clauses = []
    numbers: set[str] = set()
    for position, clause in enumerate(clauses, start=1):
        number, text = clause.number.strip(), clause.text.strip()
        if not number or not re.match(r"^[0-9A-Za-z][0-9A-Za-z.()-]*$", number):
            raise Refused(f"clause {position} needs a number such as 1 or 2.3", field="clauses")
        if number in numbers:
            raise Refused(f"two clauses are numbered {number}", field="clauses")
        if not text:
            raise Refused(f"clause {number} has no text", field="clauses")
        numbers.add(number)
        body_clauses.append({"number": number, "text": text})
    with log.writing(office.id):
        framework = Framework.objects.filter(office=office, key=key).first()
        current = framework.revision if framework else 0
        if base_revision != current:
            if framework is None:
                raise Refused(f"there is no framework {key!r} to revise", field="key")
            if base_revision == 0:
                raise Refused(f"a framework {key!r} exists already", field="key")
            raise _conflict(
                f"Framework {key}",
                base_revision,
                current,
                framework.recorded_by,
                framework.updated_at,
                "",
                office=office,
            )
        if framework is not None:
            cited = (
                Commitment.objects.filter(source_clause__framework=framework)
                .exclude(source_clause__number__in=numbers)
                .select_related("source_clause")
                .first()
            )
            if cited is not None:
                raise Refused(
                    f"clause {cited.source_clause.number} is the source of commitment "  # type: ignore[union-attr]
                    f"{cited.key!r}; keep it",
                    field="clauses",
                )
        _append(
            member,
            "framework.recorded",
            {
                "key": key,
                "revision": current + 1,
                "title": title.strip(),
                "adopted_on": adopted_on.isoformat(),
                "summary": summary.strip(),
                "clauses": body_clauses,
            },
            now,
        )
    return Framework.objects.get(office=office, key=key)


def _source(office: Office, outcome: str, clause: str) -> dict[str, str | None]:
    if outcome and clause:
        raise Refused("a commitment comes from one outcome or one clause, not both", field="source")
    if outcome:
        session, _, key = outcome.rpartition("/")
        if not Outcome.objects.filter(office=office, record__session_key=session, key=key).exists():
            raise Refused(
                f"there is no outcome {outcome!r}; name it as <session>/<outcome key>",
                field="source",
            )
        return {"outcome": outcome, "clause": None}
    if clause:
        framework, _, number = clause.partition("/")
        if not Clause.objects.filter(
            office=office, framework__key=framework, number=number
        ).exists():
            raise Refused(
                f"there is no clause {clause!r}; name it as <framework>/<clause number>",
                field="source",
            )
        return {"outcome": None, "clause": clause}
    return {"outcome": None, "clause": None}


def make_commitment(
    *,
    member: Member,
    key: str,
    text: str,
    owners: Sequence[str],
    source_outcome: str = "",
    source_clause: str = "",
    due_on: dt.date | None = None,
    now: dt.datetime,
) -> Commitment:
    """Register something promised, by one side or both, from an outcome or a clause."""
    office = member.office
    _speaker(member, now)
    if not _KEY.match(key):
        raise Refused("a key is lowercase letters, digits and hyphens", field="key")
    if not text.strip():
        raise Refused("say what was promised", field="text")
    sides = list(office.sides.values_list("key", flat=True))
    if not owners:
        raise Refused("name the side or sides that promised it", field="owners")
    unknown = [o for o in owners if o not in sides]
    if unknown:
        raise Refused(
            f"{unknown[0]!r} is not a side of this office ({', '.join(sides)})", field="owners"
        )
    with log.writing(office.id):
        if Commitment.objects.filter(office=office, key=key).exists():
            raise Refused(f"a commitment {key!r} exists already", field="key")
        _append(
            member,
            "commitment.made",
            {
                "key": key,
                "text": text.strip(),
                "owners": [s for s in sides if s in owners],
                "source": _source(office, source_outcome.strip(), source_clause.strip()),
                "due_on": due_on.isoformat() if due_on else None,
            },
            now,
        )
    return Commitment.objects.get(office=office, key=key)


# Leaving these states restates a settled or contested fact: say why.
_NEEDS_REASON = {CommitmentStatus.DONE, CommitmentStatus.LAPSED, CommitmentStatus.DISPUTED}


def change_commitment_status(
    *, member: Member, key: str, status: str, reason: str = "", now: dt.datetime
) -> Commitment:
    """A side states a commitment's status. Either side may dispute it, with a reason;
    each side's latest statement is kept, so both views stay visible."""
    office = member.office
    _speaker(member, now)
    if status not in CommitmentStatus.values:
        raise Refused(f"status must be one of {', '.join(CommitmentStatus.values)}", field="status")
    reason = reason.strip()
    with log.writing(office.id):
        commitment = Commitment.objects.filter(office=office, key=key).first()
        if commitment is None:
            raise Refused(f"there is no commitment {key!r}", field="key")
        if commitment.status == status:
            raise Refused(f"the commitment is already {status.replace('_', ' ')}", field="status")
        if status == CommitmentStatus.DISPUTED and not reason:
            raise Refused("say why your side disputes it", field="reason")
        if commitment.status in _NEEDS_REASON and not reason:
            raise Refused(
                f"the commitment is {commitment.status.replace('_', ' ')}; say why it changes",
                field="reason",
            )
        _append(
            member,
            "commitment.status_changed",
            {"key": key, "status": status, "reason": reason},
            now,
        )
    return Commitment.objects.get(pk=commitment.pk)
