"""Attachments: checked by their content, not their name, and stored outside the
database under their SHA-256 (the message's event carries the hash).

The type is sniffed from the bytes (``filetype``, a small pure-Python library reading
magic numbers; no libmagic to install). A file whose name promises one type while its
bytes are another (a ZIP renamed ``.pdf``) is refused. Plain text has no magic number: it
is accepted as ``text/plain`` when it decodes as UTF-8 without control bytes.

Files are shared: two messages (of any offices) with the same bytes name one file. So a
write that stored a file and then failed may remove it only when no committed message
names it, and that must be decided where no other write can be committing one that does
(``storing``); ``audit`` is what ``verify`` reports of the store.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from django.db import connection, transaction

from liaison.channel.models import Attachment
from liaison.lib.errors import Refused
from liaison.lib.fields import clean_line

# What a name's extension promises.
EXTENSIONS = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain",
}
_NAMES = {
    "application/pdf": "a PDF",
    "image/png": "a PNG image",
    "image/jpeg": "a JPEG image",
    "text/plain": "plain text",
}


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


@dataclass(frozen=True)
class Checked:
    name: str
    content_type: str
    size: int
    sha256: str
    data: bytes

    def as_body(self) -> dict[str, object]:
        return {
            "name": self.name,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
        }


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(ord(c) < 32 and c not in "\t\n\r\f" for c in text)


def sniff(data: bytes) -> str | None:
    """The content type the bytes show, or None."""
    kind = filetype.guess(data)
    if kind is not None:
        return str(kind.mime)
    return "text/plain" if _is_text(data) else None


def check(upload: Upload) -> Checked:
    """The upload's true type and hash, or ``Refused`` saying what is wrong with it."""
    # The name is cleaned, not refused: control characters (CR, LF, NUL) and
    # bidirectional overrides (a U+202E that shows "report\u202efdp.exe" as
    # "reportexe.pdf") are dropped, so the name is the one line it looks like.
    name = clean_line(os.path.basename(upload.name.replace("\\", "/"))).strip()
    if not name:
        raise Refused("an attachment needs a file name", field="attachments")
    size = len(upload.data)
    if size == 0:
        raise Refused(f"{name} is empty", field="attachments")
    limit = settings.LIAISON_ATTACHMENT_MAX_BYTES
    if size > limit:
        raise Refused(
            f"{name} is {size:,} bytes; attachments may be at most {limit:,} bytes",
            field="attachments",
        )
    allowed = settings.LIAISON_ATTACHMENT_TYPES
    promised = EXTENSIONS.get(Path(name).suffix.lower())
    actual = sniff(upload.data)
    if actual is None or actual not in allowed:
        what = f"its content is {actual}" if actual else "its content is of no type we accept"
        raise Refused(
            f"{name} cannot be attached: {what}; accepted are "
            + ", ".join(_NAMES.get(t, t) for t in allowed),
            field="attachments",
        )
    if promised != actual:
        raise Refused(
            f"{name} is not {_NAMES.get(promised or '', 'what its name says')}: its content "
            f"is {_NAMES.get(actual, actual)}",
            field="attachments",
        )
    return Checked(
        name=name,
        content_type=actual,
        size=size,
        sha256=hashlib.sha256(upload.data).hexdigest(),
        data=upload.data,
    )


def root() -> Path:
    return Path(settings.LIAISON_ATTACHMENTS_DIR)


def path_of(sha256: str) -> Path:
    return root() / sha256[:2] / sha256


def store(item: Checked) -> bool:
    """Write the file under its hash; True when this call created it (so a refused
    message can take back what it alone wrote)."""
    target = path_of(item.sha256)
    if target.exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(item.data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def discard(sha256: str) -> None:
    path_of(sha256).unlink(missing_ok=True)


# A class of PostgreSQL advisory locks of its own (the two-key form, a key space apart
# from the offices' one-key locks), one lock per file.
_LOCK_CLASS = 0x4C41  # "LA"


def _lock_files(hashes: Sequence[str]) -> None:
    """Hold each file's lock until the transaction ends. On SQLite the transaction began
    IMMEDIATE and holds the database's write lock, which every write takes: nothing else
    is needed."""
    if connection.vendor != "postgresql":
        return
    # In one order (of the keys, which can collide), so two writes never wait on each other.
    keys = sorted({int.from_bytes(bytes.fromhex(h[:8]), "big", signed=True) for h in hashes})
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, key])


@contextlib.contextmanager
def storing(items: Sequence[Checked]) -> Iterator[None]:
    """Store the items' files for the write in the block, and take back those this call
    created if the block fails, unless a committed attachment names them.

    Run inside the write's transaction (``log.writing``). Why that is enough: each
    file's lock (``_lock_files``) is held from before the file is looked at until that
    transaction ends, by every write that stores files and by this clean-up. So while a
    failed write decides, no other write is between finding the file present and
    committing an attachment that names it; and a write that committed one before is
    seen (its row is committed). A file of a committed message is never removed. A write
    that fails in its very commit keeps its files: an unused file, never a missing one."""
    if not connection.in_atomic_block:
        raise RuntimeError("storing needs the write's transaction")
    _lock_files([item.sha256 for item in items])
    created = []
    for item in {item.sha256: item for item in items}.values():
        if store(item):
            created.append(item.sha256)
    try:
        # A savepoint: when the block fails, its own rows are gone before we look.
        with transaction.atomic():
            yield
    except BaseException:
        if created:
            named = set(
                Attachment.objects.filter(sha256__in=created).values_list("sha256", flat=True)
            )
            for sha256 in created:
                if sha256 not in named:
                    discard(sha256)
        raise


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def audit(office: str) -> list[tuple[str, str, str]]:
    """``(kind, where, detail)`` for each file the office's messages name that is not in
    the store (``MISSING_FILE``), cannot be read (``UNREADABLE_FILE``) or whose bytes do
    not hash to its name (``BAD_FILE``): one per file, at its first message."""
    rows = (
        Attachment.objects.filter(office_id=office)
        .order_by("message__sent_at", "message__key", "position")
        .values_list("sha256", "message__key", "name")
    )
    problems: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for sha256, key, name in rows.iterator():
        if sha256 in seen:
            continue
        seen.add(sha256)
        where = f"{office} message {key}"
        path = path_of(sha256)
        try:
            actual = _file_hash(path)
        except FileNotFoundError:
            problems.append(("MISSING_FILE", where, f"{name}: no file {sha256} in the store"))
            continue
        except OSError as exc:
            problems.append(("UNREADABLE_FILE", where, f"{name}: {path} cannot be read: {exc}"))
            continue
        if actual != sha256:
            problems.append(
                ("BAD_FILE", where, f"{name}: the file {sha256} holds bytes hashing to {actual}")
            )
    return problems


def read(sha256: str) -> bytes:
    return path_of(sha256).read_bytes()
