import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from liaison.api.models import ApiToken, hash_key
from liaison.api.tests.conftest import BEFORE_FIRST, FIRST, office_url
from liaison.ledger.models import Event
from liaison.offices import actions as offices
from liaison.offices.commands import AddMember, EndMembership
from liaison.testing import OPERATOR, T0, make_world, weekly


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def create(username: str, *extra: str) -> str:
    out, _err = run("create", username, *extra)
    return out.strip()


def bearer(key: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_create_prints_the_key_once_and_stores_only_its_hash(world):
    with time_machine.travel(T0, tick=False):
        out, err = run("create", world.south_head.username, "--name", "nightly report")
    key = out.strip()
    token = ApiToken.objects.get()
    assert len(key) == 64 and token.prefix == key[:8]
    assert token.key_hash == hash_key(key) and key not in token.key_hash
    assert token.name == "nightly report" and token.user == world.south_head.user
    assert token.created_at == T0 and token.last_used_at is None
    assert f"Token {key[:8]}" in err and "shown once" in err
    assert token.member == world.south_head and world.office.id in err


def test_list_shows_prefix_name_and_state_but_never_the_key(world):
    key = create(world.south_head.username, "--name", "script")
    other = create(world.north_head.username)
    out, _ = run("list")
    assert key[:8] in out and other[:8] in out and "script" in out and "active" in out
    assert key not in out
    out, _ = run("list", world.north_head.username)
    assert other[:8] in out and key[:8] not in out


def test_list_with_no_tokens_says_so(world):
    assert run("list")[0].strip() == "No tokens."


def test_revoke_marks_the_token_and_list_shows_it(world):
    key = create(world.south_head.username)
    with time_machine.travel(T0 + dt.timedelta(days=3), tick=False):
        out, _ = run("revoke", key[:8])
    assert f"Revoked token {key[:8]}" in out
    assert ApiToken.objects.get().revoked_at == T0 + dt.timedelta(days=3)
    assert "revoked 2024-01-04" in run("list")[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "nobody"), "no account named 'nobody'"),
        (("list", "nobody"), "no account named 'nobody'"),
        (("revoke", "abc"), "first 8 characters"),
        (("revoke", "00000000"), "no token starts with '00000000'"),
    ],
)
def test_bad_input_is_one_line_command_error(world, args, message):
    with pytest.raises(CommandError, match=message) as raised:
        run(*args)
    assert "\n" not in str(raised.value)


def test_a_name_too_long_is_the_commands_refusal_on_one_line_and_issues_nothing(world):
    with pytest.raises(CommandError, match="the name is longer than 100 characters") as raised:
        run("create", world.south_head.username, "--name", "x" * 101)
    assert "\n" not in str(raised.value)
    assert not ApiToken.objects.exists()


def test_revoking_twice_is_an_error(world):
    key = create(world.south_head.username)
    run("revoke", key[:8])
    with pytest.raises(CommandError, match="already revoked"):
        run("revoke", key[:8])


def test_a_token_signs_in_and_records_last_use(world):
    key = create(world.south_head.username)
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        response = bearer(key).get("/api/offices")
    assert response.status_code == 200
    assert [o["slug"] for o in response.json()] == [world.office.id]
    assert ApiToken.objects.get().last_used_at == T0 + dt.timedelta(hours=1)


def test_a_revoked_token_is_401_even_with_a_signed_in_session(world):
    key = create(world.south_head.username)
    run("revoke", key[:8])
    client = bearer(key)
    client.force_login(world.south_head.user)
    response = client.get("/api/offices")
    assert response.status_code == 401
    assert response.json()["detail"] == "This API token was revoked."


def test_an_unknown_token_is_401(world):
    response = bearer("f" * 64).get("/api/offices")
    assert response.status_code == 401
    assert response.json()["detail"] == "Unknown API token."
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_of_an_inactive_account_is_401(world):
    key = create(world.south_head.username)
    user = world.south_head.user
    user.is_active = False
    user.save()
    assert bearer(key).get("/api/offices").status_code == 401


def test_a_token_writes_without_a_csrf_token(world):
    weekly(world)
    key = create(world.north_head.username)
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {key}"})
    before = Event.objects.count()
    with time_machine.travel(BEFORE_FIRST, tick=False):
        response = client.post(
            office_url(world, f"/sessions/{FIRST}/check-in"), content_type="application/json"
        )
    assert response.status_code == 201
    assert response.json()["attendance"]["north"] == "present"
    assert Event.objects.count() == before + 1


# Scoped to one member of one office


def member_of_a_second_office(world):
    """The South's head is also on the South's staff in office ``elsewhere``."""
    elsewhere = make_world("elsewhere")
    offices.add_member(
        office=elsewhere.office,
        command=AddMember(
            username=world.south_head.username, full_name="South Head", role="staff", side="south"
        ),
        actor=OPERATOR,
        now=T0,
    )
    return elsewhere


def test_a_token_reaches_only_its_members_office(world):
    elsewhere = member_of_a_second_office(world)
    weekly(world)
    weekly(elsewhere)
    key = create(world.south_head.username, "--office", elsewhere.office.id)
    client = bearer(key)
    assert [o["slug"] for o in client.get("/api/offices").json()] == [elsewhere.office.id]
    assert client.get(f"/api/offices/{elsewhere.office.id}/sessions").status_code == 200
    # Its own user's other office reads as unknown, like an office the user is not in.
    theirs = client.get(f"/api/offices/{world.office.id}/sessions")
    unknown = client.get("/api/offices/no-such-office/sessions")
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json() == unknown.json()
    before = Event.objects.count()
    with time_machine.travel(BEFORE_FIRST, tick=False):
        write = client.post(
            office_url(world, f"/sessions/{FIRST}/check-in"), content_type="application/json"
        )
    assert write.status_code == 404 and Event.objects.count() == before


def test_a_member_of_several_offices_names_one(world):
    elsewhere = member_of_a_second_office(world)
    with pytest.raises(CommandError, match="several offices") as raised:
        create(world.south_head.username)
    assert elsewhere.office.id in str(raised.value) and "\n" not in str(raised.value)
    with pytest.raises(CommandError, match="not a member of an office 'nowhere'"):
        create(world.south_head.username, "--office", "nowhere")
    with pytest.raises(CommandError, match="not an active member of any office"):
        create(world.outsider.username)
    assert not ApiToken.objects.exists()


def test_a_token_whose_membership_ended_is_refused_and_none_is_issued_for_it(world):
    key = create(world.north_staff.username)
    offices.end_membership(
        member=world.north_staff,
        command=EndMembership(active_until=dt.date(2024, 1, 31)),
        actor=OPERATOR,
        now=T0,
    )
    with time_machine.travel(dt.datetime(2024, 2, 2, tzinfo=dt.UTC), tick=False):
        response = bearer(key).get("/api/offices")
        assert response.status_code == 401
        assert "membership this API token was issued for has ended" in response.json()["detail"]
        with pytest.raises(CommandError, match="not an active member"):
            create(world.north_staff.username, "--office", world.office.id)


def test_a_token_issued_before_tokens_named_a_member_is_refused_saying_what_to_do(world):
    key = create(world.south_head.username)
    ApiToken.objects.update(member=None)  # as the migration leaves an older token
    response = bearer(key).get("/api/offices")
    assert response.status_code == 401
    assert "ask for a new one" in response.json()["detail"]
    assert "(no office: refused)" in run("list")[0]
