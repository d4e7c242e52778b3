"""``liaison backup`` and ``liaison restore``: one office, whole, onto a fresh database.

A backup is an operator's artefact, unlike an export: besides the shared record (the
export bundle: every event's stored bytes and the signed checkpoints) it holds what
never enters the logs — each side's drafts and private notes, notification settings and
the outbox, the sealed signing keys (still sealed under ``LIAISON_KEY_SECRET``, which is
not in the file) — the members' accounts and the attachment files. API tokens and
second-factor devices are credentials: they are not kept; members issue new ones.

Restoring replays the events in their commit order into the projections, as
``verify`` does in its scratch database, then checks the result: ``verify`` passes and
each log's Merkle root equals the one in the last checkpoint the other side cosigned.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core import serializers
from django.db import connection

from liaison.bundle import check, export, reading
from liaison.bundle.audit import verify
from liaison.channel import attachments
from liaison.channel.models import Attachment, Notification, NotificationPreference, PrivateNote
from liaison.ledger import log, merkle
from liaison.ledger.chain import Problem
from liaison.ledger.events import validate_body
from liaison.ledger.models import Event, Log
from liaison.lib.errors import Refused
from liaison.lib.timezones import format_utc, parse_utc
from liaison.meetings.models import ScheduleNotice
from liaison.offices.models import Member
from liaison.projects.models import ProjectDraft
from liaison.records.models import ReadoutDraft
from liaison.signing import formats
from liaison.signing.models import Checkpoint, Cosignature, KeySecret

FORMAT = "liaison-backup"
VERSION = 1
# What lives outside the logs, restored row by row (new primary keys: the target
# database may hold other offices' rows).
PRIVATE = [
    ReadoutDraft,
    ProjectDraft,
    PrivateNote,
    NotificationPreference,
    Notification,
    ScheduleNotice,
    KeySecret,
]
USER_FIELDS = ["id", "username", "first_name", "last_name", "email", "password", "is_active"]


def build(office: str, *, now: dt.datetime) -> dict[str, Any]:
    users = (
        get_user_model()
        .objects.filter(pk__in=Member.objects.filter(office_id=office).values("user_id"))
        .order_by("pk")
        .values(*USER_FIELDS)
    )
    private = {
        model._meta.label_lower: json.loads(
            serializers.serialize(
                "json", model._default_manager.filter(office=office).order_by("pk")
            )
        )
        for model in PRIVATE
    }
    files = sorted(
        set(Attachment.objects.filter(office_id=office).values_list("sha256", flat=True))
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "office": office,
        "made_at": format_utc(now),
        "bundle": export.build(office, now=now),
        "users": list(users),
        "private": private,
        "attachments": [
            {"sha256": sha, "data": base64.b64encode(attachments.read(sha)).decode()}
            for sha in files
        ],
    }


@dataclass
class Restored:
    office: str
    events: int = 0
    rows: int = 0
    files: int = 0
    roots: dict[str, tuple[int, str]] = field(default_factory=dict)  # side -> (size, root)
    problems: list[Problem] = field(default_factory=list)


def _load(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise Refused("this file is not a Liaison backup (version 1)")
    office, bundle = data.get("office"), data.get("bundle")
    if (
        not isinstance(office, str)
        or not isinstance(bundle, dict)
        or bundle.get("office") != office
    ):
        raise Refused("the backup does not name its office consistently")
    try:
        report = check.check(bundle)
    except reading.BundleError as exc:
        raise Refused(f"the backup's record is unreadable: {exc}") from None
    if report.problems:
        raise Refused(f"the backup's record is not intact: {report.problems[0]}")
    return office, bundle


def _users(rows: list[dict[str, Any]]) -> None:
    model = get_user_model()
    for row in rows:
        existing = model.objects.filter(pk=row["id"]).first()
        if existing is not None:
            if existing.get_username() != row["username"]:
                raise Refused(
                    f"account {row['id']} here is {existing.get_username()!r}, not "
                    f"{row['username']!r}: restore into a fresh database"
                )
            continue
        if model.objects.filter(username=row["username"]).exists():
            raise Refused(f"an account {row['username']!r} with another id exists here")
        model.objects.create(**{name: row[name] for name in USER_FIELDS})
    if rows and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(_no_style(), [model]):
                cursor.execute(statement)


def _no_style() -> Any:
    from django.core.management.color import no_style

    return no_style()


def _events(office: str, bundle: dict[str, Any]) -> int:
    entries = []
    for item in bundle["logs"]:
        side = item["side"] or ""
        for raw in item["events"]:
            entries.append((raw["n"], side, base64.b64decode(raw["data"])))
    entries.sort()
    logs: dict[str, Log] = {}
    for _n, side, data in entries:
        value = json.loads(data)
        if side not in logs:
            logs[side] = Log.objects.create(office=office, side=side)
        target = logs[side]
        event = Event.objects.create(
            log=target,
            seq=value["seq"],
            hash=hashlib.sha256(data).hexdigest(),
            prev=value["prev"],
            at=parse_utc(value["at"]),
            actor=value["actor"],
            type=value["type"],
            data=data,
        )
        target.size, target.head = event.seq, event.hash
        log.apply_event(
            event, validate_body(value["type"], value["body"]), office=office, side=side
        )
    for target in logs.values():
        Log.objects.filter(pk=target.pk).update(size=target.size, head=target.head)
    return len(entries)


def _private(data: dict[str, Any]) -> int:
    count = 0
    for model in PRIVATE:
        rows = data.get("private", {}).get(model._meta.label_lower, [])
        for item in serializers.deserialize("json", json.dumps(rows)):
            item.object.pk = None
            item.object.save(force_insert=True)
            count += 1
    return count


def _checkpoints(bundle: dict[str, Any], office: str) -> None:
    for item in bundle.get("checkpoints", []):
        statement = base64.b64decode(item["statement"])
        fields = formats.parse_checkpoint_statement(statement)
        Checkpoint.objects.create(
            office=office,
            side=fields["side"],
            size=fields["size"],
            root=fields["root"],
            at=parse_utc(fields["at"]),
            key=fields["key"],
            statement=statement,
            signature=item["signature"],
            reason="restored",
        )


def _files(data: dict[str, Any]) -> list[attachments.Checked]:
    """The attachment files, each checked against its hash."""
    checked = []
    for item in data.get("attachments", []):
        content = base64.b64decode(item["data"])
        if hashlib.sha256(content).hexdigest() != item["sha256"]:
            raise Refused(f"attachment {item['sha256'][:16]} in the backup is damaged")
        checked.append(attachments.Checked("", "", len(content), item["sha256"], content))
    return checked


def restore(data: dict[str, Any]) -> Restored:
    """Restore the office in ``data`` into this database, where it must not exist."""
    office, bundle = _load(data)
    if Log.objects.filter(office=office).exists():
        raise Refused(f"office {office!r} already exists in this database")
    result = Restored(office)
    files = _files(data)
    result.files = len(files)
    # Files are shared with every office's messages: a restore that fails takes back
    # only those no committed message names (``attachments.storing``).
    with log.writing(office), attachments.storing(files):
        _users(data.get("users", []))
        result.events = _events(office, bundle)
        result.rows = _private(data)
        _checkpoints(bundle, office)
        _check(result)
        if result.problems:  # nothing of a restore that does not verify is kept
            raise Refused(f"the restored office does not verify: {result.problems[0]}")
    return result


def _check(result: Restored) -> None:
    office = result.office
    result.problems = verify(office)
    for side_log in Log.objects.filter(office=office).exclude(side=""):
        last = (
            Cosignature.objects.filter(office_id=office, side=side_log.side)
            .order_by("-size")
            .first()
        )
        if last is None:
            continue
        leaves = [
            merkle.leaf_hash(bytes(d))
            for d in Event.objects.filter(log=side_log, seq__lte=last.size)
            .order_by("seq")
            .values_list("data", flat=True)
        ]
        root = merkle.root(leaves).hex()
        result.roots[side_log.side] = (last.size, root)
        if root != last.root:
            result.problems.append(
                Problem(
                    "ROOT_MISMATCH",
                    f"{office}/{side_log.side}#1-{last.size}",
                    "the restored log does not have the root its last cosigned checkpoint signed",
                )
            )
