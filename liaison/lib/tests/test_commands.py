"""Commands say what is wrong with each field in words, and say all of it at once."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.lib.commands import Command, Invalid
from liaison.lib.fields import Key, Reason, Title, limit_of, text


class Example(Command):
    labels = {"key": "the key"}

    key: Key
    title: Title
    notes: text(300) = ""
    reason: Reason = ""
    copies: int = 1
    due: dt.date | None = None


def _problems(**values: object) -> dict[str, list[str]]:
    with pytest.raises(Invalid) as caught:
        Example.build(**values)
    return caught.value.errors


def test_a_good_command_is_built_with_its_strings_stripped() -> None:
    command = Example.build(key="rail-study", title="  Rail study  ", due="2024-01-05")
    assert command.title == "Rail study"
    assert command.due == dt.date(2024, 1, 5)


def test_every_field_at_fault_is_named_with_its_own_message() -> None:
    errors = _problems(key="Rail Study", title="   ", reason="x" * 2001)
    assert errors == {
        "key": ["the key must be lowercase letters, digits and hyphens, at most 64"],
        "title": ["the title is empty"],
        "reason": ["the reason is longer than 2,000 characters"],
    }


def test_the_first_problem_is_the_refusal_a_caller_that_shows_one_reads() -> None:
    with pytest.raises(Invalid) as caught:
        Example.build(key="ok", title="A\ttitle", copies="many")
    assert caught.value.field == "title"
    assert "one line" in caught.value.message and "U+0009" in caught.value.message
    assert caught.value.errors["copies"] == ["the copies must be a whole number"]


def test_missing_and_unknown_fields_are_said_plainly() -> None:
    errors = _problems(title="T", colour="red")
    assert errors["key"] == ["the key is required"]
    assert errors["colour"] == ["the colour is not part of this request"]


def test_limits_are_read_off_the_field_types() -> None:
    assert limit_of(Title) == 200
    assert limit_of(Key) == 64
    assert limit_of(Example.model_fields["notes"]) == 300
    assert limit_of(Example.model_fields["copies"]) is None
