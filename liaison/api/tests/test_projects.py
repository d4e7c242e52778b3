"""Joint projects and each side's private drafts of them, through the API."""

import contextlib
import datetime as dt

import pytest

from liaison.api.tests.conftest import PARTY, PROJECT, PROJECTS_AT, office_url, planned
from liaison.ledger.models import Event
from liaison.projects import blockers, plans
from liaison.projects import drafts as drafts_actions
from liaison.projects.commands import (
    AddCondition,
    AddDependency,
    OpenBlocker,
    ProposeDraft,
    Replan,
    ResolveBlocker,
    SaveDraft,
    StateStatus,
)
from liaison.projects.models import Project, ProjectDraft

LATER = PROJECTS_AT + dt.timedelta(days=1)
DRAFT = {
    "base_revision": 0,
    "kind": "event",
    "title": "Art troupe performance",
    "description": "Secret: we would accept a smaller troupe.",
    "leads": ["north", "south"],
    "start": "2024-04-10",
    "end": "2024-04-11",
}


@contextlib.contextmanager
def no_new_events():
    before = Event.objects.count()
    yield
    assert Event.objects.count() == before


def send(client, method, world, path, body=None):
    if method == "get":
        return client.get(office_url(world, path))
    return getattr(client, method)(office_url(world, path), body, content_type="application/json")


@pytest.fixture
def office(world):
    """``rail-study``, ``groundbreaking`` (waiting for it), ``visit``, the US and its
    position, a sanctions blocker, and each side's draft ``concert`` (``conftest.planned``)."""
    planned(world)
    return world


def state(world, member, status, key=PROJECT, **kw):
    plans.state_status(
        member=world.members[member],
        command=StateStatus(key=key, status=status, **kw),
        now=PROJECTS_AT,
    )


# Reading


def test_a_project_reads_back_with_its_plans_history_blockers_and_conditions(
    office, api_as, frozen
):
    blockers.add_condition(
        member=office.north_head,
        command=AddCondition(project=PROJECT, position=f"{PARTY}/sanctions-review"),
        now=PROJECTS_AT,
    )
    with frozen(PROJECTS_AT):
        one = send(api_as("observer"), "get", office, f"/projects/{PROJECT}")
        listing = send(api_as("north_staff"), "get", office, "/projects")
    assert one.status_code == listing.status_code == 200
    assert [p["key"] for p in listing.json()] == ["groundbreaking", PROJECT, "visit"]
    assert listing.json()[1] == one.json()
    proposed = {
        "number": 1,
        "status": "proposed",
        "reason": "",
        "blockers": [],
        "side": "south",
        "by": "testoffice-south-head",
        "at": "2024-01-30T03:00:00Z",
    }
    assert one.json() == {
        "key": PROJECT,
        "kind": "study",
        "title": "Joint rail-link study",
        "description": "",
        "leads": ["south", "north"],
        "status": "proposed",
        "original_plan": {"start": "2024-03-01", "end": "2024-03-31"},
        "current_plan": {"start": "2024-03-01", "end": "2024-03-31"},
        "slip_days": 0,
        "end_slip_days": 0,
        "proposed_by": "testoffice-south-head",
        "side": "south",
        "proposed_at": "2024-01-30T03:00:00Z",
        "history": [proposed],
        "plans": [
            {
                "number": 1,
                "start": "2024-03-01",
                "end": "2024-03-31",
                "reason": "",
                "side": "south",
                "by": "testoffice-south-head",
                "at": "2024-01-30T03:00:00Z",
            }
        ],
        "views": {"south": proposed},
        "disagreement": False,
        "blockers": [
            {
                "key": "sanctions",
                "kind": "sanctions",
                "description": "Survey equipment falls under the sanctions.",
                "opened_on": "2024-01-20",
                "resolved_on": None,
                "resolution": "",
                "position": "us/sanctions-review",
                "open": True,
                "side": "north",
                "recorded_by": "testoffice-north-deputy",
            }
        ],
        "depends_on": [],
        "waiting_on": [],
        "conditions": [
            {
                "position": "us/sanctions-review",
                "party": "United States",
                "stated_on": "2024-01-20",
                "summary": "Joint projects must not breach the sanctions.",
            }
        ],
    }


