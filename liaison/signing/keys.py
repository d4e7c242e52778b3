"""A side replaces its key: ``rotate``, the ``key.rotated`` event signed by the old key
and the new, then a checkpoint of the log under the new key.

The keys themselves (made, sealed, looked up, used to sign) are ``signing.keyring``,
which the checkpoints build on; the rotation builds on both.
"""

from __future__ import annotations

import datetime as dt

from liaison.ledger import log
from liaison.lib.errors import NotAllowed
from liaison.offices.access import require_active, require_side_speaker
from liaison.offices.models import Member
from liaison.signing import checkpoints, formats
from liaison.signing.commands import RotateKey
from liaison.signing.keyring import current_key, ensure_keys, new_key, private_key
from liaison.signing.models import SideKey


def rotate(*, member: Member, command: RotateKey, now: dt.datetime) -> SideKey:
    """The member's side replaces its key: a ``key.rotated`` event in its own log, signed
    by the old key and the new, saying why (``command.reason``, 1 to 500 characters).
    Heads and deputies only (the web asks them to confirm, with the password when it is
    due)."""
    require_side_speaker(member)
    require_active(member, now)
    office = member.office
    side = member.side
    if side is None:  # pragma: no cover - require_side_speaker refused it already
        raise NotAllowed("only a side's head or deputy rotates its key")
    with log.writing(office.id):
        ensure_keys(office, now)
        old = current_key(office, side.key)
        old_private = private_key(old)
        new_private, public, fingerprint = new_key(office.id, side.key, now)
        message = formats.rotation_message(
            office=office.id, side=side.key, old=old.fingerprint, new=fingerprint, public_key=public
        )
        log.append(
            office=office.id,
            side=side.key,
            actor=member.username,
            type="key.rotated",
            at=now,
            body={
                "old": old.fingerprint,
                "new": fingerprint,
                "public_key": public,
                "old_signature": old_private.sign(message).hex(),
                "new_signature": new_private.sign(message).hex(),
                "reason": command.reason,
            },
        )
        checkpoints.sign_checkpoint(office, side.key, now=now, reason="rotation")
    return current_key(office, side.key)
