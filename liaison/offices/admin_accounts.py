"""The admin's accounts and second-factor devices, with nothing secret on any page.

Django's own admin shows a password hash summary on the account page and django-otp's
shows a device's TOTP key (and its QR code): an operator who reads a key can make the
member's codes. Here the account page says only whether a password is set, with the
link to set one; devices show who and when, never their key, and are not added here
(a member sets their own up). What the operator changes here is noticed by
``liaison.offices.accounts`` and told in the charter logs; each view names him as the
actor. A member's account is not deleted (the record names it) nor renamed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.offices import accounts
from liaison.offices.models import Member

User = get_user_model()


class OperatorNamed(admin.ModelAdmin):
    """Every view that may change something names the signed-in operator as the actor of
    the acts it makes."""

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        with accounts.operator(request.user.get_username()):
            return super().changeform_view(request, *args, **kwargs)

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        with accounts.operator(request.user.get_username()):
            return super().changelist_view(request, *args, **kwargs)

    def delete_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        with accounts.operator(request.user.get_username()):
            return super().delete_view(request, *args, **kwargs)


class AccountChangeForm(UserChangeForm):
    # Not even the hash's summary (algorithm, salt and hash, partly masked) is shown.
    password = None  # type: ignore[assignment]


def _has_memberships(user: AbstractBaseUser | None) -> bool:
    return user is not None and Member.objects.filter(user_id=user.pk).exists()


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(OperatorNamed, auth_admin.UserAdmin):
    form = AccountChangeForm
    fieldsets = (
        (None, {"fields": ("username", "password_state")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )

    @admin.display(description="Password")
    def password_state(self, obj: AbstractBaseUser) -> str:
        state = "Set" if obj.has_usable_password() else "None: password sign-in is off"
        url = reverse("admin:auth_user_password_change", args=[obj.pk])
        return format_html(
            '{}. <a href="{}">Set a password</a> (the member and their side\'s heads are '
            "told, and the account's sessions and API tokens end).",
            state,
            url,
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = ["password_state", *super().get_readonly_fields(request, obj)]
        if _has_memberships(obj):
            fields.append("username")  # the record names members by their username
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if _has_memberships(obj):
            return False  # deactivate a member's account instead: the record names it
        return super().has_delete_permission(request, obj)

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> Any:
        # The bulk delete would not ask about memberships account by account.
        found = super().get_actions(request, action_location)
        found.pop("delete_selected", None)
        return found

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        with accounts.operator(request.user.get_username()):
            return super().user_change_password(request, id, form_url)


class DeviceForm(forms.ModelForm):
    class Meta:
        model = TOTPDevice
        fields = ["confirmed"]


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class SecondFactorAdmin(OperatorNamed, admin.ModelAdmin):
    """A member's authenticator app: who, when, whether confirmed. Deleting one (or
    turning it to unconfirmed) is how the operator removes a lost second factor, and is
    told like every act on an account."""

    form = DeviceForm
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "name"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = ["user", "name", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # members set up their own devices; a key made here would be known

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not obj.confirmed:
            fields.append("confirmed")  # confirming a code nobody entered proves nothing
        return fields