def test_a_dependency_not_completed_is_waited_on(office, api_as, frozen):
    with frozen(PROJECTS_AT):
        waiting = send(api_as("south_staff"), "get", office, "/projects/groundbreaking").json()
    for status in ("agreed", "in_progress", "completed"):
        state(office, "south_head", status)
    with frozen(PROJECTS_AT):
        done = send(api_as("south_staff"), "get", office, "/projects/groundbreaking").json()
    assert waiting["depends_on"] == [
        {"key": PROJECT, "title": "Joint rail-link study", "status": "proposed"}
    ]
    assert waiting["waiting_on"] == [PROJECT]
    assert done["depends_on"][0]["status"] == "completed"
    assert done["waiting_on"] == []


def test_the_list_filters_by_status(office, api_as, frozen):
    state(office, "north_head", "agreed", key="visit")
    with frozen(PROJECTS_AT):
        agreed = send(api_as("observer"), "get", office, "/projects?status=agreed")
        proposed = send(api_as("observer"), "get", office, "/projects?status=proposed")
        none = send(api_as("observer"), "get", office, "/projects?status=cancelled")
        wrong = send(api_as("observer"), "get", office, "/projects?status=stalled")
    assert [p["key"] for p in agreed.json()] == ["visit"]
    assert [p["key"] for p in proposed.json()] == ["groundbreaking", PROJECT]
    assert none.json() == []
    assert wrong.status_code == 422


def test_a_blocker_is_open_until_the_day_it_is_resolved_office_time(office, api_as, frozen):
    blockers.resolve_blocker(
        member=office.south_head,
        command=ResolveBlocker(
            project=PROJECT,
            key="sanctions",
            resolved_on=dt.date(2024, 1, 31),
            resolution="Waiver granted.",
        ),
        now=PROJECTS_AT,
    )
    # 30 January ends at 15:00 UTC in Seoul.
    with frozen(dt.datetime(2024, 1, 30, 14, 59, tzinfo=dt.UTC)):
        before = send(api_as("observer"), "get", office, f"/projects/{PROJECT}").json()
    with frozen(dt.datetime(2024, 1, 30, 15, 0, tzinfo=dt.UTC)):
        after = send(api_as("observer"), "get", office, f"/projects/{PROJECT}").json()
    assert before["blockers"][0]["open"] is True
    assert after["blockers"][0]["open"] is False
    assert after["blockers"][0]["resolved_on"] == "2024-01-31"
    assert after["blockers"][0]["resolution"] == "Waiver granted."


# Drafts: each side's own


def test_a_draft_is_seen_by_its_own_side_only(office, api_as, frozen):
    with frozen(PROJECTS_AT):
        saved = send(api_as("south_staff"), "put", office, "/projects/drafts/performance", DRAFT)
        own = send(api_as("south_head"), "get", office, "/projects/drafts")
        theirs = send(api_as("north_head"), "get", office, "/projects/drafts")
        observer = send(api_as("observer"), "get", office, "/projects/drafts")
        shared = [
            send(api_as(role), "get", office, path)
            for role in ("north_head", "observer")
            for path in ("/projects", "/projects/performance")
        ]
    assert saved.status_code == 200
    assert saved.json() == {
        "key": "performance",
        "side": "south",
        "revision": 1,
        "kind": "event",
        "title": "Art troupe performance",
        "description": "Secret: we would accept a smaller troupe.",
        "leads": ["south", "north"],  # in the office's order of sides
        "start": "2024-04-10",
        "end": "2024-04-11",
        "updated_by": "testoffice-south-staff",
        "updated_at": "2024-01-31T03:00:00Z",
    }
    assert [(d["key"], d["side"]) for d in own.json()] == [
        ("concert", "south"),
        ("performance", "south"),
    ]
    assert own.json()[1] == saved.json()
    assert [(d["key"], d["side"]) for d in theirs.json()] == [("concert", "north")]
    assert observer.status_code == 200 and observer.json() == []
    for response in [theirs, observer, *shared]:
        assert "smaller troupe" not in response.content.decode()
        assert "south's private thoughts" not in response.content.decode()


