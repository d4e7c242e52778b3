"""Readouts: a side's private draft (saved outside the logs, no event) and publishing
it as the next version of the side's readout (``readout.published``)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from liaison.ledger import log
from liaison.lib.errors import Conflict, Refused
from liaison.meetings.lookups import session_detail_for
from liaison.offices.models import Member
from liaison.records.commands import PublishReadout, SaveReadoutDraft
from liaison.records.models import (
    Readout,
    ReadoutDraft,
)
from liaison.records.shared import (
    append,
    check_speaker,
    check_writer,
    conflict,
    diff,
)


def save_readout_draft(
    *, member: Member, command: SaveReadoutDraft, now: dt.datetime
) -> ReadoutDraft:
    """Save the member's side's private draft readout of a session (no event: private).

    A draft enters no log until it is published; the command holds it to the event
    schema's rules for text (lengths, no control characters) all the same."""
    office = member.office
    check_writer(member, now)
    side = member.side
    if side is None:  # pragma: no cover - check_writer refuses observers
        raise Refused("observers cannot draft readouts")
    session, title, source, body = command.session, command.title, command.source, command.body
    with log.writing(office.id):
        if not title:
            raise Refused("a readout needs a title", field="title")
        if not source:
            raise Refused("say who issues the readout (e.g. the ministry)", field="source")
        if not body:
            raise Refused("the readout is empty", field="body")
        session_detail_for(member, session, now)
        draft = ReadoutDraft.objects.filter(office=office, session_key=session, side=side).first()
        current = draft.revision if draft else 0
        if command.base_revision != current:
            if draft is None:
                raise Refused("your side has no draft of this readout yet", field="base_revision")
            raise conflict(
                "Your side's draft readout",
                command.base_revision,
                current,
                draft.updated_by,
                draft.updated_at,
                diff(draft.body, body, "the draft"),
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


def publish_readout(*, member: Member, command: PublishReadout, now: dt.datetime) -> Readout:
    """Publish the side's draft as the next version of its readout.

    ``side`` names whose readout is meant (refused unless it is the member's own);
    ``draft_revision``, when given, is the draft the member read before publishing."""
    office = member.office
    session, draft_revision = command.session, command.draft_revision
    check_speaker(member, now, command.side)
    own = member.side
    if own is None:  # pragma: no cover - check_speaker refuses observers
        raise Refused("observers cannot publish readouts")
    with log.writing(office.id):
        detail = session_detail_for(member, session, now)
        if detail.session.start > now:
            raise Refused("a readout is published after the session has begun", field="session")
        draft = ReadoutDraft.objects.filter(office=office, session_key=session, side=own).first()
        if draft is None:
            raise Refused("your side has no draft readout of this session to publish")
        if draft_revision is not None and draft_revision != draft.revision:
            raise conflict(
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
        append(
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
