"""The demo's channel: the messages of the month of no-shows and each side's notes."""

from __future__ import annotations

from liaison.channel import messages, notes, receipts
from liaison.channel.commands import Acknowledge, AddNote, SendMessage
from liaison.demo.when import at
from liaison.offices.models import Member, Office


# The channel. ILLUSTRATIVE, all of it: the report says only that the meeting took place
# after a month of no-shows; these messages show how the channel records such a month.
def send_messages_before(chun: Member, jon: Member) -> None:
    notice = messages.send_message(
        member=chun,
        command=SendMessage(
            kind="notice",
            subject="Weekly meeting of the co-heads on Friday 2 November (illustrative)",
            body=(
                "The South's co-head will attend the weekly meeting at the liaison office on "
                "Friday 2 November at 10:00, as agreed at the office's launch, and asks the "
                "North's co-head to confirm his attendance.\n\n(Illustrative message.)"
            ),
            about_session="weekly-20181102T1000",
        ),
        now=at("2018-10-30", "15:00"),
    )
    receipts.mark_shown(jon, [notice], opened=True, now=at("2018-10-31", "09:10"))
    receipts.acknowledge(
        member=jon,
        command=Acknowledge(message=notice.key, note="Received."),
        now=at("2018-10-31", "09:12"),
    )
    messages.send_message(
        member=jon,
        command=SendMessage(
            kind="reply",
            subject="Re: Weekly meeting on Friday 2 November (illustrative)",
            body="The North's co-head will attend on 2 November.\n\n(Illustrative message.)",
            in_reply_to=notice.key,
        ),
        now=at("2018-11-01", "11:00"),
    )


def write_notes(office: Office) -> None:
    """A private note on each side: visible to that side only. ILLUSTRATIVE."""
    members = {
        m.username: m for m in Member.objects.select_related("office", "side").filter(office=office)
    }
    notes.add_note(
        member=members["south-staff"],
        command=AddNote(
            target_kind="session",
            target_key="weekly-20181102T1000",
            body="Ask the ministry whether the readout should mention the rail study (South only).",
        ),
        now=at("2018-11-02", "12:30"),
    )
    notes.add_note(
        member=members["north-staff"],
        command=AddNote(
            target_kind="project",
            target_key="rail-link-study",
            body="Raise the equipment question at the next meeting (North only).",
        ),
        now=at("2018-11-02", "18:30"),
    )
