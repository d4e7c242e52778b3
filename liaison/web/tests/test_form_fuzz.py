"""Every web form, fed bad input by every kind of visitor: nothing answers 5xx.

The web's counterpart of the API's schemathesis run (``api/tests/test_fuzz.py``), on the
access matrix's world (``build()``), made once for the module. The forms come from the
pages themselves: every page of the access matrix (and a few in states its URLs do not
name) is read as the south's head and staff, and each ``<form method="post">`` found
gives its route, its fields by input type and the values rendered, and so a body a user
could send (``base_body``; ``FILL`` where a plain default is not valid). Each POST route
of the web URLconf is one test, and a POST route no page read shows a form for fails,
naming it: a new form joins the fuzz by being on a page.

For each route, on a frozen clock and with CSRF checks off, every visitor (anonymous,
halfway through signing in, both sides' head, deputy and staff, the observer, an
outsider) posts the filled-in body. Those it stops (the sign-in page, a 403, a 404) then
post every field wrong at once, in case a form is read before they are stopped; those
who reach the form share the rest in turn: the empty body; each field missing; every
field wrong at once, a few times over ("shallow" values: text in numbers, dates and
times, 30 February, 25:00, unknown choices, 10 000 characters, NUL and control
characters); each field alone with a value that may pass it ("deep": years 1 and 9999
and their neighbours, huge and negative numbers, Arabic-Indic digits, keys that name
nothing or the other side's objects, ``%`` and ``{}`` format characters, ``../``, a
header in a path); pairs wrong only together (``PAIRS``); odd files; a megabyte in a
text field; unknown extra fields; a 15 MiB body.

Every answer must be below 500 (each 5xx is listed with its route, visitor, value and
the first line of the exception), and an answer other than the redirect of a
successful act must append no event (delivery receipts of messages shown aside). Each
request runs in a savepoint rolled back after it, so every one meets the world as built;
and some body of each route must succeed (``NO_ACT`` says why not), or the fuzz would
stop at the form.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, get_resolver, resolve, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.channel.models import TargetKind
from liaison.ledger.models import Event
from liaison.testing import PASSWORD
from liaison.web.tests import test_access_matrix as am

pytestmark = pytest.mark.django_db

NOW = am.NOW
VISITORS = (
    "anonymous",
    "south_head",
    "north_head",
    "south_deputy",
    "north_deputy",
    "south_staff",
    "north_staff",
    "observer",
    "outsider",
    "signing_in",  # anonymous, halfway through signing in: password given, code not yet
)
# Who reads the pages for their forms: the south's head (the forms that speak for a
# side, minutes to sign) and staff (drafts, notes); the other side's forms are the same.
READERS = ("south_head", "south_staff")


# The forms on the pages ---------------------------------------------------------------


@dataclass
class Input:
    name: str
    kind: str  # an <input>'s type, "textarea", "select" or "select-multiple"
    values: list[str] = field(default_factory=list)  # as rendered (checked, selected)
    options: list[str] = field(default_factory=list)  # a select's or a radio's
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class Form:
    action: str
    route: str
    inputs: dict[str, Input] = field(default_factory=dict)
    page: str = ""  # where it was found


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, Input]]] = []
        self._inputs: dict[str, Input] | None = None
        self._select: Input | None = None
        self._option: str | None = None
        self._textarea: Input | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._inputs = {}
                self.forms.append((a.get("action", ""), self._inputs))
            return
        if self._inputs is None:
            return
        name = a.get("name", "")
        if name == "csrfmiddlewaretoken":
            return  # the test client does not check it
        if tag in ("input", "button") and name:
            kind = a.get("type", "text" if tag == "input" else "submit").lower()
            found = self._inputs.setdefault(name, Input(name, kind, attrs=a))
            if kind in ("checkbox", "radio", "submit"):
                found.options.append(a.get("value", "on"))
                if "checked" in a or (kind == "submit" and not found.values):
                    found.values.append(a.get("value", "on"))
            else:
                found.values.append(a.get("value", ""))
        elif tag == "select" and name:
            kind = "select-multiple" if "multiple" in a else "select"
            self._select = self._inputs.setdefault(name, Input(name, kind, attrs=a))
        elif tag == "option" and self._select is not None:
            self._option = a.get("value")
            if self._option is not None:
                self._select.options.append(self._option)
                if "selected" in a:
                    self._select.values.append(self._option)
        elif tag == "textarea" and name:
            self._textarea = self._inputs.setdefault(name, Input(name, "textarea", attrs=a))
            self._textarea.values.append("")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.values[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inputs = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # Django renders a newline after <textarea>, which the browser drops.
            self._textarea.values[-1] = self._textarea.values[-1].removeprefix("\n")
            self._textarea = None


def forms_on(html: str) -> list[tuple[str, dict[str, Input]]]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def _route_of(action: str) -> str | None:
    try:
        return resolve(urlsplit(action).path).url_name
    except Resolver404:
        return None


# The world and its visitors -------------------------------------------------------------


@dataclass
class Fuzz:
    m: am.Matrix
    clients: dict[str, Client]
    cookies: dict[str, str]  # visitor -> session key, put back before each request
    forms: dict[str, Form]  # route name -> the first form found posting to it
    fill: dict[str, dict[str, str]]  # route -> values a valid body needs (codes)


def _pages(m: am.Matrix) -> Iterator[str]:
    """Every page of the access matrix, then those showing forms only in a state the
    matrix's URLs do not name (a session open for check-in, minutes to propose, a
    project's dependency to remove)."""
    for name, row in sorted(am.WEB.items()):
        if row.method != "get" or row.obj in ("attachment", "unchecked"):
            continue
        if name in ("login", "account-login-code"):
            continue  # the anonymous read them
        for owner in am.OWNERS[row.obj]:
            yield am.web_url(m, name, owner)
    slug = m.world.office.slug
    for key in (am.NEXT, am.SECOND):
        yield reverse("session-detail", args=[slug, key])
        yield reverse("session-minutes", args=[slug, key])
    yield reverse("office-project", args=[slug, "groundbreaking"])


