import datetime as dt

import pytest

from liaison.api.tests.conftest import BEFORE_FIRST, FIRST, FIRST_START, office_url
from liaison.ledger.models import Event
from liaison.meetings import attending
from liaison.meetings.commands import CheckInTo, NoticeOfAbsence
from liaison.testing import weekly


def post(client, world, path, body=None):
    return client.post(office_url(world, path), body or {}, content_type="application/json")


# Reading the schedule


def test_sessions_default_to_four_weeks_back_and_eight_ahead_in_utc(cadenced, api_as, frozen):
    with frozen(dt.datetime(2024, 3, 1, 3, 0, tzinfo=dt.UTC)):  # Friday, after the meeting
        body = api_as("observer").get(office_url(cadenced, "/sessions")).json()
    starts = [s["start"] for s in body]
    assert starts[0] == "2024-02-09T01:00:00Z"  # 2 Feb is more than four weeks back
    assert starts[-1] == "2024-04-26T01:00:00Z"
    assert len(body) == 12
    first = body[0]
    assert first["key"] == "weekly-20240209T1000" and first["title"] == "Weekly meeting"
    assert (first["end"], first["grace_end"]) == ("2024-02-09T02:00:00Z", "2024-02-09T01:15:00Z")
    assert (first["status"], first["required_level"]) == ("scheduled", "head")
    assert first["attendance"] == {"south": "no_show", "north": "no_show"}
    assert body[-1]["attendance"] == {"south": "expected", "north": "expected"}


def test_sessions_show_each_sides_attendance(cadenced, api_as, frozen):
    attending.check_in(member=cadenced.south_head, command=CheckInTo(key=FIRST), now=FIRST_START)
    attending.give_notice_of_absence(
        member=cadenced.north_deputy,
        command=NoticeOfAbsence(key=FIRST, reason="recalled"),
        now=BEFORE_FIRST,
    )
    with frozen(FIRST_START + dt.timedelta(hours=2)):
        body = api_as("north_staff").get(
            office_url(cadenced, "/sessions"), {"from": "2024-01-05", "to": "2024-01-05"}
        )
    assert body.status_code == 200
    [session] = body.json()
    assert session["key"] == FIRST
    assert session["attendance"] == {"south": "present", "north": "excused"}


def test_one_end_of_the_range_gives_twelve_weeks_from_it(cadenced, api_as, frozen):
    with frozen(BEFORE_FIRST):
        body = api_as("observer").get(office_url(cadenced, "/sessions?from=2024-01-01")).json()
    assert [s["key"] for s in body][:2] == [FIRST, "weekly-20240112T1000"]
    assert len(body) == 12


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2024-02-01&to=2024-01-01", "to is before from"),
        ("from=2024-01-01&to=2034-01-08", "at most 3660 days"),
    ],
)
def test_a_reversed_or_too_long_range_is_400(cadenced, api_as, frozen, query, message):
    with frozen(BEFORE_FIRST):
        response = api_as("observer").get(office_url(cadenced, f"/sessions?{query}"))
    assert response.status_code == 400
    assert message in response.json()["detail"] and response.json()["field"] == "to"


def test_a_range_of_exactly_3660_days_is_allowed(cadenced, api_as, frozen):
    # 1 January 2024 to 7 January 2034, both days included, is 3660 days.
    with frozen(BEFORE_FIRST):
        response = api_as("observer").get(
            office_url(cadenced, "/sessions?from=2024-01-01&to=2034-01-07")
        )
    assert response.status_code == 200


def test_listing_two_years_of_weekly_sessions_takes_a_fixed_number_of_queries(
    world, api_as, frozen, django_assert_max_num_queries
):
    weekly(world)
    attending.check_in(member=world.south_head, command=CheckInTo(key=FIRST), now=FIRST_START)
    client = api_as("observer")
    with frozen(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)), django_assert_max_num_queries(10):
        response = client.get(office_url(world, "/sessions?from=2024-01-01&to=2025-12-31"))
    assert response.status_code == 200
    assert len(response.json()) == 104


def test_session_detail_shows_check_ins_and_notices(cadenced, api_as, frozen):
    attending.check_in(
        member=cadenced.south_deputy,
        command=CheckInTo(key=FIRST, attendee=cadenced.south_head.username),
        now=FIRST_START,
    )
    attending.give_notice_of_absence(
        member=cadenced.north_head,
        command=NoticeOfAbsence(key=FIRST, reason="recalled"),
        now=BEFORE_FIRST,
    )
    with frozen(FIRST_START + dt.timedelta(minutes=5)):
        body = api_as("observer").get(office_url(cadenced, f"/sessions/{FIRST}")).json()
    south, north = body["sides"]
    assert south["attendance"] == "present"
    assert south["check_in"] == {
        "attendee": "testoffice-south-head",
        "checked_in_by": "testoffice-south-deputy",
        "at": "2024-01-05T01:00:00Z",
    }
    assert north["attendance"] == "excused" and north["check_in"] is None
    assert north["notice"] == {
        "given_by": "testoffice-north-head",
        "reason": "recalled",
        "at": "2024-01-05T00:30:00Z",
    }
    assert body["check_in_open"] is True and body["changeable"] is False
    assert body["held"] is False


