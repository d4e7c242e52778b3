"""The operator's admin: offices and members are created through the same actions as
everything else, so each change is an event in the office's charter log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from liaison.ledger.admin import ReadOnlyAdmin
from liaison.lib import clock
from liaison.lib.commands import Invalid
from liaison.lib.errors import Refused
from liaison.offices import actions, admin_accounts  # noqa: F401 - admin_accounts: no secrets
from liaison.offices.commands import EndMembership
from liaison.offices.forms import ChangeMemberForm, CharterForm, EndMembershipForm, MemberForm
from liaison.offices.models import Member, Office, Side


def _render(request: HttpRequest, title: str, form: Any) -> HttpResponse:
    return TemplateResponse(
        request,
        "admin/liaison/action_form.html",
        {**admin.site.each_context(request), "title": title, "form": form},
    )


def _refused(form: Any, exc: Refused) -> None:
    """The refusal on the field it names; a command's ``Invalid`` puts each field's
    messages on that field (a field the form lacks, such as a side's: on the form)."""
    problems = exc.errors if isinstance(exc, Invalid) else {exc.field or "": [exc.message]}
    for name, found in problems.items():
        for message in found:
            form.add_error(name if name in form.fields else None, message)


class ActionAdmin(ReadOnlyAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


@admin.register(Office)
class OfficeAdmin(ActionAdmin):
    list_display = ["id", "name", "place", "time_zone", "launched_on"]

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CharterForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                office = actions.charter_office(
                    command=form.command(), actor=request.user.get_username(), now=clock.now()
                )
            except Refused as exc:
                _refused(form, exc)
            else:
                messages.success(request, f"Chartered {office.name}.")
                return HttpResponseRedirect(reverse("admin:offices_office_changelist"))
        return _render(request, "Charter an office", form)


@admin.register(Side)
class SideAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "language", "time_zone"]


@admin.register(Member)
class MemberAdmin(ActionAdmin):
    list_display = [
        "username",
        "full_name",
        "office",
        "side",
        "role",
        "title",
        "active_from",
        "active_until",
    ]
    list_filter = ["office", "role"]
    search_fields = ["username", "full_name"]
    readonly_fields = ["operator_links"]

    @admin.display(description="Change")
    def operator_links(self, obj: Member) -> str:
        return format_html(
            '<a href="{}">Change name, title, role or time zone</a> · '
            '<a href="{}">End the membership</a>',
            reverse("admin:offices_member_edit", args=[obj.pk]),
            reverse("admin:offices_member_end", args=[obj.pk]),
        )

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "<path:object_id>/edit/",
                self.admin_site.admin_view(self.edit_view),
                name="offices_member_edit",
            ),
            path(
                "<path:object_id>/end/",
                self.admin_site.admin_view(self.end_view),
                name="offices_member_end",
            ),
        ]
        return extra + super().get_urls()

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = MemberForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            office = form.cleaned_data["office"]
            try:
                member = actions.add_member(
                    office=office,
                    command=form.command(),
                    actor=request.user.get_username(),
                    now=clock.now(),
                )
            except Refused as exc:
                _refused(form, exc)
            else:
                messages.success(request, f"Added {member.full_name} to {office.name}.")
                return HttpResponseRedirect(reverse("admin:offices_member_changelist"))
        return _render(request, "Add a member", form)

    def edit_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        member = get_object_or_404(Member.objects.select_related("office", "side"), pk=object_id)
        initial = {
            "full_name": member.full_name,
            "title": member.title,
            "role": member.role,
            "time_zone": member.time_zone,
        }
        form = ChangeMemberForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                actions.change_member(
                    member=member,
                    command=form.command(),
                    actor=request.user.get_username(),
                    now=clock.now(),
                )
            except Refused as exc:
                _refused(form, exc)
            else:
                messages.success(request, f"Changed {member.full_name}'s membership.")
                return HttpResponseRedirect(reverse("admin:offices_member_changelist"))
        return _render(request, f"Change the membership of {member.full_name}", form)

    def end_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        member = get_object_or_404(Member, pk=object_id)
        form = EndMembershipForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                actions.end_membership(
                    member=member,
                    command=EndMembership(active_until=form.cleaned_data["active_until"]),
                    actor=request.user.get_username(),
                    now=clock.now(),
                )
            except Refused as exc:
                _refused(form, exc)
            else:
                messages.success(request, f"Ended {member.full_name}'s membership.")
                return HttpResponseRedirect(reverse("admin:offices_member_changelist"))
        return _render(request, f"End the membership of {member.full_name}", form)