def _found(found: dict[str, Form], html: str, page: str) -> None:
    for action, inputs in forms_on(html):
        route = _route_of(action or page)
        if route is not None and route not in found:
            found[route] = Form(action or page, route, inputs, page)


def _read_forms(m: am.Matrix, clients: dict[str, Client]) -> dict[str, Form]:
    found: dict[str, Form] = {}
    reads = [(r, p) for r in READERS for p in _pages(m)] + [
        ("anonymous", reverse("login")),
        ("signing_in", reverse("account-login-code")),
        ("north_head", reverse("account-2fa")),  # the second factor off: beginning it
        ("north_deputy", reverse("account-2fa")),  # on: turning it off
    ]
    for reader, page in reads:
        response = clients[reader].get(page)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            _found(found, response.content.decode(), page)
    return found


def _prepare(m: am.Matrix, clients: dict[str, Client]) -> tuple[dict[str, Form], dict[str, Any]]:
    """States no URL names, kept for the module: the north's deputy has a second factor
    (and is halfway through signing in, as ``signing_in``); the south's head has begun
    setting one up and holds a message to send after its preview. The forms those pages
    show, and the codes their valid bodies need."""
    deputy = m.world.north_deputy.user
    TOTPDevice.objects.create(user=deputy, name="Authenticator app", confirmed=True)
    signing_in = clients["signing_in"]
    signing_in.post(reverse("login"), {"username": deputy.username, "password": PASSWORD})
    head = clients["south_head"]
    head.post(reverse("account-2fa-begin"))
    preview = reverse("office-message-preview", args=[m.world.office.slug])
    shown = head.post(preview, {"kind": "notice", "subject": "Fuzz", "body": "The fuzz."})
    assert shown.status_code == 200, shown.status_code
    found: dict[str, Form] = {}
    _found(found, shown.content.decode(), preview)
    setup = TOTPDevice.objects.get(user=m.world.south_head.user, confirmed=False)
    on = TOTPDevice.objects.get(user=deputy)
    fill = {
        "account-2fa-confirm": {"code": code_now(setup)},
        "account-2fa-disable": {"code": code_now(on)},
        "account-login-code": {"code": code_now(on)},
    }
    return found, fill


def code_now(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture(scope="module")
def fuzz(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Fuzz]:
    files = tmp_path_factory.mktemp("attachments")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(LIAISON_ATTACHMENTS_DIR=files, PASSWORD_HASHERS=fast),
        transaction.atomic(),
        time_machine.travel(NOW, tick=False),
    ):
        m = am.build()
        m.files = files  # type: ignore[attr-defined]
        clients = {v: am._client(m, v if v != "signing_in" else "anonymous") for v in VISITORS}
        forms, fill = _prepare(m, clients)
        forms = _read_forms(m, clients) | forms
        cookies = {
            v: c.cookies["sessionid"].value for v, c in clients.items() if "sessionid" in c.cookies
        }
        yield Fuzz(m, clients, cookies, forms, fill)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _module_attachments(_attachments_in_tmp: None, settings: Any, fuzz: Fuzz) -> None:
    settings.LIAISON_ATTACHMENTS_DIR = fuzz.m.files  # type: ignore[attr-defined]


