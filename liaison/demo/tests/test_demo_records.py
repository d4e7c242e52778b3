"""The demo's 2 Nov 2018 meeting: its record, the South's readout, the Pyongyang
Declaration and the commitments that follow, and the minutes awaiting the heads."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command

from liaison.demo import build as demo
from liaison.demo.records import MEETING
from liaison.offices.models import Member
from liaison.records import minutes
from liaison.records.commands import SignMinutes
from liaison.records.models import MeetingRecord, Minutes, MinutesStatus
from liaison.records.overview import commitments_of, draft_for, readouts_of

EVENING = dt.datetime(2018, 11, 2, 10, 0, tzinfo=dt.UTC)  # 19:00 in Kaesong


@pytest.fixture
def kaesong(db):
    return demo.build("demo-password")


def test_the_record_has_the_place_the_hour_the_heads_and_three_outcomes(kaesong):
    record = MeetingRecord.objects.get(office=kaesong, session_key=MEETING)
    assert record.place == "Joint liaison office, Kaesong"
    assert record.duration_minutes == 60
    assert [p.name for p in record.participants.all()] == ["Chun Hae-sung", "Jon Jong-su"]
    assert [o.kind for o in record.outcomes.all()] == ["reaffirmation", "agreement", "next_step"]
    assert "Pyongyang Declaration" in record.outcomes.get(key="o1").text


def test_only_the_souths_readout_is_published_and_no_draft_shows_to_the_north(kaesong):
    (readout,) = readouts_of(kaesong, MEETING)
    assert (readout.side.key, readout.source) == ("south", "Ministry of Unification (Seoul)")
    jon = Member.objects.get(office=kaesong, username="jon")
    assert draft_for(jon, MEETING) is None


def test_commitments_follow_from_the_outcomes_and_the_declaration(kaesong):
    views = commitments_of(kaesong, dt.date(2018, 11, 2))
    sources = {
        v.commitment.key: (
            v.commitment.source_outcome.key if v.commitment.source_outcome else None,
            v.commitment.source_clause.number if v.commitment.source_clause else None,
        )
        for v in views
    }
    assert sources == {
        "implement-declaration": ("o1", None),
        "close-consultations": ("o2", None),
        "more-meetings": ("o3", None),
        "rail-groundbreaking": (None, "2"),
    }


def test_the_heads_can_sign_the_proposed_minutes_in_the_demo(kaesong, scratch_allowed):
    from liaison.bundle.audit import verify

    assert Minutes.objects.get(office=kaesong).status == MinutesStatus.PROPOSED
    for username in ("chun", "jon"):
        head = Member.objects.select_related("office", "side").get(
            office=kaesong, username=username
        )
        minutes.sign_minutes(
            member=head, command=SignMinutes(session=MEETING, version=1), now=EVENING
        )
    assert Minutes.objects.get(office=kaesong).status == MinutesStatus.AGREED
    assert verify("kaesong") == []


def test_the_timeline_of_2_november(kaesong):
    out = io.StringIO()
    with time_machine.travel(EVENING, tick=False):
        call_command(
            "timeline",
            "kaesong",
            "--from",
            "2018-11-02",
            "--json",
            *("--kind", "session_held", "--kind", "record", "--kind", "readout"),
            *("--kind", "commitment_made"),
            stdout=out,
        )
    items = json.loads(out.getvalue())["items"]
    assert [(i["kind"], i["side"]) for i in items] == [
        ("session_held", None),
        ("record", "south"),
        ("readout", "south"),
        ("commitment_made", "south"),
        ("commitment_made", "south"),
        ("commitment_made", "south"),
        ("commitment_made", "south"),
    ]
    assert {i["date"] for i in items} == {"2018-11-02"}


def test_the_october_no_shows_are_in_the_timeline(kaesong):
    out = io.StringIO()
    with time_machine.travel(EVENING, tick=False):
        call_command(
            "timeline",
            "kaesong",
            "--to",
            "2018-10-31",
            "--json",
            *("--kind", "session_held", "--kind", "no_show"),
            stdout=out,
        )
    items = json.loads(out.getvalue())["items"]
    assert [(i["date"], i["kind"], i["side"]) for i in items] == [
        ("2018-09-28", "session_held", None),
        ("2018-10-05", "no_show", "north"),
        ("2018-10-12", "no_show", "north"),
        ("2018-10-19", "no_show", "north"),
        ("2018-10-26", "no_show", "north"),
    ]