def test_the_other_side_reaches_a_draft_exactly_as_one_that_does_not_exist(office, api_as, frozen):
    drafts_actions.save_project_draft(
        member=office.south_staff,
        command=SaveDraft(
            key="performance", base_revision=0, kind="event", title="Performance", leads=["south"]
        ),
        now=PROJECTS_AT,
    )
    client = api_as("north_head")
    answers = {}
    with frozen(PROJECTS_AT), no_new_events():
        for key in ("performance", "no-such-thing"):
            answers[key] = [
                send(client, "get", office, f"/projects/{key}"),
                send(client, "delete", office, f"/projects/drafts/{key}"),
                send(client, "post", office, f"/projects/drafts/{key}/propose"),
                send(
                    client,
                    "post",
                    office,
                    f"/projects/{key}/plan",
                    {"start": "2024-04-01", "end": "2024-04-02"},
                ),
            ]
    theirs, missing = answers["performance"], answers["no-such-thing"]
    assert [r.status_code for r in theirs] == [r.status_code for r in missing] == [404] * 4
    assert [r.json() for r in theirs] == [r.json() for r in missing]
    assert theirs[1].json() == {"detail": "Your side has no such draft project.", "field": None}
    assert theirs[0].json() == {"detail": "No such project.", "field": None}
    assert ProjectDraft.objects.filter(key="performance", side__key="south").exists()
    assert not Project.objects.filter(key="performance").exists()


def test_a_draft_is_proposed_to_both_sides(office, api_as, frozen):
    with frozen(PROJECTS_AT):
        send(api_as("north_staff"), "put", office, "/projects/drafts/performance", DRAFT)
        proposed = send(
            api_as("north_deputy"),
            "post",
            office,
            "/projects/drafts/performance/propose",
            {"draft_revision": 1},
        )
        seen = send(api_as("south_staff"), "get", office, "/projects/performance")
        drafts = send(api_as("north_staff"), "get", office, "/projects/drafts")
    assert proposed.status_code == 201
    body = proposed.json()
    assert body == seen.json()
    assert (body["status"], body["side"], body["proposed_by"]) == (
        "proposed",
        "north",
        "testoffice-north-deputy",
    )
    assert (
        body["original_plan"]
        == body["current_plan"]
        == {"start": "2024-04-10", "end": "2024-04-11"}
    )
    assert body["description"] == DRAFT["description"]  # proposing publishes it whole
    assert [d["key"] for d in drafts.json()] == ["concert"]
    event = Event.objects.latest("pk")
    assert (event.type, event.actor) == ("project.proposed", "testoffice-north-deputy")


def test_proposing_a_draft_that_changed_since_it_was_read_is_409(office, api_as, frozen):
    with frozen(PROJECTS_AT):
        send(
            api_as("south_staff"),
            "put",
            office,
            "/projects/drafts/concert",
            {**DRAFT, "base_revision": 1},
        )
        with no_new_events():
            stale = send(
                api_as("south_head"),
                "post",
                office,
                "/projects/drafts/concert/propose",
                {"draft_revision": 1},
            )
    assert stale.status_code == 409
    assert (stale.json()["field"], stale.json()["current"]) == ("draft_revision", 2)
    assert "Nothing was proposed" in stale.json()["detail"]


def test_two_saves_of_a_draft_from_one_revision_conflict(office, api_as, frozen):
    body = {**DRAFT, "base_revision": 1}
    with frozen(PROJECTS_AT):
        first = send(api_as("north_staff"), "put", office, "/projects/drafts/concert", body)
        stale = send(
            api_as("north_head"),
            "put",
            office,
            "/projects/drafts/concert",
            {**body, "title": "Another title"},
        )
    assert first.status_code == 200 and first.json()["revision"] == 2
    assert stale.status_code == 409
    assert (stale.json()["field"], stale.json()["current"]) == ("base_revision", 2)
    assert ProjectDraft.objects.get(side__key="north").title == DRAFT["title"]


