"""The chronology's messages sent and acknowledged."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from liaison.channel.models import Message, Receipt
from liaison.timeline.items import Item, Window


def messages(w: Window) -> Iterable[Item]:
    link = reverse("office-dashboard", args=[w.office.id]) + "messages/"
    for m in Message.objects.filter(
        office=w.office, sent_at__range=(w.start, w.end)
    ).select_related("side"):
        yield w.item(
            m.sent_at,
            "message",
            f"{m.side.name} sent a {m.get_kind_display().lower()}: {m.subject}",
            m.side.key,
            f"{link}{m.key}/",
            m.key,
        )
    acks = Receipt.objects.filter(
        office=w.office, kind="acknowledged", at__range=(w.start, w.end)
    ).select_related("side", "message")
    for r in acks:
        yield w.item(
            r.at,
            "message_acknowledged",
            f"{r.side.name} acknowledged “{r.message.subject}”",
            r.side.key,
            f"{link}{r.message.key}/",
            r.message.key,
        )
