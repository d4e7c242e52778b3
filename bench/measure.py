"""The measurements themselves. Imported by ``bench.run`` after ``django.setup()``.

Everything is built through the real actions (``make_world``, ``propose_cadence``,
``check_in`` …) and timed with ``time.perf_counter``; nothing here asserts a timing.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import os
import pstats
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse

from bench.merkle import LEAVES as MERKLE_LEAVES
from bench.merkle import bench_merkle
from bench.signing import bench_signing
from bench.stats import percentile, rate, summary_ms
from liaison.bundle.audit import verify
from liaison.channel import messages
from liaison.channel.commands import SendMessage
from liaison.channel.overview import Receipts, inbox, thread
from liaison.ledger import log
from liaison.ledger.canonical import digest, encode
from liaison.ledger.events import validate_body
from liaison.ledger.models import Event, Log
from liaison.ledger.verify import verify_chain
from liaison.meetings import attending, calling_off
from liaison.meetings.commands import CancelSession, CheckInTo, NoticeOfAbsence
from liaison.meetings.models import CheckIn
from liaison.meetings.overview import dashboard
from liaison.meetings.schedule import find_session, sessions_between
from liaison.offices.models import Office
from liaison.records import commitments, meeting_records, minutes
from liaison.records.commands import (
    ChangeCommitmentStatus,
    MakeCommitment,
    OutcomeIn,
    ParticipantIn,
    ProposeMinutes,
    SaveMinutes,
    SaveRecord,
    SignMinutes,
)
from liaison.records.compare import compare
from liaison.testing import OPERATOR, T0, World, make_world, weekly
from liaison.timeline.build import timeline

APPEND_OFFICE = "bench-append"
DECADE_OFFICE = "bench-decade"
EVENT_TYPE = "member.changed"
# The ten-year office is looked at on this instant (a Wednesday, 12:00 in Seoul); its
# weekly cadence (Fridays 10:00 Seoul) starts ten years earlier.
NOW = dt.datetime(2026, 5, 13, 3, 0, tzinfo=dt.UTC)
DECADE_START = NOW.replace(year=NOW.year - 10)
PROFILE_APPENDS = 1000


def progress(db: str, message: str) -> None:
    print(f"[{db}] {message}", file=sys.stderr, flush=True)


def _profile(call: Callable[[], Any], path: Path, top: int = 30) -> list[dict[str, Any]]:
    """Run ``call`` under cProfile; write the report to ``path``; return the top by self time."""
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    path.write_text(buffer.getvalue())
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = []
    for (filename, line, name), (_, calls, tottime, cumtime, _) in sorted(
        stats.stats.items(),  # type: ignore[attr-defined]
        key=lambda item: item[1][2],
        reverse=True,
    )[:8]:
        rows.append(
            {
                "function": f"{Path(filename).name}:{line}({name})",
                "calls": calls,
                "self_share": round(tottime / total, 3) if total else None,
                "cumulative_s": round(cumtime, 4),
            }
        )
    return rows


# 1. Appends ---------------------------------------------------------------------------


def _member_body(world: World, i: int) -> dict[str, Any]:
    return {
        "username": world.south_staff.username,
        "full_name": "South Staff",
        "title": f"Staff officer, rotation {i}",
        "role": "staff",
        "time_zone": "Asia/Seoul",
    }


def _append_one(world: World, i: int) -> None:
    log.append(
        office=APPEND_OFFICE,
        side="",
        actor=OPERATOR,
        type=EVENT_TYPE,
        body=_member_body(world, i),
        at=T0 + dt.timedelta(hours=1, seconds=i),
    )


def _cpu_only(world: World, count: int) -> dict[str, Any]:
    """What ``append`` does in Python before touching the database, step by step."""
    spent = {"validate_s": 0.0, "encode_s": 0.0, "digest_s": 0.0}
    for i in range(count):
        t0 = time.perf_counter()
        typed = validate_body(EVENT_TYPE, _member_body(world, i))
        clean = typed.model_dump(mode="json")
        t1 = time.perf_counter()
        data = encode(
            log.envelope(
                office=APPEND_OFFICE,
                side="",
                seq=i + 1,
                prev="0" * 64,
                at=T0,
                actor=OPERATOR,
                type=EVENT_TYPE,
                body=clean,
            )
        )
        t2 = time.perf_counter()
        digest(data)
        t3 = time.perf_counter()
        spent["validate_s"] += t1 - t0
        spent["encode_s"] += t2 - t1
        spent["digest_s"] += t3 - t2
    total = sum(spent.values())
    return {
        "events": count,
        "events_per_s": rate(count, total),
        "us_per_event": {k.removesuffix("_s"): round(v / count * 1e6, 1) for k, v in spent.items()},
    }


def bench_append(db: str, events: int, out_dir: Path) -> tuple[World, dict[str, Any]]:
    world = make_world(APPEND_OFFICE, now=T0)
    # One warm-up append, its queries captured.
    reset_queries()  # a full query log (9,000 entries) would make the count read 0
    with CaptureQueriesContext(connection) as captured:
        _append_one(world, 0)
    queries = [q["sql"][:120] for q in captured.captured_queries]
    latencies: list[float] = []
    step = max(events // 10, 1)
    started = time.perf_counter()
    for i in range(1, events + 1):
        t0 = time.perf_counter()
        _append_one(world, i)
        latencies.append(time.perf_counter() - t0)
        if i % step == 0:
            elapsed = time.perf_counter() - started
            progress(db, f"appended {i}/{events} ({rate(i, elapsed)}/s)")
    elapsed = time.perf_counter() - started
    deciles = [
        latencies[k * len(latencies) // 10 : (k + 1) * len(latencies) // 10] for k in range(10)
    ]
    result = {
        "events": events,
        "seconds": round(elapsed, 3),
        "events_per_s": rate(events, elapsed),
        "latency": summary_ms(latencies),
        "events_per_s_by_decile": [rate(len(d), sum(d)) for d in deciles if d],
        "queries_per_append": len(queries),
        "queries": queries,
        "python_only": _cpu_only(world, min(events, 20000)),
    }
    return world, result


# 2. Verification ----------------------------------------------------------------------


def bench_verify(db: str, out_dir: Path) -> dict[str, Any]:
    charter = Log.objects.get(office=APPEND_OFFICE, side="")
    progress(db, f"verify_chain over {charter.size} events")
    started = time.perf_counter()
    problem = verify_chain(charter)
    chain_s = time.perf_counter() - started
    office_events = Event.objects.filter(log__office=APPEND_OFFICE).count()
    progress(db, f"verify({APPEND_OFFICE!r}) over {office_events} events")
    started = time.perf_counter()
    problems = verify(APPEND_OFFICE)
    full_s = time.perf_counter() - started
    return {
        "chain": {
            "events": charter.size,
            "seconds": round(chain_s, 3),
            "events_per_s": rate(charter.size, chain_s),
            "problem": str(problem) if problem else None,
        },
        "full": {
            "events": office_events,
            "seconds": round(full_s, 3),
            "events_per_s": rate(office_events, full_s),
            # verify() re-checks the chains, then rebuilds and compares the projections.
            "projection_seconds_estimate": round(max(full_s - chain_s, 0.0), 3),
            "problems": [str(p) for p in problems],
        },
    }


def profile_append(world: World, out_dir: Path, db: str) -> list[dict[str, Any]]:
    size = Log.objects.get(office=APPEND_OFFICE, side="").size

    def appends() -> None:
        for i in range(PROFILE_APPENDS):
            _append_one(world, size + i)

    return _profile(appends, out_dir / f"profile-{db}-append.txt")


# 3. The ten-year office and its dashboard ----------------------------------------------


def build_decade(db: str) -> tuple[World, dict[str, Any]]:
    """Ten years of weekly sessions, checked in to through the actions.

    Each side: ~83% present, ~10% late, ~2% excused (notice the day before), ~5%
    no-show; 1% of sessions cancelled two days ahead; and the North walks out for five
    weeks in a row halfway through, as in the source story.
    """
    started = time.perf_counter()
    world = make_world(DECADE_OFFICE, now=DECADE_START)
    weekly(world, starts_on=DECADE_START.date(), now=DECADE_START)
    office = world.office
    sessions = sessions_between(office, DECADE_START, NOW)
    walkout = range(len(sessions) // 2, len(sessions) // 2 + 5)
    rng = random.Random(2018)  # reproducible data
    heads = {"south": world.south_head, "north": world.north_head}
    counts = {"sessions": len(sessions), "cancelled": 0, "present": 0, "late": 0}
    counts |= {"excused": 0, "no_show": 0}
    check_in_s: list[float] = []
    for index, session in enumerate(sessions):
        if index not in walkout and rng.random() < 0.01:
            calling_off.cancel_session(
                member=world.south_head,
                command=CancelSession(key=session.key, reason="Logistics"),
                now=session.start - dt.timedelta(days=2),
            )
            counts["cancelled"] += 1
            continue
        plans = {}
        for side in heads:
            roll = rng.random()
            if (side == "north" and index in walkout) or roll < 0.05:
                plans[side] = "no_show"
            elif roll < 0.07:
                plans[side] = "excused"
            elif roll < 0.17:
                plans[side] = "late"
            else:
                plans[side] = "present"
            counts[plans[side]] += 1
        for side, plan in plans.items():
            if plan == "excused":
                attending.give_notice_of_absence(
                    member=heads[side],
                    command=NoticeOfAbsence(key=session.key, reason="Delegation travelling"),
                    now=session.start - dt.timedelta(days=1),
                )
        for side, plan in plans.items():
            if plan in ("present", "late"):
                offset = dt.timedelta(minutes=-10 if plan == "present" else 5)
                t0 = time.perf_counter()
                attending.check_in(
                    member=heads[side],
                    command=CheckInTo(key=session.key),
                    now=session.start + offset,
                )
                check_in_s.append(time.perf_counter() - t0)
        if (index + 1) % 100 == 0:
            progress(db, f"ten-year office: {index + 1}/{len(sessions)} sessions")
    elapsed = time.perf_counter() - started
    first, last = check_in_s[:50], check_in_s[-50:]
    # find_session of an untouched occurrence walks the rule from the cadence's start.
    find_first = _timed(lambda: find_session(office, sessions[0].key), 20)
    find_last = _timed(lambda: find_session(office, sessions[-1].key), 20)
    return world, {
        **counts,
        "check_ins": len(check_in_s),
        "events": Event.objects.filter(log__office=DECADE_OFFICE).count(),
        "build_seconds": round(elapsed, 3),
        # find_session walks the cadence from its start: later check-ins cost more.
        "check_in_ms_first_50_median": round(percentile(first, 50) * 1000, 3),
        "check_in_ms_last_50_median": round(percentile(last, 50) * 1000, 3),
        "find_session_ms_first_median": summary_ms(find_first)["median_ms"],
        "find_session_ms_last_median": summary_ms(find_last)["median_ms"],
    }


def _timed(call: Callable[[], Any], runs: int, warmups: int = 2) -> list[float]:
    for _ in range(warmups):
        call()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return times


def bench_dashboard(db: str, runs: int, out_dir: Path) -> dict[str, Any]:
    office = Office.objects.get(id=DECADE_OFFICE)
    board = dashboard(office, NOW)
    reset_queries()  # a full query log (9,000 entries) would make the count read 0
    with CaptureQueriesContext(connection) as captured:
        dashboard(office, NOW)
    queries = [q["sql"][:160] for q in captured.captured_queries]
    times = _timed(lambda: dashboard(office, NOW), runs)
    standing = board.standing
    # What the dashboard spends loading check-ins as model instances (as standing.compute
    # does) against loading the same three columns as tuples.
    as_models = _timed(
        lambda: list(
            CheckIn.objects.filter(office=office)
            .select_related("side")
            .only("session_key", "at", "side__key")
        ),
        runs,
    )
    as_tuples = _timed(
        lambda: list(
            CheckIn.objects.filter(office=office).values_list("session_key", "side__key", "at")
        ),
        runs,
    )
    return {
        **summary_ms(times),
        "queries": len(queries),
        "sql": queries,
        "outcomes": len(standing.outcomes),
        "upcoming": len(board.upcoming),
        "recent": len(board.recent),
        "standing": standing.as_json(),
        "check_in_load_median_ms": {
            "rows": CheckIn.objects.filter(office=office).count(),
            "model_instances": summary_ms(as_models)["median_ms"],
            "values_list": summary_ms(as_tuples)["median_ms"],
        },
        "profile_top": _profile(
            lambda: dashboard(office, NOW), out_dir / f"profile-{db}-dashboard.txt"
        ),
    }


def bench_page(db: str, world: World, runs: int, out_dir: Path) -> dict[str, Any]:
    """GET of the dashboard page through the test client, signed in as the South's head."""
    try:
        url = reverse("office-dashboard", kwargs={"slug": DECADE_OFFICE})
    except NoReverseMatch as exc:
        return {"available": False, "reason": f"cannot reverse 'office-dashboard': {exc}"}
    except Exception as exc:  # the URLconf itself may not import while others work on it
        return {
            "available": False,
            "reason": f"cannot reverse 'office-dashboard': {type(exc).__name__}: {exc}",
        }
    client = Client()
    client.force_login(world.south_head.user)
    with override_settings(LIAISON_CLOCK=NOW.isoformat()):
        try:
            response = client.get(url)
        except Exception as exc:
            return {"available": False, "url": url, "reason": f"{type(exc).__name__}: {exc}"}
        if response.status_code != 200:
            return {
                "available": False,
                "url": url,
                "reason": f"GET {url} answered {response.status_code}",
            }
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        # Read now: every later request clears the connection's query log.
        queries = [q["sql"][:160] for q in captured.captured_queries]
        times = _timed(lambda: client.get(url), runs)
        profile_top = _profile(lambda: client.get(url), out_dir / f"profile-{db}-page.txt")
    return {
        "available": True,
        "url": url,
        **summary_ms(times),
        "queries": len(queries),
        "sql": queries,
        "bytes": len(response.content),
        "profile_top": profile_top,
    }


