"""The minutes through the API: drafting, proposing, both heads signing, corrections."""

import contextlib
import datetime as dt
import hashlib

import pytest

from liaison.api.tests.conftest import AFTER_FIRST, FIRST, office_url
from liaison.ledger.models import Event
from liaison.records import minutes
from liaison.records.commands import ProposeMinutes, SaveMinutes, SignMinutes
from liaison.records.models import MinutesVersion
from liaison.testing import hold, weekly

MINUTES = f"/sessions/{FIRST}/minutes"
TEXT = "1. The two sides reaffirmed the declaration.\n2. They will study the rail link."


@pytest.fixture
def held(world):
    weekly(world)
    hold(world)
    return world


@contextlib.contextmanager
def no_new_events():
    before = Event.objects.count()
    yield
    assert Event.objects.count() == before


def post(client, world, path, body=None):
    return client.post(office_url(world, path), body, content_type="application/json")


def save(client, world, base_version, text, **extra):
    return post(client, world, MINUTES, {"base_version": base_version, "text": text, **extra})


def test_both_heads_sign_the_proposed_version_and_it_is_agreed(held, api_as, frozen):
    with frozen(AFTER_FIRST):
        saved = save(api_as("north_staff"), held, 0, TEXT)
    with frozen(AFTER_FIRST + dt.timedelta(minutes=10)):
        proposed = post(api_as("south_deputy"), held, f"{MINUTES}/1/propose")
    with frozen(AFTER_FIRST + dt.timedelta(minutes=20)):
        south = post(api_as("south_head"), held, f"{MINUTES}/1/sign")
    with frozen(AFTER_FIRST + dt.timedelta(minutes=30)):
        north = post(api_as("north_head"), held, f"{MINUTES}/1/sign")
        read = api_as("observer").get(office_url(held, MINUTES))

    assert saved.status_code == 201
    assert (saved.json()["status"], saved.json()["latest_version"]) == ("draft", 1)
    assert proposed.status_code == 200
    assert (proposed.json()["status"], proposed.json()["proposed_version"]) == ("proposed", 1)
    # One head's signature does not make the minutes binding.
    assert south.status_code == 200
    assert (south.json()["status"], south.json()["agreed_version"]) == ("proposed", None)
    assert [s["side"] for s in south.json()["versions"][0]["signatures"]] == ["south"]
    assert north.status_code == 200
    assert read.json() == north.json()
    body = read.json()
    assert (body["status"], body["agreed_version"]) == ("agreed", 1)
    [version] = body["versions"]
    digest = hashlib.sha256(TEXT.encode()).hexdigest()
    assert version == {
        "version": 1,
        "text": TEXT,
        "content_hash": digest,
        "saved_by": "testoffice-north-staff",
        "side": "north",
        "saved_at": "2024-01-05T03:00:00Z",
        "based_on": None,
        "correction_reason": "",
        "proposed_by": "testoffice-south-deputy",
        "proposed_at": "2024-01-05T03:10:00Z",
        "agreed_at": "2024-01-05T03:30:00Z",
        "signatures": [
            {
                "side": "south",
                "signed_by": "testoffice-south-head",
                "signed_at": "2024-01-05T03:20:00Z",
                "content_hash": digest,
            },
            {
                "side": "north",
                "signed_by": "testoffice-north-head",
                "signed_at": "2024-01-05T03:30:00Z",
                "content_hash": digest,
            },
        ],
    }


def agree(world, text=TEXT):
    """Version 1 saved, proposed and signed by both heads (through the actions)."""
    minutes.save_minutes(
        member=world.south_staff,
        command=SaveMinutes(session=FIRST, base_version=0, text=text),
        now=AFTER_FIRST,
    )
    minutes.propose_minutes(
        member=world.south_head, command=ProposeMinutes(session=FIRST, version=1), now=AFTER_FIRST
    )
    for head in (world.south_head, world.north_head):
        minutes.sign_minutes(
            member=head, command=SignMinutes(session=FIRST, version=1), now=AFTER_FIRST
        )


def test_changing_agreed_minutes_is_a_correction_with_a_reason(held, api_as, frozen):
    agree(held)
    corrected = TEXT.replace("rail link", "rail and road links")
    with frozen(AFTER_FIRST + dt.timedelta(days=1)):
        with no_new_events():
            no_reason = save(api_as("north_head"), held, 1, corrected)
        correction = save(
            api_as("north_head"), held, 1, corrected, correction_reason="roads were agreed too"
        )
    assert no_reason.status_code == 400
    assert no_reason.json()["field"] == "correction_reason"
    assert no_reason.json()["detail"].startswith("version 1 is agreed: both heads signed it")
    assert correction.status_code == 201
    body = correction.json()
    # The signed version stays binding while the correction awaits both signatures.
    assert (body["status"], body["latest_version"], body["agreed_version"]) == ("draft", 2, 1)
    assert [v["version"] for v in body["versions"]] == [2, 1]
    latest = body["versions"][0]
    assert (latest["based_on"], latest["correction_reason"]) == (1, "roads were agreed too")
    assert latest["signatures"] == [] and latest["agreed_at"] is None


def test_a_superseded_version_cannot_be_signed(held, api_as, frozen):
    with frozen(AFTER_FIRST):
        save(api_as("south_staff"), held, 0, TEXT)
        post(api_as("south_head"), held, f"{MINUTES}/1/propose")
        save(api_as("north_staff"), held, 1, TEXT + "\n3. Next meeting in a week.")
        with no_new_events():
            response = post(api_as("north_head"), held, f"{MINUTES}/1/sign")
    assert response.status_code == 400
    assert response.json() == {"detail": "version 1 is superseded by version 2", "field": "version"}


