"""One database's measurements, in a process of its own.

    DATABASE_URL=... python -m bench.run --db sqlite --events 2000 --runs 20 --out FILE

Django's settings are fixed per process, so ``python -m bench`` starts one of these per
database with ``DATABASE_URL`` set, and reads the JSON it writes to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--db", required=True, choices=["sqlite", "postgres"])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import measure

    expected = {"sqlite": "sqlite", "postgres": "postgresql"}[args.db]
    if connection.vendor != expected:
        raise SystemExit(f"DATABASE_URL points at {connection.vendor}, not {args.db}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    measure.progress(args.db, f"migrated in {time.perf_counter() - started:.1f}s")
    result: dict[str, Any] = {}
    failed = False
    try:
        measure.run_all(args.db, args.events, args.runs, args.out.parent, result)
    except Exception as exc:
        traceback.print_exc()
        result["error"] = f"{type(exc).__name__}: {exc}"
        failed = True
    result["seconds_total"] = round(time.perf_counter() - started, 1)
    args.out.write_text(json.dumps(result, indent=2, default=str))
    connection.close()
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
