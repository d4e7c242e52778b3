import datetime as dt

import pytest

from liaison.api.tests.conftest import BEFORE_FIRST, FIRST_START, office_url
from liaison.lib.timezones import end_of_day
from liaison.meetings import attending
from liaison.meetings.commands import CheckInTo
from liaison.meetings.standing import compute
from liaison.offices import actions as office_actions
from liaison.offices.commands import EndMembership
from liaison.testing import (
    OPERATOR,
    T0,
    agreed_cadence,
    make_world,
)


def test_offices_lists_only_the_callers_active_memberships(cadenced, api_as, frozen):
    make_world("elsewhere")
    with frozen(BEFORE_FIRST):
        mine = api_as("north_deputy").get("/api/offices").json()
        outsiders = api_as("outsider").get("/api/offices").json()
    assert [o["slug"] for o in mine] == ["testoffice"]
    assert mine[0]["membership"] == {
        "username": "testoffice-north-deputy",
        "full_name": "North Deputy",
        "title": "Deputy",
        "role": "deputy",
        "side": "north",
        "time_zone": "Asia/Pyongyang",
    }
    assert outsiders == []


def test_a_member_whose_membership_ended_no_longer_sees_the_office(cadenced, api_as, frozen):
    office_actions.end_membership(
        member=cadenced.north_staff,
        command=EndMembership(active_until=dt.date(2024, 1, 3)),
        actor=OPERATOR,
        now=T0 + dt.timedelta(days=1),
    )
    with frozen(BEFORE_FIRST):
        client = api_as("north_staff")
        assert client.get("/api/offices").json() == []
        assert client.get(office_url(cadenced)).status_code == 404


def test_office_detail_has_sides_members_and_cadences(cadenced, api_as, frozen):
    with frozen(BEFORE_FIRST):
        body = api_as("observer").get(office_url(cadenced)).json()
    assert body["slug"] == "testoffice" and body["time_zone"] == "Asia/Seoul"
    assert body["chartered_at"] == "2024-01-01T00:00:00Z"
    assert body["membership"]["side"] is None and body["membership"]["role"] == "observer"
    assert [s["key"] for s in body["sides"]] == ["south", "north"]
    assert len(body["members"]) == 7
    head = next(m for m in body["members"] if m["username"] == "testoffice-south-head")
    assert head == {
        "username": "testoffice-south-head",
        "full_name": "South Head",
        "title": "Head",
        "role": "head",
        "side": "south",
        "active_from": "2024-01-01",
        "active_until": None,
    }
    [weekly] = body["cadences"]["current"]
    assert weekly["rule"] == "FREQ=WEEKLY;BYDAY=FR" and weekly["start_time"] == "10:00"
    assert weekly["valid_from"] == "2024-01-01T00:00:00Z" and weekly["valid_until"] is None
    assert body["cadences"]["history"] == []


def test_a_cadence_change_moves_the_old_version_to_history_once_it_ends(cadenced, api_as, frozen):
    change = dt.datetime(2024, 2, 1, tzinfo=dt.UTC)
    agreed_cadence(
        member=cadenced.north_head,
        key="weekly",
        title="Weekly meeting",
        rule="FREQ=WEEKLY;BYDAY=TH",
        starts_on=dt.date(2024, 2, 1),
        start_time=dt.time(10, 0),
        duration_minutes=60,
        grace_minutes=15,
        required_level="head",
        effective=change,
        reason="Fridays clash",
        now=BEFORE_FIRST,
    )
    client = api_as("south_staff")
    with frozen(BEFORE_FIRST):
        before = client.get(office_url(cadenced)).json()["cadences"]
    with frozen(change + dt.timedelta(days=1)):
        after = client.get(office_url(cadenced)).json()["cadences"]
    assert [c["version"] for c in before["current"]] == [1, 2]
    assert before["current"][0]["valid_until"] == "2024-02-01T00:00:00Z"
    assert [c["version"] for c in after["current"]] == [2]
    assert [c["version"] for c in after["history"]] == [1]
    assert after["current"][0]["set_by"] == "testoffice-north-head"
    assert after["current"][0]["reason"] == "Fridays clash"


def test_standing_is_the_same_json_as_the_status_command(cadenced, api_as, frozen):
    attending.check_in(
        member=cadenced.south_head, command=CheckInTo(key="weekly-20240105T1000"), now=FIRST_START
    )
    with frozen(dt.datetime(2024, 1, 30, tzinfo=dt.UTC)):
        response = api_as("north_staff").get(
            office_url(cadenced, "/standing"), {"as_of": "2024-01-26", "window": "30"}
        )
    assert response.status_code == 200
    body = response.json()
    expected = compute(
        cadenced.office,
        end_of_day(dt.date(2024, 1, 26), cadenced.office.zone),
        window_days=30,
        with_projects=True,
    ).as_json()
    assert body == expected
    south, north = body["sides"]
    assert (south["name"], south["attendance_rate"]) == ("The South", 0.25)
    assert north["current_no_show_streak"] == north["longest_no_show_streak"] == 4
    assert body["last_held_meeting"] is None and body["days_since_last_held"] is None
    assert body["window"]["days"] == 30
    # Every status is listed; this office has no projects.
    assert body["projects_by_status"] == dict.fromkeys(
        [
            "proposed",
            "agreed",
            "scheduled",
            "in_progress",
            "postponed",
            "pending",
            "completed",
            "cancelled",
        ],
        0,
    )


def test_standing_defaults_to_now(cadenced, api_as, frozen):
    with frozen(BEFORE_FIRST):
        body = api_as("observer").get(office_url(cadenced, "/standing")).json()
    assert body["as_of"] == "2024-01-05T09:30:00+09:00"


@pytest.mark.parametrize(("query", "status"), [("window=0", 400), ("as_of=2024-13-01", 422)])
def test_standing_refuses_bad_parameters(cadenced, api_as, frozen, query, status):
    with frozen(BEFORE_FIRST):
        response = api_as("observer").get(office_url(cadenced, f"/standing?{query}"))
    assert response.status_code == status
    if status == 400:
        assert response.json()["field"] == "window"
