"""The operator reads the records in the admin but never a side's private draft."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.test import Client

from liaison.records import readouts
from liaison.records.commands import SaveReadoutDraft
from liaison.records.models import Minutes, ReadoutDraft
from liaison.testing import FIRST_SESSION, FIRST_START, OPERATOR


def test_drafts_are_not_in_the_admin_and_minutes_cannot_be_changed_there(held):
    readouts.save_readout_draft(
        member=held.north_staff,
        command=SaveReadoutDraft(
            session=FIRST_SESSION,
            base_revision=0,
            title="Private",
            source="KCNA",
            body="Not for the operator.",
        ),
        now=FIRST_START + dt.timedelta(hours=1),
    )
    assert ReadoutDraft not in admin.site._registry
    client = Client()
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=OPERATOR))
    assert client.get("/admin/records/readoutdraft/").status_code == 404
    index = client.get("/admin/").content.decode()
    assert "Not for the operator" not in index
    assert client.get("/admin/records/minutes/").status_code == 200
    assert not admin.site._registry[Minutes].has_change_permission(None)  # type: ignore[arg-type]


def test_project_drafts_are_not_in_the_admin(world):
    from liaison.projects.models import Project, ProjectDraft

    assert ProjectDraft not in admin.site._registry
    assert Project in admin.site._registry