# The POST routes ----------------------------------------------------------------------


def _web_routes() -> list[str]:
    names = []
    for namespace, _route, name in am._routes(get_resolver().url_patterns):
        if namespace == "admin" or namespace.startswith("api"):
            continue
        names.append(name)
    return names


# Pages that accept a POST though the access matrix reads them (their forms post back).
POSTED_PAGES = {"login", "account-reauth", "account-login-code"}
POST_ROUTES = sorted(
    name for name in _web_routes() if am.WEB.get(name, am.Row("post")).method == "post"
) + sorted(POSTED_PAGES)


# The values -----------------------------------------------------------------------------
# "Shallow" values are refused by the form's own fields, so they are sent all at once
# (every field wrong in one body, a few bodies); "deep" values may pass the fields and
# reach the action or a lookup, so each is sent alone in an otherwise valid body.

LONG = "x" * 10_000
HUGE = "9" * 40  # beyond any 64-bit column
NUL = "a\x00b"
CONTROL = "\x01\x08\x1b[2J\u202e"
FORMAT = "%s %(x)s %n {} {0} {x} ../../etc/passwd"
DIGITS = "١٢"  # Arabic-Indic: int() reads 12
# Keys that name nothing: of a proposal's or message's shape, of a session's, of none;
# a path with a header in it.
UNKNOWN = ["south-999999", "x-1", "weekly-99999999T9999", DIGITS, "../%s{}", "a\x00", "/x\r\nX: y"]

SHALLOW: dict[str, list[str]] = {
    "number": ["abc", "1.5", "1e3", f"-{HUGE}", ""],
    "date": ["2024-02-30", "24/02/30", "soon", "0000-01-01", "10000-01-01"],
    "time": ["25:00", "23:60", "noon", "-1:00", "24:00"],
    "hidden": ["nope", "1.5", LONG, CONTROL, NUL],
    "choice": ["nope", "x-1", LONG, NUL, CONTROL],
    "checkbox": ["nope", "false", LONG],
    "submit": ["nope", LONG, NUL],
    "text": [LONG, NUL, CONTROL, " ", DIGITS],
}
BATCHES = max(len(values) for values in SHALLOW.values())


def _kind(given: Input) -> str:
    if given.kind in ("select", "select-multiple", "radio"):
        return "choice"
    if given.kind in SHALLOW:
        return given.kind
    return "file" if given.kind == "file" else "text"


def _foreign(m: am.Matrix) -> list[str]:
    """Keys of objects a visitor of the south may not see (and the north its own)."""
    return [m.notes["north"], "north-secret", m.proposals["north"], m.messages["north"]]


def deep(m: am.Matrix, given: Input, index: int) -> list[str]:
    """The values that may pass ``given``'s field, most telling first (``index``, the
    field's place in its form, picks which of the other side's keys it gets)."""
    kind, foreign = _kind(given), _foreign(m)
    other = foreign[index % len(foreign)]
    if kind == "date":
        return ["0001-01-01", "9999-12-31", "0001-01-02", "9999-12-30"]
    if kind == "number":
        return [HUGE, "-1", DIGITS]
    if kind == "hidden":
        return [*UNKNOWN[:3], other, HUGE, "-1", *UNKNOWN[3:]]
    if (kind == "text" and "key" in given.name) or given.name.startswith("about"):
        return [*UNKNOWN[:3], other, FORMAT]
    if kind == "text":
        return [FORMAT]
    return []


def shallow(given: Input, turn: int) -> str:
    values = SHALLOW.get(_kind(given), ["x"])
    return values[turn % len(values)]


# Filled-in values for fields a page renders empty, when a plain default will not do.
FILL: dict[str, dict[str, str | list[str]]] = {
    "office-cadence-set": {"rule": "FREQ=WEEKLY;BYDAY=MO"},
    "office-commitment-status": {"status": "done"},  # it is open already
    "office-framework-record": {"clauses": "1. Fuzzed clause."},
    "office-project-dependency-add": {"depends_on": "visit"},  # not a cycle
    "office-project-plan": {"start": "2024-04-01", "end": "2024-04-30"},  # not the plan now
}
EXTRA = {"zz-unknown": "1", "id": "1", "_method": "DELETE", "office": "elsewhere"}