def test_a_discarded_draft_is_gone(office, api_as, frozen):
    with frozen(PROJECTS_AT), no_new_events():
        gone = send(api_as("north_staff"), "delete", office, "/projects/drafts/concert")
        again = send(api_as("north_staff"), "delete", office, "/projects/drafts/concert")
        drafts = send(api_as("north_staff"), "get", office, "/projects/drafts")
    assert (gone.status_code, gone.content) == (204, b"")
    assert again.status_code == 404
    assert drafts.json() == []
    assert ProjectDraft.objects.filter(side__key="south").exists()  # the South's stays


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"start": "2024-04-11", "end": "2024-04-10"}, 400, "end"),
        ({"start": None}, 400, "start"),
        ({"leads": ["east"]}, 400, "leads"),
        ({"leads": []}, 400, "leads"),
        ({"title": "  "}, 400, "title"),
        ({"base_revision": 3}, 400, "base_revision"),
    ],
)
def test_a_bad_draft_is_400_naming_the_field(office, api_as, frozen, change, status, field):
    with frozen(PROJECTS_AT), no_new_events():
        response = send(
            api_as("south_staff"),
            "put",
            office,
            "/projects/drafts/performance",
            {**DRAFT, **change},
        )
    assert response.status_code == status, response.content
    assert response.json()["field"] == field
    assert not ProjectDraft.objects.filter(key="performance").exists()


def test_a_draft_cannot_take_the_key_of_a_project(office, api_as, frozen):
    with frozen(PROJECTS_AT):
        response = send(api_as("north_staff"), "put", office, f"/projects/drafts/{PROJECT}", DRAFT)
    assert response.status_code == 400
    assert response.json() == {"detail": "a project 'rail-study' exists already", "field": "key"}


def test_a_draft_cannot_be_keyed_drafts_which_names_the_list(office, api_as, frozen):
    with frozen(PROJECTS_AT), no_new_events():
        response = send(api_as("south_staff"), "put", office, "/projects/drafts/drafts", DRAFT)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "the key “drafts” names a page of its own; choose another key",
        "field": "key",
    }
    assert not ProjectDraft.objects.filter(key="drafts").exists()


# Plans


def test_a_new_plan_keeps_the_original_and_reports_the_slip(office, api_as, frozen):
    with frozen(LATER):
        response = send(
            api_as("north_deputy"),
            "post",
            office,
            f"/projects/{PROJECT}/plan",
            {"start": "2024-05-01", "end": "2024-06-30", "reason": "Sanctions review"},
        )
    assert response.status_code == 200
    body = response.json()
    assert body["original_plan"] == {"start": "2024-03-01", "end": "2024-03-31"}
    assert body["current_plan"] == {"start": "2024-05-01", "end": "2024-06-30"}
    assert (body["slip_days"], body["end_slip_days"]) == (61, 91)
    assert [(p["number"], p["start"], p["reason"], p["side"]) for p in body["plans"]] == [
        (1, "2024-03-01", "", "south"),
        (2, "2024-05-01", "Sanctions review", "north"),
    ]


def test_a_first_plan_is_also_the_original(office, api_as, frozen):
    with frozen(PROJECTS_AT):
        response = send(
            api_as("south_head"),
            "post",
            office,
            "/projects/visit/plan",
            {"start": "2024-05-01", "end": "2024-05-03"},
        )
    body = response.json()
    assert response.status_code == 200
    assert (
        body["original_plan"]
        == body["current_plan"]
        == {"start": "2024-05-01", "end": "2024-05-03"}
    )
    assert body["slip_days"] == 0


@pytest.mark.parametrize(
    ("plan", "field", "detail"),
    [
        (
            {"start": "2024-04-30", "end": "2024-04-01", "reason": "x"},
            "end",
            "the plan ends (2024-04-01) before it starts (2024-04-30)",
        ),
        ({"start": "2024-04-01", "end": "2024-04-30"}, "reason", "say why the plan changes"),
        (
            {"start": "2024-03-01", "end": "2024-03-31", "reason": "x"},
            "start",
            "that is the current plan already",
        ),
    ],
)
def test_a_bad_plan_is_400_naming_the_field(office, api_as, frozen, plan, field, detail):
    with frozen(PROJECTS_AT), no_new_events():
        response = send(api_as("north_head"), "post", office, f"/projects/{PROJECT}/plan", plan)
    assert response.status_code == 400
    assert response.json() == {"detail": detail, "field": field}


# Status


def test_a_change_out_of_the_usual_order_needs_a_reason(office, api_as, frozen):
    for status in ("agreed", "in_progress", "completed"):
        state(office, "south_head", status)
    path = f"/projects/{PROJECT}/status"
    with frozen(LATER):
        with no_new_events():
            bare = send(api_as("north_head"), "post", office, path, {"status": "proposed"})
        reasoned = send(
            api_as("north_head"),
            "post",
            office,
            path,
            {"status": "proposed", "reason": "The survey has to be redone."},
        )
    assert bare.status_code == 400
    assert bare.json() == {
        "detail": "completed → proposed is not the usual order; give the reason",
        "field": "reason",
    }
    assert reasoned.status_code == 200
    body = reasoned.json()
    assert body["status"] == "proposed"
    assert body["history"][-1]["reason"] == "The survey has to be redone."


