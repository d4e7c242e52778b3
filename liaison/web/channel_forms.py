"""Forms for the channel's pages: writing a message or a reply (with files),
acknowledging one, searching the lists, private notes and notification settings. Their
fields are the commands' (``channel/commands.py``, by ``command_fields.field_for``): a
form says how a field looks, the command what it accepts, and the rules that need the
office (who may, which files are accepted, what a note may be on) are the actions'.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from liaison.channel import attachments as files
from liaison.channel.commands import Acknowledge, AddNote, SendMessage
from liaison.channel.fields import TARGET_KEY_MAX
from liaison.channel.models import Delivery, MessageKind, TargetKind
from liaison.lib.errors import Refused
from liaison.web import outbox
from liaison.web.command_fields import field_for
from liaison.web.forms import ActionForm

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

    kind = field_for(SendMessage, "kind", label="Kind", choices=MessageKind.choices)
    subject = field_for(SendMessage, "subject", label="Subject")
    body = field_for(
        SendMessage, "body", label="Text", widget=forms.Textarea(attrs={"rows": 10, "cols": 70})
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
    confirm_duplicate = field_for(
        SendMessage, "confirm_duplicate", label="Send it again", widget=forms.HiddenInput()
    )
    action = forms.ChoiceField(
        choices=[("send", "Send"), ("edit", "Edit"), ("discard", "Discard")],
        widget=forms.HiddenInput,
        error_messages={"required": "Choose Send, Edit or Discard."},
    )

    def add_refusal(self, exc: Refused) -> None:
        self.add_error(None, exc.message)


class MessageForm(_Writing):
    form_id = "message"

    about_session = field_for(
        SendMessage,
        "about_session",
        label="About the session",
        help_text="The session's key, as in its address, e.g. weekly-20240105T1000.",
    )
    about_project = field_for(
        SendMessage, "about_project", label="About the joint project", choices=[]
    )

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
    # The message is the address's (hidden here): its refusal is said above the form.
    refusal_fields = {"message": ""}

    message = forms.CharField(widget=forms.HiddenInput, max_length=80)
    note = field_for(
        Acknowledge,
        "note",
        label="Note (optional)",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )


class NoteForm(ActionForm):
    form_id = "note"
    # The hidden fields have no place to show an error: it is said above the form.
    refusal_fields = {"target_kind": "", "target_key": ""}

    target_kind = field_for(
        AddNote,
        "target_kind",
        label="Kind of record",
        choices=TargetKind.choices,
        widget=forms.HiddenInput(),
    )
    target_key = field_for(AddNote, "target_key", label="Record", widget=forms.HiddenInput())
    body = field_for(
        AddNote, "body", label="New note", widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )


class NoteTargetForm(forms.Form):
    """Removing a note: the record it is on (hidden), to return to its page."""

    target_kind = forms.ChoiceField(choices=TargetKind.choices, widget=forms.HiddenInput)
    target_key = forms.CharField(max_length=TARGET_KEY_MAX, widget=forms.HiddenInput)


class NotificationsForm(ActionForm):
    form_id = "notifications"

    # The choices are the command's (``SetDelivery``), with their labels.
    delivery = forms.ChoiceField(
        label="Email me about new messages",
        choices=Delivery.choices,
        widget=forms.RadioSelect,
    )
