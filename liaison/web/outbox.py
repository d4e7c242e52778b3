"""A message being previewed: what its writer typed and the files they chose, held for
their browser session between "Preview" and "Send" (or "Edit"), so the files need not
be chosen again and nothing is stored as a message's file before it is sent.

Why here and not in the form: a file may be 10 MiB (``LIAISON_ATTACHMENT_MAX_BYTES``)
and a message may carry 20, far past what a request may carry back as hidden data, so
the bytes stay on the server. Each draft is a directory ``<token>/`` under
``LIAISON_ATTACHMENTS_DIR/.outbox/`` (the store's own file system, never one of its
``<sha256[:2]>/`` directories), holding the files by their SHA-256; what was typed and
the files' names, types and sizes are in the session under ``SESSION_KEY``, so only that
session can send, edit or discard its drafts. A draft is removed when it is sent or
discarded, when the session starts another draft of the same message (the page's
``context``), and, abandoned, by the sweep every new draft runs: none outlives a session
(``LIAISON_SESSION_MAX_HOURS``).
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

from liaison.channel import attachments

SESSION_KEY = "liaison_outbox"
# A session holds a handful of drafts at most (a new message and replies in a few
# threads); the oldest goes first.
MAX_DRAFTS = 5
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")


def root() -> Path:
    return Path(settings.LIAISON_ATTACHMENTS_DIR) / ".outbox"


@dataclass(frozen=True)
class HeldFile:
    name: str
    content_type: str
    size: int
    sha256: str


@dataclass
class Draft:
    """A message typed and previewed, not sent. ``context`` names the form it came from:
    "new", or "reply:<thread key>"."""

    token: str
    office: str
    member: str
    context: str
    kind: str
    subject: str
    body: str
    about_session: str = ""
    about_project: str = ""
    in_reply_to: str = ""
    files: list[HeldFile] = field(default_factory=list)
    at: float = 0.0

    @property
    def directory(self) -> Path:
        return root() / self.token

    def uploads(self, only: frozenset[str] | None = None) -> list[attachments.Upload] | None:
        """The held files (those whose hashes are in ``only``, if given) as uploads to
        send, or None when one is gone (swept)."""
        try:
            return [
                attachments.Upload(f.name, (self.directory / f.sha256).read_bytes())
                for f in self.files
                if only is None or f.sha256 in only
            ]
        except FileNotFoundError:
            return None

    def hashes(self) -> list[str]:
        return [f.sha256 for f in self.files]


def _drafts(session: SessionBase) -> dict[str, dict[str, Any]]:
    value = session.get(SESSION_KEY)
    return value if isinstance(value, dict) else {}


def get(session: SessionBase, token: str, *, office: str, member: str) -> Draft | None:
    """The session's draft ``token`` of this member of this office, or None."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    data = _drafts(session).get(token)
    if not isinstance(data, dict) or (data.get("office"), data.get("member")) != (office, member):
        return None
    held = [HeldFile(**f) for f in data.get("files", [])]
    return Draft(**{**data, "files": held})


def hold(
    session: SessionBase,
    *,
    office: str,
    member: str,
    context: str,
    text: dict[str, str],
    checked: list[attachments.Checked],
) -> Draft:
    """Hold a new draft of ``context``: what was typed (``text``, as it will be sent)
    and the files as checked, in their order. Any earlier draft of the same context (the
    one being edited) goes."""
    sweep()
    token = secrets.token_urlsafe(16)
    directory = root() / token
    directory.mkdir(parents=True, exist_ok=False)
    held: list[HeldFile] = []
    try:
        for item in checked:
            (directory / item.sha256).write_bytes(item.data)
            held.append(HeldFile(item.name, item.content_type, item.size, item.sha256))
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    draft = Draft(
        token=token,
        office=office,
        member=member,
        context=context,
        files=held,
        at=time.time(),
        **text,
    )
    drafts = _drafts(session)
    for old, data in list(drafts.items()):
        if data.get("context") == context and (data.get("office"), data.get("member")) == (
            office,
            member,
        ):
            _remove(drafts, old)
    while len(drafts) >= MAX_DRAFTS:
        _remove(drafts, min(drafts, key=lambda t: drafts[t].get("at", 0)))
    drafts[token] = {**asdict(draft), "files": [asdict(f) for f in held]}
    session[SESSION_KEY] = drafts
    return draft


def _remove(drafts: dict[str, Any], token: str) -> None:
    drafts.pop(token, None)
    if _TOKEN.fullmatch(token):
        shutil.rmtree(root() / token, ignore_errors=True)


def discard(session: SessionBase, draft: Draft) -> None:
    """The draft was sent or given up: its files and its entry go."""
    drafts = _drafts(session)
    _remove(drafts, draft.token)
    session[SESSION_KEY] = drafts


def sweep(now: float | None = None) -> int:
    """Remove drafts older than any session can be (abandoned ones); how many."""
    base = root()
    if not base.exists():
        return 0
    limit = (now if now is not None else time.time()) - settings.LIAISON_SESSION_MAX_HOURS * 3600
    removed = 0
    for directory in base.iterdir():
        named = directory.is_dir() and _TOKEN.fullmatch(directory.name)
        if named and directory.stat().st_mtime < limit:
            shutil.rmtree(directory, ignore_errors=True)
            removed += 1
    return removed