def test_when_the_sides_disagree_both_views_are_shown(office, api_as, frozen):
    path = f"/projects/{PROJECT}/status"
    with frozen(PROJECTS_AT):
        south = send(api_as("south_deputy"), "post", office, path, {"status": "agreed"})
    with frozen(LATER):
        north = send(
            api_as("north_head"),
            "post",
            office,
            path,
            {"status": "postponed", "reason": "The sanctions first.", "blockers": ["sanctions"]},
        )
        read = send(api_as("observer"), "get", office, f"/projects/{PROJECT}")
    assert south.status_code == north.status_code == 200
    assert south.json()["disagreement"] is False  # the South alone has spoken since
    body = read.json()
    assert body == north.json()
    assert body["status"] == "postponed"  # the latest statement, by either side
    assert body["disagreement"] is True
    assert body["views"] == {
        "south": {
            "number": 2,
            "status": "agreed",
            "reason": "",
            "blockers": [],
            "side": "south",
            "by": "testoffice-south-deputy",
            "at": "2024-01-31T03:00:00Z",
        },
        "north": {
            "number": 3,
            "status": "postponed",
            "reason": "The sanctions first.",
            "blockers": ["sanctions"],
            "side": "north",
            "by": "testoffice-north-head",
            "at": "2024-02-01T03:00:00Z",
        },
    }


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"status": "agreed", "blockers": ["weather"]}, 400, "blockers"),
        ({"status": "proposed"}, 400, "status"),  # it is proposed already, by this side
        ({"status": "stalled"}, 422, None),
    ],
)
def test_a_bad_status_statement_writes_nothing(office, api_as, frozen, body, status, field):
    with frozen(PROJECTS_AT), no_new_events():
        response = send(api_as("south_head"), "post", office, f"/projects/{PROJECT}/status", body)
    assert response.status_code == status, response.content
    if field:
        assert response.json()["field"] == field


# Blockers


def test_a_blocker_is_opened_on_a_third_partys_position(office, api_as, frozen):
    blocker = {
        "key": "envoy-visit",
        "kind": "third_party",
        "description": "Waiting for the envoy's visit.",
        "opened_on": "2024-01-25",
        "position": f"{PARTY}/sanctions-review",
    }
    with frozen(PROJECTS_AT):
        response = send(api_as("south_head"), "post", office, "/projects/visit/blockers", blocker)
    assert response.status_code == 201
    (made,) = response.json()["blockers"]
    assert made == {
        "key": "envoy-visit",
        "kind": "third_party",
        "description": "Waiting for the envoy's visit.",
        "opened_on": "2024-01-25",
        "resolved_on": None,
        "resolution": "",
        "position": "us/sanctions-review",
        "open": True,
        "side": "south",
        "recorded_by": "testoffice-south-head",
    }


@pytest.mark.parametrize(
    ("change", "field", "detail"),
    [
        ({"key": "sanctions"}, "key", "the project has a blocker 'sanctions' already"),
        ({"opened_on": "2024-02-01"}, "opened_on", "a blocker cannot open after today"),
        ({"description": " "}, "description", "the description is empty"),
        (
            {"position": "us/nothing"},
            "position",
            "there is no position 'us/nothing'; name it as <third party>/<position key>",
        ),
    ],
)
def test_a_bad_blocker_is_400_naming_the_field(office, api_as, frozen, change, field, detail):
    body = {
        "key": "fuel",
        "kind": "logistics",
        "description": "No fuel.",
        "opened_on": "2024-01-31",
    }
    with frozen(PROJECTS_AT), no_new_events():
        response = send(
            api_as("north_head"),
            "post",
            office,
            f"/projects/{PROJECT}/blockers",
            {**body, **change},
        )
    assert response.status_code == 400
    assert response.json() == {"detail": detail, "field": field}


