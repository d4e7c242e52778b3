"""The channel's field types: what a message's subject, text, the keys it is about, a
note and an acknowledgement may hold. The event schemas (``events``), the commands
(``commands``), the API's payloads and the columns (``models``) all take them from here,
so each limit is written once."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from liaison.lib.fields import KEY_MAX, Line, Text

SUBJECT_MAX = 200
BODY_MAX = 50_000
# A session's key is longer than a key: "weekly-20240105T1000".
SESSION_KEY_MAX = 100
# What a note may be on is named by a key a page or a caller gives.
TARGET_KEY_MAX = 100
ATTACHMENTS_MAX = 20
# A file's name as the sender's system gave it (cleaned to one line).
ATTACHMENT_NAME_MAX = 200

MessageKindName = Literal["notice", "proposal", "reply", "protest", "other"]
TargetKindName = Literal["session", "record", "minutes", "project", "message", "commitment"]
DeliveryName = Literal["immediately", "daily", "none"]

Subject = Annotated[Line, Field(min_length=1, max_length=SUBJECT_MAX)]
FileName = Annotated[Line, Field(min_length=1, max_length=ATTACHMENT_NAME_MAX)]
MessageText = Annotated[Text, Field(min_length=1, max_length=BODY_MAX)]
NoteText = Annotated[Text, Field(min_length=1, max_length=BODY_MAX)]
SessionKey = Annotated[Line, Field(max_length=SESSION_KEY_MAX)]
ProjectKey = Annotated[Line, Field(max_length=KEY_MAX)]
TargetKey = Annotated[Line, Field(max_length=TARGET_KEY_MAX)]