def test_a_head_cannot_sign_twice_and_a_deputy_cannot_sign(held, api_as, frozen):
    with frozen(AFTER_FIRST):
        save(api_as("south_staff"), held, 0, TEXT)
        post(api_as("north_head"), held, f"{MINUTES}/1/propose")
        assert post(api_as("south_head"), held, f"{MINUTES}/1/sign").status_code == 200
        with no_new_events():
            twice = post(api_as("south_head"), held, f"{MINUTES}/1/sign")
            deputy = post(api_as("north_deputy"), held, f"{MINUTES}/1/sign")
    assert twice.status_code == 400
    assert twice.json() == {"detail": "your side has already signed version 1", "field": "version"}
    assert deputy.status_code == 403
    assert deputy.json() == {
        "detail": "only the heads of the two sides sign minutes",
        "field": None,
    }


def test_a_signature_naming_another_texts_hash_is_refused_and_the_true_one_signs(
    held, api_as, frozen
):
    with frozen(AFTER_FIRST):
        save(api_as("south_staff"), held, 0, TEXT)
        post(api_as("north_head"), held, f"{MINUTES}/1/propose")
        other = hashlib.sha256(b"a text nobody proposed").hexdigest()
        with no_new_events():
            wrong = post(api_as("south_head"), held, f"{MINUTES}/1/sign", {"content_hash": other})
            malformed = post(
                api_as("south_head"), held, f"{MINUTES}/1/sign", {"content_hash": "abc"}
            )
        true = hashlib.sha256(TEXT.encode()).hexdigest()
        signed = post(api_as("south_head"), held, f"{MINUTES}/1/sign", {"content_hash": true})
    assert wrong.status_code == 400
    assert wrong.json()["field"] == "content_hash"
    assert f"version 1's content hash is {true}, not {other}" in wrong.json()["detail"]
    assert "nothing was signed" in wrong.json()["detail"]
    assert malformed.status_code == 422
    assert signed.status_code == 200
    assert signed.json()["versions"][0]["signatures"][0]["content_hash"] == true


def test_a_version_not_proposed_cannot_be_signed(held, api_as, frozen):
    with frozen(AFTER_FIRST):
        save(api_as("south_staff"), held, 0, TEXT)
        with no_new_events():
            response = post(api_as("north_head"), held, f"{MINUTES}/1/sign")
    assert response.status_code == 400
    assert response.json()["detail"] == "version 1 has not been proposed for signature"


def test_two_saves_from_one_version_conflict_and_the_second_sees_the_first(held, api_as, frozen):
    with frozen(AFTER_FIRST):
        save(api_as("south_staff"), held, 0, TEXT)
        first = save(api_as("south_head"), held, 1, TEXT + "\n3. Next meeting on 12 January.")
        with no_new_events():
            second = save(api_as("north_head"), held, 1, TEXT + "\n3. Next meeting in February.")
    assert first.status_code == 201
    assert second.status_code == 409
    body = second.json()
    assert (body["field"], body["current"]) == ("base_version", 2)
    assert "testoffice-south-head saved version 2" in body["detail"]
    assert "-3. Next meeting on 12 January." in body["changes"]
    assert "+3. Next meeting in February." in body["changes"]
    assert MinutesVersion.objects.count() == 2


def test_minutes_for_a_session_not_held_are_400(world, api_as, frozen):
    weekly(world)
    with frozen(AFTER_FIRST), no_new_events():
        response = save(api_as("south_head"), world, 0, TEXT)
    assert response.status_code == 400
    assert response.json()["field"] == "session"
    assert "was not held (The South: no show, The North: no show)" in response.json()["detail"]


def test_a_session_without_minutes_is_404_to_read_and_400_to_propose(held, api_as, frozen):
    with frozen(AFTER_FIRST), no_new_events():
        read = api_as("north_staff").get(office_url(held, MINUTES))
        propose = post(api_as("north_head"), held, f"{MINUTES}/1/propose")
    assert read.status_code == 404
    assert read.json() == {"detail": "This session has no minutes yet.", "field": None}
    assert propose.status_code == 400
    assert propose.json() == {"detail": f"session {FIRST} has no minutes yet", "field": "session"}


def test_empty_minutes_are_400(held, api_as, frozen):
    with frozen(AFTER_FIRST), no_new_events():
        response = save(api_as("south_head"), held, 0, "   ")
    assert response.status_code == 400 and response.json()["field"] == "text"


def many_versions(world, count):
    """``count`` versions, each proposed and signed by both heads, then corrected."""
    agree(world, "Version 1.")
    for version in range(2, count + 1):
        minutes.save_minutes(
            member=world.north_staff,
            command=SaveMinutes(
                session=FIRST,
                base_version=version - 1,
                text=f"Version {version}.",
                correction_reason="a correction",
            ),
            now=AFTER_FIRST,
        )
        minutes.propose_minutes(
            member=world.north_head,
            command=ProposeMinutes(session=FIRST, version=version),
            now=AFTER_FIRST,
        )
        for head in (world.south_head, world.north_head):
            minutes.sign_minutes(
                member=head, command=SignMinutes(session=FIRST, version=version), now=AFTER_FIRST
            )


@pytest.mark.parametrize("count", [1, 6])
def test_the_minutes_take_a_fixed_number_of_queries_however_many_versions(
    held, api_as, frozen, django_assert_num_queries, count
):
    many_versions(held, count)
    client = api_as("observer")
    # Session and user (2), office and membership (2), finding the session (2),
    # the minutes, their versions and the versions' signatures (3).
    with frozen(AFTER_FIRST), django_assert_num_queries(9):
        response = client.get(office_url(held, MINUTES))
    body = response.json()
    assert len(body["versions"]) == count
    assert all(len(v["signatures"]) == 2 for v in body["versions"])
    assert body["agreed_version"] == count