def test_a_blocker_resolved_before_it_opened_is_400(office, api_as, frozen):
    path = f"/projects/{PROJECT}/blockers/sanctions/resolve"
    with frozen(PROJECTS_AT), no_new_events():
        early = send(api_as("south_head"), "post", office, path, {"resolved_on": "2024-01-19"})
        late = send(api_as("south_head"), "post", office, path, {"resolved_on": "2024-02-01"})
    assert early.status_code == late.status_code == 400
    assert early.json() == {
        "detail": "a blocker cannot be resolved (2024-01-19) before it opened (2024-01-20)",
        "field": "resolved_on",
    }
    assert late.json() == {
        "detail": "a blocker cannot be resolved after today",
        "field": "resolved_on",
    }


def test_a_blocker_is_resolved_once(office, api_as, frozen):
    path = f"/projects/{PROJECT}/blockers/sanctions/resolve"
    with frozen(PROJECTS_AT):
        first = send(api_as("south_head"), "post", office, path, {"resolved_on": "2024-01-31"})
        with no_new_events():
            again = send(api_as("north_head"), "post", office, path, {"resolved_on": "2024-01-31"})
    assert first.status_code == 200
    assert again.status_code == 400
    assert again.json() == {"detail": "the blocker was resolved on 2024-01-31", "field": "key"}


# Dependencies and conditions


def test_a_dependency_that_closes_a_cycle_is_400_naming_it(office, api_as, frozen):
    blockers.add_dependency(
        member=office.south_head,
        command=AddDependency(project="visit", depends_on="groundbreaking"),
        now=PROJECTS_AT,
    )
    with frozen(PROJECTS_AT), no_new_events():
        response = send(
            api_as("south_head"),
            "post",
            office,
            f"/projects/{PROJECT}/dependencies",
            {"depends_on": "visit"},
        )
        itself = send(
            api_as("south_head"),
            "post",
            office,
            f"/projects/{PROJECT}/dependencies",
            {"depends_on": PROJECT},
        )
    assert response.status_code == itself.status_code == 400
    assert response.json() == {
        "detail": "that would make a cycle: rail-study → visit → groundbreaking → rail-study",
        "field": "depends_on",
    }
    assert itself.json()["detail"] == "that would make a cycle: rail-study → rail-study"


def test_a_dependency_on_an_unknown_project_is_400_naming_the_field(office, api_as, frozen):
    with frozen(PROJECTS_AT), no_new_events():
        response = send(
            api_as("south_head"),
            "post",
            office,
            "/projects/visit/dependencies",
            {"depends_on": "concert"},  # a draft on both sides, not a project
        )
    assert response.status_code == 400
    assert response.json() == {"detail": "there is no project 'concert'", "field": "depends_on"}


def test_a_dependency_is_added_and_removed(office, api_as, frozen):
    with frozen(PROJECTS_AT):
        added = send(
            api_as("north_deputy"),
            "post",
            office,
            "/projects/visit/dependencies",
            {"depends_on": "groundbreaking"},
        )
        with no_new_events():
            twice = send(
                api_as("north_deputy"),
                "post",
                office,
                "/projects/visit/dependencies",
                {"depends_on": "groundbreaking"},
            )
        removed = send(
            api_as("south_deputy"), "delete", office, "/projects/visit/dependencies/groundbreaking"
        )
        with no_new_events():
            gone = send(
                api_as("south_deputy"),
                "delete",
                office,
                "/projects/visit/dependencies/groundbreaking",
            )
    assert added.status_code == 201
    assert [d["key"] for d in added.json()["depends_on"]] == ["groundbreaking"]
    assert twice.status_code == 400 and twice.json()["field"] == "depends_on"
    assert removed.status_code == 200 and removed.json()["depends_on"] == []
    assert gone.status_code == 404
    assert gone.json() == {"detail": "No such dependency.", "field": None}


def test_a_condition_is_added_once(office, api_as, frozen):
    path = "/projects/groundbreaking/conditions"
    with frozen(PROJECTS_AT):
        added = send(
            api_as("north_head"), "post", office, path, {"position": "us/sanctions-review"}
        )
        with no_new_events():
            twice = send(
                api_as("south_head"), "post", office, path, {"position": "us/sanctions-review"}
            )
            unknown = send(api_as("south_head"), "post", office, path, {"position": "un/embargo"})
    assert added.status_code == 201
    assert [c["position"] for c in added.json()["conditions"]] == ["us/sanctions-review"]
    assert twice.status_code == unknown.status_code == 400
    assert twice.json()["field"] == unknown.json()["field"] == "position"


