"""What each member is shown of the operator's acts: those on their own account; a head
or deputy also those on their side's members and memberships; nobody those on the other
side's accounts. In one query, in words, newest first, within the last 30 days."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from liaison.offices import actions
from liaison.offices.commands import (
    AddMember,
    ChangeMember,
    CharterOffice,
    CharterSide,
    EndMembership,
)
from liaison.offices.overview import operator_acts_for
from liaison.testing import OPERATOR, T0, make_user

pytestmark = pytest.mark.django_db

LATER = T0 + dt.timedelta(days=3)  # Thu 4 Jan 2024, 09:00 in Seoul


def texts(member, now=LATER) -> list[str]:
    return [act.text for act in operator_acts_for(member, now)]


@pytest.fixture
def reset(world):
    """The operator resets the South staff's password three days after the charter."""
    with time_machine.travel(LATER, tick=False):
        user = world.south_staff.user
        user.set_password("the operator's choice")
        user.save()
    return world


def test_the_member_and_their_sides_heads_see_a_reset_and_the_other_side_does_not(reset):
    world = reset
    assert texts(world.south_staff)[0] == "The operator reset your password"
    for speaker in (world.south_head, world.south_deputy):
        assert texts(speaker)[0] == "The operator reset South Staff's password"
    for other in (world.north_head, world.north_deputy, world.north_staff, world.observer):
        assert not any("South Staff" in text for text in texts(other)), other.username


def test_staff_see_only_acts_on_their_own_account(world):
    assert texts(world.south_staff) == ["The operator added you as staff of The South"]
    assert texts(world.observer) == ["The operator added you as observer on neither side"]


def test_the_operator_adding_himself_to_a_side_is_shown_to_its_heads_at_once(world):
    actions.add_member(
        office=world.office,
        command=AddMember(username=OPERATOR, full_name="The Operator", role="staff", side="south"),
        actor=OPERATOR,
        now=LATER,
    )
    assert texts(world.south_head)[0] == "The operator added The Operator as staff of The South"
    assert "The Operator" not in " ".join(texts(world.north_head))


def test_membership_changes_and_ends_read_as_what_changed(world):
    actions.change_member(
        member=world.north_staff,
        command=ChangeMember(full_name="North Staff", title="Counsellor", role="deputy"),
        actor="root",
        now=LATER,
    )
    actions.end_membership(
        member=world.north_deputy,
        command=EndMembership(active_until=dt.date(2024, 1, 31)),
        actor=OPERATOR,
        now=LATER + dt.timedelta(minutes=1),
    )
    assert texts(world.north_head, LATER + dt.timedelta(minutes=1))[:2] == [
        "The operator ended North Deputy's membership (last day 2024-01-31)",
        "The operator (root) changed North Staff's title and role (now deputy)",
    ]


def test_acts_older_than_thirty_days_or_not_yet_made_are_not_shown(reset):
    world = reset
    assert texts(world.south_head, LATER + dt.timedelta(days=30, seconds=1)) == []
    assert "The operator reset South Staff's password" not in texts(
        world.south_head, LATER - dt.timedelta(seconds=1)
    )


def test_each_office_shows_its_own_copy_of_an_act_on_an_account_in_both(world):
    second = actions.charter_office(
        command=CharterOffice(
            slug="second",
            name="Second",
            place="Kaesong",
            time_zone="Asia/Seoul",
            launched_on=T0.date(),
            sides=(
                CharterSide(key="east", name="The East", language="en", time_zone="UTC"),
                CharterSide(key="west", name="The West", language="en", time_zone="UTC"),
            ),
        ),
        actor=OPERATOR,
        now=T0,
    )
    other = actions.add_member(
        office=second,
        command=AddMember(
            username=world.south_staff.username, full_name="South Staff", role="staff", side="east"
        ),
        actor=OPERATOR,
        now=T0,
    )
    user = world.south_staff.user
    user.is_active = False
    with time_machine.travel(LATER, tick=False):
        user.save()
    assert texts(world.south_staff)[0] == "The operator deactivated your account"
    assert texts(other)[0] == "The operator deactivated your account"


def test_the_read_model_is_one_query_however_many_acts(reset, django_assert_num_queries):
    world = reset
    for number in range(30):
        make_user(f"extra-{number}")
        actions.add_member(
            office=world.office,
            command=AddMember(
                username=f"extra-{number}", full_name=f"Extra {number}", role="staff", side="south"
            ),
            actor=OPERATOR,
            now=LATER,
        )
    with django_assert_num_queries(1):
        shown = operator_acts_for(world.south_head, LATER)
    assert len(shown) == 20


def test_the_dashboard_shows_the_acts_to_the_side_and_not_to_the_other_side(reset):
    world = reset
    south, north = Client(), Client()
    south.force_login(world.south_head.user)
    north.force_login(world.north_head.user)
    url = reverse("office-dashboard", args=[world.office.slug])
    with time_machine.travel(LATER, tick=False):
        seen, unseen = south.get(url).text, north.get(url).text
    assert escape("The operator reset South Staff's password on Thu 4 Jan 2024, 09:00 KST.") in seen
    assert escape("South Staff's password") not in unseen


def test_the_operator_account_acts_need_a_real_user(world):
    # An account with no membership is told nowhere: no office to tell.
    lone = get_user_model().objects.create_user("lone", password="x" * 12)
    lone.set_password("y" * 12)
    lone.save()
    assert (
        actions.record_operator_act(
            user=lone, kind="account.password_set", actor=OPERATOR, now=LATER
        )
        == []
    )
