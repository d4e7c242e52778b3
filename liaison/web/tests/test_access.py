"""Every web URL for every kind of visitor. A URL pattern without a row here fails
``test_every_url_pattern_has_a_row``: a new page or action must say who may use it.

Actions are posted empty: a head or deputy gets past the permission check to the form's
own answer (400 with field errors); everyone else is stopped before the form is read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import pytest
import time_machine
from django.urls import URLPattern, reverse

from liaison.channel import messages, notes, receipts
from liaison.channel.attachments import Upload
from liaison.channel.commands import AddNote, SendMessage
from liaison.channel.models import Message, PrivateNote
from liaison.ledger.models import Event
from liaison.meetings import proposing
from liaison.meetings.commands import ProposeSession
from liaison.projects import drafts, third_parties
from liaison.projects.commands import ProposeDraft, RecordThirdParty, SaveDraft
from liaison.records import frameworks
from liaison.records.commands import ClauseIn, RecordFramework
from liaison.testing import make_world
from liaison.web import urls

from .conftest import BEFORE, KEY

pytestmark = pytest.mark.django_db

SPEAKERS = ("south_head", "south_deputy", "north_head", "north_deputy")
READERS = ("south_staff", "north_staff", "observer")
MEMBERS = SPEAKERS + READERS
VISITORS = ("anonymous", "outsider", *MEMBERS)


@dataclass(frozen=True)
class Row:
    method: str
    # "" (none), "office", "session", "framework", "message", "attachment", "note",
    # "project", "draft" (the South's draft project), "party" (a third party)
    args: str
    # visitor -> status; visitors not named get ``default``
    expect: dict[str, int]
    default: int
    # Whether those who get ``default`` have done something that is logged (a button
    # with nothing to fill in); everyone else must leave the log as it was.
    writes: bool = False


def page(args: str = "office") -> Row:
    """A page of an office: members read it, an outsider gets the unknown office's 404."""
    return Row("get", args, {"anonymous": 302, "outsider": 404}, 200)


def action(args: str) -> Row:
    """A POST a side's head or deputy may use; staff and observers may not."""
    return Row(
        "post",
        args,
        {"anonymous": 302, "outsider": 404, **dict.fromkeys(READERS, 403)},
        400,
    )


def draft(args: str) -> Row:
    """A POST any member of a side may use (head, deputy, staff); observers may not."""
    return Row("post", args, {"anonymous": 302, "outsider": 404, "observer": 403}, 400)


def signature(args: str) -> Row:
    """A POST only the heads of the two sides may use."""
    refused = dict.fromkeys(("south_deputy", "north_deputy", *READERS), 403)
    return Row("post", args, {"anonymous": 302, "outsider": 404, **refused}, 400)


def own_note() -> Row:
    """A POST on the South's private note: the North gets the 404 of a missing note (the
    note is looked up before the form is read); the observer, on no side, 403."""
    north = ("north_head", "north_deputy", "north_staff")
    expect = {"anonymous": 302, "outsider": 404, "observer": 403, **dict.fromkeys(north, 404)}
    return Row("post", "note", expect, 400)


def own_draft(*, speakers_only: bool) -> Row:
    """A POST on the South's draft project: the whole North gets the 404 of a missing
    draft (nobody learns the other side's drafts, whatever their role); on the South a
    role that may not act gets 403, as does the observer, on no side."""
    north = ("north_head", "north_deputy", "north_staff")
    refused = ("south_staff", "observer") if speakers_only else ("observer",)
    expect = {
        "anonymous": 302,
        "outsider": 404,
        **dict.fromkeys(north, 404),
        **dict.fromkeys(refused, 403),
    }
    return Row("post", "draft", expect, 400)


