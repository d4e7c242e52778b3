"""The office's sessions in a window: cadence occurrences merged with session rows.

``SessionInfo`` is what every page, command and rule works with, whether the session
has a row (ad hoc, or changed) or is an untouched occurrence of a cadence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from liaison.meetings.cadence import CadenceSpec, expand, occurrence_at, split_key
from liaison.meetings.models import Cadence, Session, Status
from liaison.offices.models import Office

ADHOC = "adhoc"


@dataclass(frozen=True)
class SessionInfo:
    key: str
    title: str
    start: dt.datetime
    original_start: dt.datetime
    duration: dt.timedelta
    grace: dt.timedelta
    required_level: str
    status: str
    status_reason: str
    cadence_key: str | None
    cadence_version: int | None
    # The agreement behind the session's current time: the side that proposed it, when
    # the other side accepted it (None while only proposed), and whether that was early
    # enough (the charter's minimum notice) to hold the proposing side to it too.
    proposed_by: str | None = None
    agreed_at: dt.datetime | None = None
    binds_proposer: bool = False
    answer_by: dt.datetime | None = None
    changed_by: str | None = None  # the side whose act set the status (cancelled…)

    @property
    def end(self) -> dt.datetime:
        return self.start + self.duration

    @property
    def grace_end(self) -> dt.datetime:
        return self.start + self.grace

    @property
    def is_adhoc(self) -> bool:
        return self.cadence_key is None

    @property
    def is_moved(self) -> bool:
        return self.start != self.original_start

    @property
    def is_scheduled(self) -> bool:
        return self.status == Status.SCHEDULED

    @property
    def is_proposed(self) -> bool:
        return self.status == Status.PROPOSED

    def binds(self, side: str) -> bool:
        """Whether ``side`` is held to attend: the session is agreed, and the side either
        accepted it or proposed it and was told of the acceptance with enough notice."""
        if not self.is_scheduled or self.agreed_at is None or self.proposed_by is None:
            return False
        return side != self.proposed_by or self.binds_proposer


def superseded(row: Session, cadence: Cadence | None) -> bool:
    """A changed occurrence that a later cadence version replaced: neither its original
    nor its actual time falls in its version's period. (One moved earlier and held
    before a change stays.)"""
    if cadence is None:
        return False
    spec = cadence.spec()
    return not spec.covers(row.original_start) and not spec.covers(row.start)


def _side_key(side_id: str | None) -> str | None:
    return side_id.partition(":")[2] if side_id else None


def _binds_proposer(
    start: dt.datetime, agreed_at: dt.datetime | None, min_notice: dt.timedelta
) -> bool:
    return agreed_at is not None and start - agreed_at >= min_notice


def _from_row(row: Session, cadence: Cadence | None, min_notice: dt.timedelta) -> SessionInfo:
    return SessionInfo(
        key=row.key,
        title=row.title,
        start=row.start,
        original_start=row.original_start,
        duration=dt.timedelta(minutes=row.duration_minutes),
        grace=dt.timedelta(minutes=row.grace_minutes),
        required_level=row.required_level,
        status=row.status,
        status_reason=row.status_reason,
        cadence_key=cadence.key if cadence else None,
        cadence_version=cadence.version if cadence else None,
        proposed_by=_side_key(row.proposed_by_id),
        agreed_at=row.agreed_at,
        binds_proposer=_binds_proposer(row.start, row.agreed_at, min_notice),
        answer_by=row.answer_by,
        changed_by=_side_key(row.changed_by_id),
    )


def _from_occurrence(
    spec: CadenceSpec, start: dt.datetime, key: str, min_notice: dt.timedelta
) -> SessionInfo:
    return SessionInfo(
        key=key,
        title=spec.title,
        start=start,
        original_start=start,
        duration=spec.duration,
        grace=spec.grace,
        required_level=spec.required_level,
        status=Status.SCHEDULED,
        status_reason="",
        cadence_key=spec.key,
        cadence_version=spec.version,
        proposed_by=spec.proposed_by,
        agreed_at=spec.agreed_at,
        binds_proposer=_binds_proposer(start, spec.agreed_at, min_notice),
    )


# Sessions that never were: proposals declined or withdrawn.
_NEVER_HELD = (Status.DECLINED, Status.WITHDRAWN)


def sessions_between(office: Office, start: dt.datetime, end: dt.datetime) -> list[SessionInfo]:
    """Sessions whose (current) start is in [start, end], in start order. Two queries."""
    cadences = {c.pk: c for c in Cadence.objects.for_office(office)}
    rows = list(
        Session.objects.for_office(office)
        .filter(Q(start__range=(start, end)) | Q(original_start__range=(start, end)))
        .exclude(status__in=_NEVER_HELD)
    )
    notice = office.min_notice
    by_key = {row.key: row for row in rows}
    result: list[SessionInfo] = []
    zone = office.zone
    for cadence in cadences.values():
        spec = cadence.spec()
        for occurrence in expand(spec, zone, start, end):
            if occurrence.key not in by_key:
                result.append(_from_occurrence(spec, occurrence.start, occurrence.key, notice))
    for row in rows:
        its_cadence = cadences.get(row.cadence_id) if row.cadence_id else None
        if superseded(row, its_cadence):
            continue
        if start <= row.start <= end:
            result.append(_from_row(row, its_cadence, notice))
    result.sort(key=lambda s: (s.start, s.key))
    return result


def check_in_window(session: SessionInfo) -> tuple[dt.datetime, dt.datetime]:
    """When a side can check in: from shortly before the start until the grace ends."""
    opens = session.start - dt.timedelta(minutes=settings.LIAISON_CHECK_IN_OPENS_MINUTES)
    return opens, min(session.grace_end, session.end)


def find_session(office: Office, key: str) -> SessionInfo | None:
    """The session with this key, whether it has a row or is a cadence occurrence."""
    row = (
        Session.objects.filter(id=Session.make_id(office.id, key)).select_related("cadence").first()
    )
    if row is not None:
        if superseded(row, row.cadence):
            return None
        return _from_row(row, row.cadence, office.min_notice)
    parts = split_key(key)
    if parts is None or parts[0] == ADHOC:
        return None
    cadence_key, local = parts
    for cadence in Cadence.objects.for_office(office).filter(key=cadence_key):
        spec = cadence.spec()
        occurrence = occurrence_at(spec, office.zone, local)
        if occurrence is not None:
            return _from_occurrence(spec, occurrence.start, occurrence.key, office.min_notice)
    return None


def cadence_for_key(office: Office, key: str) -> Cadence | None:
    """The cadence version an occurrence key belongs to (for materialising its row)."""
    parts = split_key(key)
    if parts is None:
        return None
    cadence_key, local = parts
    for cadence in Cadence.objects.for_office(office).filter(key=cadence_key):
        if occurrence_at(cadence.spec(), office.zone, local) is not None:
            return cadence
    return None
