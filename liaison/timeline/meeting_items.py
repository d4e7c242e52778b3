"""The chronology's sessions (held, postponed, cancelled, each side's no-show or excused
absence) and proposals (made, answered, lapsed)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse

from liaison.meetings.attendance import Attendance
from liaison.meetings.models import Proposal, ProposalKind, ProposalState, Status
from liaison.meetings.standing import outcomes_between
from liaison.timeline.items import Item, Window


def sessions(w: Window) -> Iterable[Item]:
    names = {s.key: s.name for s in w.sides}
    for outcome in outcomes_between(w.office, w.sides, w.start, w.end, w.now):
        session = outcome.session
        if session.start > w.now:
            continue
        link = w.session_link(session.key)
        # Calling a session off is one side's act: the item names it.
        by = f" by {names[session.changed_by]}" if session.changed_by in names else ""
        if session.status == Status.POSTPONED:
            yield w.item(
                session.start,
                "session_postponed",
                f"{session.title} postponed{by}",
                session.changed_by,
                link,
                session.key,
            )
            continue
        if session.status == Status.CANCELLED:
            yield w.item(
                session.start,
                "session_cancelled",
                f"{session.title} cancelled{by}",
                session.changed_by,
                link,
                session.key,
            )
            continue
        if not session.is_scheduled:
            continue  # proposed, never agreed: the proposals say what became of it
        if outcome.held:
            yield w.item(
                session.start, "session_held", f"{session.title} held", None, link, session.key
            )
            continue
        for side, value in outcome.by_side.items():
            if value == Attendance.NO_SHOW:
                yield w.item(
                    session.start,
                    "no_show",
                    f"{names[side]} did not attend {session.title}",
                    side,
                    link,
                    f"{session.key}:{side}",
                )
            elif value == Attendance.EXCUSED:
                yield w.item(
                    session.start,
                    "excused",
                    f"{names[side]} excused from {session.title}",
                    side,
                    link,
                    f"{session.key}:{side}",
                )


_PROPOSED = {
    ProposalKind.CADENCE: "the cadence",
    ProposalKind.CADENCE_END: "to end the cadence",
    ProposalKind.SESSION: "a session:",
    ProposalKind.MOVE: "a new time for",
}


def proposals(w: Window) -> Iterable[Item]:
    """Each proposal when it was made, and its answer, or its lapse, when that came."""
    names = {s.key: s.name for s in w.sides}
    rows = Proposal.objects.for_office(w.office).filter(
        Q(proposed_at__range=(w.start, w.end))
        | Q(answered_at__range=(w.start, w.end))
        | Q(state=ProposalState.OPEN, answer_by__range=(w.start, w.end))
    )
    link = reverse("office-dashboard", args=[w.office.id]) + "proposals/"
    for p in rows.order_by("proposed_at", "pk"):
        here = f"{link}{p.key}/"
        proposer = names.get(p.side_key, p.side_key)
        answerer = next((name for key, name in names.items() if key != p.side_key), "")
        what = f"{_PROPOSED[ProposalKind(p.kind)]} {p.title}"
        if w.start <= p.proposed_at <= w.end:
            yield w.item(
                p.proposed_at, "proposal", f"{proposer} proposed {what}", p.side_key, here, p.key
            )
        if p.answered_at is not None and w.start <= p.answered_at <= w.end:
            if p.state == ProposalState.WITHDRAWN:
                yield w.item(
                    p.answered_at,
                    "proposal_withdrawn",
                    f"{proposer} withdrew its proposal of {what}",
                    p.side_key,
                    here,
                    p.key,
                )
            else:
                answering = next((k for k in names if k != p.side_key), None)
                yield w.item(
                    p.answered_at,
                    f"proposal_{p.state}",
                    f"{answerer} {p.state} {proposer}'s proposal of {what}",
                    answering,
                    here,
                    p.key,
                )
        if p.state_at(w.now) == "lapsed" and w.start <= p.answer_by <= w.end:
            yield w.item(
                p.answer_by,
                "proposal_lapsed",
                f"{proposer}'s proposal of {what} lapsed unanswered",
                None,
                here,
                p.key,
            )
