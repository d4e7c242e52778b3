"""Checkpoints and keys through the API: the list a side saves to keep, a checkpoint on
demand, and each side's keys."""

from __future__ import annotations

import base64

from liaison.bundle import check, export
from liaison.signing import formats, keys
from liaison.signing.commands import RotateKey

from .conftest import AFTER_FIRST, office_url, recorded


def test_a_head_signs_on_demand_and_the_list_is_what_verify_against_reads(world, api_as, frozen):
    recorded(world)
    with frozen(AFTER_FIRST):
        made = api_as("north_deputy").post(office_url(world, "/checkpoints"))
        listed = api_as("observer").get(office_url(world, "/checkpoints"))
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["side"], body["witnessed"], body["reason"]) == ("north", "cosigned", "demand")
    statement = base64.b64decode(body["statement"])
    assert formats.parse_checkpoint_statement(statement)["root"] == body["root"]
    kept = listed.json()["checkpoints"]
    assert [c["size"] for c in kept] == [body["size"]]
    report = check.check(export.build(world.office.id, now=AFTER_FIRST), kept)
    assert report.problems == [] and report.kept == 1


def test_the_keys_name_each_sides_public_key_in_force(world, api_as, frozen):
    recorded(world)
    with frozen(AFTER_FIRST):
        api_as("south_head").post(office_url(world, "/checkpoints"))
        keys = api_as("north_staff").get(office_url(world, "/keys")).json()
    assert [(k["side"], k["valid_from_size"], k["valid_until_size"]) for k in keys] == [
        ("south", 0, None),
        ("north", 0, None),
    ]
    for key in keys:
        assert formats.fingerprint(bytes.fromhex(key["public_key"])) == key["fingerprint"]


def test_the_keys_say_why_a_side_rotated_to_them(world, api_as, frozen):
    recorded(world)
    keys.rotate(
        member=world.north_head,
        command=RotateKey(reason="The old key was exposed."),
        now=AFTER_FIRST,
    )
    with frozen(AFTER_FIRST):
        listed = api_as("south_staff").get(office_url(world, "/keys")).json()
    assert [(k["side"], k["valid_until_size"] is None, k["reason"]) for k in listed] == [
        ("south", True, ""),
        ("north", False, ""),
        ("north", True, "The old key was exposed."),
    ]


def test_an_empty_log_has_nothing_to_sign(world, api_as, frozen):
    with frozen(AFTER_FIRST):
        response = api_as("north_head").post(office_url(world, "/checkpoints"))
    assert response.status_code == 409  # the office's state, not the request, is at fault
    assert response.json()["detail"] == "your side's log is empty: there is nothing to sign yet"
