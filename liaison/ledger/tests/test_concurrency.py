"""Writers racing for one log: appends are serialised, so a log never forks or skips."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections

from liaison.bundle.audit import verify
from liaison.ledger import log
from liaison.ledger.models import Event
from liaison.lib.errors import Refused
from liaison.meetings import attending
from liaison.meetings.commands import CheckInTo
from liaison.meetings.models import CheckIn
from liaison.offices.models import Member
from liaison.testing import T0, make_world, weekly

pytestmark = pytest.mark.django_db(transaction=True)

PER_THREAD = 5
CHARTER_EVENTS = 8  # office.chartered and seven members


def _race(count: int, work: Callable[[int], object]) -> tuple[list[object], list[BaseException]]:
    """Run ``work(i)`` in ``count`` threads released at the same instant, each on its own
    database connection."""
    barrier = threading.Barrier(count)
    results: list[object] = []
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(work(index))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer never finished"
    return results, errors


def _change(office: str, username: str, title: str) -> Event:
    return log.append(
        office=office,
        side="",
        actor="operator",
        type="member.changed",
        at=T0,
        body={
            "username": username,
            "full_name": "South Staff",
            "title": title,
            "role": "staff",
            "time_zone": "",
        },
    )


@pytest.mark.parametrize("writers", [2, 4])
def test_racing_writers_never_fork_or_skip_a_seq(writers, scratch_allowed):
    world = make_world()
    office, username = world.office.id, world.south_staff.username

    def work(index: int) -> list[int]:
        return [_change(office, username, f"writer {index} #{n}").seq for n in range(PER_THREAD)]

    results, errors = _race(writers, work)
    assert errors == []
    total = CHARTER_EVENTS + writers * PER_THREAD
    seqs = list(
        Event.objects.filter(log__office=office, log__side="")
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    assert seqs == list(range(1, total + 1))
    # Each writer got distinct seqs, in the order it appended them.
    handed_out = [seq for batch in results for seq in batch]
    assert sorted(handed_out) == list(range(CHARTER_EVENTS + 1, total + 1))
    assert all(batch == sorted(batch) for batch in results)
    assert verify(office) == []
    # The projection ends as the last event in the log says.
    last = Event.objects.filter(log__office=office, log__side="").order_by("-seq").first()
    title = json.loads(bytes(last.data))["body"]["title"]
    assert Member.objects.get(office=office, username=username).title == title


def test_a_side_checking_in_twice_at_once_records_one_check_in(scratch_allowed):
    world = make_world()
    weekly(world)
    start = T0.replace(day=5, hour=1)  # Friday 5 Jan 2024, 10:00 in Seoul
    speakers = [world.south_head, world.south_deputy]

    def work(index: int) -> CheckIn:
        # The head checks in for herself; the deputy, at the same instant, checks her in.
        member = Member.objects.select_related("office", "side").get(pk=speakers[index].pk)
        head = Member.objects.get(pk=world.south_head.pk)
        return attending.check_in(
            member=member,
            command=CheckInTo(attendee=head.username, key="weekly-20240105T1000"),
            now=start,
        )

    results, errors = _race(2, work)
    assert len(results) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], Refused)
    assert "already checked in" in str(errors[0])
    assert CheckIn.objects.filter(office=world.office, side__key="south").count() == 1
    assert verify(world.office.id) == []


def _needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's; set DATABASE_URL=postgres://...")


@pytest.mark.postgres
def test_the_advisory_lock_serialises_writers_of_one_office():
    _needs_postgresql()
    world = make_world()
    office, username = world.office.id, world.south_staff.username
    spans: list[tuple[float, float]] = []

    def work(index: int) -> None:
        with log.writing(office):
            entered = time.monotonic()
            time.sleep(0.3)
            _change(office, username, f"writer {index}")
            spans.append((entered, time.monotonic()))

    _, errors = _race(2, work)
    assert errors == []
    first, second = sorted(spans)
    assert first[1] <= second[0], f"the two writers overlapped: {spans}"


@pytest.mark.postgres
def test_the_advisory_lock_lets_two_offices_write_at_once():
    _needs_postgresql()
    offices = [make_world("east").office.id, make_world("west").office.id]
    inside = threading.Barrier(2)

    def work(index: int) -> None:
        with log.writing(offices[index]):
            # Both writers must be inside their office's lock at the same time.
            inside.wait(timeout=10)
            _change(offices[index], f"{offices[index]}-south-staff", f"writer {index}")

    _, errors = _race(2, work)
    assert errors == []
