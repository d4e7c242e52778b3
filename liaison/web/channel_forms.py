"""Forms for the channel's pages: writing a message or a reply (with files),
acknowledging one, searching the lists, private notes and notification settings. They
parse what a person typed into the actions' arguments; the rules (who may, which files
are accepted, what a note may be on) live in ``channel/actions.py`` and
``channel/attachments.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from liaison.channel import attachments as files
from liaison.channel.actions import BODY_MAX, SUBJECT_MAX
from liaison.channel.models import Delivery, MessageKind, TargetKind
from liaison.lib.errors import Refused
from liaison.web import outbox
from liaison.web.forms import REASON_MAX, ActionForm

SEARCH_MAX = 200  # as the API's ``q``


class SearchForm(forms.Form):
    """The lists' search box (GET ``q``): words in a subject or a body."""

    q = forms.CharField(label="Search subjects and texts", required=False, max_length=SEARCH_MAX)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "search-%s")
        super().__init__(*args, **kwargs)

    @property
    def text(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(item, initial) for item in data]
        return [one(data, initial)] if data else []


def _accepted() -> str:
    names = sorted(ext.lstrip(".").upper() for ext in files.EXTENSIONS)
    limit = settings.LIAISON_ATTACHMENT_MAX_BYTES
    return f"{', '.join(names)}; at most {limit / 1024 / 1024:g} MB each. Checked by content."


class _Writing(ActionForm):
    """What a message and a reply share: subject, text and files."""

    # The message replied to is a hidden field: its refusal is said above the form.
    refusal_fields = {"message": "", "in_reply_to": ""}

    kind = forms.ChoiceField(label="Kind", choices=MessageKind.choices)
    subject = forms.CharField(label="Subject", max_length=SUBJECT_MAX, strip=True)
    body = forms.CharField(
        label="Text",
        max_length=BODY_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 70}),
    )
    attachments = MultipleFileField(label="Attachments", required=False)

    def __init__(
        self, *args: Any, held: Sequence[outbox.HeldFile] = (), draft: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _accepted()
        # Editing a previewed message: the files chosen then are kept unless unticked,
        # so nobody chooses them again.
        self.fields["draft"] = forms.CharField(
            required=False, max_length=40, widget=forms.HiddenInput, initial=draft
        )
        if held:
            self.fields["keep"] = forms.MultipleChoiceField(
                label="Files chosen before",
                required=False,
                choices=[(f.sha256, held_label(f)) for f in held],
                initial=[f.sha256 for f in held],
                widget=forms.CheckboxSelectMultiple,
                help_text="Untick a file to leave it out.",
            )

    def clean_attachments(self) -> list[UploadedFile]:
        chosen = cast(list[UploadedFile], self.cleaned_data["attachments"])
        limit = settings.LIAISON_ATTACHMENT_MAX_BYTES
        for upload in chosen:
            # Refused before it is read into memory; the action says the same of a file
            # that reaches it (and checks every other rule by the content).
            if (upload.size or 0) > limit:
                raise forms.ValidationError(
                    f"{upload.name} is {upload.size:,} bytes; attachments may be at most "
                    f"{limit:,} bytes"
                )
        return chosen

    def uploads(self) -> list[files.Upload]:
        return [
            files.Upload(upload.name or "", upload.read())
            for upload in self.cleaned_data["attachments"]
        ]


def filesize(value: int) -> str:
    """A size for a person: ``812 bytes``, ``14 KB``, ``2.4 MB``."""
    if value < 1024:
        return f"{value} bytes"
    if value < 1024 * 1024:
        return f"{value / 1024:.0f} KB"
    return f"{value / 1024 / 1024:.1f} MB"


def held_label(held: outbox.HeldFile) -> str:
    return f"{held.name} ({held.content_type}, {filesize(held.size)})"


class SendForm(ActionForm):
    """The preview's buttons: send the message held as ``draft`` (confirming a
    duplicate, when the page said it is one), edit it, or discard it."""

    form_id = "send"

    draft = forms.CharField(max_length=40, widget=forms.HiddenInput)
    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[("send", "Send"), ("edit", "Edit"), ("discard", "Discard")],
        widget=forms.HiddenInput,
        error_messages={"required": "Choose Send, Edit or Discard."},
    )

    def add_refusal(self, exc: Refused) -> None:
        self.add_error(None, exc.message)


class MessageForm(_Writing):
    form_id = "message"

    about_session = forms.CharField(
        label="About the session",
        required=False,
        max_length=100,
        strip=True,
        help_text="The session's key, as in its address, e.g. weekly-20240105T1000.",
    )
    about_project = forms.ChoiceField(label="About the joint project", required=False)

    field_order = ["kind", "subject", "body", "about_session", "about_project", "attachments"]

    def __init__(self, *args: Any, projects: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["about_project"]).choices = [
            ("", "None"),
            *projects,
        ]


class ReplyForm(_Writing):
    """A reply names the thread's message it answers (hidden; the latest from the other
    side unless the person chose another)."""

    form_id = "reply"

    in_reply_to = forms.ChoiceField(widget=forms.HiddenInput, label="In reply to")

    def __init__(self, *args: Any, keys: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["in_reply_to"]).choices = [(k, k) for k in keys]
        self.fields["kind"].initial = MessageKind.REPLY


class AcknowledgeForm(ActionForm):
    """Acknowledging names the message read (hidden), as the address does: the two must
    agree, so a stale or mistyped form acknowledges nothing."""

    form_id = "acknowledge"

    message = forms.CharField(widget=forms.HiddenInput, max_length=80)
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=REASON_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )

    def add_refusal(self, exc: Refused) -> None:
        self.add_error(None, exc.message)


class NoteForm(ActionForm):
    form_id = "note"

    target_kind = forms.ChoiceField(choices=TargetKind.choices, widget=forms.HiddenInput)
    target_key = forms.CharField(max_length=100, widget=forms.HiddenInput)
    body = forms.CharField(
        label="New note",
        max_length=BODY_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )

    def add_refusal(self, exc: Refused) -> None:
        # The hidden fields have no place to show an error: say it above the form.
        self.add_error("body" if exc.field == "body" else None, exc.message)


class NoteTargetForm(forms.Form):
    """Removing a note: the record it is on (hidden), to return to its page."""

    target_kind = forms.ChoiceField(choices=TargetKind.choices, widget=forms.HiddenInput)
    target_key = forms.CharField(max_length=100, widget=forms.HiddenInput)


class NotificationsForm(ActionForm):
    form_id = "notifications"

    delivery = forms.ChoiceField(
        label="Email me about new messages",
        choices=Delivery.choices,
        widget=forms.RadioSelect,
    )
