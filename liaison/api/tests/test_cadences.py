import datetime as dt

from liaison.api.tests.conftest import BEFORE_FIRST, office_url
from liaison.ledger.models import Event

MONTHLY = {
    "key": "monthly",
    "title": "Monthly review",
    "rule": "FREQ=MONTHLY;BYMONTHDAY=1",
    "starts_on": "2024-02-01",
    "start_time": "10:00",
    "duration_minutes": 90,
    "grace_minutes": 15,
    "required_level": "deputy",
}


def post(client, world, body):
    return client.post(office_url(world, "/cadences"), body, content_type="application/json")


def accept(client, world, proposal):
    """The other side's head or deputy accepts the proposal the API answered with."""
    url = office_url(world, f"/proposals/{proposal['key']}/accept")
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_new_cadence_is_version_one_in_force_from_now(cadenced, api_as, frozen):
    with frozen(BEFORE_FIRST):
        response = post(api_as("north_deputy"), cadenced, MONTHLY)
        proposed = api_as("observer").get(office_url(cadenced, "/cadences")).json()
        accepted = accept(api_as("south_head"), cadenced, response.json())
        listing = api_as("observer").get(office_url(cadenced, "/cadences")).json()
        sessions = api_as("observer").get(
            office_url(cadenced, "/sessions?from=2024-02-01&to=2024-02-01")
        )
    assert response.status_code == 201
    proposal = response.json()
    assert (proposal["kind"], proposal["subject"], proposal["side"]) == (
        "cadence",
        "monthly",
        "north",
    )
    assert [c["key"] for c in proposed["current"]] == ["weekly"]  # not before it is accepted
    assert accepted["state"] == "accepted"
    body = next(c for c in listing["current"] if c["key"] == "monthly")
    assert (body["version"], body["set_by"], body["proposed_by"], body["accepted_by"]) == (
        1,
        "testoffice-north-deputy",
        "north",
        "testoffice-south-head",
    )
    assert body["valid_from"] == "2024-01-05T00:30:00Z"
    assert [c["key"] for c in listing["current"]] == ["monthly", "weekly"]
    assert [s["key"] for s in sessions.json()] == ["monthly-20240201T1000"]


def test_a_change_with_a_future_effective_date_is_a_new_version(cadenced, api_as, frozen):
    change = {
        **MONTHLY,
        "key": "weekly",
        "rule": "FREQ=WEEKLY;BYDAY=TH",
        "effective": "2024-02-01T00:00:00+09:00",
        "reason": "Fridays clash",
    }
    with frozen(BEFORE_FIRST):
        response = post(api_as("south_head"), cadenced, change)
        accept(api_as("north_deputy"), cadenced, response.json())
        listing = api_as("observer").get(office_url(cadenced, "/cadences")).json()
    assert response.status_code == 201
    assert [(c["version"], c["valid_until"]) for c in listing["current"]] == [
        (1, "2024-01-31T15:00:00Z"),
        (2, None),
    ]


def test_a_change_cannot_reach_back(cadenced, api_as, frozen):
    before = Event.objects.count()
    with frozen(BEFORE_FIRST):
        response = post(
            api_as("south_head"), cadenced, {**MONTHLY, "effective": "2024-01-02T00:00:00Z"}
        )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "a cadence change cannot start in the past",
        "field": "effective",
    }
    assert Event.objects.count() == before


def test_a_naive_effective_date_is_400(cadenced, api_as, frozen):
    with frozen(BEFORE_FIRST):
        response = post(
            api_as("south_head"), cadenced, {**MONTHLY, "effective": "2024-03-01T00:00:00"}
        )
    assert response.status_code == 400 and response.json()["field"] == "effective"


def test_a_bad_rule_is_400_naming_the_rule(cadenced, api_as, frozen):
    before = Event.objects.count()
    with frozen(BEFORE_FIRST):
        response = post(api_as("south_head"), cadenced, {**MONTHLY, "rule": "FREQ=HOURLY"})
    assert response.status_code == 400 and response.json()["field"] == "rule"
    assert Event.objects.count() == before


def test_a_bad_key_is_a_schema_error(cadenced, api_as, frozen):
    with frozen(BEFORE_FIRST):
        response = post(api_as("south_head"), cadenced, {**MONTHLY, "key": "Weekly Meeting"})
    assert response.status_code == 422


def test_ended_versions_are_history(cadenced, api_as, frozen):
    change = {**MONTHLY, "key": "weekly", "effective": "2024-01-20T00:00:00Z"}
    with frozen(BEFORE_FIRST):
        accept(api_as("north_head"), cadenced, post(api_as("south_head"), cadenced, change).json())
    with frozen(dt.datetime(2024, 1, 21, tzinfo=dt.UTC)):
        listing = api_as("observer").get(office_url(cadenced, "/cadences")).json()
    assert [c["version"] for c in listing["history"]] == [1]
    assert [c["version"] for c in listing["current"]] == [2]


def end(client, world, key, body):
    return client.post(
        office_url(world, f"/cadences/{key}/end"), body, content_type="application/json"
    )


def test_ending_a_cadence_makes_it_history_and_drops_later_sessions(cadenced, api_as, frozen):
    with frozen(BEFORE_FIRST):
        response = end(
            api_as("north_head"),
            cadenced,
            "weekly",
            {"reason": "Talks suspended", "effective": "2024-01-13T00:00:00+09:00"},
        )
        still = api_as("observer").get(office_url(cadenced, "/cadences")).json()
        accept(api_as("south_deputy"), cadenced, response.json())
        after = api_as("observer").get(office_url(cadenced, "/cadences")).json()
    with frozen(dt.datetime(2024, 1, 21, tzinfo=dt.UTC)):
        listing = api_as("observer").get(office_url(cadenced, "/cadences")).json()
        sessions = api_as("observer").get(
            office_url(cadenced, "/sessions?from=2024-01-01&to=2024-01-31")
        )
    assert response.status_code == 201 and response.json()["kind"] == "cadence_end"
    assert [(c["key"], c["valid_until"]) for c in still["current"]] == [("weekly", None)]
    assert [(c["key"], c["valid_until"]) for c in after["current"]] == [
        ("weekly", "2024-01-12T15:00:00Z")
    ]
    assert listing["current"] == [] and [c["key"] for c in listing["history"]] == ["weekly"]
    ended = listing["history"][0]
    assert (ended["ended_by"], ended["end_accepted_by"], ended["end_reason"]) == (
        cadenced.north_head.username,
        cadenced.south_deputy.username,
        "Talks suspended",
    )
    assert [s["key"] for s in sessions.json()] == ["weekly-20240105T1000", "weekly-20240112T1000"]


def test_ending_an_unknown_cadence_is_400_naming_the_key(cadenced, api_as, frozen):
    before = Event.objects.count()
    with frozen(BEFORE_FIRST):
        response = end(api_as("south_head"), cadenced, "monthly", {"reason": "Suspended"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "there is no cadence 'monthly' in this office",
        "field": "key",
    }
    assert Event.objects.count() == before


def test_ending_a_cadence_without_a_reason_is_a_schema_error(cadenced, api_as, frozen):
    with frozen(BEFORE_FIRST):
        response = end(api_as("south_head"), cadenced, "weekly", {"reason": ""})
    assert response.status_code == 422