MATRIX: dict[str, Row] = {
    "login": Row("get", "", {"anonymous": 200}, 302),  # signed in: sent on
    "logout": Row("post", "", {}, 302),
    "office-list": Row("get", "", {"anonymous": 302}, 200),
    # Account pages: one's own account, never an office's; the second factor is offered
    # to heads and deputies. Posted empty, a form answers 400; the set-up begins (302).
    "account": Row("get", "", {"anonymous": 302}, 200),
    "account-login-code": Row("get", "", {}, 302),  # no password given first: to login
    "account-reauth": Row("get", "", {"anonymous": 302}, 200),
    "account-2fa": Row("get", "", {"anonymous": 302}, 200),
    "account-2fa-begin": Row(
        "post", "", {"anonymous": 302, "outsider": 403, **dict.fromkeys(READERS, 403)}, 302
    ),
    "account-2fa-confirm": Row(
        "post", "", {"anonymous": 302, "outsider": 403, **dict.fromkeys(READERS, 403)}, 400
    ),
    "account-2fa-disable": Row("post", "", {"anonymous": 302}, 400),
    "account-token-revoke": Row("post", "", {"anonymous": 302}, 400),
    "account-password": Row("post", "", {"anonymous": 302}, 400),
    "account-preferences": Row("post", "", {"anonymous": 302}, 400),
    "office-dashboard": page(),
    "office-schedule": page(),
    "office-cadence-set": action("office"),
    "office-cadence-end": action("office"),
    "office-session-schedule": action("office"),
    # A proposal is a joint record; heads and deputies of either side reach its forms
    # (posted empty: 400), staff and the observer answer nothing.
    "proposal-detail": page("proposal"),
    "proposal-accept": action("proposal"),
    "proposal-decline": action("proposal"),
    "proposal-withdraw": action("proposal"),
    "session-detail": page("session"),
    "session-check-in": action("session"),
    "session-absence": action("session"),
    "session-move": action("session"),
    "session-postpone": action("session"),
    "session-cancel": action("session"),
    "session-record": page("session"),
    "session-record-save": draft("session"),
    "session-readouts": page("session"),
    "session-readout-draft": draft("session"),
    "session-readout-publish": action("session"),
    "session-minutes": page("session"),
    "session-minutes-save": draft("session"),
    "session-minutes-propose": action("session"),
    "session-minutes-sign": signature("session"),
    # Heads read what they would sign; with nothing proposed here, back to the minutes.
    "session-minutes-sign-confirm": Row(
        "get",
        "session",
        {
            "anonymous": 302,
            "outsider": 404,
            **dict.fromkeys(("south_deputy", "north_deputy", *READERS), 403),
        },
        302,
    ),
    "office-frameworks": page(),
    "office-framework-record": action("office"),
    "office-framework": page("framework"),
    "office-framework-revise": action("framework"),
    "office-commitments": page(),
    "office-timeline": page(),
    "office-checkpoints": page(),
    "office-checkpoints-download": page(),
    # Buttons with no form: a head or deputy is redirected back with the outcome.
    "office-checkpoint-sign": Row(
        "post",
        "office",
        {"anonymous": 302, "outsider": 404, **dict.fromkeys(READERS, 403)},
        302,
        writes=True,
    ),
    # Rotating asks first: posted empty, the form (a reason, a tick) answers 400.
    "office-key-rotate": action("office"),
    "office-key-rotate-confirm": Row(
        "get", "office", {"anonymous": 302, "outsider": 404, **dict.fromkeys(READERS, 403)}, 200
    ),
    # The live stream needs the ASGI server; the test client is WSGI, where the view
    # answers 204 before it reads anything. Its access under ASGI: test_live.py.
    "office-live": Row("get", "office", {}, 204),
    "office-commitment-make": action("office"),
    "office-commitment-status": action("office"),
    "office-messages": page(),
    "office-messages-sent": page(),
    # Heads and deputies write messages; the page says nothing to anyone else.
    "office-message-new": Row(
        "get", "office", {"anonymous": 302, "outsider": 404, **dict.fromkeys(READERS, 403)}, 200
    ),
    "office-message-preview": action("office"),
    "office-message-send": action("office"),
    "office-message": page("message"),
    "office-message-acknowledge": action("message"),
    "office-message-reply": action("message"),
    "office-message-attachment": page("attachment"),
    "office-note-add": draft("office"),
    "office-note-delete": own_note(),
    "office-notifications": page(),
    "office-projects": page(),
    "office-project-chart": page(),
    "office-project-draft-save": draft("office"),
    "office-project-draft-propose": own_draft(speakers_only=True),
    "office-project-draft-discard": own_draft(speakers_only=False),
    "office-project": page("project"),
    "office-project-status": action("project"),
    "office-project-plan": action("project"),
    "office-project-blocker-open": action("project"),
    "office-project-blocker-resolve": action("project"),
    "office-project-dependency-add": action("project"),
    "office-project-dependency-remove": action("project"),
    "office-project-condition-add": action("project"),
    "office-third-parties": page(),
    "office-third-party-record": action("office"),
    "office-third-party": page("party"),
    "office-third-party-actor": action("party"),
    "office-third-party-position": action("party"),
    "office-third-party-event": action("party"),
    # Every member chooses how to hear of messages.
    "office-notifications-save": Row("post", "office", {"anonymous": 302, "outsider": 404}, 400),
}

FRAMEWORK = "accord"


def _framework(world) -> None:
    """The framework the "framework" rows address."""
    frameworks.record_framework(
        member=world.south_head,
        command=RecordFramework(
            key=FRAMEWORK,
            base_revision=0,
            title="Accord",
            adopted_on=dt.date(2023, 12, 1),
            summary="",
            clauses=[ClauseIn(number="1", text="Meet every week.")],
        ),
        now=BEFORE,
    )


PROJECT, DRAFT, PARTY = "rail", "secret-draft", "us"


