"""The offline verifier's minutes: each signature by the signing side's key valid then,
by that side's head (the members' roles and memberships replayed from the charter log),
over the content hash of the text the version it names was saved with
(``BAD_MINUTES_SIGNATURE``); a version binds when both sides' heads signed it so.
Django-free."""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from typing import Any

from liaison.bundle.key_history import KeyHistory
from liaison.bundle.reading import Entry
from liaison.ledger.chain import Problem
from liaison.signing import formats


class SignedMinutes:
    def __init__(self, office: str, keys: KeyHistory, problems: list[Problem]) -> None:
        self.office = office
        self.keys = keys
        self.problems = problems
        self.roles: dict[str, tuple[str | None, str]] = {}  # username -> (side, role)
        self.ended: dict[str, str] = {}  # username -> the last day of the membership
        self.zone = "UTC"  # the office's, from the charter
        self.saved: dict[str, tuple[str, Any, str]] = {}  # event hash -> (session, v, hash)
        self.signed: dict[tuple[str, int, str], set[str]] = {}  # -> sides signed

    def problem(self, kind: str, where: str, detail: str) -> None:
        self.problems.append(Problem(kind, where, detail))

    # Who was whose head, and until when.

    def office_chartered(self, entry: Entry, body: dict[str, Any]) -> None:
        self.zone = str(body.get("time_zone") or "UTC")

    def member_added(self, entry: Entry, body: dict[str, Any]) -> None:
        self.roles[str(body.get("username"))] = (body.get("side"), str(body.get("role")))

    def member_changed(self, entry: Entry, body: dict[str, Any]) -> None:
        side = self.roles.get(str(body.get("username")), (None, ""))[0]
        self.roles[str(body.get("username"))] = (side, str(body.get("role")))

    def member_ended(self, entry: Entry, body: dict[str, Any]) -> None:
        self.ended[str(body.get("username"))] = str(body.get("active_until"))

    def member_then(self, actor: str, entry: Entry) -> bool:
        """Whether ``actor``'s membership still ran on the event's day (office time): a
        membership ends after its ``active_until`` day."""
        until = self.ended.get(actor)
        if until is None:
            return True
        try:
            at = dt.datetime.fromisoformat(str(entry.value.get("at")))
            day = at.astimezone(zoneinfo.ZoneInfo(self.zone)).date()
            return day <= dt.date.fromisoformat(until)
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            return False

    # The minutes.

    def minutes_saved(self, entry: Entry, body: dict[str, Any]) -> None:
        text = str(body.get("text"))
        self.saved[entry.hash] = (
            str(body.get("session")),
            body.get("version"),
            hashlib.sha256(text.encode("utf-8")).hexdigest(),
        )

    def minutes_signed(self, entry: Entry, body: dict[str, Any]) -> None:
        side, actor = entry.log, str(entry.value.get("actor"))
        session, version = str(body.get("session")), body.get("version")
        content_hash = str(body.get("content_hash"))
        key = self.keys.key(side, str(body.get("key")), entry.seq - 1)
        message = formats.minutes_message(
            office=self.office,
            side=side,
            session=session,
            version=version if isinstance(version, int) else -1,
            content_hash=content_hash,
            signer=actor,
        )
        if key is None or not formats.signature_valid(
            key.public_key, str(body.get("signature")), message
        ):
            self.problem(
                "BAD_MINUTES_SIGNATURE",
                entry.where,
                f"the signature of {session} v{version} is not by the {side} side's key then",
            )
            return
        if self.roles.get(actor) != (side, "head") or not self.member_then(actor, entry):
            self.problem(
                "BAD_MINUTES_SIGNATURE",
                entry.where,
                f"{actor} signed {session} v{version} but was not the {side} side's head then",
            )
            return
        # A signature binds the version it names only if it is over that version's text:
        # the event it references saved that session and version with this content hash.
        ref = body.get("ref")
        saved = self.saved.get(str(ref.get("hash"))) if isinstance(ref, dict) else None
        if saved != (session, version, content_hash):
            self.problem(
                "BAD_MINUTES_SIGNATURE",
                entry.where,
                f"it signs content hash {content_hash[:16]}…, not that of the text of "
                f"{session} v{version} saved in the event it names",
            )
            return
        self.signed.setdefault((session, int(version or 0), content_hash), set()).add(side)

    def agreed(self, sides: set[str]) -> list[str]:
        """The versions both sides' heads signed, as "session vN"."""
        return sorted(
            f"{session} v{version}"
            for (session, version, _), signed in self.signed.items()
            if len(sides) == 2 and signed == sides
        )
