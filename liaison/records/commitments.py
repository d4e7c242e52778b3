"""Commitments: something promised by one side or both, from a record's outcome or a
framework's clause, and each side's statement of its status."""

from __future__ import annotations

import datetime as dt

from liaison.ledger import log
from liaison.lib.errors import Refused
from liaison.offices.models import Member, Office
from liaison.records.commands import ChangeCommitmentStatus, MakeCommitment
from liaison.records.lookups import commitment_for
from liaison.records.models import (
    Clause,
    Commitment,
    CommitmentStatus,
    Outcome,
)
from liaison.records.shared import (
    append,
    check_speaker,
)


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


def make_commitment(*, member: Member, command: MakeCommitment, now: dt.datetime) -> Commitment:
    """Register something promised, by one side or both, from an outcome or a clause."""
    office = member.office
    key, owners = command.key, command.owners
    check_speaker(member, now)
    with log.writing(office.id):
        if not command.text:
            raise Refused("say what was promised", field="text")
        sides = list(office.sides.values_list("key", flat=True))
        if not owners:
            raise Refused("name the side or sides that promised it", field="owners")
        unknown = [o for o in owners if o not in sides]
        if unknown:
            raise Refused(
                f"{unknown[0]!r} is not a side of this office ({', '.join(sides)})",
                field="owners",
            )
        if Commitment.objects.filter(office=office, key=key).exists():
            raise Refused(f"a commitment {key!r} exists already", field="key")
        append(
            member,
            "commitment.made",
            {
                "key": key,
                "text": command.text,
                "owners": [s for s in sides if s in owners],
                "source": _source(office, command.source_outcome, command.source_clause),
                "due_on": command.due_on.isoformat() if command.due_on else None,
            },
            now,
        )
    return Commitment.objects.get(office=office, key=key)


# Leaving these states restates a settled or contested fact: say why.
_NEEDS_REASON = {CommitmentStatus.DONE, CommitmentStatus.LAPSED, CommitmentStatus.DISPUTED}


def change_commitment_status(
    *, member: Member, command: ChangeCommitmentStatus, now: dt.datetime
) -> Commitment:
    """A side states a commitment's status. Either side may dispute it, with a reason;
    each side's latest statement is kept, so both views stay visible."""
    office = member.office
    key, status, reason = command.key, command.status, command.reason
    check_speaker(member, now)
    with log.writing(office.id):
        commitment = commitment_for(member, key)
        if status not in CommitmentStatus.values:
            raise Refused(
                f"status must be one of {', '.join(CommitmentStatus.values)}", field="status"
            )
        if commitment.status == status:
            raise Refused(f"the commitment is already {status.replace('_', ' ')}", field="status")
        if status == CommitmentStatus.DISPUTED and not reason:
            raise Refused("say why your side disputes it", field="reason")
        if commitment.status in _NEEDS_REASON and not reason:
            raise Refused(
                f"the commitment is {commitment.status.replace('_', ' ')}; say why it changes",
                field="reason",
            )
        append(
            member,
            "commitment.status_changed",
            {"key": key, "status": status, "reason": reason},
            now,
        )
    return Commitment.objects.get(pk=commitment.pk)