def base_body(form: Form, fill: dict[str, dict[str, str]]) -> dict[str, str | list[str]]:
    """What a user sends: the rendered values, empty fields filled in plausibly."""
    body: dict[str, str | list[str]] = {}
    for name, given in form.inputs.items():
        kind, rendered = given.kind, [v for v in given.values if v]
        if kind == "file":
            continue
        if kind in ("checkbox", "select-multiple"):
            body[name] = rendered or given.options[:1]
        elif kind in ("radio", "select"):
            body[name] = (rendered or [o for o in given.options if o] or [""])[0]
        elif kind == "submit":
            body[name] = given.values[0]
        elif rendered:
            body[name] = rendered[0]
        elif kind == "password":
            body[name] = PASSWORD
        elif kind == "number":
            body[name] = given.attrs.get("min") or "1"
        elif kind == "date":
            body[name] = "2024-03-04"
        elif kind == "time":
            body[name] = "10:00"
        elif kind == "hidden":
            continue  # rendered empty: sent empty
        elif "key" in name:
            body[name] = "fuzzed"  # a new object's key
        else:
            body[name] = f"Fuzzed {name}"
    return body | FILL.get(form.route, {}) | fill.get(form.route, {})


# The requests ---------------------------------------------------------------------------

RECEIPTS = set(am.RECEIPTS)
BIG_BODY = b"body=" + b"z" * (15 * 1024 * 1024)  # beyond DATA_UPLOAD_MAX_MEMORY_SIZE
MAX_DEEP = 40  # deep values per route, taken across its fields in turn


@dataclass
class Answer:
    status: int
    location: str = ""
    written: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def acted(self) -> bool:
        """A redirect of a successful act (not to the sign-in page)."""
        return self.status == 302 and not self.location.startswith("/login/")

    @property
    def stopped(self) -> bool:
        """Refused before the form was read: sent to sign in, forbidden or not found."""
        return self.status in (403, 404) or (self.status == 302 and not self.acted)


def post(f: Fuzz, visitor: str, path: str, data: Any, *, raw: bool = False) -> Answer:
    """``data`` posted as ``visitor`` in a savepoint rolled back after it."""
    client = f.clients[visitor]
    client.cookies.clear()  # an act may have ended or cycled the session: it is back
    if visitor in f.cookies:
        client.cookies["sessionid"] = f.cookies[visitor]
    with transaction.atomic():
        last = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        try:
            if raw:
                response = client.generic(
                    "POST", path, data, content_type="application/x-www-form-urlencoded"
                )
            else:
                response = client.post(path, data)
        except Exception as exc:  # what the user would get as a 500
            transaction.set_rollback(True)
            first = (str(exc).splitlines() or [""])[0][:200]
            return Answer(500, error=f"{type(exc).__name__}: {first}")
        new = Event.objects.filter(pk__gt=last).values_list("type", flat=True)
        written = [kind for kind in new if kind not in RECEIPTS]
        transaction.set_rollback(True)
    return Answer(response.status_code, response.get("Location", ""), written)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 50 else f"{text[:30]}…({len(text)} chars)"


@dataclass
class Case:
    what: str  # for the report: which field, which value
    data: Any
    raw: bool = False


def all_wrong(form: Form, turn: int) -> Case:
    """Every field wrong at once, each with the ``turn``-th shallow value of its kind."""
    body = {name: shallow(given, turn) for name, given in form.inputs.items()}
    return Case(
        f"every field wrong ({', '.join(sorted({_shown(v) for v in body.values()}))})", body
    )


def cases(m: am.Matrix, form: Form, base: dict[str, Any]) -> Iterator[Case]:
    """Everything tried on ``form`` by those who reach it, in turn."""
    yield Case("the empty body", {})
    for name in form.inputs:
        if name in base:
            yield Case(f"{name} missing", {k: v for k, v in base.items() if k != name})
    for turn in range(BATCHES):
        yield all_wrong(form, turn)
    columns = [
        [(name, v) for v in deep(m, given, i)]
        for i, (name, given) in enumerate(form.inputs.items())
    ]
    interleaved = [c for row in itertools.zip_longest(*columns) for c in row if c is not None]
    for name, value in interleaved[:MAX_DEEP]:
        yield Case(f"{name}={_shown(value)}", base | {name: value})
    for what, change in PAIRS.get(form.route, lambda m: [])(m):
        yield Case(what, base | change)
    for name in [n for n, i in form.inputs.items() if i.kind == "file"]:
        for what, upload in _files():
            yield Case(f"{name}: {what}", base | {name: upload})
    texts = [n for n, i in form.inputs.items() if _kind(i) == "text" and i.kind != "password"]
    if texts:
        yield Case(f"{texts[0]}=1 MB", base | {texts[0]: "y" * 1_000_000})
    yield Case(f"unknown fields {sorted(EXTRA)}", base | EXTRA)
    yield Case("a 15 MiB body", BIG_BODY, raw=True)


