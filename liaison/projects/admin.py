"""Read-only admin for projects and third parties. ``ProjectDraft`` is deliberately
absent: a side's draft is its private content, and the operator is not on that side."""

from __future__ import annotations

from django.contrib import admin

from liaison.ledger.admin import ReadOnlyAdmin
from liaison.projects.models import Blocker, ExternalEvent, Position, Project, ThirdParty


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["office", "key", "title", "status", "original_start", "current_start"]
    list_filter = ["office", "status"]


@admin.register(Blocker)
class BlockerAdmin(ReadOnlyAdmin):
    list_display = ["project", "key", "kind", "opened_on", "resolved_on"]
    list_filter = ["office", "kind"]


@admin.register(ThirdParty)
class ThirdPartyAdmin(ReadOnlyAdmin):
    list_display = ["office", "key", "name"]
    list_filter = ["office"]


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ["party", "key", "stated_on", "summary"]
    list_filter = ["office"]


@admin.register(ExternalEvent)
class ExternalEventAdmin(ReadOnlyAdmin):
    list_display = ["party", "key", "title", "on", "status"]
    list_filter = ["office", "status"]
