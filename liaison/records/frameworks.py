"""Frameworks: a document both sides committed to, its clauses numbered, recorded or
revised whole (``framework.recorded``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from liaison.ledger import log
from liaison.lib.errors import Refused
from liaison.offices.models import Member
from liaison.records.commands import ClauseIn, RecordFramework
from liaison.records.models import (
    Commitment,
    Framework,
)
from liaison.records.shared import (
    append,
    check_speaker,
    conflict,
)

# Framework pages live at frameworks/<key>/, and frameworks/record/ is the address that
# records a new one: no framework takes that key, whichever way it is recorded.
RESERVED_KEYS = frozenset({"record"})
_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.()-]*$")


def _clauses(clauses: Sequence[ClauseIn]) -> list[dict[str, str]]:
    if not clauses:
        raise Refused("a framework has at least one clause", field="clauses")
    body_clauses = []
    numbers: set[str] = set()
    for position, clause in enumerate(clauses, start=1):
        number, text = clause.number, clause.text
        if not _NUMBER.fullmatch(number):
            raise Refused(f"clause {position} needs a number such as 1 or 2.3", field="clauses")
        if number in numbers:
            raise Refused(f"two clauses are numbered {number}", field="clauses")
        if not text:
            raise Refused(f"clause {number} has no text", field="clauses")
        numbers.add(number)
        body_clauses.append({"number": number, "text": text})
    return body_clauses


def record_framework(*, member: Member, command: RecordFramework, now: dt.datetime) -> Framework:
    """Record a framework both sides committed to, or revise it (the whole document)."""
    office = member.office
    key, base_revision = command.key, command.base_revision
    check_speaker(member, now)
    with log.writing(office.id):
        if key in RESERVED_KEYS:
            raise Refused(f"“{key}” names a page of its own; choose another key", field="key")
        if not command.title:
            raise Refused("a framework needs a title", field="title")
        body_clauses = _clauses(command.clauses)
        numbers = {c["number"] for c in body_clauses}
        framework = Framework.objects.filter(office=office, key=key).first()
        current = framework.revision if framework else 0
        if base_revision != current:
            if framework is None:
                raise Refused(f"there is no framework {key!r} to revise", field="key")
            if base_revision == 0:
                raise Refused(f"a framework {key!r} exists already", field="key")
            raise conflict(
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
        append(
            member,
            "framework.recorded",
            {
                "key": key,
                "revision": current + 1,
                "title": command.title,
                "adopted_on": command.adopted_on.isoformat(),
                "summary": command.summary,
                "clauses": body_clauses,
            },
            now,
        )
    return Framework.objects.get(office=office, key=key)
