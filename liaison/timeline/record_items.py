"""The chronology's records, readouts, minutes signatures and agreements, and
commitments made and changed."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from liaison.records.models import (
    CommitmentChange,
    MinutesSignature,
    Readout,
    RecordRevision,
)
from liaison.timeline.items import Item, Window, meeting


def records(w: Window) -> Iterable[Item]:
    # A record enters the chronology when it is first written; revisions are its history.
    rows = RecordRevision.objects.filter(
        office=w.office, revision=1, at__range=(w.start, w.end)
    ).select_related("side", "record")
    for r in rows:
        key = r.record.session_key
        yield w.item(
            r.at,
            "record",
            f"Record of {meeting(key)} written",
            r.side.key,
            w.session_link(key, "record/"),
            key,
        )


def readouts(w: Window) -> Iterable[Item]:
    rows = Readout.objects.filter(
        office=w.office, published_at__range=(w.start, w.end)
    ).select_related("side")
    for r in rows:
        version = f" (version {r.version})" if r.version > 1 else ""
        yield w.item(
            r.published_at,
            "readout",
            f"{r.side.name} published its readout of {meeting(r.session_key)}{version}: {r.title}",
            r.side.key,
            w.session_link(r.session_key, "readouts/"),
            f"{r.session_key}:{r.side.key}:{r.version}",
        )


def signatures(w: Window) -> Iterable[Item]:
    rows = MinutesSignature.objects.filter(
        office=w.office, signed_at__range=(w.start, w.end)
    ).select_related("side", "version__minutes")
    agreed: set[str] = set()  # both signatures may fall on one instant
    for s in rows:
        version = s.version
        session_key = version.minutes.session_key
        link = w.session_link(session_key, "minutes/")
        key = f"{session_key}:{version.version}"
        yield w.item(
            s.signed_at,
            "minutes_signed",
            f"{s.side.name}'s head signed version {version.version} of the minutes of "
            f"{meeting(session_key)}",
            s.side.key,
            link,
            f"{key}:{s.side.key}",
        )
        if version.agreed_at == s.signed_at and key not in agreed:
            agreed.add(key)
            yield w.item(
                s.signed_at,
                "minutes_agreed",
                f"Minutes of {meeting(session_key)} agreed: version {version.version}, "
                "signed by both heads",
                None,
                link,
                key,
            )


def commitments(w: Window) -> Iterable[Item]:
    rows = CommitmentChange.objects.filter(
        office=w.office, at__range=(w.start, w.end)
    ).select_related("side", "commitment")
    link = reverse("office-dashboard", args=[w.office.id]) + "commitments/"
    for c in rows:
        key = c.commitment.key
        if c.number == 1:
            title = f"Commitment made: {c.commitment.text}"
            kind = "commitment_made"
        else:
            title = f"{c.side.name} marks “{c.commitment.text}” {c.get_status_display().lower()}"
            if c.reason:
                title += f": {c.reason}"
            kind = "commitment_status"
        yield w.item(c.at, kind, title, c.side.key, f"{link}#commitment-{key}", f"{key}:{c.number}")
