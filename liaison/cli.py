"""The ``liaison`` console script: Django's management commands under one name.

``liaison status kaesong --json`` is ``manage.py status kaesong --json``. Errors from a
command come out as one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["liaison", *args])


if __name__ == "__main__":
    main()
