"""The operator may see which sealed keys exist, never the sealed bytes: with
``LIAISON_KEY_SECRET`` they are a side's signing key."""

from __future__ import annotations

from django.contrib import admin

from liaison.ledger.admin import ReadOnlyAdmin
from liaison.signing.models import KeySecret


@admin.register(KeySecret)
class KeySecretAdmin(ReadOnlyAdmin):
    list_display = ["office", "side", "fingerprint", "created_at"]
    list_filter = ["office"]
    fields = ["office", "side", "fingerprint", "created_at"]
