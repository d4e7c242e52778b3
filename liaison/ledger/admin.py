from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from liaison.ledger.models import Event, Log


class ReadOnlyAdmin(admin.ModelAdmin):
    """The log is append-only and projections change only through events: the operator
    can read them here but not edit them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Log)
class LogAdmin(ReadOnlyAdmin):
    list_display = ["office", "side", "size", "head"]
    list_filter = ["office"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["log", "seq", "type", "actor", "at", "hash"]
    list_filter = ["type", "log__office"]
    search_fields = ["hash", "actor", "type"]
    exclude = ["data"]
    readonly_fields = ["log", "seq", "hash", "prev", "at", "actor", "type", "content"]

    @admin.display(description="stored bytes")
    def content(self, obj: Event) -> str:
        return bytes(obj.data).decode("utf-8", errors="replace")
