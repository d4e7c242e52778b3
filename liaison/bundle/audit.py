"""``liaison verify``: is the record intact? Every check of the database, combined here,
above the apps whose checks it runs.

1. Each log, event by event on the stored bytes (``ledger.verify.verify_chain``, the
   chain walk the offline verifier also runs): the hash is SHA-256 of the bytes, the
   bytes are the canonical encoding of what they hold, the columns agree with them,
   ``seq`` runs 1, 2, 3 … and each ``prev`` is the hash before it, the body passes its
   type's schema, and the log's cached head matches its last event.
2. References: an event that names another (a signature naming the minutes version it
   signs) names an earlier event of the office by its true hash; and every signed
   checkpoint is by the side's key and still matches its log (``signing.checkpoints``).
   Consent: every answer to a proposal names one of the other side's (a withdrawal, one
   of its own), once and in time, and every check-in or notice names a session both sides
   agreed (``meetings.consent_check``: ``BAD_ANSWER``, ``UNAGREED_SESSION``).
3. The projections: replay every event of the office, in commit order, into an empty
   scratch database (in-memory SQLite) and compare table by table with the live rows.
4. The attachment files its messages name: each is in the store and its bytes hash to
   its name (``channel.attachments.audit``; one problem per bad file).

The first place each check breaks is reported; nothing is repaired. An exported bundle
is checked offline by ``bundle.check`` instead.
"""

from __future__ import annotations

import json

from liaison.channel import attachments
from liaison.ledger.chain import Problem
from liaison.ledger.models import Event, Log
from liaison.ledger.verify import (
    compare,
    rebuild,
    scratch_database,
    verify_chain,
    verify_references,
)
from liaison.meetings.consent_check import TYPES, ConsentChecker
from liaison.offices.models import Office
from liaison.signing import checkpoints


def offices_in_scope(office: str | None) -> list[str]:
    if office is not None:
        return [office]
    names = set(Log.objects.values_list("office", flat=True).distinct())
    names |= set(Office.objects.values_list("id", flat=True))
    return sorted(names)


def _checkpoint_problems(office: str) -> list[Problem]:
    return [Problem(kind, where, detail) for kind, where, detail in checkpoints.audit(office)[:1]]


def verify_consent(office: str) -> Problem | None:
    """The first answer that names no proposal of the other side (or answers one twice,
    or late), or attendance at a session the sides never agreed (``meetings.consent_check``,
    which the offline verifier shares)."""
    checker = ConsentChecker()
    events = (
        Event.objects.filter(log__office=office, type__in=TYPES)
        .select_related("log")
        .order_by("pk")
    )
    for event in events:
        parsed = json.loads(bytes(event.data))
        checker.feed(event.log.side, event.seq, event.type, parsed["body"], parsed["at"])
        if checker.problems:
            found = checker.problems[0]
            return Problem(found.kind, f"{office}/{found.side}#{found.seq}", found.detail)
    return None


def _attachment_problems(office: str) -> list[Problem]:
    # The files live outside the database, under the channel's store.
    return [Problem(kind, where, detail) for kind, where, detail in attachments.audit(office)]


def verify(office: str | None = None, *, projections: bool = True) -> list[Problem]:
    """Every problem found, at most one per log and one per office's projections, and
    one per bad attachment file (the files are checked with the projections: like them,
    they are the live state the pages serve)."""
    problems: list[Problem] = []
    for name in offices_in_scope(office):
        logs = list(Log.objects.filter(office=name).order_by("side"))
        chain_problems = [p for log in logs if (p := verify_chain(log)) is not None]
        problems.extend(chain_problems)
        if projections:
            problems.extend(_attachment_problems(name))
        if not chain_problems and (bad_reference := verify_references(name)) is not None:
            problems.append(bad_reference)
            continue
        if not chain_problems and (unagreed := verify_consent(name)) is not None:
            problems.append(unagreed)
        if not chain_problems:  # a broken chain is the first break already
            problems.extend(_checkpoint_problems(name))
        if projections and not chain_problems:
            with scratch_database() as alias:
                mismatch = rebuild(name, alias) or compare(name, alias)
            if mismatch is not None:
                problems.append(mismatch)
    return problems
