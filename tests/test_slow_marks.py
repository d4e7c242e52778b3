"""Every entry of conftest.py's SLOW names tests, and they are marked ``slow``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import SLOW

ROOT = Path(__file__).resolve().parent.parent


def test_every_slow_entry_names_tests_that_carry_the_mark():
    # Collecting only what the entries name: a test renamed or a parameter changed makes
    # its entry name nothing, and pytest says so.
    result = subprocess.run(  # noqa: S603 - our own interpreter and test runner
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "slow",
            *SLOW,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    marked = [line for line in result.stdout.splitlines() if "::" in line]
    for entry in SLOW:
        assert any(
            line == entry or line.startswith((f"{entry}::", f"{entry}[")) for line in marked
        ), entry
