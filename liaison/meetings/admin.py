from __future__ import annotations

from django.contrib import admin

from liaison.ledger.admin import ReadOnlyAdmin
from liaison.meetings.models import AbsenceNotice, Cadence, CheckIn, Session


@admin.register(Cadence)
class CadenceAdmin(ReadOnlyAdmin):
    list_display = ["office", "key", "version", "title", "rule", "valid_from", "valid_until"]
    list_filter = ["office"]


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ["office", "key", "title", "start", "status"]
    list_filter = ["office", "status"]


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyAdmin):
    list_display = ["office", "session_key", "side", "attendee", "at"]
    list_filter = ["office"]


@admin.register(AbsenceNotice)
class AbsenceNoticeAdmin(ReadOnlyAdmin):
    list_display = ["office", "session_key", "side", "given_by", "at"]
    list_filter = ["office"]