# 4. Records on the ten-year office: the timeline and the readout comparison ------------

COMMITMENTS = 300
STATEMENTS = 150


def bench_records(db: str, world: World, runs: int) -> dict[str, Any]:
    """The ten-year office gains a record and agreed minutes for its last held session
    and ``COMMITMENTS`` commitments with two statements each; then its whole timeline is
    timed, and the comparison of two long readouts."""
    office = world.office
    held = [s for s in sessions_between(office, DECADE_START, NOW) if s.start < NOW]
    last = held[-1].key
    after = NOW - dt.timedelta(hours=1)
    heads = [world.south_head, world.north_head]
    for head in heads:
        if not CheckIn.objects.filter(office=office, session_key=last, side=head.side).exists():
            attending.check_in(member=head, command=CheckInTo(key=last), now=held[-1].start)
    meeting_records.save_record(
        member=world.south_staff,
        command=SaveRecord(
            session=last,
            base_revision=0,
            place="Office",
            started_at=held[-1].start,
            duration_minutes=60,
            participants=[ParticipantIn(member=h.username) for h in heads],
            topics=["Projects"],
            outcomes=[OutcomeIn(kind="agreement", text="Meet again.")],
        ),
        now=after,
    )
    minutes.save_minutes(
        member=world.north_staff,
        command=SaveMinutes(session=last, base_version=0, text="M"),
        now=after,
    )
    minutes.propose_minutes(
        member=world.north_head, command=ProposeMinutes(session=last, version=1), now=after
    )
    for head in heads:
        minutes.sign_minutes(member=head, command=SignMinutes(session=last, version=1), now=after)
    for n in range(COMMITMENTS):
        made = DECADE_START + dt.timedelta(days=n * 12)
        commitments.make_commitment(
            member=world.south_head,
            command=MakeCommitment(key=f"c{n}", text=f"Promise {n}", owners=["south", "north"]),
            now=made,
        )
        commitments.change_commitment_status(
            member=world.north_head,
            command=ChangeCommitmentStatus(key=f"c{n}", status="in_progress"),
            now=made,
        )
    reset_queries()  # a full query log (9,000 entries) would make the count read 0
    with CaptureQueriesContext(connection) as captured:
        items = timeline(office, DECADE_START, NOW, NOW)
    times = _timed(lambda: timeline(office, DECADE_START, NOW, NOW), runs)
    rng = random.Random(9)
    words = [
        "sides",
        "agreed",
        "rail",
        "study",
        "sanctions",
        "meeting",
        "office",
        "declaration",
        "project",
        "visit",
    ]

    def readout() -> str:
        return "\n\n".join(
            " ".join(rng.choice(words) for _ in range(12)).capitalize() + "."
            for _ in range(STATEMENTS)
        )

    left, right = readout(), readout()
    comparison = _timed(lambda: compare(left, right), max(3, runs // 4), warmups=1)
    return {
        "timeline": {
            **summary_ms(times),
            "queries": len(captured.captured_queries),
            "items": len(items),
        },
        "comparison": {**summary_ms(comparison), "statements_each": STATEMENTS},
    }


# 5. The channel: sending, and the inbox of a busy office ------------------------------

MESSAGES = 3000


def bench_channel(db: str, world: World, runs: int) -> dict[str, Any]:
    """``MESSAGES`` messages sent through the action (half each way, every tenth a reply),
    then the inbox's first and last pages and a thread, as a member reads them."""
    sent_s: list[float] = []
    keys: list[str] = []
    start = NOW - dt.timedelta(days=MESSAGES // 24 + 1)
    for n in range(MESSAGES):
        member = world.south_head if n % 2 == 0 else world.north_head
        reply_to = keys[-1] if n % 10 == 9 else ""
        t0 = time.perf_counter()
        message = messages.send_message(
            member=member,
            command=SendMessage(
                kind="reply" if reply_to else "notice",
                subject=f"Notice {n}",
                body=f"Text of notice {n} about the rail study",
                in_reply_to=reply_to,
            ),
            now=start + dt.timedelta(hours=n),
        )
        sent_s.append(time.perf_counter() - t0)
        keys.append(message.key)
        if (n + 1) % 1000 == 0:
            progress(db, f"channel: {n + 1}/{MESSAGES} messages")
    reader = world.north_staff

    def page(number: int | str) -> list[Any]:
        listing = inbox(reader, page=number)
        return [Receipts.of(m) for m in listing]

    reset_queries()  # a full query log (9,000 entries) would make the count read 0
    with CaptureQueriesContext(connection) as captured:
        page(1)
    first = _timed(lambda: page(1), runs)
    last = _timed(lambda: page("last"), runs)
    searched = _timed(lambda: list(inbox(reader, "notice 2999")), runs)
    threads = _timed(lambda: thread(world.office, keys[-1]), runs)
    return {
        "messages": MESSAGES,
        "send": {**summary_ms(sent_s), "messages_per_s": rate(len(sent_s), sum(sent_s))},
        "inbox_first_page": {**summary_ms(first), "queries": len(captured.captured_queries)},
        "inbox_last_page": summary_ms(last),
        "inbox_search": summary_ms(searched),
        "thread": summary_ms(threads),
    }


def database_info() -> dict[str, Any]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            version = cursor.fetchone()[0]
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            synchronous = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(cursor.fetchone()[0])
            return {
                "vendor": "sqlite",
                "version": version,
                "journal_mode": journal,
                "synchronous": synchronous,
                "transaction_mode": connection.settings_dict["OPTIONS"].get("transaction_mode"),
            }
        cursor.execute("show server_version")
        version = cursor.fetchone()[0]
        settings = {}
        for name in ("synchronous_commit", "fsync", "shared_buffers"):
            cursor.execute(f"show {name}")
            settings[name] = cursor.fetchone()[0]
        return {"vendor": connection.vendor, "version": version, **settings}


def run_all(db: str, events: int, runs: int, out_dir: Path, result: dict[str, Any]) -> None:
    """Fill ``result`` stage by stage, so a failure keeps what was measured before it."""
    result |= {"database": database_info(), "events": events, "runs": runs}
    # Other work on the machine skews CPU-bound figures: record the load around the run.
    result["load_average_start"] = [round(x, 2) for x in os.getloadavg()]
    progress(db, f"appending {events} events, one per transaction")
    world, result["append"] = bench_append(db, events, out_dir)
    result["verify"] = bench_verify(db, out_dir)
    progress(db, f"profiling {PROFILE_APPENDS} more appends")
    result["append"]["profile_top"] = profile_append(world, out_dir, db)
    progress(db, "building the ten-year office through the actions")
    decade, result["decade_office"] = build_decade(db)
    # Where verify's time goes, on the ten-year office's ~1,000 events.
    result["verify"]["profile_top"] = _profile(
        lambda: verify(DECADE_OFFICE), out_dir / f"profile-{db}-verify.txt"
    )
    progress(db, f"timing the dashboard ({runs} runs)")
    result["dashboard"] = bench_dashboard(db, runs, out_dir)
    result["page"] = bench_page(db, decade, runs, out_dir)
    progress(db, "records on the ten-year office: timeline and readout comparison")
    result["records"] = bench_records(db, decade, runs)
    progress(db, f"channel: sending {MESSAGES} messages, reading the inbox")
    result["channel"] = bench_channel(db, decade, runs)
    progress(db, f"merkle: root and proofs over {MERKLE_LEAVES:,} leaves")
    result["merkle"] = bench_merkle(min(runs, 10))
    progress(db, "checkpoints, export and the offline verifier on the ten-year office")
    result["signing"] = bench_signing(DECADE_OFFICE, min(runs, 10))
    result["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
