"""The office's frameworks (documents both sides committed to, clause by clause) and its
register of commitments, with the forms to record a framework, make a commitment and
state a commitment's status.

Each view looks up what the address names (``records/lookups.py``) and checks access
through ``offices.access`` before reading the form, builds the action's command from the
form (``record_forms``), calls one action from ``records.frameworks`` or
``records.commitments``, and renders or redirects; the register reads
``records.overview.commitments_of``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from liaison.channel import notes
from liaison.channel.models import TargetKind
from liaison.lib import clock
from liaison.offices import access
from liaison.offices.models import Member, Office
from liaison.records import commitments, frameworks, overview
from liaison.records.commands import ChangeCommitmentStatus, MakeCommitment, RecordFramework
from liaison.records.lookups import framework_for
from liaison.records.models import Clause, Commitment, Outcome
from liaison.web import commitment_forms as rf
from liaison.web.forms import ActionForm
from liaison.web.pages import office_page, run_form
from liaison.web.records import people_of

Forms = dict[str, ActionForm]


# Frameworks ---------------------------------------------------------------------------


def _frameworks_page(
    request: HttpRequest, office: Office, member: Member, sent: rf.FrameworkForm | None = None
) -> HttpResponse:
    form = sent
    if form is None and member.can_act_for_side:
        form = rf.FrameworkForm(initial={"base_revision": 0})
    return render(
        request,
        "web/frameworks.html",
        {
            "office": office,
            "member": member,
            "frameworks": overview.frameworks_of(office),
            "people": people_of(office),
            "form": form,
            "nav": "frameworks",
        },
        status=400 if sent else 200,
    )


@require_safe
@office_page
def office_frameworks(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    return _frameworks_page(request, office, member)


def _framework_page(
    request: HttpRequest,
    office: Office,
    member: Member,
    key: str,
    sent: rf.FrameworkForm | None = None,
) -> HttpResponse:
    framework = framework_for(member, key)
    clauses = list(framework.clauses.all())
    citing: dict[str, list[Commitment]] = defaultdict(list)
    for commitment in Commitment.objects.filter(source_clause__framework=framework).order_by(
        "made_at", "key"
    ):
        citing[commitment.source_clause_id or ""].append(commitment)
    form = sent
    if form is None and member.can_act_for_side:
        form = rf.FrameworkForm(
            revising=True,
            initial={
                "base_revision": framework.revision,
                "key": framework.key,
                "title": framework.title,
                "adopted_on": framework.adopted_on,
                "summary": framework.summary,
                "clauses": rf.clauses_text(clauses),
            },
        )
    return render(
        request,
        "web/framework.html",
        {
            "office": office,
            "member": member,
            "framework": framework,
            "clauses": [(c, citing.get(c.pk, [])) for c in clauses],
            "people": people_of(office),
            "form": form,
            "nav": "frameworks",
        },
        status=400 if sent else 200,
    )


@require_safe
@office_page
def office_framework(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    return _framework_page(request, office, member, key)


def _record_framework(
    request: HttpRequest, office: Office, member: Member, form: rf.FrameworkForm, key: str
) -> HttpResponse | None:
    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = RecordFramework(
            key=key or data["key"],
            base_revision=data["base_revision"],
            title=data["title"],
            adopted_on=data["adopted_on"],
            summary=data["summary"],
            clauses=data["clauses"],
        )
        framework = frameworks.record_framework(member=member, command=command, now=clock.now())
        done = "recorded" if framework.revision == 1 else f"revised (revision {framework.revision})"
        return (
            f"{framework.title} {done}.",
            reverse("office-framework", args=[office.slug, framework.key]),
        )

    return run_form(request, form, perform)


@require_POST
@office_page
def office_framework_record(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    access.require_side_speaker(member)
    form = rf.FrameworkForm(request.POST)
    done = _record_framework(request, office, member, form, "")
    return done or _frameworks_page(request, office, member, sent=form)


@require_POST
@office_page
def office_framework_revise(
    request: HttpRequest, office: Office, member: Member, key: str
) -> HttpResponse:
    access.require_side_speaker(member)
    framework_for(member, key)
    # The framework revised is the one in the address; the form's key is not read.
    data = request.POST.copy()
    data["key"] = key
    form = rf.FrameworkForm(data, revising=True)
    done = _record_framework(request, office, member, form, key)
    return done or _framework_page(request, office, member, key, sent=form)


# Commitments --------------------------------------------------------------------------


def _commitment_forms(
    request: HttpRequest,
    office: Office,
    member: Member,
    views: list[overview.CommitmentView],
    sent: Forms,
) -> Forms:
    """The forms a head or deputy may use; ``?source=`` and ``?change=`` preselect, so a
    link from an outcome or a commitment opens the right form."""
    if not member.can_act_for_side:
        return {}
    result: Forms = {
        "make": rf.CommitmentForm(
            sides=list(office.sides.all()),
            sources=_sources(office),
            initial={"source": request.GET.get("source", "")},
        )
    }
    if views:
        result["status"] = rf.CommitmentStatusForm(
            keys=_keys(views), initial={"key": request.GET.get("change", "")}
        )
    result.update(sent)
    return result


def _sources(office: Office) -> list[Any]:
    outcomes = list(
        Outcome.objects.for_office(office).select_related("record").order_by("record", "position")
    )
    clauses = list(
        Clause.objects.for_office(office)
        .select_related("framework")
        .order_by("framework", "position")
    )
    return rf.source_choices(outcomes, clauses)


def _keys(views: list[overview.CommitmentView]) -> list[tuple[str, str]]:
    return [(v.commitment.key, f"{v.commitment.key}: {v.commitment.text[:60]}") for v in views]


def _commitments_page(
    request: HttpRequest, office: Office, member: Member, sent: Forms | None = None
) -> HttpResponse:
    today = clock.now().astimezone(office.zone).date()
    views = overview.commitments_of(office, today)
    sides = list(office.sides.all())
    return render(
        request,
        "web/commitments.html",
        {
            "office": office,
            "member": member,
            "commitments": views,
            "sides": sides,
            "side_names": {s.key: s.name for s in sides},
            "overdue": sum(1 for v in views if v.overdue),
            "disputed": sum(1 for v in views if v.disputed),
            "people": people_of(office),
            "today": today,
            # The viewer's side's notes on each commitment, in one query.
            "notes": notes.notes_on(
                member, TargetKind.COMMITMENT, [v.commitment.key for v in views]
            ),
            "forms": _commitment_forms(request, office, member, views, sent or {}),
            "nav": "commitments",
        },
        status=400 if sent else 200,
    )


@require_safe
@office_page
def office_commitments(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    return _commitments_page(request, office, member)


def _register_url(office: Office, key: str) -> str:
    return f"{reverse('office-commitments', args=[office.slug])}#commitment-{key}"


@require_POST
@office_page
def office_commitment_make(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    access.require_side_speaker(member)
    form = rf.CommitmentForm(request.POST, sides=list(office.sides.all()), sources=_sources(office))

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = MakeCommitment(
            key=data["key"],
            text=data["text"],
            owners=data["owners"],
            due_on=data["due_on"],
            **form.source_args(),
        )
        commitment = commitments.make_commitment(member=member, command=command, now=clock.now())
        return f"Commitment {commitment.key} registered.", _register_url(office, commitment.key)

    done = run_form(request, form, perform)
    return done or _commitments_page(request, office, member, sent={"make": form})


@require_POST
@office_page
def office_commitment_status(request: HttpRequest, office: Office, member: Member) -> HttpResponse:
    access.require_side_speaker(member)
    keys = list(Commitment.objects.for_office(office).values_list("key", "text"))
    form = rf.CommitmentStatusForm(request.POST, keys=[(k, f"{k}: {t[:60]}") for k, t in keys])

    def perform(data: dict[str, Any]) -> tuple[str, str]:
        command = ChangeCommitmentStatus(
            key=data["key"], status=data["status"], reason=data["reason"]
        )
        commitment = commitments.change_commitment_status(
            member=member, command=command, now=clock.now()
        )
        status = commitment.get_status_display().lower()
        message = f"{member.side} states that commitment {commitment.key} is {status}."
        return message, _register_url(office, commitment.key)

    done = run_form(request, form, perform)
    return done or _commitments_page(request, office, member, sent={"status": form})
