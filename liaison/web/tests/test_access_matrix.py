"""The access matrix: every URL pattern (web pages and API operations) by every kind of
visitor by each owner of the object the URL names, with the answer DESIGN.md
("Permissions") gives. A pattern or operation with no row fails
``test_every_url_pattern_and_api_operation_has_a_row``, naming it.

Visitors: anonymous; each side's head, deputy and staff; the observer (on neither side);
an outsider (an account with no membership); a stranger (the head of ANOTHER office).
Owners: the South, the North, or "joint" (the office's shared records).

The expected answer of a cell comes from ``expected(row, visitor, owner)``, a handful of
rules read off DESIGN.md: the anonymous are sent to sign in (web) or get 401 (API);
anyone not in the office gets the 404 of an unknown office; a role that may not act
gets 403; the other side's private object (draft, note, readout draft, token) is as
unknown as a missing one, 404; everyone else gets the row's ``ok``. Each cell runs in a
transaction rolled back afterwards, so the writes that succeed really run (valid bodies
for the API) and the world stays as built; a refused write must leave the event count
as it was, and every page a visitor may read is searched for the other side's secrets.

One world, built once per module with the domain actions, holds an object of each owner
for each URL that takes one. Adding a page is one line in ``WEB`` or ``API``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from liaison.api.commands import IssueToken
from liaison.api.models import issue_token
from liaison.api.tests import conftest as api
from liaison.channel import messages as channel_messages
from liaison.channel import notes as channel_notes
from liaison.channel.attachments import Upload
from liaison.channel.commands import AddNote, SendMessage
from liaison.channel.models import Message
from liaison.ledger.models import Event
from liaison.meetings import proposing
from liaison.meetings.commands import ProposeSession
from liaison.projects import drafts
from liaison.projects.commands import SaveDraft
from liaison.records import minutes, readouts
from liaison.records.commands import SaveMinutes, SaveReadoutDraft
from liaison.testing import OPERATOR, PASSWORD, World, hold, make_world

pytestmark = pytest.mark.django_db

SIDES = ("south", "north")
SIDE_MEMBERS = tuple(f"{side}_{role}" for side in SIDES for role in ("head", "deputy", "staff"))
MEMBERS = (*SIDE_MEMBERS, "observer")
VISITORS = ("anonymous", *MEMBERS, "outsider", "stranger")
HEADS = ("south_head", "north_head")
SPEAKERS = ("south_head", "south_deputy", "north_head", "north_deputy")

# Who may use a row once they can see it (members of the office; "anyone" and
# "speaker_anywhere" also count people outside it, for the account pages).
WHO: dict[str, tuple[str, ...]] = {
    "member": MEMBERS,
    "side": SIDE_MEMBERS,  # drafts: any member of a side, not the observer
    "speaker": SPEAKERS,  # heads and deputies speak for their side
    "head": HEADS,  # only heads sign
    "anyone": (*MEMBERS, "outsider", "stranger"),
    "speaker_anywhere": (*SPEAKERS, "stranger"),  # the stranger heads another office
}


def side_of(visitor: str) -> str | None:
    side = visitor.split("_")[0]
    return side if side in SIDES else None


# The moment every request is made: 2 Feb 2024, 09:30 in Seoul, half an hour before the
# weekly session NEXT (check-in open), after everything the world holds.
NOW = dt.datetime(2024, 2, 2, 0, 30, tzinfo=dt.UTC)
FIRST = api.FIRST  # held 5 Jan: record, readouts, minutes v1 proposed
SECOND = "weekly-20240112T1000"  # held 12 Jan: minutes v1 not yet proposed
NEXT = "weekly-20240202T1000"
NORTH_PDF = b"%PDF-1.4\n% the North's annex\n%%EOF\n"
# Strings only one side may ever see: its notes, its private drafts, its readout draft.
SECRET = {side: f"zz-{side}-private-marker" for side in SIDES}


@dataclass
class Matrix:
    world: World
    stranger: Any  # the head of another office (a Member)
    notes: dict[str, str]  # side -> the key of its staff's private note on the South's notice
    tokens: dict[str, str]  # side -> its head's API token's prefix
    messages: dict[str, str]  # side -> a message it sent
    attachments: dict[str, tuple[str, str]]  # side -> (its message, the file's sha256)
    proposals: dict[str, str] = field(default_factory=dict)  # side -> its open proposal


def build() -> Matrix:
    world = make_world()
    api.proposed(world)  # weekly cadence, FIRST held and recorded, readouts, minutes v1
    hold(world, SECOND, api.FIRST_START + dt.timedelta(days=7))
    second = api.FIRST_START + dt.timedelta(days=7, hours=2)
    minutes.save_minutes(
        member=world.south_staff,
        command=SaveMinutes(session=SECOND, base_version=0, text="Brief."),
        now=second,
    )
    for side in SIDES:
        readouts.save_readout_draft(
            member=world.members[f"{side}_staff"],
            command=SaveReadoutDraft(
                session=FIRST,
                base_revision=2,
                title="Readout",
                source="Ministry",
                body=f"Draft 3: {SECRET[side]}",
            ),
            now=second,
        )
    api.planned(world)
    api.corresponded(world)
    at = api.CHANNEL_AT
    # Message keys count each side's log's events, so they are read back, not assumed.
    sent = {m.subject: m.key for m in Message.objects.filter(office=world.office)}
    annex = channel_messages.send_message(
        member=world.north_head,
        command=SendMessage(
            kind="notice",
            subject="Annex",
            body="The annex.",
            attachments=[Upload("annex.pdf", NORTH_PDF)],
        ),
        now=at,
    )
    notes: dict[str, str] = {}
    tokens: dict[str, str] = {}
    for side in SIDES:
        staff, head = world.members[f"{side}_staff"], world.members[f"{side}_head"]
        drafts.save_project_draft(
            member=staff,
            command=SaveDraft(
                key=f"{side}-secret",
                base_revision=0,
                kind="visit",
                title=f"Visit {SECRET[side]}",
                leads=[side],
            ),
            now=at,
        )
        note = channel_notes.add_note(
            member=staff,
            command=AddNote(
                target_kind="message", target_key=sent["Weekly meetings"], body=SECRET[side]
            ),
            now=at,
        )
        notes[side] = note.key
        token, _key = issue_token(head, command=IssueToken(name="script"), now=at)
        tokens[side] = token.prefix
    proposals: dict[str, str] = {}
    for side, day in (("south", 20), ("north", 21)):
        proposal = proposing.propose_session(
            member=world.members[f"{side}_head"],
            command=ProposeSession(
                title="Extra session",
                start=dt.datetime(2024, 2, day, 1, 0, tzinfo=dt.UTC),
                duration_minutes=60,
                grace_minutes=15,
                required_level="head",
            ),
            now=at,
        )
        proposals[side] = proposal.key
    stranger = make_world("elsewhere").south_head
    return Matrix(
        world=world,
        stranger=stranger,
        notes=notes,
        tokens=tokens,
        messages={"south": sent["Weekly meetings"], "north": sent["Rail-link survey"]},
        attachments={
            "south": (sent["Weekly meetings"], api.PDF_SHA256),
            "north": (annex.key, hashlib.sha256(NORTH_PDF).hexdigest()),
        },
        proposals=proposals,
    )


@pytest.fixture(scope="module")
def matrix(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Matrix]:
    """The world, built once for the module inside a transaction rolled back at its end
    (each test's own transaction nests in it as a savepoint)."""
    files = tmp_path_factory.mktemp("attachments")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(LIAISON_ATTACHMENTS_DIR=files, PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        built = build()
        built.files = files  # type: ignore[attr-defined]
        yield built
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _module_attachments(_attachments_in_tmp: None, settings: Any, matrix: Matrix) -> None:
    # The files were stored when the world was built, not in each test's directory.
    settings.LIAISON_ATTACHMENTS_DIR = matrix.files  # type: ignore[attr-defined]


# What a URL names, and whose it can be. Owners: "joint", or one side's object.
OWNERS: dict[str, tuple[str, ...]] = {
    "": ("joint",),  # no office at all
    "unchecked": ("joint",),  # an office's URL, answered before the office is read
    "office": ("joint",),
    "session": ("joint",),
    "message": SIDES,  # sent by that side
    "attachment": SIDES,  # on a message sent by that side
    "note": SIDES,  # the side's staff's private note
    "draft": SIDES,  # the side's private project draft
    "readout": SIDES,  # the side's readout draft, to publish
    "token": SIDES,  # the side's head's API token
    "proposal": SIDES,  # an open proposal made by that side (a joint record)
}

# How a private object hides: "side" (off its side, 404), "mine" (the visitor's own
# side's object, named by no owner: 404 to anyone on no side), "author" (off its side
# 404, another member of the side 403), "user" (anyone but its user: 404).
Privacy = str


@dataclass(frozen=True)
class Row:
    method: str
    obj: str = "office"
    who: str = "member"
    ok: int = 200
    private: Privacy = ""
    # An OK answer appended to a log (the event count grows); any other answer must
    # leave it as it was.
    writes: bool = False
    body: Callable[[Matrix, str, str], dict[str, Any]] | None = None
    anonymous: int | None = None  # when not the usual (302 to sign in, API 401)
    own_side: int | None = None  # the answer on one's own side's object, when refused
    other_side: int | None = None  # the answer on the other side's object, when refused
    # Overrides of the path's placeholders (API), or a function of (matrix, owner).
    args: dict[str, str] = field(default_factory=dict)


# Web pages ---------------------------------------------------------------------------
# GETs: members read (200). POSTs go empty: whoever may act reaches the form, which
# answers 400 with its field errors; everyone else is stopped before it is read. A POST
# that needs a valid body to reach its object says so.


def page(obj: str = "office", who: str = "member", **kw: Any) -> Row:
    return Row("get", obj, who, **kw)


def post(obj: str = "office", who: str = "speaker", ok: int = 400, **kw: Any) -> Row:
    return Row("post", obj, who, ok, **kw)


def note_target(m: Matrix, visitor: str, owner: str) -> dict[str, Any]:
    return {"target_kind": "message", "target_key": m.messages["south"]}


def token_named(m: Matrix, visitor: str, owner: str) -> dict[str, Any]:
    return {"token": m.tokens[owner]}


WEB: dict[str, Row] = {
    "login": Row("get", "", "anyone", 302, anonymous=200),  # signed in already: sent on
    "logout": Row("post", "", "anyone", 302, anonymous=302),
    "office-list": page("", "anyone"),  # an outsider's list is empty
    "account": page("", "anyone"),
    "account-login-code": Row("get", "", "anyone", 302, anonymous=302),  # no password yet
    "account-reauth": page("", "anyone"),
    "account-2fa": page("", "anyone"),
    "account-2fa-begin": post("", "speaker_anywhere", 302),
    "account-2fa-confirm": post("", "speaker_anywhere"),
    "account-2fa-disable": post("", "anyone"),
    "account-token-revoke": post("token", "anyone", 302, private="user", body=token_named),
    "account-password": post("", "anyone"),  # an empty form: 400 with its field errors
    "account-preferences": post("", "anyone"),
    "office-dashboard": page(),
    "office-schedule": page(),
    "office-cadence-set": post(),
    "office-cadence-end": post(),
    "office-session-schedule": post(),
    # A proposal is a joint record: every member reads it; the forms (empty here) reach
    # their field errors for a head or deputy of either side.
    "proposal-detail": page("proposal"),
    "proposal-accept": post("proposal"),
    "proposal-decline": post("proposal"),
    "proposal-withdraw": post("proposal"),
    "session-detail": page("session"),
    "session-check-in": post("session"),
    "session-absence": post("session"),
    "session-move": post("session"),
    "session-postpone": post("session"),
    "session-cancel": post("session"),
    "session-record": page("session"),
    "session-record-save": post("session", "side"),
    "session-readouts": page("session"),
    "session-readout-draft": post("session", "side"),
    "session-readout-publish": post("session"),
    "session-minutes": page("session"),
    "session-minutes-save": post("session", "side"),
    "session-minutes-propose": post("session"),
    "session-minutes-sign": post("session", "head"),
    "session-minutes-sign-confirm": page("session", "head"),  # what a head would sign
    "office-frameworks": page(),
    "office-framework-record": post(),
    "office-framework": page("session"),
    "office-framework-revise": post("session"),
    "office-commitments": page(),
    "office-commitment-make": post(),
    "office-commitment-status": post(),
    "office-timeline": page(),
    "office-checkpoints": page(),
    "office-checkpoints-download": page(),
    "office-checkpoint-sign": post(ok=302, writes=True),  # a button: signs and goes back
    "office-key-rotate": post(),  # posted empty: the form wants a reason and a tick
    "office-key-rotate-confirm": page(who="speaker"),  # what rotating does, and the form
    # Under WSGI the stream answers 204 before it reads anything; ASGI: test_live.py.
    "office-live": Row("get", "unchecked", "anyone", 204, anonymous=204),
    "office-messages": page(),
    "office-messages-sent": page(),
    "office-message-new": page(who="speaker"),  # only those who may write see the form
    # The compose form, checked and shown as it will be sent: it writes nothing.
    "office-message-preview": post(
        ok=200, body=lambda m, v, o: {"kind": "notice", "subject": "Hi", "body": "Hello."}
    ),
    "office-message-send": post(),  # the preview's buttons; posted empty, nothing is held
    "office-message": page("message"),
    "office-message-acknowledge": post("message"),
    "office-message-reply": post("message"),
    "office-message-attachment": page("attachment"),
    "office-note-add": post(who="side"),
    "office-note-delete": post("note", "side", 302, private="author", body=note_target),
    "office-notifications": page(),
    "office-notifications-save": post(who="member"),
    "office-projects": page(),
    "office-project-chart": page(),
    "office-project-draft-save": post(who="side"),
    "office-project-draft-propose": post("draft", private="side"),
    "office-project-draft-discard": post("draft", "side", private="side"),
    "office-project": page("session"),
    "office-project-status": post("session"),
    "office-project-plan": post("session"),
    "office-project-blocker-open": post("session"),
    "office-project-blocker-resolve": post("session"),
    "office-project-dependency-add": post("session"),
    "office-project-dependency-remove": post("session"),
    "office-project-condition-add": post("session"),
    "office-third-parties": page(),
    "office-third-party-record": post(),
    "office-third-party": page("session"),
    "office-third-party-actor": post("session"),
    "office-third-party-position": post("session"),
    "office-third-party-event": post("session"),
}
# Rows whose URL names an object, beyond the office: the key it is addressed by.
WEB_KEYS: dict[str, str] = {
    "session": FIRST,
    "office-framework": api.FRAMEWORK,
    "office-framework-revise": api.FRAMEWORK,
    "office-project": api.PROJECT,
    "office-third-party": api.PARTY,
}
WEB_KEYS |= {name: api.PROJECT for name in WEB if name.startswith("office-project-")}
WEB_KEYS |= {name: api.PARTY for name in WEB if name.startswith("office-third-party-")}


def web_url(m: Matrix, name: str, owner: str) -> str:
    from django.urls import reverse

    row, slug = WEB[name], m.world.office.slug
    if row.obj in ("", "token"):
        return reverse(name)
    if row.obj in ("office", "unchecked"):
        return reverse(name, args=[slug])
    if row.obj == "message":
        return reverse(name, args=[slug, m.messages[owner]])
    if row.obj == "attachment":
        return reverse(name, args=[slug, *m.attachments[owner]])
    if row.obj == "note":
        return reverse(name, args=[slug, m.notes[owner]])
    if row.obj == "draft":
        return reverse(name, args=[slug, f"{owner}-secret"])
    if row.obj == "proposal":
        return reverse(name, args=[slug, m.proposals[owner]])
    return reverse(name, args=[slug, WEB_KEYS.get(name, FIRST)])


# API operations, by operation id --------------------------------------------------
# Reads answer 200; writes get a valid body (most from the permission tables in
# ``api/tests/conftest.py``) and succeed with ``ok``.


def get(obj: str = "office", **kw: Any) -> Row:
    return Row("get", obj, **kw)


def write(
    body: str | Callable[[Matrix, str, str], dict[str, Any]] | None,
    who: str = "speaker",
    ok: int = 201,
    obj: str = "office",
    writes: bool = True,
    **kw: Any,
) -> Row:
    """A write; ``body``: the name of a row of the API's WRITES table, or a function."""
    if isinstance(body, str):
        table = api.WRITES[body]
        made = lambda m, visitor, owner: table.body(m.world, visitor)  # noqa: E731
        return Row("", obj, who, ok, writes=writes, body=made, **kw)
    return Row("", obj, who, ok, writes=writes, body=body, **kw)


def fixed(body: dict[str, Any]) -> Callable[[Matrix, str, str], dict[str, Any]]:
    return lambda m, visitor, owner: body


def none(m: Matrix, visitor: str, owner: str) -> dict[str, Any]:
    return {}


API: dict[str, Row] = {
    "list_offices": Row("get", "", "anyone"),  # an outsider's list is empty
    "get_office": get(),
    "get_standing": get(),
    "list_sessions": get(),
    "propose_session": write(
        fixed(
            {
                "title": "Extra session",
                "start": "2024-02-10T10:00:00+09:00",
                "duration_minutes": 60,
                "grace_minutes": 15,
                "required_level": "head",
            }
        )
    ),
    "get_session": get("session"),
    "check_in": write("check-in", args={"key": NEXT}),
    "give_notice_of_absence": write("absence", args={"key": NEXT}),
    "propose_move": write(
        fixed({"start": "2024-02-03T10:00:00+09:00", "reason": "snow"}), args={"key": NEXT}
    ),
    "postpone_session": write("postpone", ok=200, args={"key": NEXT}),
    "cancel_session": write("cancel", ok=200, args={"key": NEXT}),
    "list_cadences": get(),
    "propose_cadence": write(
        lambda m, v, o: {**api.WRITES["cadence"].body(m.world, v), "starts_on": "2024-03-01"}
    ),
    "propose_cadence_end": write(
        fixed({"reason": "talks suspended", "effective": "2024-03-01T00:00:00Z"}),
        args={"key": "weekly"},
    ),
    "list_proposals": get(),
    "get_proposal": get("proposal"),
    # The other side's proposal is answered; one's own is withdrawn (409 the other way).
    "accept_proposal": write(none, ok=200, obj="proposal", own_side=409),
    "decline_proposal": write(
        fixed({"reason": "the date clashes"}), ok=200, obj="proposal", own_side=409
    ),
    "withdraw_proposal": write(fixed({"reason": ""}), ok=200, obj="proposal", other_side=409),
    "get_record": get("session"),
    "save_record": write("record", "side", ok=200),
    "list_readouts": get("session"),
    "get_readout_draft": get("session", private="mine"),
    "save_readout_draft": write(
        lambda m, v, o: {**api.WRITES["readout-draft"].body(m.world, v), "base_revision": 3},
        "side",
        ok=200,
        writes=False,  # a side's private draft enters no log
    ),
    # The side is named in the path: publishing for the other side is acting for it
    # (403, whether or not it has a draft), as checking in for it is.
    "publish_readout": write(
        fixed({"draft_revision": 3}), obj="readout", private="for_side", args={"side": "{owner}"}
    ),
    "get_minutes": get("session"),
    "save_minutes": write("minutes", "side"),
    "propose_minutes": write(none, ok=200, args={"key": SECOND, "version": "1"}),
    "sign_minutes": write(none, "head", ok=200, args={"version": "1"}),
    "list_frameworks": get(),
    "record_framework": write("framework"),
    "get_framework": get("session"),
    "revise_framework": write("revise-framework", ok=200),
    "list_commitments": get(),
    "make_commitment": write("commitment"),
    "get_commitment": get("session"),
    "change_commitment_status": write("commitment-status", ok=200),
    "list_projects": get(),
    "list_project_drafts": get(),  # each side its own; the observer an empty list
    # Saving under the other side's draft's key makes one's own: its key says nothing.
    "save_project_draft": write(
        lambda m, v, o: {
            "base_revision": 1 if o == side_of(v) else 0,  # its own, or a new one
            "kind": "visit",
            "title": "Visit",
            "leads": ["south"],
        },
        "side",
        ok=200,
        obj="draft",
        writes=False,
    ),
    "discard_project_draft": write(none, "side", ok=204, obj="draft", private="side", writes=False),
    "propose_project": write(
        fixed({"draft_revision": 1}), obj="draft", private="side", args={"pkey": "{owner}-secret"}
    ),
    "get_project": get("session"),
    "replan_project": write("replan-project", ok=200),
    "state_project_status": write("project-status", ok=200),
    "open_blocker": write("open-blocker"),
    "resolve_blocker": write("resolve-blocker", ok=200, args={"bkey": "sanctions"}),
    "add_dependency": write("add-dependency", args={"pkey": "visit"}),
    "remove_dependency": write(none, ok=200, args={"pkey": "groundbreaking", "dkey": api.PROJECT}),
    "add_condition": write("add-condition", args={"pkey": "groundbreaking"}),
    "list_third_parties": get(),
    "record_third_party": write("third-party"),
    "get_third_party": get("session"),
    "add_actor": write("actor"),
    "record_position": write("position"),
    "record_external_event": write("external-event"),
    "list_messages": get(),
    "send_message": write(
        lambda m, v, o: {
            "kind": "notice",
            "subject": "Next",
            "body": "On Friday.",
            "in_reply_to": None,
        }
    ),
    "list_sent_messages": get(),
    "list_awaiting_messages": get(),
    "get_thread": get("message"),
    "acknowledge_message": write(fixed({"note": "Received."}), ok=200, obj="message", own_side=400),
    "get_attachment": get("attachment"),
    "list_notes": get(args={"query": "?target_kind=message&target_key={notice}"}),
    "add_note": write(
        lambda m, v, o: {
            "target_kind": "message",
            "target_key": m.messages["north"],
            "body": "Stall.",
        },
        "side",
        writes=False,
    ),
    "delete_note": write(none, "side", ok=204, obj="note", private="author", writes=False),
    "get_notifications": get(),
    "set_notifications": write("notifications", "member", ok=200, writes=False),
    "get_timeline": get(),
    "list_checkpoints": get(),
    "sign_checkpoint": write(none),
    "list_keys": get(),
    "get_needs": get(),  # each member their own; staff and the observer an empty list
}
# The schema and its browsable page are public; ninja's root answers nothing to anyone.
API_PUBLIC = {
    "openapi-json": ("/api/openapi.json", 200),
    "openapi-view": ("/api/docs", 200),
    "api-root": ("/api/", 404),
}


def refusal(row: Row, visitor: str, owner: str, *, web: bool) -> int | None:
    """How DESIGN.md's permissions refuse ``visitor`` ``row``'s object of ``owner``, or
    None when they let them through."""
    if visitor == "anonymous":
        if row.anonymous is not None:
            return None if row.anonymous == row.ok else row.anonymous
        return 302 if web else 401
    if row.obj not in ("", "token", "unchecked") and visitor not in MEMBERS:
        return 404  # another office's members learn no more than strangers
    side = side_of(visitor)
    if row.private in ("side", "author") and side is not None and side != owner:
        return 404  # the other side's private object: as unknown as a missing one
    if visitor not in WHO[row.who]:
        return 403  # the role may not, whatever the object
    if row.private == "user" and visitor != f"{owner}_head":
        return 404  # another user's token reads as no token
    if row.private == "mine" and side is None:
        return 404  # one's own side's private object: someone on no side has none
    if row.private == "for_side" and side != owner:
        return 403  # acting for the other side
    if row.private == "author" and visitor != f"{owner}_staff":
        return 403  # a note of one's own side, written by someone else
    if row.own_side is not None and side == owner:
        return row.own_side  # e.g. acknowledging one's own side's message
    if row.other_side is not None and side is not None and side != owner:
        return row.other_side  # e.g. withdrawing the other side's proposal
    return None


def expected(row: Row, visitor: str, owner: str, *, web: bool) -> int:
    """The answer ``visitor`` gets on ``row``'s object of ``owner``."""
    refused = refusal(row, visitor, owner, web=web)
    return row.ok if refused is None else refused


# The checks -------------------------------------------------------------------------


def _routes(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, str]]:
    """(namespace, route, name) of every pattern, resolvers included."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(
                pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace
            )
        elif isinstance(pattern, URLPattern):
            yield namespace, prefix + str(pattern.pattern), pattern.name or ""


@functools.cache
def _schema_operations() -> dict[str, tuple[str, str]]:
    """operation id -> (method, path template) from the OpenAPI schema."""
    from liaison.api.urls import api as ninja

    schema = ninja.get_openapi_schema()
    return {
        operation["operationId"]: (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }


def test_every_url_pattern_and_api_operation_has_a_row() -> None:
    missing = []
    for namespace, route, name in _routes(get_resolver().url_patterns):
        if namespace == "admin":
            continue  # the operator's: test_the_admin_refuses_everyone_but_the_operator
        if namespace.startswith("api"):
            if name not in API and name not in API_PUBLIC:
                missing.append(f"API {route} ({name})")
        elif name not in WEB:
            missing.append(f"web {route} ({name or 'unnamed'})")
    missing += [f"API operation {op}" for op in _schema_operations() if op not in API]
    stale = [f"row {name} has no pattern" for name in {*WEB, *API} - _all_names()]
    assert missing + stale == [], "\n".join(missing + stale)


def _all_names() -> set[str]:
    return {name for _ns, _route, name in _routes(get_resolver().url_patterns)}


# One handler for every client: its middleware (WhiteNoise scans the static files when
# it starts) is built once, not for each of the cells' fresh clients.
_HANDLER: list[Any] = []


def _client(m: Matrix, visitor: str) -> Client:
    client = Client()
    if not _HANDLER:
        _HANDLER.append(client.handler)
    client.handler = _HANDLER[0]
    if visitor == "outsider":
        client.force_login(m.world.outsider)
    elif visitor == "stranger":
        client.force_login(m.stranger.user)
    elif visitor != "anonymous":
        client.force_login(m.world.members[visitor].user)
    return client


def _leaks(text: str, visitor: str) -> list[str]:
    """The other side's secrets a page shows ``visitor`` (anyone not on a side sees none)."""
    return [side for side in SIDES if side != side_of(visitor) and SECRET[side] in text]


# Reading a message records its receipts: the only events a read may append.
RECEIPTS = ("message.delivered", "message.read")


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    data: dict[str, Any] | None = None
    json: bool = False  # the API's bodies are JSON, the web's forms

    def send(self, client: Client) -> Any:
        if self.method == "get":
            return client.get(self.path)
        if self.json:
            return getattr(client, self.method)(
                self.path, self.data or {}, content_type="application/json"
            )
        return getattr(client, self.method)(self.path, self.data or {})


def _cell(
    m: Matrix, visitor: str, request: Request, row: Row, owner: str, *, web: bool
) -> str | None:
    """One request in a transaction rolled back after: what is wrong with it, or None."""
    want = expected(row, visitor, owner, web=web)
    permitted = refusal(row, visitor, owner, web=web) is None
    with transaction.atomic():
        with time_machine.travel(NOW, tick=False):
            client = _client(m, visitor)
            last = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
            response = request.send(client)
            new = list(Event.objects.filter(pk__gt=last).values_list("type", flat=True))
        transaction.set_rollback(True)
    got = response.status_code
    if got != want:
        return f"{got} (want {want})"
    to_sign_in = got == 302 and visitor == "anonymous" and row.anonymous is None
    if to_sign_in and not response["Location"].startswith("/login/"):
        return f"302 to {response['Location']} (want the sign-in page)"
    if not permitted and new:
        return f"refused, yet wrote {new}"
    written = [kind for kind in new if kind not in RECEIPTS]
    if permitted and bool(written) != row.writes:
        return f"wrote {written}" if written else "wrote nothing"
    shown = got == 200 and not getattr(response, "streaming", False)
    if shown and (leaked := _leaks(response.content.decode(errors="replace"), visitor)):
        return f"shows the {leaked[0]}'s private content"
    return None


def _cells(row: Row) -> Iterator[tuple[str, str]]:
    for owner in OWNERS[row.obj]:
        for visitor in VISITORS:
            yield visitor, owner


CELLS: list[int] = []  # cells checked, for the report


@pytest.mark.parametrize("name", sorted(WEB))
def test_web_page(matrix: Matrix, name: str) -> None:
    row, wrong = WEB[name], []
    for visitor, owner in _cells(row):
        data = row.body(matrix, visitor, owner) if row.body else {}
        request = Request(row.method, web_url(matrix, name, owner), data)
        if problem := _cell(matrix, visitor, request, row, owner, web=True):
            wrong.append(f"{visitor} on the {owner}'s: {problem}")
        CELLS.append(1)
    assert wrong == [], "\n".join(wrong)


def api_path(m: Matrix, op: str, owner: str) -> tuple[str, str]:
    method, template = _schema_operations()[op]
    row = API[op]
    values = {
        "slug": m.world.office.id,
        "key": FIRST,
        "fkey": api.FRAMEWORK,
        "ckey": api.COMMITMENT,
        "pkey": api.PROJECT,
        "tkey": api.PARTY,
        "bkey": "sanctions",
        "dkey": api.PROJECT,
        "side": owner,
    }
    if row.obj == "message":
        values["key"] = m.messages[owner]
    if row.obj == "attachment":
        values["key"], values["sha256"] = m.attachments[owner]
    if row.obj == "note":
        values["note_id"] = m.notes[owner]
    if row.obj == "draft":
        values["pkey"] = f"{owner}-secret"
    if row.obj == "proposal":
        values["key"] = m.proposals[owner]
    values |= {k: v.format(owner=owner) for k, v in row.args.items() if k != "query"}
    query = row.args.get("query", "").format(notice=m.messages["south"])
    return method, template.format(**values) + query


@pytest.mark.parametrize("op", sorted(API))
def test_api_operation(matrix: Matrix, op: str) -> None:
    row, wrong = API[op], []
    for visitor, owner in _cells(row):
        method, path = api_path(matrix, op, owner)
        body = row.body(matrix, visitor, owner) if row.body else None
        row = replace(API[op], method=method)
        request = Request(method, path, body, json=True)
        if problem := _cell(matrix, visitor, request, row, owner, web=False):
            wrong.append(f"{visitor} on the {owner}'s: {problem}")
        CELLS.append(1)
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(API_PUBLIC))
def test_the_api_schema_is_public(matrix: Matrix, name: str) -> None:
    path, status = API_PUBLIC[name]
    for visitor in VISITORS:
        response = _client(matrix, visitor).get(path)
        assert response.status_code == status, visitor
        CELLS.append(1)


