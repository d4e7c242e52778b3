"""The input contract of each write to projects and drafts (see ``lib/commands``)."""

from __future__ import annotations

from pydantic import Field

from liaison.lib.commands import Command
from liaison.lib.fields import Key


class DraftRevision(Command):
    """Act on exactly the revision of a draft the person read; ``None`` (the API's
    callers that name no revision) acts on whatever revision is saved."""

    labels = {"draft_revision": "the draft's revision"}

    key: Key
    draft_revision: int | None = Field(default=None, ge=1)


class DiscardDraft(DraftRevision):
    pass


class ProposeDraft(DraftRevision):
    pass
