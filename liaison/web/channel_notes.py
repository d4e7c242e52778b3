"""The channel's side pages: a side's private notes on any record (add, delete; shown
by the ``private_notes`` tag through ``notes.notes_for``, which takes the viewer's side),
and how a member hears of new messages. As on the message pages (``web/channel.py``),
each view looks up what the address names, checks access, builds the command and calls
one action."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST, require_safe

from liaison.channel import lookups, notes, notify
from liaison.channel.commands import AddNote, DeleteNote, SetDelivery
from liaison.channel.models import TargetKind
from liaison.lib import clock
from liaison.offices import access
from liaison.offices.models import Member, Office, Role
from liaison.web import channel_forms as cf
from liaison.web.channel import project_url, thread_url
from liaison.web.forms import ActionForm
from liaison.web.pages import office_page, run_form

Forms = dict[str, ActionForm]


# Private notes -------------------------------------------------------------------------


def note_target_url(office: Office, kind: str, key: str) -> str:
    """The page that shows a note's record, at its notes; the dashboard for a key no page
    can have (a refused note's typed key is shown again with the way back)."""
    try:
        return _note_target_url(office, kind, key)
    except NoReverseMatch:
        return reverse("office-dashboard", args=[office.slug])


def _note_target_url(office: Office, kind: str, key: str) -> str:
    slug = office.slug
    if kind == TargetKind.SESSION:
        url = reverse("session-detail", args=[slug, key])
    elif kind == TargetKind.RECORD:
        url = reverse("session-record", args=[slug, key])
    elif kind == TargetKind.MINUTES:
        url = reverse("session-minutes", args=[slug, key])
    elif kind == TargetKind.MESSAGE:
        # Each message of a thread shows its own notes.
        return f"{thread_url(office, key)}#notes-{key}"
    elif kind == TargetKind.COMMITMENT:
        return f"{reverse('office-commitments', args=[slug])}#commitment-{key}"
    else:
        # No project page in this build: the dashboard.
        url = project_url(office, key) or reverse("office-dashboard", args=[slug])
    return f"{url}#notes"


def _note_page(
    request: HttpRequest, office: Office, member: Member, form: Any, kind: str, key: str
) -> HttpResponse:
    """A refused note, with what was typed, and the way back to its record."""
    return render(
        request,
        "web/messages_note.html",
        {
            "office": office,
            "member": member,
            "form": form if isinstance(form, cf.NoteForm) else None,
            "errors": form.non_field_errors() if not isinstance(form, cf.NoteForm) else [],
            "target_kind": kind,
            "target_key": key,
            "back": note_target_url(office, kind, key) if kind in TargetKind.values else "",
        },
        status=400,
    )


@require_POST
@office_page
def office_note_add(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    access.require_side_member(member)
    form = cf.NoteForm(request.POST)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = AddNote(
            target_kind=data["target_kind"], target_key=data["target_key"], body=data["body"]
        )
        notes.add_note(member=member, command=command, now=clock.now())
        return (
            f"Note kept; only {member.side} can see it.",
            note_target_url(office, data["target_kind"], data["target_key"]),
        )

    done = run_form(request, form, perform)
    if done:
        return done
    kind, key = form.data.get("target_kind", ""), form.data.get("target_key", "")
    # Shown again as typed, and its notes looked up: a kind or key no record can have
    # (a NUL, which PostgreSQL cannot even compare) is shown as no target at all.
    if kind not in TargetKind.values:
        kind = ""
    if not key.isprintable():
        key = ""
    return _note_page(request, office, member, form, kind, key)


@require_POST
@office_page
def office_note_delete(
    request: HttpRequest, office: Office, member: Member, note: str
) -> HttpResponse:
    access.require_side_member(member)
    # Another side's note is as unknown as a missing one (404), looked up before the form
    # is read; another member's note of the same side is the action's 403.
    lookups.own_note_for(member, note)
    form = cf.NoteTargetForm(request.POST)
    if not form.is_valid():
        form.add_error(None, "Say which record the note is on.")
        return _note_page(request, office, member, form, "", "")
    notes.delete_note(member=member, command=DeleteNote(note=note), now=clock.now())
    data = form.cleaned_data
    flash.success(request, "Note removed.")
    return redirect(note_target_url(office, data["target_kind"], data["target_key"]))


# Notification settings -----------------------------------------------------------------


def _notifications_page(
    request: HttpRequest, office: Office, member: Member, form: cf.NotificationsForm, status: int
) -> HttpResponse:
    return render(
        request,
        "web/messages_notifications.html",
        {
            "office": office,
            "member": member,
            "form": form,
            "receives": member.side_id is not None and member.role != Role.OBSERVER,
            "nav": "messages",
        },
        status=status,
    )


@require_safe
@office_page
def office_notifications(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    form = cf.NotificationsForm(
        initial={"delivery": notify.delivery_of(office.id, member.username)}
    )
    return _notifications_page(request, office, member, form, 200)


@require_POST
@office_page
def office_notifications_save(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    form = cf.NotificationsForm(request.POST)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = SetDelivery(delivery=data["delivery"])
        preference = notify.set_delivery(member=member, command=command)
        return (
            f"Email about new messages: {preference.get_delivery_display().lower()}.",
            reverse("office-notifications", args=[office.slug]),
        )

    done = run_form(request, form, perform)
    return done or _notifications_page(request, office, member, form, 400)
