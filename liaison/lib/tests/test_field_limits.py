"""A model column is as long as the field type that fills it, and no longer or shorter.

Event bodies and commands take their limits from ``lib/fields`` (``Key``, ``Title``,
``Reason``, ``Username``, ``TimeZone``); the projections store what the events carry.
A column shorter than its type refuses, at apply time, a body the schema accepted (a
500 on PostgreSQL's varchar, a projection that no longer rebuilds); a longer one says a
limit that no path keeps. So every character column named for a field type (``key``,
``title``, ``username``, ``*_by``, ...) has that type's limit, and the few that share
the name but hold something else say here what fills them.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

from liaison.lib.fields import (
    KEY_MAX,
    REASON_MAX,
    TITLE_MAX,
    USERNAME_MAX,
    ZONE_MAX,
    Key,
    Reason,
    TimeZone,
    Title,
    Username,
    limit_of,
)
from liaison.projects.events import ExternalEventRecorded
from liaison.records.events import SessionKey
from liaison.signing.formats import ROTATION_REASON_MAX

SESSION_KEY_MAX = limit_of(SessionKey)

# A column's name -> the limit of the field type that fills a column of that name.
BY_NAME: dict[str, int | None] = {
    "key": KEY_MAX,
    "slug": KEY_MAX,
    "side": KEY_MAX,
    "office": KEY_MAX,
    "event_side": KEY_MAX,
    "session_key": SESSION_KEY_MAX,
    "title": TITLE_MAX,
    "subject": TITLE_MAX,
    "reason": REASON_MAX,
    "username": USERNAME_MAX,
    "actor": USERNAME_MAX,
    "time_zone": ZONE_MAX,
}
# Columns named ``*_by`` name a member: a username.
BY_SUFFIX = {"_by": USERNAME_MAX}

# Columns of such a name that hold something else: (model, column) -> (the limit of what
# fills it, what that is).
OTHER: dict[tuple[str, str], tuple[int | None, str]] = {
    ("meetings.Session", "key"): (SESSION_KEY_MAX, "a session key: a cadence's key and a time"),
    ("meetings.Proposal", "subject"): (SESSION_KEY_MAX, "the key of a cadence or a session"),
    ("meetings.ScheduleNotice", "subject"): (300, "an email's subject, cut by meetings/notices"),
    ("channel.Message", "key"): (80, "channel.events.message_key: a side and a seq"),
    ("channel.PrivateNote", "key"): (32, "channel.models.new_note_key: 128 random bits"),
    ("signing.Checkpoint", "reason"): (16, "one of a few words: schedule, minutes, ..."),
    ("signing.SideKey", "reason"): (ROTATION_REASON_MAX, "key.rotated's reason"),
    ("projects.ExternalEvent", "title"): (
        limit_of(ExternalEventRecorded.model_fields["title"]),
        "third_party.event_recorded's title: a headline as reported",
    ),
}


def _expected(column: str) -> int | None:
    if column in BY_NAME:
        return BY_NAME[column]
    for suffix, limit in BY_SUFFIX.items():
        if column.endswith(suffix):
            return limit
    return None


def _char_columns() -> list[tuple[str, models.CharField]]:
    return [
        (model._meta.label, field)
        for model in apps.get_models()
        if model.__module__.startswith("liaison.")
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField) and not field.primary_key
    ]


def test_the_field_types_say_their_limits():
    assert (limit_of(Key), limit_of(Title), limit_of(Reason)) == (KEY_MAX, TITLE_MAX, REASON_MAX)
    assert (limit_of(Username), limit_of(TimeZone)) == (USERNAME_MAX, ZONE_MAX)


def test_each_column_named_for_a_field_type_has_its_limit():
    wrong = []
    for label, field in _char_columns():
        expected, holds = OTHER.get((label, field.name), (_expected(field.name), ""))
        if expected is not None and field.max_length != expected:
            what = holds or f"the field type of a {field.name!r} column"
            wrong.append(
                f"{label}.{field.name}: max_length {field.max_length}, "
                f"but {what} is at most {expected}"
            )
    assert not wrong, "columns that disagree with their field types:\n" + "\n".join(wrong)


def test_each_exception_is_a_column_that_needs_it():
    columns = {(label, field.name): field for label, field in _char_columns()}
    stale = [f"{label}.{name}" for label, name in OTHER if (label, name) not in columns]
    needless = [
        f"{label}.{name}"
        for (label, name), (limit, _holds) in OTHER.items()
        if (label, name) in columns and limit == _expected(name)
    ]
    assert not stale, f"no such columns: {stale}"
    assert not needless, f"these follow the rule for their name: {needless}"
