"""The readouts page: both sides' published readouts compared statement by statement,
and a side's private draft, which nobody outside the side ever sees."""

from __future__ import annotations

import pytest

from liaison.ledger.models import Event
from liaison.records import readouts as readouts_actions
from liaison.records.commands import SaveReadoutDraft
from liaison.records.models import Readout
from liaison.testing import World, hold

from .record_helpers import KEY, LATER, get, post, publish, save_record, url

pytestmark = pytest.mark.django_db

SHARED = (
    "Both sides reaffirmed the Pyongyang Declaration. "
    "They agreed to hold the rail study in December."
)
SECRET = "Our delegation suspects a delay is coming"


@pytest.fixture
def held(office: World) -> World:
    hold(office)
    return office


def readouts(client, world):
    return get(client, url(world, "session-readouts"))


def test_agreeing_readouts_pair_every_statement(held, as_user):
    publish(held, "south", SHARED)
    publish(held, "north", SHARED.replace("They agreed", "The sides agreed"))
    page = readouts(as_user(held.observer), held).text
    assert "2 statements both sides make · 0 only The South makes · 0 only The North makes" in page
    assert "only The South says" not in page
    assert "only The North says" not in page


def test_differing_readouts_mark_what_only_one_side_says(held, as_user):
    publish(held, "south", SHARED + " The South raised the question of separated families.")
    publish(held, "north", SHARED + "\n\nThe North protested the military drills.")
    page = readouts(as_user(held.north_staff), held).text
    assert "2 statements both sides make · 1 only The South makes · 1 only The North makes" in page
    assert 'separated families. <span class="tag only-tag">only The South says</span>' in page
    assert 'military drills. <span class="tag only-tag">only The North says</span>' in page


def test_one_published_readout_is_all_one_sides(held, as_user):
    publish(held, "south", SHARED)
    page = readouts(as_user(held.observer), held).text
    assert "Only The South has published a readout; The North has not." in page
    assert page.count("only The South says") == 2


def test_no_readout_says_so(held, as_user):
    page = readouts(as_user(held.observer), held).text
    assert "Neither side has published a readout of this session." in page


def test_earlier_published_versions_are_listed(held, as_user):
    publish(held, "south", "First account of the meeting.")
    publish(held, "south", SHARED)
    page = readouts(as_user(held.north_head), held).text
    assert "Earlier published versions" in page
    assert "The South, version 1" in page
    assert "First account of the meeting." in page


def test_a_staff_member_drafts_and_the_deputy_publishes(held, as_user):
    before = Event.objects.count()
    response = post(
        as_user(held.south_staff),
        url(held, "session-readout-draft"),
        {"base_revision": 0, "title": "Readout", "source": "Ministry", "body": SECRET},
    )
    assert "Draft saved (revision 1); only The South can see it" in response.text
    assert Event.objects.count() == before  # a draft is private: no shared event
    page = readouts(as_user(held.south_staff), held).text
    assert "Visible only to The South." in page
    assert SECRET in page
    assert "session-readout-publish" not in page and "/readouts/publish/" not in page

    deputy_page = readouts(as_user(held.south_deputy), held).text
    assert 'name="draft_revision" value="1"' in deputy_page
    response = post(
        as_user(held.south_deputy), url(held, "session-readout-publish"), {"draft_revision": 1}
    )
    assert "readout published (version 1)." in response.text
    assert Event.objects.count() == before + 1
    assert Readout.objects.get().body == SECRET
    # Published: the North reads it now.
    assert SECRET in readouts(as_user(held.north_staff), held).text


def test_publishing_a_revision_one_has_not_read_is_refused(held, as_user):
    readouts_actions.save_readout_draft(
        member=held.south_staff,
        command=SaveReadoutDraft(session=KEY, base_revision=0, title="t", source="s", body="b"),
        now=LATER,
    )
    readouts_actions.save_readout_draft(
        member=held.south_staff,
        command=SaveReadoutDraft(session=KEY, base_revision=1, title="t", source="s", body="b2"),
        now=LATER,
    )
    before = Event.objects.count()
    response = post(
        as_user(held.south_head), url(held, "session-readout-publish"), {"draft_revision": 1}
    )
    assert response.status_code == 400
    assert "changed while you were editing" in response.text
    assert Event.objects.count() == before


def test_two_draft_saves_from_the_same_revision_show_the_diff(held, as_user):
    readouts_actions.save_readout_draft(
        member=held.south_staff,
        command=SaveReadoutDraft(
            session=KEY, base_revision=0, title="t", source="s", body="Line one."
        ),
        now=LATER,
    )
    data = {"base_revision": 1, "title": "t", "source": "s"}
    post(as_user(held.south_head), url(held, "session-readout-draft"), {**data, "body": "Mine."})
    response = post(
        as_user(held.south_deputy), url(held, "session-readout-draft"), {**data, "body": "Yours."}
    )
    assert response.status_code == 400
    assert '<pre class="diff">' in response.text
    assert "-Mine." in response.text and "+Yours." in response.text
    assert "Yours.</textarea>" in response.text


def _every_page(world):
    slug = world.office.slug
    return [
        url(world, "session-detail"),
        url(world, "session-record"),
        url(world, "session-readouts"),
        url(world, "session-minutes"),
        f"/offices/{slug}/",
        f"/offices/{slug}/schedule/",
        f"/offices/{slug}/frameworks/",
        f"/offices/{slug}/commitments/",
    ]


@pytest.mark.parametrize("reader", ["north_head", "north_deputy", "north_staff", "observer"])
def test_no_page_shows_a_draft_to_the_other_side_or_an_observer(held, as_user, reader):
    save_record(held)
    readouts_actions.save_readout_draft(
        member=held.south_staff,
        command=SaveReadoutDraft(
            session=KEY, base_revision=0, title="Secret title", source="Secret source", body=SECRET
        ),
        now=LATER,
    )
    client = as_user(getattr(held, reader))
    for address in _every_page(held):
        response = get(client, address)
        assert response.status_code == 200, address
        for private in (SECRET, "Secret title", "Secret source", "South&#x27;s draft"):
            assert private not in response.text, (address, private)
    # The North's own (empty) editor shows, never the South's text.
    page = readouts(client, held).text
    if reader != "observer":
        assert "Visible only to The North." in page
    else:
        assert "Visible only to" not in page


def test_the_north_publishing_shows_nothing_of_the_souths_draft(held, as_user):
    readouts_actions.save_readout_draft(
        member=held.south_staff,
        command=SaveReadoutDraft(
            session=KEY, base_revision=0, title="Secret title", source="Secret source", body=SECRET
        ),
        now=LATER,
    )
    publish(held, "north", SHARED)
    page = readouts(as_user(held.north_head), held).text
    assert SECRET not in page
    assert "Only The North has published a readout" in page