def test_an_unknown_session_is_404_for_reads_and_writes_and_writes_nothing(
    cadenced, api_as, frozen
):
    client = api_as("south_head")
    before = Event.objects.count()
    with frozen(BEFORE_FIRST):
        read = client.get(office_url(cadenced, "/sessions/weekly-20240106T1000"))
        write = post(client, cadenced, "/sessions/weekly-20240106T1000/check-in")
        cancel = post(client, cadenced, "/sessions/nope/cancel", {"reason": "x"})
    assert read.status_code == write.status_code == cancel.status_code == 404
    assert read.json() == {"detail": "No such session.", "field": None}
    assert Event.objects.count() == before


# Checking in


def test_check_in_records_attendance_and_answers_with_the_session(cadenced, api_as, frozen):
    with frozen(FIRST_START + dt.timedelta(minutes=10)):
        response = post(api_as("north_head"), cadenced, f"/sessions/{FIRST}/check-in")
    assert response.status_code == 201
    assert response.json()["attendance"] == {"south": "expected", "north": "late"}


def test_check_in_after_the_grace_period_is_409_and_writes_nothing(cadenced, api_as, frozen):
    before = Event.objects.count()
    with frozen(FIRST_START + dt.timedelta(minutes=15, seconds=1)):
        response = post(api_as("south_head"), cadenced, f"/sessions/{FIRST}/check-in")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "the grace period ended at Fri 05 Jan 2024 10:15 KST; "
        "your side is recorded as a no-show",
        "field": None,
    }
    assert Event.objects.count() == before


def test_a_second_check_in_is_409_and_writes_nothing(cadenced, api_as, frozen):
    client = api_as("south_head")
    with frozen(BEFORE_FIRST):
        assert post(client, cadenced, f"/sessions/{FIRST}/check-in").status_code == 201
        before = Event.objects.count()
        again = post(api_as("south_deputy"), cadenced, f"/sessions/{FIRST}/check-in")
    assert again.status_code == 409
    assert again.json()["detail"] == "your side already checked in at Fri 05 Jan 2024 09:30 KST"
    assert Event.objects.count() == before


def test_a_deputy_alone_does_not_meet_a_head_level_session(cadenced, api_as, frozen):
    before = Event.objects.count()
    with frozen(BEFORE_FIRST):
        response = post(api_as("south_deputy"), cadenced, f"/sessions/{FIRST}/check-in")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "this session needs the head of your side to attend",
        "field": "attendee",
    }
    assert Event.objects.count() == before


def test_checking_in_an_unknown_member_is_400(cadenced, api_as, frozen):
    with frozen(BEFORE_FIRST):
        response = post(
            api_as("south_head"), cadenced, f"/sessions/{FIRST}/check-in", {"attendee": "ghost"}
        )
    assert response.status_code == 400 and response.json()["field"] == "attendee"


def test_check_in_to_a_cancelled_session_is_409(cadenced, api_as, frozen):
    with frozen(BEFORE_FIRST):
        cancel = post(api_as("north_head"), cadenced, f"/sessions/{FIRST}/cancel", {"reason": "x"})
        check_in = post(api_as("south_head"), cadenced, f"/sessions/{FIRST}/check-in")
    assert cancel.status_code == 200 and cancel.json()["status"] == "cancelled"
    assert cancel.json()["attendance"] == {"south": "not_due", "north": "not_due"}
    assert check_in.status_code == 409


# Scheduling and changing sessions


