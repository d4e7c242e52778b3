"""Read-only admin for the records. ``ReadoutDraft`` is deliberately absent: a side's
draft is its private content, and the operator is not on that side."""

from __future__ import annotations

from django.contrib import admin

from liaison.ledger.admin import ReadOnlyAdmin
from liaison.records.models import (
    Commitment,
    Framework,
    MeetingRecord,
    Minutes,
    MinutesVersion,
    Readout,
)


@admin.register(MeetingRecord)
class MeetingRecordAdmin(ReadOnlyAdmin):
    list_display = ["office", "session_key", "revision", "place", "started_at", "written_by"]
    list_filter = ["office"]


@admin.register(Readout)
class ReadoutAdmin(ReadOnlyAdmin):
    list_display = ["office", "session_key", "side", "version", "title", "published_at"]
    list_filter = ["office", "side"]


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyAdmin):
    list_display = ["office", "session_key", "latest_version", "proposed_version", "agreed_version"]
    list_filter = ["office"]


@admin.register(MinutesVersion)
class MinutesVersionAdmin(ReadOnlyAdmin):
    list_display = ["minutes", "version", "side", "saved_by", "saved_at", "agreed_at"]
    list_filter = ["office"]


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ["office", "key", "title", "adopted_on", "revision"]
    list_filter = ["office"]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["office", "key", "status", "due_on", "made_by"]
    list_filter = ["office", "status"]
