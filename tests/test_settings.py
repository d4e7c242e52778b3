"""The settings module fails loudly on what would be unsafe or wrong in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "LIAISON_ENV", "LIAISON_CLOCK", "DEBUG", "LIAISON_KEY_SECRET"}
    }
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _load_settings(LIAISON_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_secret_key_and_a_key_secret():
    result = _load_settings(LIAISON_ENV="production", SECRET_KEY="s" * 50, LIAISON_KEY_SECRET="k")
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_secret_for_the_signing_keys():
    result = _load_settings(LIAISON_ENV="production", SECRET_KEY="s" * 50)
    assert result.returncode != 0
    assert "LIAISON_KEY_SECRET must be set when LIAISON_ENV=production" in result.stderr


def test_production_refuses_the_settable_clock():
    result = _load_settings(
        LIAISON_ENV="production",
        SECRET_KEY="s" * 50,
        LIAISON_KEY_SECRET="k",
        LIAISON_CLOCK="2018-11-02T19:00+09:00",
    )
    assert result.returncode != 0
    assert "LIAISON_CLOCK is refused" in result.stderr


def test_a_malformed_boolean_is_named():
    result = _load_settings(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_an_unknown_mode_is_named():
    result = _load_settings(LIAISON_ENV="staging")
    assert result.returncode != 0
    assert "LIAISON_ENV must be development or production" in result.stderr


def test_a_negative_proxy_count_is_refused():
    result = _load_settings(LIAISON_PROXY_COUNT="-1")
    assert result.returncode != 0
    assert "LIAISON_PROXY_COUNT must be 0 or more, not -1" in result.stderr
