"""What the session page says about the session's record, readouts and minutes: the
links to their pages and one line of state each, in a fixed three queries."""

from __future__ import annotations

from dataclasses import dataclass

from liaison.offices.models import Office
from liaison.records.models import MeetingRecord, Minutes, Readout


@dataclass(frozen=True)
class RecordStates:
    record_revision: int | None
    published_by: list[str]  # the names of the sides that published a readout
    minutes: Minutes | None


def record_states(office: Office, key: str) -> RecordStates:
    revision = (
        MeetingRecord.objects.filter(office=office, session_key=key)
        .values_list("revision", flat=True)
        .first()
    )
    published = (
        Readout.objects.filter(office=office, session_key=key)
        .order_by("side__position")
        .values_list("side__name", flat=True)
        .distinct()
    )
    minutes = Minutes.objects.filter(office=office, session_key=key).first()
    return RecordStates(record_revision=revision, published_by=list(published), minutes=minutes)
