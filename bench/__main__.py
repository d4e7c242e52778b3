"""``python -m bench``: run every database's measurements, print them, write results.json.

BENCH_EVENTS=2000 .venv/bin/python -m bench            # a quick run
.venv/bin/python -m bench --db sqlite                   # one database only
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.databases import postgres_database, postgres_unreachable, sqlite_database
from bench.stats import ratio

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "var" / "bench"
DATABASES = ("sqlite", "postgres")


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _git(*args: str) -> str:
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments
            ["git", *args],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return ""
    return done.stdout.strip()


def machine_info() -> dict[str, Any]:
    from importlib.metadata import version

    cpu_model = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        (
            int(line.split()[1])
            for line in _read("/proc/meminfo").splitlines()
            if line.startswith("MemTotal:")
        ),
        0,
    )
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": cpu_model,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "django": version("Django"),
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain")),
    }


def run_child(db: str, database_url: str, events: int, runs: int) -> dict[str, Any]:
    out = OUT_DIR / f"child-{db}.json"
    out.unlink(missing_ok=True)
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url
    env["DEBUG"] = "false"  # as in production: no query log kept in memory
    env.pop("LIAISON_CLOCK", None)
    command = [sys.executable, "-m", "bench.run", "--db", db, "--events", str(events)]
    command += ["--runs", str(runs), "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, env=env, check=False)  # noqa: S603
    if not out.exists():
        return {"error": f"{' '.join(command[1:])} exited with {done.returncode}"}
    # On a failure the child still writes what it measured before it, and the error.
    result: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    if done.returncode != 0:
        result.setdefault("error", f"exited with {done.returncode}")
    return result


def measure(db: str, events: int, runs: int) -> dict[str, Any]:
    if db == "sqlite":
        with sqlite_database(OUT_DIR) as url:
            return run_child(db, url, events, runs)
    reason = postgres_unreachable()
    if reason:
        print(f"[postgres] skipped: {reason}", flush=True)
        return {"skipped": reason}
    with postgres_database() as url:
        return run_child(db, url, events, runs)


# Figures and ratios ---------------------------------------------------------------------


def _get(result: dict[str, Any], *path: str) -> Any:
    value: Any = result
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


# (label, path into a database's result, "higher is better" or "lower is better")
FIGURES: list[tuple[str, tuple[str, ...], str]] = [
    ("append: events/s (1 per transaction)", ("append", "events_per_s"), "higher"),
    ("append: latency median ms", ("append", "latency", "median_ms"), "lower"),
    ("append: latency p95 ms", ("append", "latency", "p95_ms"), "lower"),
    ("append: latency p99 ms", ("append", "latency", "p99_ms"), "lower"),
    ("append: queries per append", ("append", "queries_per_append"), "lower"),
    ("append: python-only events/s", ("append", "python_only", "events_per_s"), "higher"),
    ("verify_chain: events/s", ("verify", "chain", "events_per_s"), "higher"),
    ("verify(office): events/s", ("verify", "full", "events_per_s"), "higher"),
    ("verify(office): seconds", ("verify", "full", "seconds"), "lower"),
    ("ten-year office: build seconds", ("decade_office", "build_seconds"), "lower"),
    ("ten-year office: events", ("decade_office", "events"), ""),
    ("dashboard(): median ms", ("dashboard", "median_ms"), "lower"),
    ("dashboard(): p95 ms", ("dashboard", "p95_ms"), "lower"),
    ("dashboard(): queries", ("dashboard", "queries"), "lower"),
    ("dashboard page: median ms", ("page", "median_ms"), "lower"),
    ("dashboard page: p95 ms", ("page", "p95_ms"), "lower"),
    ("dashboard page: queries", ("page", "queries"), "lower"),
    ("timeline, ten years: median ms", ("records", "timeline", "median_ms"), "lower"),
    ("timeline, ten years: queries", ("records", "timeline", "queries"), "lower"),
    ("timeline, ten years: items", ("records", "timeline", "items"), ""),
    (
        "readout comparison, 150 by 150 statements: median ms",
        ("records", "comparison", "median_ms"),
        "lower",
    ),
    ("merkle 100k: root median ms", ("merkle", "root", "median_ms"), "lower"),
    (
        "merkle 100k: consistency proof median ms",
        ("merkle", "consistency_proof", "median_ms"),
        "lower",
    ),
    (
        "merkle 100k: verify consistency med. ms",
        ("merkle", "verify_consistency", "median_ms"),
        "lower",
    ),
    (
        "ten-year office: checkpoint signed and witnessed ms",
        ("signing", "sign_and_witness", "median_ms"),
        "lower",
    ),
    ("ten-year office: export median ms", ("signing", "export", "median_ms"), "lower"),
    (
        "ten-year office: offline verify median ms",
        ("signing", "offline_verify", "median_ms"),
        "lower",
    ),
    ("ten-year office: checkpoint audit median ms", ("signing", "audit", "median_ms"), "lower"),
]


def ratios(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    per_db: dict[str, Any] = {}
    for db, result in results.items():
        append = _get(result, "append", "events_per_s")
        per_db[db] = {
            "verify_chain_rate / append_rate": ratio(
                _get(result, "verify", "chain", "events_per_s"), append
            ),
            "verify_full_rate / append_rate": ratio(
                _get(result, "verify", "full", "events_per_s"), append
            ),
            "verify_chain_rate / verify_full_rate": ratio(
                _get(result, "verify", "chain", "events_per_s"),
                _get(result, "verify", "full", "events_per_s"),
            ),
            "python_only_rate / append_rate": ratio(
                _get(result, "append", "python_only", "events_per_s"), append
            ),
            "page_median / dashboard_median": ratio(
                _get(result, "page", "median_ms"), _get(result, "dashboard", "median_ms")
            ),
        }
    cross = {}
    if "sqlite" in results and "postgres" in results:
        for label, path, _ in FIGURES:
            value = ratio(_get(results["postgres"], *path), _get(results["sqlite"], *path))
            if value is not None:
                cross[label] = value
    return {"per_database": per_db, "postgres / sqlite": cross}


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def report(results: dict[str, dict[str, Any]], summary: dict[str, Any]) -> str:
    dbs = list(results)
    lines = []
    header = f"{'figure':<40}" + "".join(f"{db:>14}" for db in dbs)
    both = "sqlite" in results and "postgres" in results
    if both:
        header += f"{'pg / sqlite':>14}"
    lines += [header, "-" * len(header)]
    cross = summary["ratios"]["postgres / sqlite"]
    for label, path, _ in FIGURES:
        row = f"{label:<40}" + "".join(f"{_fmt(_get(results[db], *path)):>14}" for db in dbs)
        if both:
            row += f"{_fmt(cross.get(label)):>14}"
        lines.append(row)
    lines.append("")
    for db, values in summary["ratios"]["per_database"].items():
        lines.append(f"ratios on {db}:")
        lines += [f"  {name:<40}{_fmt(value):>10}" for name, value in values.items()]
    for db, result in results.items():
        for note in _notes(db, result):
            lines.append(f"note [{db}]: {note}")
    return "\n".join(lines)


def _notes(db: str, result: dict[str, Any]) -> list[str]:
    notes = []
    if "skipped" in result:
        notes.append(f"skipped: {result['skipped']}")
    if "error" in result:
        notes.append(f"failed: {result['error']}")
    if _get(result, "page", "available") is False:
        notes.append(f"dashboard page unavailable: {_get(result, 'page', 'reason')}")
    if _get(result, "verify", "chain", "problem"):
        notes.append(f"verify_chain found: {_get(result, 'verify', 'chain', 'problem')}")
    if _get(result, "verify", "full", "problems"):
        notes.append(f"verify found: {_get(result, 'verify', 'full', 'problems')}")
    deciles = _get(result, "append", "events_per_s_by_decile")
    if deciles:
        notes.append(
            f"append events/s, first vs last tenth: {deciles[0]:,.0f} vs {deciles[-1]:,.0f}"
        )
    if "load_average_start" in result:
        notes.append(
            f"load average (1, 5, 15 min) at start {result['load_average_start']}, "
            f"at end {result['load_average_end']} on {os.cpu_count()} CPUs"
        )
    find = (
        _get(result, "decade_office", "find_session_ms_first_median"),
        _get(result, "decade_office", "find_session_ms_last_median"),
    )
    if find[0] is not None:
        notes.append(f"find_session ms, first vs last session of ten years: {find[0]} vs {find[1]}")
    load = _get(result, "dashboard", "check_in_load_median_ms")
    if load:
        notes.append(
            f"loading the dashboard's {load['rows']} check-ins: {load['model_instances']} ms "
            f"as model instances, {load['values_list']} ms with values_list"
        )
    first = _get(result, "decade_office", "check_in_ms_first_50_median")
    last = _get(result, "decade_office", "check_in_ms_last_50_median")
    if first is not None:
        notes.append(f"check_in ms, first vs last 50 of ten years: {first} vs {last}")
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--db", action="append", choices=DATABASES, help="default: both")
    args = parser.parse_args()
    events = int(os.environ.get("BENCH_EVENTS", "100000"))
    runs = int(os.environ.get("BENCH_RUNS", "20"))
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    print(f"Liaison benchmarks: {events:,} events, {runs} dashboard runs", flush=True)
    summary: dict[str, Any] = {
        "machine": machine_info(),
        "config": {"events": events, "runs": runs, "DEBUG": False},
    }
    results = {db: measure(db, events, runs) for db in (args.db or DATABASES)}
    summary["ratios"] = ratios(results)
    summary["databases"] = results
    text = report(results, summary)
    print()
    print(text)
    path = OUT_DIR / "results.json"
    path.write_text(json.dumps(summary, indent=2, default=str) + "\n")
    print(f"\nwritten to {path.relative_to(ROOT)}")
    if any("error" in r for r in results.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
