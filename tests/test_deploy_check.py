"""``manage.py check --deploy --fail-level WARNING`` is clean under production settings:
HTTPS only (HSTS with subdomains and preload, secure cookies, the SSL redirect), the
sign-in lockout, the Content Security Policy."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_deploy_check_is_clean_in_production(tmp_path: Path) -> None:
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env |= {
        "LIAISON_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "LIAISON_KEY_SECRET": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "liaison.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'liaison.sqlite3'}",
        "LIAISON_VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
