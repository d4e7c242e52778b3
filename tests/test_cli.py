"""The ``liaison`` console script: Django's commands under one name, errors on one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _liaison(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("liaison")
    env = {
        **os.environ,
        "LIAISON_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3",
    }
    return subprocess.run(  # noqa: S603 - the project's own console script
        [str(script), *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_an_unknown_office_is_one_line_and_a_non_zero_exit(tmp_path):
    assert _liaison("migrate", "--noinput", "-v0", tmp_path=tmp_path).returncode == 0
    result = _liaison("status", "nowhere", tmp_path=tmp_path)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == ["CommandError: unknown office 'nowhere'"]


def test_the_demo_builds_and_its_status_and_verify_answer(tmp_path):
    built = _liaison("demo", "--no-serve", tmp_path=tmp_path)
    assert built.returncode == 0, built.stderr
    assert "chun" in built.stdout and "Password (shown once):" in built.stdout
    status = _liaison("status", "kaesong", "--as-of", "2018-11-01", tmp_path=tmp_path)
    assert "Last held meeting: 2018-09-28 (34 days ago)" in status.stdout
    verified = _liaison("verify", "--office", "kaesong", tmp_path=tmp_path)
    assert verified.returncode == 0 and "intact: kaesong" in verified.stdout