def _projects(world) -> None:
    """The project, the South's draft and the third party the project rows address."""
    drafts.save_project_draft(
        member=world.south_head,
        command=SaveDraft(
            key=PROJECT, base_revision=0, kind="study", title="Rail study", leads=["south"]
        ),
        now=BEFORE,
    )
    drafts.propose_project(member=world.south_head, command=ProposeDraft(key=PROJECT), now=BEFORE)
    drafts.save_project_draft(
        member=world.south_staff,
        command=SaveDraft(
            key=DRAFT, base_revision=0, kind="visit", title="Secret visit", leads=["south"]
        ),
        now=BEFORE,
    )
    third_parties.record_third_party(
        member=world.north_head, command=RecordThirdParty(key=PARTY, name="The U.S."), now=BEFORE
    )


CHANNEL_ARGS = ("message", "attachment", "note")
PROJECT_ARGS = ("project", "draft", "party")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _channel(world) -> None:
    """The message (with a file) and the note the channel's rows address. The North's
    members have read it already, so reading it again records nothing."""
    message = messages.send_message(
        member=world.south_head,
        command=SendMessage(
            kind="notice",
            subject="Weekly meetings",
            body="We propose to resume the weekly meetings.",
            attachments=[Upload("agenda.pdf", PDF)],
        ),
        now=BEFORE,
    )
    for name in ("north_head", "north_deputy", "north_staff"):
        receipts.mark_shown(world.members[name], [message], opened=True, now=BEFORE)
    notes.add_note(
        member=world.south_staff,
        command=AddNote(target_kind="message", target_key=message.key, body="Ours only."),
        now=BEFORE,
    )


def _proposal(world) -> str:
    """An ad hoc session the South proposed, awaiting the North: its proposal's key."""
    return proposing.propose_session(
        member=world.south_head,
        command=ProposeSession(
            title="Extra",
            start=dt.datetime(2024, 1, 10, 1, 0, tzinfo=dt.UTC),
            duration_minutes=60,
            grace_minutes=15,
            required_level="head",
        ),
        now=BEFORE,
    ).key


def _prepare(world, row: Row) -> None:
    if row.args == "proposal":
        _proposal(world)
    if row.args == "framework":
        _framework(world)
    if row.args in CHANNEL_ARGS:
        _channel(world)
    if row.args in PROJECT_ARGS:
        _projects(world)


def latest_seq(world, side: str) -> int:
    return Event.objects.filter(log__office=world.office.id, log__side=side).count()


def _names() -> set[str]:
    return {p.name for p in urls.urlpatterns if isinstance(p, URLPattern) and p.name}


def test_every_url_pattern_has_a_row():
    assert _names() == set(MATRIX)


def _url(world, name: str, row: Row) -> str:
    if row.args in CHANNEL_ARGS:
        message = Message.objects.get(office=world.office)
        sha256 = hashlib.sha256(PDF).hexdigest()
        channel_args = {
            "message": [world.office.slug, message.key],
            "attachment": [world.office.slug, message.key, sha256],
            "note": [world.office.slug, PrivateNote.objects.get().key],
        }
        return reverse(name, args=channel_args[row.args])
    args = {
        "": [],
        "office": [world.office.slug],
        "proposal": [world.office.slug, "south-" + str(latest_seq(world, "south"))],
        "session": [world.office.slug, KEY],
        "framework": [world.office.slug, FRAMEWORK],
        "project": [world.office.slug, PROJECT],
        "draft": [world.office.slug, DRAFT],
        "party": [world.office.slug, PARTY],
    }
    return reverse(name, args=args[row.args])


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_visitor_gets_what_the_matrix_says(office, as_user, name, visitor):
    row = MATRIX[name]
    who = None if visitor == "anonymous" else getattr(office, visitor)
    client = as_user(who)
    _prepare(office, row)
    before = Event.objects.count()
    with time_machine.travel(BEFORE, tick=False):
        response = getattr(client, row.method)(_url(office, name, row))
    assert response.status_code == row.expect.get(visitor, row.default), response.content[:300]
    if response.status_code == 302 and visitor == "anonymous" and name != "logout":
        assert response["Location"].startswith(reverse("login"))
    if row.writes and visitor not in row.expect:
        assert Event.objects.count() > before
    else:
        assert Event.objects.count() == before


# Answered before any lookup under WSGI; test_live.py checks its 404s under ASGI.
ASGI_ONLY = {"office-live"}


@pytest.mark.parametrize(
    "name", sorted(n for n, r in MATRIX.items() if r.args and n not in ASGI_ONLY)
)
def test_another_offices_head_gets_the_same_404_as_an_unknown_office(office, as_user, name):
    row = MATRIX[name]
    client = as_user(make_world("elsewhere").south_head)
    _prepare(office, row)
    with time_machine.travel(BEFORE, tick=False):
        theirs = getattr(client, row.method)(_url(office, name, row))
        unknown = getattr(client, row.method)(
            _url(office, name, row).replace(f"/{office.office.slug}/", "/no-such-office/")
        )
    assert theirs.status_code == unknown.status_code == 404
