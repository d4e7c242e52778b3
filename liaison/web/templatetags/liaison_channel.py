"""Template tags for the channel: a side's private notes on any record, how long a
message has waited, and a file's size."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from liaison.channel import notes as channel_notes
from liaison.channel.models import PrivateNote
from liaison.offices.models import Member, Role
from liaison.web.channel_forms import NoteForm, filesize

register = template.Library()


def keeps_notes(member: Member | None) -> bool:
    """Members of a side keep notes; observers (and anyone else) never see a block."""
    return member is not None and member.side_id is not None and member.role != Role.OBSERVER


@register.inclusion_tag("web/_notes.html", takes_context=True)
def private_notes(
    context: template.Context,
    target_kind: str,
    target_key: str,
    form: NoteForm | None = None,
    notes: dict[str, list[PrivateNote]] | None = None,
) -> dict[str, Any]:
    """The viewer's own side's notes on one record, with the form to add one: the
    record's page's section (``#notes``).

    ``notes`` is for a page that shows many records of a kind, each with its notes (the
    messages of a thread, the register of commitments): what ``notes.notes_on`` read
    for all of them in one query. The block is then the record's own, compact and
    named ``#notes-<key>``. Notes are read only through ``notes.notes_for`` and
    ``notes_on``, which take the viewer's side: no page can include another side's
    notes by passing the wrong record or member."""
    member: Member | None = context.get("member")
    if member is None or not keeps_notes(member):
        return {"show": False}
    anchor = "notes" if notes is None else f"notes-{target_key}"
    return {
        "show": True,
        "office": context["office"],
        "member": member,
        "notes": (
            channel_notes.notes_for(member, target_kind, target_key)
            if notes is None
            else notes.get(target_key, [])
        ),
        "people": context.get("people") or {},
        "target_kind": target_kind,
        "target_key": target_key,
        "compact": notes is not None,
        "anchor": anchor,
        "form_anchor": "note-form" if notes is None else f"{anchor}-form",
        "form": form
        or NoteForm(
            initial={"target_kind": target_kind, "target_key": target_key},
            # One form per record on a page: ids of their own.
            **({} if notes is None else {"auto_id": f"{anchor}-%s"}),
        ),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def waited(value: dt.timedelta) -> str:
    """How long something has waited, to the hour: ``3 days 4 hours``, ``5 hours``."""
    hours = max(int(value.total_seconds() // 3600), 0)
    days, hours = divmod(hours, 24)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours or not days:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    return " ".join(parts) if value >= dt.timedelta(hours=1) else "under an hour"


# The forms label held files with it too; it is theirs, shown here to the templates.
register.filter("filesize", filesize)
