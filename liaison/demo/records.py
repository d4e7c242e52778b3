"""The demo's 2 Nov meeting on the record: its record, the two sides' readouts, the
Pyongyang Declaration and the commitments that follow, and the joint minutes' draft."""

from __future__ import annotations

import datetime as dt

from liaison.demo.when import at
from liaison.offices.models import Member, Office
from liaison.records import commitments, frameworks, meeting_records, minutes, readouts
from liaison.records.commands import (
    ClauseIn,
    MakeCommitment,
    OutcomeIn,
    ParticipantIn,
    ProposeMinutes,
    PublishReadout,
    RecordFramework,
    SaveMinutes,
    SaveReadoutDraft,
    SaveRecord,
)

MEETING = "weekly-20181102T1000"


def write_records(office: Office, chun: Member, jon: Member) -> None:
    """What was said and agreed on 2 Nov: the record, the South's readout, the Pyongyang
    Declaration and the commitments that follow from the meeting."""
    staff = Member.objects.select_related("office", "side").get(
        office=office, username="south-staff"
    )
    # The record: at the office, an hour, the two heads; the three outcomes the ministry
    # reported. ILLUSTRATIVE: written by the South's liaison officer at 12:00, the topic.
    meeting_records.save_record(
        member=staff,
        command=SaveRecord(
            session=MEETING,
            base_revision=0,
            place="Joint liaison office, Kaesong",
            started_at=at("2018-11-02", "10:00"),
            duration_minutes=60,
            participants=[
                ParticipantIn(member=chun.username),
                ParticipantIn(member=jon.username),
            ],
            topics=["Inter-Korean relations across a wide range of issues"],
            outcomes=[
                OutcomeIn(
                    kind="reaffirmation",
                    text="Both sides reaffirmed their commitment to developing inter-Korean "
                    "relations by implementing the Pyongyang Declaration.",
                ),
                OutcomeIn(
                    kind="agreement",
                    text="Continue close consultations through the liaison office channel.",
                ),
                OutcomeIn(
                    kind="next_step",
                    text="Prepare for more meetings to be held at the liaison office.",
                ),
            ],
        ),
        now=at("2018-11-02", "12:00"),
    )
    # The South's readout, as Seoul's Unification Ministry gave it (paraphrased).
    # ILLUSTRATIVE: the title and the hours of drafting and publishing.
    readouts.save_readout_draft(
        member=staff,
        command=SaveReadoutDraft(
            session=MEETING,
            base_revision=0,
            title="Co-heads of the liaison office meet in Kaesong",
            source="Ministry of Unification (Seoul)",
            body="Vice Minister Chun Hae-sung and his North Korean counterpart Jon Jong-su met for "
            "an hour at the joint liaison office in Kaesong and discussed a broad range of "
            "inter-Korean issues.\n\n"
            "Both sides confirmed that they remain committed to advancing inter-Korean "
            "relations by implementing the Pyongyang Declaration.\n\n"
            "The two sides agreed to keep consulting closely through the liaison office "
            "channel.\n\n"
            "They also agreed to get ready for further meetings at the liaison office.",
        ),
        now=at("2018-11-02", "13:30"),
    )
    readouts.publish_readout(
        member=chun, command=PublishReadout(session=MEETING), now=at("2018-11-02", "15:00")
    )
    # The framework both sides say they implement. ILLUSTRATIVE: the date of adoption
    # and the clauses, which summarise the declaration in our words (not in the report).
    frameworks.record_framework(
        member=chun,
        command=RecordFramework(
            key="pyongyang-declaration",
            base_revision=0,
            title="Pyongyang Joint Declaration of September 2018",
            adopted_on=dt.date(2018, 9, 19),
            summary="Clause texts are illustrative summaries, not the declaration's wording.",
            clauses=[
                ClauseIn(number="1", text="Ease military tension and remove the danger of war."),
                ClauseIn(
                    number="2",
                    text="Expand exchanges and cooperation, including reconnecting the railways "
                    "and roads across the border.",
                ),
                ClauseIn(number="3", text="Cooperate on separated families."),
                ClauseIn(number="4", text="Promote cultural, artistic and sports exchanges."),
                ClauseIn(
                    number="5", text="Work towards a Korean peninsula free of nuclear weapons."
                ),
            ],
        ),
        now=at("2018-11-02", "16:00"),
    )
    promises = [
        ("implement-declaration", "Develop relations by implementing the declaration", "o1", ""),
        ("close-consultations", "Consult closely through the liaison office channel", "o2", ""),
        ("more-meetings", "Prepare for more meetings at the liaison office", "o3", ""),
        (
            "rail-groundbreaking",
            "Hold the groundbreaking for reconnecting the cross-border railways (illustrative)",
            "",
            "pyongyang-declaration/2",
        ),
    ]
    for key, text, outcome, clause in promises:
        commitments.make_commitment(
            member=chun,
            command=MakeCommitment(
                key=key,
                text=text,
                owners=["south", "north"],
                source_outcome=f"{MEETING}/{outcome}" if outcome else "",
                source_clause=clause,
            ),
            now=at("2018-11-02", "16:30"),
        )
    # ILLUSTRATIVE: the South drafts joint minutes and proposes them; the heads sign them
    # in the demo (sign in as chun, then jon).
    minutes.save_minutes(
        member=staff,
        command=SaveMinutes(
            session=MEETING,
            base_version=0,
            text="Illustrative draft of joint minutes.\n\n"
            "The co-heads met at the joint liaison office in Kaesong for one hour.\n"
            "1. Both sides reaffirmed their commitment to implementing the Pyongyang "
            "Declaration.\n"
            "2. Both sides will continue close consultations through the office's channel.\n"
            "3. Both sides will prepare for more meetings at the liaison office.",
        ),
        now=at("2018-11-02", "17:00"),
    )
    minutes.propose_minutes(
        member=chun,
        command=ProposeMinutes(session=MEETING, version=1),
        now=at("2018-11-02", "17:10"),
    )
