"""Text the API takes is one rule for every path: a message's subject, a title, a name is
one line; a text may run over lines; neither holds NUL, another control character or a
bidirectional override. Anything else is a 400 naming the field, and nothing is written.
File names are cleaned instead: what is left is the one line they look like."""

from __future__ import annotations

import base64
import contextlib

import pytest

from liaison.api.tests.conftest import (
    AFTER_FIRST,
    CHANNEL_AT,
    FIRST,
    NOTICE,
    PDF,
    corresponded,
    office_url,
    recorded,
)
from liaison.channel.models import Attachment, Message, PrivateNote
from liaison.ledger.models import Event
from liaison.projects.models import ProjectDraft
from liaison.records.models import ReadoutDraft

pytestmark = pytest.mark.django_db

BAD_LINES = ["\x00", "\x07", "\n", "\t", "\u202e", "\u2066", "\u2028", "\x85"]
BAD_TEXTS = ["\x00", "\x07", "\x0b", "\x1b", "\u202e", "\u2067", "\x9b"]


@contextlib.contextmanager
def nothing_written():
    counts = (Event.objects.count(), Message.objects.count(), PrivateNote.objects.count())
    yield
    assert (Event.objects.count(), Message.objects.count(), PrivateNote.objects.count()) == counts


def post(client, world, path, body):
    return client.post(office_url(world, path), body, content_type="application/json")


def message(**changes: object) -> dict[str, object]:
    return {"kind": "notice", "subject": "Weekly meetings", "body": "Resume on Friday.", **changes}


@pytest.mark.parametrize("bad", BAD_LINES)
def test_a_subject_is_one_line_of_text(world, api_as, frozen, bad):
    with frozen(CHANNEL_AT), nothing_written():
        response = post(api_as("south_head"), world, "/messages", message(subject=f"Week{bad}ly"))
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "subject"
    assert f"U+{ord(bad):04X}" in response.json()["detail"]


@pytest.mark.parametrize("bad", BAD_TEXTS)
def test_a_message_text_holds_no_nul_control_or_override(world, api_as, frozen, bad):
    with frozen(CHANNEL_AT), nothing_written():
        response = post(api_as("south_head"), world, "/messages", message(body=f"Re{bad}sume"))
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "body"
    assert "control or bidirectional override" in response.json()["detail"]


def test_a_message_text_keeps_its_lines_tabs_and_right_to_left_marks(world, api_as, frozen):
    text = "First line\r\nSecond\tline\n\u05e9\u05dc\u05d5\u05dd\u200f, 안녕"
    with frozen(CHANNEL_AT):
        response = post(api_as("south_head"), world, "/messages", message(body=text))
    assert response.status_code == 201, response.content
    assert response.json()["body"] == text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"about_session": "weekly\x00"}, "about_session"),
        ({"about_project": "rail\x00"}, "about_project"),
        ({"in_reply_to": "south-1\x00"}, "in_reply_to"),
    ],
)
def test_a_key_with_a_nul_is_no_key_and_no_server_error(world, api_as, frozen, changes, field):
    # PostgreSQL refuses a NUL even in a query: it must not reach one.
    with frozen(CHANNEL_AT), nothing_written():
        response = post(api_as("south_head"), world, "/messages", message(**changes))
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field


@pytest.mark.parametrize("bad", ["\x00", "\x1b", "\u202e"])
def test_a_private_note_follows_the_same_rule(world, api_as, frozen, bad):
    corresponded(world)
    body = {"target_kind": "message", "target_key": NOTICE, "body": f"Hold firm{bad}"}
    with frozen(CHANNEL_AT), nothing_written():
        response = post(api_as("south_staff"), world, "/notes", body)
        listed = api_as("south_staff").get(
            office_url(world, "/notes?target_kind=message&target_key=south-1%00")
        )
        searched = api_as("north_head").get(office_url(world, "/messages?q=Weekly%00"))
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "body"
    assert listed.status_code == 200 and listed.json() == []
    assert searched.status_code == 200 and searched.json()["items"] == []


@pytest.mark.parametrize("bad", ["\x00", "\u202e", "\n"])
def test_a_framework_title_is_one_line(world, api_as, frozen, bad):
    body = {
        "key": "military-agreement",
        "title": f"Military{bad} agreement",
        "adopted_on": "2023-09-19",
        "summary": "Annex to the declaration.",
        "clauses": [{"number": "1", "text": "Cease hostile acts."}],
    }
    with frozen(CHANNEL_AT), nothing_written():
        response = post(api_as("south_head"), world, "/frameworks", body)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "title"


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "Rail\x00 study"), ("title", "Rail\u202e study"), ("description", "On\x1b foot")],
)
def test_a_project_draft_follows_the_rule_though_it_enters_no_log(
    world, api_as, frozen, field, value
):
    body = {"base_revision": 0, "kind": "study", "title": "Rail study", "leads": ["south"]}
    with frozen(CHANNEL_AT), nothing_written():
        response = api_as("south_staff").put(
            office_url(world, "/projects/drafts/rail"),
            {**body, field: value},
            content_type="application/json",
        )
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert not ProjectDraft.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "Our\x00 account"), ("source", "KC\nNA"), ("body", "Agreed\x00.")],
)
def test_a_readout_draft_follows_the_rule_though_it_enters_no_log(
    world, api_as, frozen, field, value
):
    recorded(world)
    body = {"base_revision": 0, "title": "Our account", "source": "KCNA", "body": "Agreed."}
    before = ReadoutDraft.objects.count()
    with frozen(AFTER_FIRST), nothing_written():
        response = api_as("north_staff").put(
            office_url(world, f"/sessions/{FIRST}/readouts/draft"),
            {**body, field: value},
            content_type="application/json",
        )
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert ReadoutDraft.objects.count() == before


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("agenda\r\n.pdf", "agenda.pdf"),
        ("agen\x00da.pdf", "agenda.pdf"),
        ("minutes\u202efdp.txt", None),  # shown as "minutestxt.pdf"; really a .txt
        ("\u2067agenda\u2069.pdf", "agenda.pdf"),
    ],
)
def test_a_file_name_is_cleaned_to_the_line_it_looks_like(world, api_as, frozen, name, kept):
    upload = {"name": name, "content_base64": base64.b64encode(PDF).decode()}
    with frozen(CHANNEL_AT):
        response = post(api_as("south_head"), world, "/messages", message(attachments=[upload]))
    if kept is None:
        # Cleaned, the name promises plain text: the PDF is refused for what it is.
        assert response.status_code == 400, response.content
        assert response.json()["field"] == "attachments"
        assert response.json()["detail"].startswith("minutesfdp.txt is not plain text")
        assert not Attachment.objects.exists()
        return
    assert response.status_code == 201, response.content
    assert [a["name"] for a in response.json()["attachments"]] == [kept]
    assert list(Attachment.objects.values_list("name", flat=True)) == [kept]


def test_a_nul_in_an_address_is_a_404_not_a_server_error(world, api_as, frozen):
    corresponded(world)
    client = api_as("south_staff")
    with frozen(CHANNEL_AT), nothing_written():
        answers = [
            client.get(office_url(world, "/messages/south-1%00")),
            client.get(office_url(world, f"/messages/{NOTICE}/attachments/ab%00cd")),
            client.delete(office_url(world, "/notes/abc%00def")),
        ]
    assert [a.status_code for a in answers] == [404, 404, 404]
