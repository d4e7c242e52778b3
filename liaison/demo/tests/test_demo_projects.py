"""The demo's joint projects on 2 Nov 2018: expected in October, two postponed, the rail
work pending on sanctions and Washington's concerns, the groundbreaking waiting on the
study; the United States, its envoys and the talks ahead."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command

from liaison.demo import build as demo
from liaison.demo.projects import OCTOBER_2018
from liaison.projects.overview import projects_of, third_parties_of

EVENING = dt.datetime(2018, 11, 2, 10, 0, tzinfo=dt.UTC)  # 19:00 in Kaesong


@pytest.fixture
def kaesong(db):
    return demo.build("demo-password")


def test_the_four_projects_where_they_stood(kaesong):
    views = {v.project.key: v for v in projects_of(kaesong, dt.date(2018, 11, 2))}
    assert {k: v.project.status for k, v in views.items()} == {
        "art-troupe-performance": "postponed",
        "kaesong-business-visit": "postponed",
        "rail-link-study": "pending",
        "rail-groundbreaking": "pending",
    }
    for view in views.values():
        assert (view.project.original_start, view.project.original_end) == OCTOBER_2018
    assert [p.key for p in views["rail-groundbreaking"].waiting_on] == ["rail-link-study"]
    study = views["rail-link-study"]
    assert sorted(b.kind for b in study.open_blockers) == ["sanctions", "third_party"]
    pace = next(b for b in study.open_blockers if b.kind == "third_party")
    assert (pace.position.party.key, pace.position.key) == ("united-states", "hand-in-hand")
    assert views["art-troupe-performance"].slip_days == 61


def test_the_united_states_its_envoys_position_and_talks_ahead(kaesong):
    (us,) = third_parties_of(kaesong)
    assert [a.name for a in us.actors.all()] == ["Mike Pompeo", "Stephen Biegun"]
    assert {e.key: e.status for e in us.events.all()} == {
        "biegun-in-seoul": "happened",
        "high-level-meeting": "expected",
    }
    assert "hand in hand" in us.positions.get(key="hand-in-hand").summary


def test_status_counts_the_projects_by_status(kaesong):
    out = io.StringIO()
    call_command("status", "kaesong", "--as-of", "2018-11-02", "--json", stdout=out)
    counts = json.loads(out.getvalue())["projects_by_status"]
    assert (counts["postponed"], counts["pending"], counts["agreed"]) == (2, 2, 0)
    out = io.StringIO()
    call_command("status", "kaesong", "--as-of", "2018-10-15", "--json", stdout=out)
    assert json.loads(out.getvalue())["projects_by_status"]["agreed"] == 4


def test_the_timeline_shows_the_slip_and_the_talks_ahead(kaesong):
    out = io.StringIO()
    with time_machine.travel(EVENING, tick=False):
        call_command(
            "timeline",
            "kaesong",
            "--from",
            "2018-10-29",
            "--to",
            "2018-11-10",
            "--json",
            *("--kind", "third_party_event", "--kind", "third_party_position"),
            *("--kind", "project_replanned"),
            stdout=out,
        )
    items = json.loads(out.getvalue())["items"]
    assert [(i["date"], i["kind"]) for i in items] == [
        ("2018-10-30", "third_party_position"),
        ("2018-10-30", "third_party_event"),
        ("2018-11-02", "third_party_position"),
        ("2018-11-02", "project_replanned"),
        ("2018-11-08", "third_party_event"),
    ]
    assert items[-1]["title"].startswith("Mike Pompeo (United States): High-level meeting")
    assert items[-1]["title"].endswith("(expected)")


def test_the_channel_before_the_meeting_and_a_note_on_each_side(kaesong):
    from liaison.channel import notes
    from liaison.channel.models import Message
    from liaison.offices.models import Member

    notice, reply = Message.objects.filter(office=kaesong).order_by("sent_at")
    assert (notice.side.key, notice.kind, reply.in_reply_to) == ("south", "notice", notice)
    assert notice.receipts.filter(kind="acknowledged").get().member == "jon"
    members = {m.username: m for m in Member.objects.filter(office=kaesong).select_related("side")}
    south_note = notes.notes_for(members["chun"], "session", "weekly-20181102T1000")
    assert [n.author for n in south_note] == ["south-staff"]
    assert notes.notes_for(members["jon"], "session", "weekly-20181102T1000") == []
    assert [n.author for n in notes.notes_for(members["jon"], "project", "rail-link-study")] == [
        "north-staff"
    ]
    out = io.StringIO()
    with time_machine.travel(EVENING, tick=False):
        call_command(
            "timeline",
            "kaesong",
            "--from",
            "2018-10-30",
            "--json",
            *("--kind", "message", "--kind", "message_acknowledged"),
            stdout=out,
        )
    items = json.loads(out.getvalue())["items"]
    assert [(i["kind"], i["side"]) for i in items] == [
        ("message", "south"),
        ("message_acknowledged", "north"),
        ("message", "north"),
    ]
