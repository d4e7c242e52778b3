"""The ``liaison`` console script: Django's management commands under one name.

``liaison status kaesong --json`` is ``manage.py status kaesong --json``. Errors from a
command come out as one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import os
import sys

from liaison.bundle import check


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if _offline_verify(args):
        # ``liaison verify FILE`` checks a bundle with no Django and no database, so it
        # runs on a machine that has only the bundle.
        raise SystemExit(check.main(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["liaison", *args])


def _offline_verify(args: list[str]) -> bool:
    if not args or args[0] != "verify":
        return False
    rest = args[1:]
    positional = [
        a
        for i, a in enumerate(rest)
        if not a.startswith("-") and (i == 0 or rest[i - 1] not in ("--office", "--against"))
    ]
    return bool(positional) or "--against" in rest


if __name__ == "__main__":
    main()