def _note_targets(m: am.Matrix) -> list[tuple[str, dict[str, str]]]:
    """A private note on every kind of record, by keys naming nothing or the north's
    private draft."""
    return [
        (f"a note on {kind} {_shown(key)}", {"target_kind": kind, "target_key": key})
        for kind in TargetKind.values
        for key in ("north-secret", "south-999999", "weekly-99999999T9999")
    ]


# Values that are wrong only together, by route.
PAIRS = {"office-note-add": _note_targets}


def _files() -> list[tuple[str, SimpleUploadedFile]]:
    pdf = b"%PDF-1.4\n%%EOF\n"
    return [
        ("a name with ../ and NUL", SimpleUploadedFile("../../x\x00.pdf", pdf, "application/pdf")),
        ("an empty file", SimpleUploadedFile("empty.pdf", b"", "application/pdf")),
        (
            "a type not taken",
            SimpleUploadedFile("run.exe", b"MZ\x90\x00", "application/x-msdownload"),
        ),
        ("15 MiB", SimpleUploadedFile("big.pdf", pdf + b"0" * (15 * 1024 * 1024))),
    ]


TRIED: list[Any] = []  # requests sent, for the report


def fuzz_route(f: Fuzz, form: Form) -> tuple[list[str], bool]:
    """The route's problems, and whether any body succeeded (reached the act)."""
    problems: list[str] = []
    acted = False

    def check(visitor: str, case: Case) -> Answer:
        nonlocal acted
        answer = post(f, visitor, form.action, case.data, raw=case.raw)
        TRIED.append(1)
        where = f"{form.route} as {visitor}, {case.what}"
        if answer.status >= 500:
            problems.append(f"{where}: {answer.status} {answer.error}")
        elif answer.written and not answer.acted:
            problems.append(f"{where}: {answer.status}, yet wrote {answer.written}")
        acted = acted or answer.acted
        return answer

    # Each visitor sends the filled-in body: those it does not stop reach the form, and
    # the others send every field wrong, in case a form is read before they are stopped.
    base = base_body(form, f.fill)
    reach = []
    for turn, visitor in enumerate(VISITORS):
        if check(visitor, Case("the filled-in body", base)).stopped:
            check(visitor, all_wrong(form, turn))
        else:
            reach.append(visitor)
    for turn, case in enumerate(cases(f.m, form, base) if reach else []):
        check(reach[turn % len(reach)], case)
    return problems, acted


# Routes where no body the fuzz builds is expected to succeed, and why.
NO_ACT: dict[str, str] = {
    "logout": "signing out is no act on the record, and a 302 as for the anonymous",
    "office-message-preview": "a preview shows the message (200); the send acts",
    "office-message-reply": "the same preview, for a reply",
}


def test_every_post_route_is_reached_by_a_form(fuzz: Fuzz) -> None:
    missing = [
        f"{r}: no page read shows a form posting to it" for r in POST_ROUTES if r not in fuzz.forms
    ]
    stray = [
        f"{form.route}: a form on {form.page} posts to it; add it to POSTED_PAGES"
        for form in fuzz.forms.values()
        if form.route not in POST_ROUTES
    ]
    assert missing + stray == [], "\n".join(missing + stray)


@pytest.mark.parametrize("route", POST_ROUTES)
def test_bad_input_never_answers_5xx(fuzz: Fuzz, route: str) -> None:
    form = fuzz.forms.get(route)
    if form is None:
        pytest.fail(f"{route}: no page read shows a form posting to it (_pages, _prepare)")
    with time_machine.travel(NOW, tick=False):
        problems, acted = fuzz_route(fuzz, form)
    if not acted and route not in NO_ACT:
        problems.append(f"{route}: no body succeeded, so the fuzz stops at the form (FILL)")
    assert problems == [], "\n".join(problems)
