"""Attachments: checked by their content, not their name, and stored outside the
database under their SHA-256 (the message's event carries the hash).

The type is sniffed from the bytes (``filetype``, a small pure-Python library reading
magic numbers; no libmagic to install). A file whose name promises one type while its
bytes are another (a ZIP renamed ``.pdf``) is refused. Plain text has no magic number: it
is accepted as ``text/plain`` when it decodes as UTF-8 without control bytes.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings

from liaison.ledger.events import clean_line
from liaison.lib.errors import Refused

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


def read(sha256: str) -> bytes:
    return path_of(sha256).read_bytes()
