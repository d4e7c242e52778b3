"""The frameworks and commitments pages: recording and revising a framework from lines
of clauses, registering commitments from outcomes and clauses, stating their status,
and a dispute showing both sides' statements side by side."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from liaison.ledger.models import Event
from liaison.records import commitments, frameworks
from liaison.records.commands import ClauseIn, MakeCommitment, RecordFramework
from liaison.records.models import Commitment, Framework
from liaison.testing import World, hold

from .record_helpers import KEY, LATER, get, post, save_record

pytestmark = pytest.mark.django_db

CLAUSES = "1. Ease military tension.\n2) Connect the railways.\n\n2.1 Study the western line."


@pytest.fixture
def held(office: World) -> World:
    hold(office)
    save_record(office)  # outcome o1: "Prepare a business visit."
    return office


def office_url(world, name, *args):
    return reverse(name, args=[world.office.slug, *args])


def framework_data(**changes):
    data = {
        "base_revision": 0,
        "key": "pyongyang",
        "title": "Pyongyang Declaration",
        "adopted_on": "2018-09-19",
        "summary": "",
        "clauses": CLAUSES,
    }
    data.update(changes)
    return data


def test_a_deputy_records_a_framework_from_numbered_lines(held, as_user):
    response = post(
        as_user(held.north_deputy), office_url(held, "office-framework-record"), framework_data()
    )
    assert "Pyongyang Declaration recorded." in response.text
    assert response.redirect_chain[-1][0] == office_url(held, "office-framework", "pyongyang")
    framework = Framework.objects.get()
    assert [(c.number, c.text) for c in framework.clauses.all()] == [
        ("1", "Ease military tension."),
        ("2", "Connect the railways."),
        ("2.1", "Study the western line."),
    ]
    listing = get(as_user(held.observer), office_url(held, "office-frameworks")).text
    assert "Pyongyang Declaration" in listing and "Record a framework" not in listing


def test_a_line_without_a_number_is_a_form_error(held, as_user):
    before = Event.objects.count()
    response = post(
        as_user(held.south_head),
        office_url(held, "office-framework-record"),
        framework_data(clauses="1. Fine.\nNo number here"),
    )
    assert response.status_code == 400
    assert "Line 2: start the clause with its number" in response.text
    assert Event.objects.count() == before


def test_a_framework_cannot_take_the_forms_address_as_key(held, as_user):
    response = post(
        as_user(held.south_head),
        office_url(held, "office-framework-record"),
        framework_data(key="record"),
    )
    assert response.status_code == 400
    # The action's refusal, the same for the API and scripts.
    assert "“record” names a page of its own" in response.text


def _framework(world):
    frameworks.record_framework(
        member=world.south_head,
        command=RecordFramework(
            key="pyongyang",
            base_revision=0,
            title="Pyongyang Declaration",
            adopted_on=dt.date(2018, 9, 19),
            summary="",
            clauses=[
                ClauseIn(number="1", text="Ease military tension."),
                ClauseIn(number="2", text="Rail."),
            ],
        ),
        now=LATER,
    )


def test_the_framework_page_lists_commitments_citing_each_clause(held, as_user):
    _framework(held)
    commitments.make_commitment(
        member=held.north_head,
        command=MakeCommitment(
            key="rail-study",
            text="Study the rail link",
            owners=["south", "north"],
            source_clause="pyongyang/2",
        ),
        now=LATER,
    )
    page = get(as_user(held.south_staff), office_url(held, "office-framework", "pyongyang")).text
    assert 'id="clause-2"' in page
    assert "#commitment-rail-study" in page
    assert "No commitment cites this clause." in page  # clause 1
    assert "Revise the framework" not in page  # staff read


def test_a_revision_that_drops_a_cited_clause_is_refused(held, as_user):
    _framework(held)
    commitments.make_commitment(
        member=held.north_head,
        command=MakeCommitment(
            key="rail-study",
            text="Study the rail link",
            owners=["north"],
            source_clause="pyongyang/2",
        ),
        now=LATER,
    )
    before = Event.objects.count()
    response = post(
        as_user(held.south_deputy),
        office_url(held, "office-framework-revise", "pyongyang"),
        framework_data(base_revision=1, clauses="1. Ease military tension."),
    )
    assert response.status_code == 400
    assert "clause 2 is the source of commitment" in response.text
    assert Event.objects.count() == before


def test_a_stale_framework_revision_is_a_conflict(held, as_user):
    _framework(held)
    post(
        as_user(held.south_head),
        office_url(held, "office-framework-revise", "pyongyang"),
        framework_data(base_revision=1, title="Pyongyang Joint Declaration"),
    )
    response = post(
        as_user(held.north_head),
        office_url(held, "office-framework-revise", "pyongyang"),
        framework_data(base_revision=1, title="Declaration of Pyongyang"),
    )
    assert response.status_code == 400
    assert "changed while you were editing" in response.text
    assert 'value="Declaration of Pyongyang"' in response.text


def test_a_head_registers_a_commitment_from_an_outcome(held, as_user):
    form = get(as_user(held.south_head), office_url(held, "office-commitments")).text
    assert f'value="outcome:{KEY}/o1"' in form
    response = post(
        as_user(held.south_head),
        office_url(held, "office-commitment-make"),
        {
            "key": "business-visit",
            "text": "Arrange the business visit",
            "owners": ["south"],
            "source": f"outcome:{KEY}/o1",
            "due_on": "2024-02-01",
        },
    )
    assert "Commitment business-visit registered." in response.text
    commitment = Commitment.objects.get()
    assert commitment.source_outcome is not None
    page = get(as_user(held.observer), office_url(held, "office-commitments")).text
    record_link = reverse("session-record", args=[held.office.slug, KEY]) + "#outcome-o1"
    assert record_link in page
    assert "1 Feb 2024" in page and "The South" in page
    assert "overdue" not in page
    late = get(
        as_user(held.observer),
        office_url(held, "office-commitments"),
        LATER + dt.timedelta(days=40),
    )
    assert "1 overdue" in late.text


def test_a_commitment_without_an_owner_is_refused_on_the_form(held, as_user):
    before = Event.objects.count()
    response = post(
        as_user(held.south_head),
        office_url(held, "office-commitment-make"),
        {"key": "x", "text": "Something", "source": ""},
    )
    assert response.status_code == 400
    assert "name the side or sides that promised it" in response.text
    assert Event.objects.count() == before


def test_a_dispute_shows_both_sides_statements_side_by_side(held, as_user):
    commitments.make_commitment(
        member=held.south_head,
        command=MakeCommitment(key="visit", text="Business visit", owners=["south"]),
        now=LATER,
    )
    post(
        as_user(held.south_head),
        office_url(held, "office-commitment-status"),
        {"key": "visit", "status": "done", "reason": "The visit took place on 20 Jan"},
    )
    response = post(
        as_user(held.north_deputy),
        office_url(held, "office-commitment-status"),
        {"key": "visit", "status": "disputed", "reason": "Only half the delegation came"},
    )
    assert "The North states that commitment visit is disputed." in response.text
    page = response.text
    assert "Disputed: each side's latest statement." in page
    assert "“The visit took place on 20 Jan”" in page
    assert "“Only half the delegation came”" in page
    assert "Status history (3)" in page


def test_disputing_without_a_reason_is_refused(held, as_user):
    commitments.make_commitment(
        member=held.south_head,
        command=MakeCommitment(key="visit", text="Business visit", owners=["south"]),
        now=LATER,
    )
    before = Event.objects.count()
    response = post(
        as_user(held.north_head),
        office_url(held, "office-commitment-status"),
        {"key": "visit", "status": "disputed", "reason": ""},
    )
    assert response.status_code == 400
    assert "say why your side disputes it" in response.text
    assert Event.objects.count() == before


def test_the_change_link_preselects_the_commitment(held, as_user):
    for key in ("a", "b"):
        commitments.make_commitment(
            member=held.south_head,
            command=MakeCommitment(key=key, text=key.upper(), owners=["south"]),
            now=LATER,
        )
    page = get(as_user(held.north_head), office_url(held, "office-commitments") + "?change=b").text
    assert '<option value="b" selected>' in page
