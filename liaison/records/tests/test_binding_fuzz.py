"""Hypothesis on the binding rule: minutes bind when, and only when, both heads signed
the same version's content hash (and nothing has superseded that version).

A rule-based state machine lets the heads, deputies and staff of both sides and the
observer save versions (some from a stale base, some as corrections), propose versions
and sign them, valid attempts and refused ones alike, through the domain actions. A
model of a few lines says what each attempt should do, read from ``records.minutes``:

- save: any side member; from the current version; not the same text; a change to
  agreed minutes must give a correction reason, any other change must not;
- propose: a head or deputy; the latest version; not agreed, not already proposed;
- sign: a head; the latest version, proposed, not yet signed by that head's side;
  ``key_valid`` (below) must hold for the side's signing key at that instant.

After every step: an attempt the model refuses raised ``Refused`` and wrote no event;
one it allows wrote its ``minutes.*`` event; the minutes are agreed exactly when both
sides signed the latest version's content hash; every version is agreed exactly when
both sides' signatures name its content hash; the agreed version is the latest one so
agreed (it stays binding while a correction is drafted).

Signing keys: ``key_valid`` always says yes here, because the domain action always
signs with the side's current key. "With keys valid at that point" is tested where it
can fail, on the offline verifier: ``liaison/bundle/tests/test_binding_keys.py`` draws
key rotations and signatures by current, retired, the other side's and unregistered
keys in synthetic bundles, and checks which versions bind against a model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from liaison.ledger.models import Event
from liaison.lib.errors import Refused
from liaison.offices.models import Member
from liaison.records import minutes as minutes_actions
from liaison.records.commands import ProposeMinutes, SaveMinutes, SignMinutes
from liaison.records.models import Minutes, MinutesStatus, MinutesVersion
from liaison.testing import FIRST_SESSION, FIRST_START, World, hold, weekly

ACTORS = [
    "south_head",
    "south_deputy",
    "south_staff",
    "north_head",
    "north_deputy",
    "north_staff",
    "observer",
]
SIDES = ("south", "north")
# Mostly the members who may act, so that runs reach proposals, signatures and
# agreements; anyone at all the rest of the time.
SPEAKERS = st.sampled_from(["south_head", "south_deputy", "north_head", "north_deputy"])
HEADS = st.sampled_from(["south_head", "north_head"])
ANYONE = st.sampled_from(ACTORS)
# Mostly the latest version; sometimes an earlier one.
BACK = st.sampled_from([0, 0, 0, 1, 2])
TEXTS = ["The sides met.", "The sides met and agreed a rail study.", "  ", "The sides disagreed."]


class Version:
    def __init__(self, text: str) -> None:
        self.text = text
        self.hash = minutes_actions.content_hash(text)
        self.signed: dict[str, str] = {}  # side -> the content hash its head signed

    @property
    def agreed(self) -> bool:
        return all(self.signed.get(side) == self.hash for side in SIDES)


class Binding(RuleBasedStateMachine):
    world: World  # set by the test before each run

    def __init__(self) -> None:
        super().__init__()
        # Each run starts from the held session with no minutes, and is rolled back.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        weekly(self.world)
        hold(self.world)
        self.now = FIRST_START + dt.timedelta(hours=2)
        self.versions: list[Version] = []
        self.proposed: int | None = None

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # The model ---------------------------------------------------------------------

    def key_valid(self, side: str, at: dt.datetime) -> bool:
        """Whether the side's signing key may sign at ``at``: always here; rotations and
        retired keys are tested in ``liaison/bundle/tests/test_binding_keys.py``."""
        return True

    @staticmethod
    def role(actor: str) -> str:
        return actor.split("_")[-1]

    @staticmethod
    def side(actor: str) -> str | None:
        return actor.split("_")[0] if actor != "observer" else None

    @property
    def latest(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    def may_save(self, actor: str, base: int, text: str, reason: str) -> bool:
        latest = self.latest
        return (
            self.side(actor) is not None
            and bool(text.strip())
            and base == len(self.versions)
            and not (latest is not None and latest.agreed and not reason)
            and not (latest is not None and not latest.agreed and reason)
            and not (latest is not None and latest.text == text.strip())
        )

    def may_propose(self, actor: str, version: int) -> bool:
        return (
            self.role(actor) in ("head", "deputy")
            and self.side(actor) is not None
            and version == len(self.versions) >= 1
            and not self.versions[-1].agreed
            and self.proposed != version
        )

    def may_sign(self, actor: str, version: int) -> bool:
        side = self.side(actor)
        return (
            self.role(actor) == "head"
            and side is not None
            and version == len(self.versions) >= 1
            and side not in self.versions[-1].signed
            and self.proposed == version
            and self.key_valid(side, self.now)
        )

    # Running one attempt -------------------------------------------------------------

    def attempt(self, allowed: bool, event_type: str, call: Callable[[], object]) -> None:
        office = self.world.office.id
        before = Event.objects.filter(log__office=office).count()
        typed_before = Event.objects.filter(log__office=office, type=event_type).count()
        try:
            call()
        except Refused:
            assert not allowed, f"{event_type} refused, the model allows it"
            assert Event.objects.filter(log__office=office).count() == before, "refusal wrote"
        else:
            assert allowed, f"{event_type} done, the model refuses it"
            assert Event.objects.filter(log__office=office, type=event_type).count() == (
                typed_before + 1
            )
        self.now += dt.timedelta(minutes=1)

    def member(self, actor: str) -> Member:
        return self.world.members[actor]

    # Rules -------------------------------------------------------------------------

    @rule(
        actor=ANYONE,
        stale=st.integers(0, 5).map(lambda n: n == 0),
        text=st.sampled_from(TEXTS),
        reason=st.sampled_from(["", "", "typo in the names"]),
    )
    def save(self, actor: str, stale: bool, text: str, reason: str) -> None:
        base = len(self.versions) - 1 if stale else len(self.versions)
        allowed = self.may_save(actor, base, text, reason)
        self.attempt(
            allowed,
            "minutes.saved",
            lambda: minutes_actions.save_minutes(
                member=self.member(actor),
                command=SaveMinutes(
                    session=FIRST_SESSION, base_version=base, text=text, correction_reason=reason
                ),
                now=self.now,
            ),
        )
        if allowed:
            self.versions.append(Version(text.strip()))

    @rule(actor=SPEAKERS | ANYONE, back=BACK)
    def propose(self, actor: str, back: int) -> None:
        version = max(len(self.versions) - back, 1)
        allowed = self.may_propose(actor, version)
        self.attempt(
            allowed,
            "minutes.proposed",
            lambda: minutes_actions.propose_minutes(
                member=self.member(actor),
                command=ProposeMinutes(session=FIRST_SESSION, version=version),
                now=self.now,
            ),
        )
        if allowed:
            self.proposed = version

    @rule(actor=HEADS | ANYONE, back=BACK)
    def sign(self, actor: str, back: int) -> None:
        version = max(len(self.versions) - back, 1)
        allowed = self.may_sign(actor, version)
        self.attempt(
            allowed,
            "minutes.signed",
            lambda: minutes_actions.sign_minutes(
                member=self.member(actor),
                command=SignMinutes(session=FIRST_SESSION, version=version),
                now=self.now,
            ),
        )
        if allowed:
            side = self.side(actor)
            assert side is not None
            self.versions[-1].signed[side] = self.versions[-1].hash

    # What must hold after every step -------------------------------------------------

    @invariant()
    def agreed_iff_both_heads_signed_the_latest_content_hash(self) -> None:
        minutes = Minutes.objects.filter(
            office=self.world.office, session_key=FIRST_SESSION
        ).first()
        if minutes is None:
            assert self.versions == []
            return
        latest = self.versions[-1]
        assert minutes.latest_version == len(self.versions)
        expected = (
            MinutesStatus.AGREED
            if latest.agreed
            else MinutesStatus.PROPOSED
            if self.proposed == len(self.versions)
            else MinutesStatus.DRAFT
        )
        assert minutes.status == expected
        agreed = [n for n, v in enumerate(self.versions, start=1) if v.agreed]
        assert minutes.agreed_version == (agreed[-1] if agreed else None)

    @invariant()
    def a_version_is_agreed_iff_both_sides_signatures_name_its_hash(self) -> None:
        rows = MinutesVersion.objects.filter(
            minutes__office=self.world.office, minutes__session_key=FIRST_SESSION
        ).prefetch_related("signatures__side")
        for row in rows:
            signed = {
                s.side.key for s in row.signatures.all() if s.content_hash == row.content_hash
            }
            assert row.agreed == (signed == set(SIDES)), row.version
            assert row.agreed == self.versions[row.version - 1].agreed


@pytest.mark.django_db
def test_minutes_bind_iff_both_heads_signed_the_same_content_hash(world: World) -> None:
    Binding.world = world
    run_state_machine_as_test(
        Binding,
        settings=settings(
            max_examples=20,
            stateful_step_count=30,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
