"""The office's third parties: the list (with the form to add one) and a party's page
with its actors, positions (and the projects each blocks or conditions) and external
events, with the forms of a side's head or deputy to add an actor, a position or an
event. Recording an event under a key already used records a newer account of it.

Each view finds the party (``projects.lookups``) and checks access through
``offices.access`` before it reads the form from ``project_forms``, builds the command
and calls one action of ``projects/third_parties.py``, and renders or redirects.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from liaison.lib import clock
from liaison.offices import access
from liaison.offices.models import Member, Office
from liaison.projects import overview, third_parties
from liaison.projects.commands import (
    AddActor,
    RecordExternalEvent,
    RecordPosition,
    RecordThirdParty,
)
from liaison.projects.lookups import third_party_for
from liaison.projects.models import Blocker, Condition, ExternalEvent, Position, ThirdParty
from liaison.web import project_forms as pf
from liaison.web.forms import ActionForm
from liaison.web.pages import office_page, run_form
from liaison.web.records import people_of

Forms = dict[str, ActionForm]


def _list_page(
    request: HttpRequest, office: Office, member: Member, sent: pf.ThirdPartyForm | None = None
) -> HttpResponse:
    form = sent
    if form is None and member.can_act_for_side:
        form = pf.ThirdPartyForm()
    return render(
        request,
        "web/third_parties.html",
        {
            "office": office,
            "member": member,
            "parties": overview.third_parties_of(office),
            "people": people_of(office),
            "form": form,
            "nav": "third-parties",
        },
        status=400 if sent else 200,
    )


@require_safe
@office_page
def office_third_parties(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    return _list_page(request, office, member)


@require_POST
@office_page
def office_third_party_record(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    access.require_side_speaker(member)
    form = pf.ThirdPartyForm(request.POST)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = RecordThirdParty(**data)
        party = third_parties.record_third_party(member=member, command=command, now=clock.now())
        url = reverse("office-third-party", args=[office.slug, party.key])
        return f"{party.name} recorded.", url

    return run_form(request, form, perform) or _list_page(request, office, member, sent=form)


# A party's page -----------------------------------------------------------------------------


def _party(member: Member, key: str) -> ThirdParty:
    """The party with everything its page shows, in six queries."""
    positions = Position.objects.select_related("actor", "side").prefetch_related(
        Prefetch("blockers", queryset=Blocker.objects.select_related("project")),
        Prefetch("conditions", queryset=Condition.objects.select_related("project")),
    )
    rows = ThirdParty.objects.prefetch_related(
        "actors",
        Prefetch("positions", queryset=positions),
        Prefetch("events", queryset=ExternalEvent.objects.select_related("actor", "side")),
    )
    return third_party_for(member, key, rows)


def _actors(party: ThirdParty) -> pf.Choices:
    return [(a.key, str(a)) for a in party.actors.all()]


def _party_forms(request: HttpRequest, member: Member, party: ThirdParty, sent: Forms) -> Forms:
    """The forms a head or deputy may use; ``?event=<key>`` fills the event form with that
    event, to record a newer account of it."""
    if not member.can_act_for_side:
        return {}
    actors = _actors(party)
    initial: dict[str, Any] = {}
    again = next((e for e in party.events.all() if e.key == request.GET.get("event")), None)
    if again is not None:
        initial = {
            "key": again.key,
            "title": again.title,
            "on": again.on,
            "status": again.status,
            "source": again.source,
            "actor": again.actor.key if again.actor else "",
        }
    result: Forms = {
        "actor": pf.ActorForm(),
        "position": pf.PositionForm(actors=actors),
        "event": pf.ExternalEventForm(actors=actors, initial=initial),
    }
    result.update(sent)
    return result


def _party_page(
    request: HttpRequest, office: Office, member: Member, key: str, sent: Forms | None = None
) -> HttpResponse:
    party = _party(member, key)
    return render(
        request,
        "web/third_party.html",
        {
            "office": office,
            "member": member,
            "party": party,
            "people": people_of(office),
            "forms": _party_forms(request, member, party, sent or {}),
            "nav": "third-parties",
        },
        status=400 if sent else 200,
    )


@require_safe
@office_page
def office_third_party(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    return _party_page(request, office, member, key)


def _party_url(office: Office, key: str, anchor: str) -> str:
    return f"{reverse('office-third-party', args=[office.slug, key])}#{anchor}"


def _party_act(
    request: HttpRequest,
    office: Office,
    member: Member,
    key: str,
    name: str,
    form: ActionForm,
    perform: Any,
) -> HttpResponse:
    done = run_form(request, form, perform)
    return done or _party_page(request, office, member, key, sent={name: form})


@require_POST
@office_page
def office_third_party_actor(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    third_party_for(member, key)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = AddActor(party=key, **data)
        actor = third_parties.add_actor(member=member, command=command, now=clock.now())
        return f"{actor} added.", _party_url(office, key, "actors")

    form = pf.ActorForm(request.POST)
    return _party_act(request, office, member, key, "actor", form, perform)


@require_POST
@office_page
def office_third_party_position(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    party = _party(member, key)

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = RecordPosition(party=key, **pf.given(data))
        position = third_parties.record_position(member=member, command=command, now=clock.now())
        anchor = f"position-{position.key}"
        return f"Position {position.key} recorded.", _party_url(office, key, anchor)

    form = pf.PositionForm(request.POST, actors=_actors(party))
    return _party_act(request, office, member, key, "position", form, perform)


@require_POST
@office_page
def office_third_party_event(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    party = _party(member, key)
    known = {e.key for e in party.events.all()}

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = RecordExternalEvent(party=key, **pf.given(data))
        event = third_parties.record_external_event(member=member, command=command, now=clock.now())
        done = "A newer account of" if event.key in known else "Recorded:"
        return f"{done} {event.title}.", _party_url(office, key, f"event-{event.key}")

    form = pf.ExternalEventForm(request.POST, actors=_actors(party))
    return _party_act(request, office, member, key, "event", form, perform)
