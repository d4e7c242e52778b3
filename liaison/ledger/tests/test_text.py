"""The rule for text in event bodies (``Line``, ``Text``), and that every string field of
the offices', records', projects', channel's and signing's events follows it."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field

from liaison.ledger.events import EventRejected, registered_types, validate_body
from liaison.lib.fields import LINE_PATTERN, TEXT_PATTERN, Line, Text, clean_line, text_problem


class Sample(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    line: Line = Field(default="x", min_length=1, max_length=20)
    text: Text = Field(default="", max_length=50)
    names: list[Line] = Field(default_factory=list)


@pytest.mark.parametrize(
    "value",
    [
        "Joint liaison office",
        "남북공동연락사무소",
        "مكتب الاتصال\u200f",
        "a" * 20,
        "It's “fine” — ok",
    ],
)
def test_a_line_takes_any_script_on_one_line(value):
    assert Sample(line=value).line == value
    assert text_problem(value, one_line=True) is None


@pytest.mark.parametrize(
    "bad",
    ["\x00", "\x01", "\t", "\n", "\r", "\x1f", "\x7f", "\x85", "\x9f", "\u2028", "\u2029"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)],
)
def test_a_line_holds_no_control_line_break_or_bidirectional_override(bad):
    with pytest.raises(ValueError, match="pattern"):
        Sample(line=f"a{bad}b")
    problem = text_problem(f"a{bad}b", one_line=True)
    assert problem is not None and f"U+{ord(bad):04X}" in problem
    assert clean_line(f"a{bad}b") == "ab"


def test_a_text_keeps_lines_and_tabs_but_no_other_control():
    ok = "One\r\nTwo\n\tThree\u2028Four"
    assert Sample(text=ok).text == ok
    assert text_problem(ok, one_line=False) is None
    for bad in ["\x00", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x9b", "\u202e", "\u2066"]:
        with pytest.raises(ValueError, match="pattern"):
            Sample(text=f"a{bad}b")
        assert f"U+{ord(bad):04X}" in (text_problem(f"a{bad}b", one_line=False) or "")


def test_lengths_stay_with_the_field_and_say_so():
    with pytest.raises(ValueError, match="at least 1 character"):
        Sample(line="")
    with pytest.raises(ValueError, match="at most 20 characters"):
        Sample(line="a" * 21)


def test_the_schema_shows_the_pattern_with_the_fields_lengths():
    properties = Sample.model_json_schema()["properties"]
    assert properties["line"] | {"title": ""} == {
        "default": "x",
        "maxLength": 20,
        "minLength": 1,
        "pattern": LINE_PATTERN,
        "title": "",
        "type": "string",
    }
    assert properties["text"]["pattern"] == TEXT_PATTERN
    assert properties["names"]["items"]["pattern"] == LINE_PATTERN


def test_an_event_refusal_says_the_rule_for_a_person_and_names_the_field():
    body = {
        "kind": "notice",
        "subject": "Agenda\u202e",
        "body": "x",
        "in_reply_to": None,
        "about": {"session": "", "project": ""},
        "attachments": [],
    }
    with pytest.raises(EventRejected) as caught:
        validate_body("message.sent", body)
    assert caught.value.field == "subject"
    assert caught.value.message == (
        "message.sent: subject: must be one line, without control or bidirectional "
        "override characters (it holds U+202E)"
    )


# Every string field of these apps' events is a Line or a Text, or has a pattern of its
# own (hashes, keys, days), stricter still. The meetings events are the lead's.
CHECKED_APPS = ("offices", "records", "projects", "channel", "signing")


def _strings_without_pattern(node: Any, defs: dict[str, Any], where: str) -> list[str]:
    if isinstance(node, dict):
        if "$ref" in node:
            return _strings_without_pattern(defs[node["$ref"].rsplit("/", 1)[-1]], defs, where)
        found = []
        if node.get("type") == "string" and "pattern" not in node and "enum" not in node:
            found.append(where)
        for key, value in node.items():
            if key == "properties":
                for name, sub in value.items():
                    found += _strings_without_pattern(sub, defs, f"{where}.{name}")
            elif key in ("items", "anyOf"):
                found += _strings_without_pattern(value, defs, where)
        return found
    if isinstance(node, list):
        return [f for item in node for f in _strings_without_pattern(item, defs, where)]
    return []


def test_every_string_field_of_these_events_follows_the_rule_for_text():
    checked = {
        name: cls
        for name, cls in registered_types().items()
        if cls.__module__.split(".")[1] in CHECKED_APPS
    }
    assert {"message.sent", "project.proposed", "record.saved", "office.chartered"} <= set(checked)
    loose = []
    for name, cls in sorted(checked.items()):
        schema = cls.model_json_schema()
        loose += _strings_without_pattern(schema, schema.get("$defs", {}), name)
    assert loose == []