def test_an_ad_hoc_session_is_scheduled_with_an_offset_start(cadenced, api_as, frozen):
    with frozen(BEFORE_FIRST):
        response = post(
            api_as("north_deputy"),
            cadenced,
            "/sessions",
            {
                "title": "Rail-link study",
                "start": "2024-01-10T14:00:00+08:30",
                "duration_minutes": 90,
                "grace_minutes": 10,
                "required_level": "deputy",
            },
        )
    assert response.status_code == 201
    proposal = response.json()
    assert (proposal["kind"], proposal["subject"]) == ("session", "adhoc-20240110T1430")
    assert (proposal["side"], proposal["state"]) == ("north", "open")
    assert proposal["answer_by"] == "2024-01-10T05:30:00Z"  # its start, by default
    with frozen(BEFORE_FIRST):
        body = (
            api_as("observer")
            .get(f"/api/offices/{cadenced.office.slug}/sessions/adhoc-20240110T1430")
            .json()
        )
    assert body["status"] == "proposed" and body["binds"] == []
    assert body["start"] == "2024-01-10T05:30:00Z"
    with frozen(BEFORE_FIRST):
        accepted = post(api_as("south_head"), cadenced, f"/proposals/{proposal['key']}/accept", {})
        body = (
            api_as("observer")
            .get(f"/api/offices/{cadenced.office.slug}/sessions/adhoc-20240110T1430")
            .json()
        )
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert body["key"] == "adhoc-20240110T1430" and body["cadence"] is None
    assert (body["status"], body["proposed_by"]) == ("scheduled", "north")
    assert body["binds"] == ["south", "north"]
    assert body["grace_end"] == "2024-01-10T05:40:00Z"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "/sessions",
            {
                "title": "Naive",
                "start": "2024-01-10T14:00:00",
                "duration_minutes": 60,
                "grace_minutes": 10,
            },
        ),
        (f"/sessions/{FIRST}/move", {"start": "2024-01-06T10:00:00", "reason": "naive"}),
    ],
)
def test_a_naive_datetime_is_400_and_writes_nothing(cadenced, api_as, frozen, path, body):
    before = Event.objects.count()
    with frozen(BEFORE_FIRST):
        response = post(api_as("south_head"), cadenced, path, body)
    assert response.status_code == 400
    assert response.json()["field"] == "start"
    assert "no UTC offset" in response.json()["detail"]
    assert Event.objects.count() == before


def test_a_session_in_the_past_is_400(cadenced, api_as, frozen):
    with frozen(BEFORE_FIRST):
        response = post(
            api_as("south_head"),
            cadenced,
            "/sessions",
            {
                "title": "Too late",
                "start": "2024-01-01T10:00:00+09:00",
                "duration_minutes": 60,
                "grace_minutes": 10,
            },
        )
    assert response.status_code == 400
    assert response.json() == {"detail": "a new session must start in the future", "field": "start"}


def test_a_body_that_breaks_the_schema_is_422_and_writes_nothing(cadenced, api_as, frozen):
    before = Event.objects.count()
    with frozen(BEFORE_FIRST):
        response = post(
            api_as("south_head"),
            cadenced,
            "/sessions",
            {"title": "", "start": "soon", "duration_minutes": 0, "grace_minutes": 10},
        )
    assert response.status_code == 422
    assert Event.objects.count() == before


def test_moving_a_session_changes_its_start_and_keeps_its_key(cadenced, api_as, frozen):
    with frozen(BEFORE_FIRST):
        response = post(
            api_as("north_head"),
            cadenced,
            f"/sessions/{FIRST}/move",
            {"start": "2024-01-06T11:00:00+09:00", "reason": "snow"},
        )
    assert response.status_code == 201
    proposal = response.json()
    assert (proposal["kind"], proposal["subject"], proposal["state"]) == ("move", FIRST, "open")
    url = f"/api/offices/{cadenced.office.slug}/sessions/{FIRST}"
    with frozen(BEFORE_FIRST):
        unmoved = api_as("observer").get(url).json()
        post(api_as("south_deputy"), cadenced, f"/proposals/{proposal['key']}/accept", {})
        body = api_as("observer").get(url).json()
    assert unmoved["start"] == "2024-01-05T01:00:00Z"
    assert (body["key"], body["start"]) == (FIRST, "2024-01-06T02:00:00Z")
    assert body["original_start"] == "2024-01-05T01:00:00Z"
    assert body["status_reason"] == "snow"


def test_a_session_that_started_cannot_be_postponed(cadenced, api_as, frozen):
    before = Event.objects.count()
    with frozen(FIRST_START + dt.timedelta(minutes=1)):
        response = post(
            api_as("south_head"), cadenced, f"/sessions/{FIRST}/postpone", {"reason": "late"}
        )
    assert response.status_code == 409
    assert "can no longer be changed" in response.json()["detail"]
    assert Event.objects.count() == before


def test_notice_after_the_start_is_409(cadenced, api_as, frozen):
    with frozen(FIRST_START):
        response = post(
            api_as("north_head"), cadenced, f"/sessions/{FIRST}/absence", {"reason": "ill"}
        )
    assert response.status_code == 409
    assert response.json()["detail"] == "notice of absence must be given before the session starts"