def test_the_admin_refuses_everyone_but_the_operator(matrix: Matrix) -> None:
    for visitor in VISITORS:
        client = _client(matrix, visitor)
        response = client.get("/admin/offices/")
        assert response.status_code == 302, visitor
        assert response["Location"].startswith("/admin/login/"), visitor
        # The admin's sign-in page refuses a member's own password, too.
        if visitor in MEMBERS:
            username = matrix.world.members[visitor].username
            signed = Client().post(
                "/admin/login/?next=/admin/", {"username": username, "password": PASSWORD}
            )
            assert signed.status_code == 200, visitor
            assert "_auth_user_id" not in signed.client.session, visitor
        CELLS.append(1)
    operator = Client()
    operator.force_login(get_user_model().objects.get(username=OPERATOR))
    assert operator.get("/admin/").status_code == 200


def test_each_side_sees_its_own_secrets_so_the_leak_search_means_something(
    matrix: Matrix,
) -> None:
    # The pages searched for the other side's secrets do show a side its own.
    slug, office = matrix.world.office.slug, matrix.world.office.id
    pages = [
        f"/offices/{slug}/messages/{matrix.messages['south']}/",  # the notes on it
        f"/offices/{slug}/projects/?view=drafts",
        f"/api/offices/{office}/sessions/{FIRST}/readouts/draft",
    ]
    for visitor in ("south_staff", "north_staff"):
        client = _client(matrix, visitor)
        with time_machine.travel(NOW, tick=False):
            shown = [client.get(path).content.decode() for path in pages]
        side = side_of(visitor)
        assert side is not None
        assert [SECRET[side] in text for text in shown] == [True] * len(pages), visitor
