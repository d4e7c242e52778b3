"""A proposal's page and its answers: the other side's head or deputy accepts or
declines it; the proposing side may withdraw it while it is open."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from liaison.lib import clock
from liaison.meetings import answering
from liaison.meetings import proposals as read
from liaison.meetings.commands import AcceptProposal, DeclineProposal, WithdrawProposal
from liaison.meetings.lookups import proposal_for
from liaison.meetings.models import ProposalKind
from liaison.offices import access
from liaison.offices.models import Member, Office
from liaison.web import forms
from liaison.web.pages import office_page, run_form


def _answer_forms(
    member: Member, view: read.ProposalView, sent: dict[str, forms.ActionForm]
) -> dict[str, forms.ActionForm]:
    result: dict[str, forms.ActionForm] = {}
    if view.answerable_by(member):
        result["accept"] = forms.AcceptForm()
        result["decline"] = forms.DeclineForm()
    if view.withdrawable_by(member):
        result["withdraw"] = forms.WithdrawForm()
    result.update(sent)
    return result


def _page(
    request: HttpRequest,
    office: Office,
    member: Member,
    key: str,
    sent: dict[str, forms.ActionForm] | None = None,
) -> HttpResponse:
    view = read.view_of(office, proposal_for(member, key), clock.now())
    session_key = (
        view.proposal.subject if view.kind in (ProposalKind.SESSION, ProposalKind.MOVE) else None
    )
    return render(
        request,
        "web/proposal.html",
        {
            "office": office,
            "member": member,
            "view": view,
            "session_key": session_key,
            "forms": _answer_forms(member, view, sent or {}),
            "now": clock.now(),
            "nav": "schedule",
        },
        status=400 if sent else 200,
    )


@require_safe
@office_page
def proposal_detail(request: HttpRequest, office: Office, member: Member, key: str) -> HttpResponse:
    return _page(request, office, member, key)


def _answer(
    request: HttpRequest,
    office: Office,
    member: Member,
    key: str,
    name: str,
    form: forms.ActionForm,
    perform: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    access.require_side_speaker(member)
    proposal_for(member, key)
    url = reverse("proposal-detail", args=[office.slug, key])
    done = run_form(request, form, lambda data: (perform(data), url))
    return done or _page(request, office, member, key, sent={name: form})


@require_POST
@office_page
def proposal_accept(request: HttpRequest, office: Office, member: Member, key: str) -> HttpResponse:
    def perform(data: dict[str, Any]) -> str:
        answering.accept_proposal(member=member, command=AcceptProposal(key=key), now=clock.now())
        return f"Accepted for {member.side}: it now binds both sides."

    return _answer(request, office, member, key, "accept", forms.AcceptForm(request.POST), perform)


@require_POST
@office_page
def proposal_decline(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    def perform(data: dict[str, Any]) -> str:
        command = DeclineProposal(key=key, **forms.given(data, "reason"))
        answering.decline_proposal(member=member, command=command, now=clock.now())
        return "Declined: nothing of the proposal binds either side."

    form = forms.DeclineForm(request.POST)
    return _answer(request, office, member, key, "decline", form, perform)


@require_POST
@office_page
def proposal_withdraw(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    def perform(data: dict[str, Any]) -> str:
        command = WithdrawProposal(key=key, **forms.given(data, "reason"))
        answering.withdraw_proposal(member=member, command=command, now=clock.now())
        return "Proposal withdrawn."

    form = forms.WithdrawForm(request.POST)
    return _answer(request, office, member, key, "withdraw", form, perform)