# What the path names must exist


UNKNOWN = [
    ("get", "/projects/nothing", None),
    ("post", "/projects/nothing/plan", {"start": "2024-04-01", "end": "2024-04-02"}),
    ("post", "/projects/nothing/status", {"status": "agreed"}),
    (
        "post",
        "/projects/nothing/blockers",
        {"key": "fuel", "kind": "logistics", "description": "x", "opened_on": "2024-01-30"},
    ),
    ("post", "/projects/nothing/blockers/sanctions/resolve", {"resolved_on": "2024-01-31"}),
    ("post", "/projects/nothing/dependencies", {"depends_on": PROJECT}),
    ("delete", f"/projects/nothing/dependencies/{PROJECT}", None),
    ("post", "/projects/nothing/conditions", {"position": "us/sanctions-review"}),
]


@pytest.mark.parametrize(("method", "path", "body"), UNKNOWN)
def test_an_unknown_project_is_a_json_404_and_writes_nothing(
    office, api_as, frozen, method, path, body
):
    with frozen(PROJECTS_AT), no_new_events():
        response = send(api_as("south_head"), method, office, path, body)
    assert response.status_code == 404
    assert response.json() == {"detail": "No such project.", "field": None}


def test_an_unknown_blocker_is_a_json_404(office, api_as, frozen):
    with frozen(PROJECTS_AT), no_new_events():
        response = send(
            api_as("south_head"),
            "post",
            office,
            f"/projects/{PROJECT}/blockers/fuel/resolve",
            {"resolved_on": "2024-01-31"},
        )
    assert response.status_code == 404
    assert response.json() == {"detail": "No such blocker.", "field": None}


def test_staff_and_observers_cannot_speak_for_a_project(office, api_as, frozen):
    with frozen(PROJECTS_AT), no_new_events():
        staff = send(
            api_as("south_staff"),
            "post",
            office,
            f"/projects/{PROJECT}/status",
            {"status": "agreed"},
        )
        observer = send(api_as("observer"), "put", office, "/projects/drafts/performance", DRAFT)
    assert staff.status_code == observer.status_code == 403
    assert not ProjectDraft.objects.filter(key="performance").exists()


# Queries


@pytest.mark.parametrize("count", [1, 30])
def test_the_projects_take_a_fixed_number_of_queries_however_many(
    world, api_as, frozen, django_assert_num_queries, count
):
    for number in range(count):
        key = f"project-{number:02}"
        drafts_actions.save_project_draft(
            member=world.south_staff,
            command=SaveDraft(
                key=key,
                base_revision=0,
                kind="works",
                title=key,
                leads=["south", "north"],
                start=dt.date(2024, 3, 1),
                end=dt.date(2024, 3, 31),
            ),
            now=PROJECTS_AT,
        )
        drafts_actions.propose_project(
            member=world.south_head, command=ProposeDraft(key=key), now=PROJECTS_AT
        )
        plans.replan_project(
            member=world.north_head,
            command=Replan(
                key=key, start=dt.date(2024, 4, 1), end=dt.date(2024, 4, 30), reason="later"
            ),
            now=PROJECTS_AT,
        )
        state(world, "north_head", "agreed", key=key)
        blockers.open_blocker(
            member=world.south_head,
            command=OpenBlocker(
                project=key,
                key="funding",
                kind="funding",
                description="No budget.",
                opened_on=dt.date(2024, 1, 30),
            ),
            now=PROJECTS_AT,
        )
        if number:
            blockers.add_dependency(
                member=world.south_head,
                command=AddDependency(project=key, depends_on=f"project-{number - 1:02}"),
                now=PROJECTS_AT,
            )
    client = api_as("observer")
    # Session and user (2), office and membership (2), the projects with their sides,
    # their status statements, plans, blockers, dependencies and conditions (6).
    with frozen(PROJECTS_AT), django_assert_num_queries(10):
        response = client.get(office_url(world, "/projects"))
    body = response.json()
    assert len(body) == count
    assert all(p["disagreement"] for p in body)
    assert sum(len(p["waiting_on"]) for p in body) == count - 1
