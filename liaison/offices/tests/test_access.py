"""Who may see an office and who may act for a side. Unknown and not-yours look alike,
and every refusal is logged."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from liaison.lib.errors import NotAllowed
from liaison.offices import access
from liaison.offices import actions as offices
from liaison.offices.commands import EndMembership
from liaison.testing import OPERATOR, T0, make_world

JAN_2 = dt.datetime(2024, 1, 2, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def travel():
    with time_machine.travel(JAN_2, tick=False):
        yield


def test_a_member_gets_the_office_and_their_membership(world, travel):
    office, member = access.get_office_for_user(world.north_deputy.user, world.office.id)
    assert office == world.office
    assert member.pk == world.north_deputy.pk
    assert member.side_key == "north"


def test_an_outsider_and_an_unknown_office_get_the_same_404(world, travel, caplog):
    with caplog.at_level(logging.WARNING, logger="liaison.access"):
        with pytest.raises(Http404) as outsider:
            access.get_office_for_user(world.outsider, world.office.id)
        with pytest.raises(Http404) as unknown:
            access.get_office_for_user(world.outsider, "nowhere")
    assert str(outsider.value) == str(unknown.value) == "No such office."
    assert "refused office testoffice to testoffice-outsider: not an active member" in caplog.text
    assert "refused office nowhere to testoffice-outsider: no such office" in caplog.text


def test_a_member_of_another_office_gets_a_404(world, travel):
    other = make_world("other")
    with pytest.raises(Http404):
        access.get_office_for_user(other.south_head.user, world.office.id)
    assert [o.id for o, _ in access.offices_for(other.south_head.user)] == ["other"]


def test_anonymous_users_are_members_of_nothing(world, travel):
    assert access.membership(AnonymousUser(), world.office) is None
    assert access.offices_for(AnonymousUser()) == []


def test_a_membership_that_ended_no_longer_opens_the_office(world):
    offices.end_membership(
        member=world.north_staff,
        command=EndMembership(active_until=dt.date(2024, 1, 5)),
        actor=OPERATOR,
        now=T0,
    )
    user = world.north_staff.user
    # 15:00 UTC on 5 Jan is already midnight of 6 Jan in Seoul, the office's zone.
    with time_machine.travel(dt.datetime(2024, 1, 5, 14, 0, tzinfo=dt.UTC), tick=False):
        assert access.membership(user, world.office) is not None
    with time_machine.travel(dt.datetime(2024, 1, 5, 15, 0, tzinfo=dt.UTC), tick=False):
        assert access.membership(user, world.office) is None
        assert access.offices_for(user) == []
        with pytest.raises(Http404):
            access.get_office_for_user(user, world.office.id)


def test_heads_and_deputies_speak_for_their_own_side_only(world, caplog):
    access.require_side_speaker(world.south_head, "south")
    access.require_side_speaker(world.north_deputy, "north")
    with caplog.at_level(logging.WARNING, logger="liaison.access"):
        with pytest.raises(NotAllowed, match="you can act only for your own side"):
            access.require_side_speaker(world.south_head, "north")
        with pytest.raises(NotAllowed, match="only your side's head or deputy"):
            access.require_side_speaker(world.south_staff)
        with pytest.raises(NotAllowed, match="observers read"):
            access.require_side_speaker(world.observer)
    assert caplog.text.count("refused") == 3
