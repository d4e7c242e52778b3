"""The demo office, built from the facts of the source report through the same actions a
user calls, at the times they happened, so its log verifies like any other.

Facts from the report: the joint liaison office at Kaesong, launched Friday 14 Sep 2018;
the co-heads (Chun Hae-sung, South, Vice Minister of Unification; Jon Jong-su, North,
vice chairman of the Committee for the Peaceful Reunification of Korea) agreed at launch
to meet every week; they last met on Friday 28 Sep; the North's head then did not turn up
for a month; they held an hour-long meeting at the office on Friday 2 Nov 2018.

From the report too: the meeting's outcomes as Seoul's Unification Ministry gave them
(the South's readout), and the Pyongyang Declaration both sides say they implement; the
joint projects expected in October and delayed (the art troupe's performance and the
business visit postponed, the rail study and its groundbreaking pending), the sanctions
and Washington's concern that hold them up, and the United States' envoys and talks.

Illustrative, not in the report (marked ILLUSTRATIVE below): the meeting time of day
(10:00), the grace period, the first weekly session falling on 28 Sep, the minutes of
each check-in, the staff and observer accounts, the declaration's date and clause
summaries, the joint minutes' draft, the hours things were written, the exact days of
the US envoy's visit and the talks "next week", and the performance's provisional new
window.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from liaison.channel import messages, notes, receipts
from liaison.channel.commands import Acknowledge, AddNote, SendMessage
from liaison.ledger import log
from liaison.lib.timezones import localize
from liaison.meetings import answering, attending, proposing
from liaison.meetings.commands import AcceptProposal, CheckInTo, ProposeCadence
from liaison.offices import actions as offices
from liaison.offices.commands import AddMember, CharterOffice, CharterSide
from liaison.offices.models import Member, Office, Role
from liaison.projects import blockers as blockers_actions
from liaison.projects import drafts, plans, third_parties
from liaison.projects.commands import (
    AddActor,
    AddDependency,
    OpenBlocker,
    ProposeDraft,
    RecordExternalEvent,
    RecordPosition,
    RecordThirdParty,
    Replan,
    SaveDraft,
    StateStatus,
)
from liaison.projects.events import KindName, StatusName
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
from liaison.signing import checkpoints, keys

SLUG = "kaesong"
ZONE = "Asia/Pyongyang"  # Kaesong is in the North; UTC+9 since May 2018, as Seoul
OPERATOR = "operator"
# The demo server's clock: the evening of the report's day, Seoul time.
DEMO_CLOCK = "2018-11-02T19:00:00+09:00"


@dataclass(frozen=True)
class Account:
    username: str
    full_name: str
    title: str
    role: str
    side: str | None
    illustrative: bool = False


ACCOUNTS = (
    Account("chun", "Chun Hae-sung", "Vice Minister of Unification", Role.HEAD, "south"),
    Account(
        "jon",
        "Jon Jong-su",
        "Vice chairman, Committee for the Peaceful Reunification of Korea",
        Role.HEAD,
        "north",
    ),
    Account(
        "south-staff",
        "South liaison officer",
        "Liaison officer (illustrative)",
        Role.STAFF,
        "south",
        illustrative=True,
    ),
    Account(
        "north-staff",
        "North liaison officer",
        "Liaison officer (illustrative)",
        Role.STAFF,
        "north",
        illustrative=True,
    ),
    Account(
        "observer",
        "Oversight observer",
        "Observer (illustrative)",
        Role.OBSERVER,
        None,
        illustrative=True,
    ),
)


def _at(day: str, time: str) -> dt.datetime:
    """A wall-clock time at the office (Kaesong) as UTC."""
    return localize(dt.datetime.fromisoformat(f"{day}T{time}"), ZoneInfo(ZONE))


def set_passwords(password: str) -> None:
    User = get_user_model()
    for username in [OPERATOR, *(a.username for a in ACCOUNTS)]:
        user = User.objects.get(username=username)
        user.set_password(password)
        user.save(update_fields=["password"])


def _ensure_accounts(password: str) -> None:
    User = get_user_model()
    User.objects.get_or_create(username=OPERATOR, defaults={"is_staff": True, "is_superuser": True})
    for account in ACCOUNTS:
        # ILLUSTRATIVE addresses: the demo prints its notification emails to the console.
        User.objects.get_or_create(
            username=account.username,
            defaults={"first_name": account.full_name, "email": f"{account.username}@example.org"},
        )
    set_passwords(password)


@transaction.atomic
def build(password: str) -> Office:
    """Build office ``kaesong`` from the report's facts. Refuses if it exists."""
    _ensure_accounts(password)
    launch = _at("2018-09-14", "09:00")  # ILLUSTRATIVE hour of the launch
    office = offices.charter_office(
        command=CharterOffice(
            slug=SLUG,
            name="Inter-Korean Joint Liaison Office",
            place="Kaesong",
            time_zone=ZONE,
            launched_on=dt.date(2018, 9, 14),
            sides=(
                CharterSide(
                    key="south",
                    name="South Korea (Republic of Korea)",
                    language="ko",
                    time_zone="Asia/Seoul",
                ),
                CharterSide(
                    key="north",
                    name="North Korea (DPRK)",
                    language="ko",
                    time_zone="Asia/Pyongyang",
                ),
            ),
            min_notice_minutes=24 * 60,  # ILLUSTRATIVE: a day's notice, five minutes' grace
            min_grace_minutes=5,
        ),
        actor=OPERATOR,
        now=launch,
    )
    for account in ACCOUNTS:
        offices.add_member(
            office=office,
            command=AddMember.build(
                username=account.username,
                full_name=account.full_name,
                title=account.title,
                role=account.role,
                side=account.side,
                active_from=dt.date(2018, 9, 14),
            ),
            actor=OPERATOR,
            now=launch,
        )
    with log.writing(office.id):  # each side's first signing key, named in the charter
        keys.ensure_keys(office, launch)
    chun = Member.objects.select_related("office", "side").get(office=office, username="chun")
    jon = Member.objects.select_related("office", "side").get(office=office, username="jon")

    # At the launch the co-heads agreed to meet every week: the South proposes, the North
    # accepts. ILLUSTRATIVE: Fridays at 10:00 office time, an hour, 30 minutes' grace,
    # first session on 28 Sep, the North's answer ten minutes later.
    weekly = proposing.propose_cadence(
        member=chun,
        command=ProposeCadence(
            key="weekly",
            title="Weekly meeting of the co-heads",
            rule="FREQ=WEEKLY;BYDAY=FR",
            starts_on=dt.date(2018, 9, 28),
            start_time=dt.time(10, 0),
            duration_minutes=60,
            grace_minutes=30,
            required_level="head",
            reason="Agreed by the co-heads at the office's launch",
        ),
        now=launch + dt.timedelta(hours=2),
    )
    answering.accept_proposal(
        member=jon,
        command=AcceptProposal(key=weekly.key),
        now=launch + dt.timedelta(hours=2, minutes=10),
    )
    _projects_proposed(chun, launch + dt.timedelta(hours=3))
    # 28 Sep: the co-heads met.
    attending.check_in(
        member=chun, command=CheckInTo(key="weekly-20180928T1000"), now=_at("2018-09-28", "09:52")
    )
    attending.check_in(
        member=jon, command=CheckInTo(key="weekly-20180928T1000"), now=_at("2018-09-28", "09:56")
    )
    _projects_agreed(jon, _at("2018-09-28", "11:30"))
    checkpoints.sign_scheduled(_at("2018-09-28", "18:00"), office.id)  # ILLUSTRATIVE hour
    # Five, twelve, nineteen and twenty-six October: the South's head came, the North's did not.
    for day in ("2018-10-05", "2018-10-12", "2018-10-19", "2018-10-26"):
        attending.check_in(
            member=chun,
            command=CheckInTo(key=f"weekly-{day.replace('-', '')}T1000"),
            now=_at(day, "09:50"),
        )
    # 2 Nov: the hour-long meeting after a month of no-shows.
    _messages_before(chun, jon)
    attending.check_in(
        member=chun, command=CheckInTo(key="weekly-20181102T1000"), now=_at("2018-11-02", "09:51")
    )
    attending.check_in(
        member=jon, command=CheckInTo(key="weekly-20181102T1000"), now=_at("2018-11-02", "09:58")
    )
    _records(office, chun, jon)
    _third_party(chun)
    _projects_held_up(chun)
    _notes(office)
    checkpoints.sign_scheduled(_at("2018-11-02", "18:00"), office.id)  # ILLUSTRATIVE hour
    return office


MEETING = "weekly-20181102T1000"


def _records(office: Office, chun: Member, jon: Member) -> None:
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
            started_at=_at("2018-11-02", "10:00"),
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
        now=_at("2018-11-02", "12:00"),
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
        now=_at("2018-11-02", "13:30"),
    )
    readouts.publish_readout(
        member=chun, command=PublishReadout(session=MEETING), now=_at("2018-11-02", "15:00")
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
        now=_at("2018-11-02", "16:00"),
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
            now=_at("2018-11-02", "16:30"),
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
        now=_at("2018-11-02", "17:00"),
    )
    minutes.propose_minutes(
        member=chun,
        command=ProposeMinutes(session=MEETING, version=1),
        now=_at("2018-11-02", "17:10"),
    )


# Joint projects: the report's four, all originally expected in October 2018.
# ILLUSTRATIVE: the dates they were proposed (the launch) and agreed (28 Sep), and which
# side leads each.
PROJECTS: list[tuple[str, KindName, str, list[str]]] = [
    (
        "art-troupe-performance",
        "event",
        "Performance in Seoul by a North Korean art troupe",
        ["north"],
    ),
    (
        "kaesong-business-visit",
        "visit",
        "Visit to the shuttered Kaesong industrial park by the South Korean businesspeople "
        "who ran factories there",
        ["south"],
    ),
    (
        "rail-link-study",
        "study",
        "Joint study on reconnecting the cross-border rail links",
        ["south", "north"],
    ),
    (
        "rail-groundbreaking",
        "ceremony",
        "Groundbreaking ceremony for the rail project",
        ["south", "north"],
    ),
]
OCTOBER_2018 = (dt.date(2018, 10, 1), dt.date(2018, 10, 31))


def _projects_proposed(chun: Member, now: dt.datetime) -> None:
    for key, kind, title, leads in PROJECTS:
        drafts.save_project_draft(
            member=chun,
            command=SaveDraft(
                key=key,
                base_revision=0,
                kind=kind,
                title=title,
                leads=leads,
                start=OCTOBER_2018[0],
                end=OCTOBER_2018[1],
            ),
            now=now,
        )
        drafts.propose_project(member=chun, command=ProposeDraft(key=key), now=now)
    blockers_actions.add_dependency(
        member=chun,
        command=AddDependency(project="rail-groundbreaking", depends_on="rail-link-study"),
        now=now,
    )


def _projects_agreed(jon: Member, now: dt.datetime) -> None:
    for key, *_ in PROJECTS:
        plans.state_status(member=jon, command=StateStatus(key=key, status="agreed"), now=now)


def _third_party(chun: Member) -> None:
    """The United States: its envoys, Washington's position, the talks ahead."""
    now = _at("2018-11-02", "17:30")  # ILLUSTRATIVE: when the South recorded them
    third_parties.record_third_party(
        member=chun,
        command=RecordThirdParty(
            key="united-states",
            name="United States",
            description="Negotiating denuclearization with the North; allied with the South.",
        ),
        now=now,
    )
    third_parties.add_actor(
        member=chun,
        command=AddActor(
            party="united-states", key="pompeo", name="Mike Pompeo", title="Secretary of State"
        ),
        now=now,
    )
    third_parties.add_actor(
        member=chun,
        command=AddActor(
            party="united-states",
            key="biegun",
            name="Stephen Biegun",
            title="Special Representative for North Korea",
        ),
        now=now,
    )
    third_parties.record_position(
        member=chun,
        command=RecordPosition(
            party="united-states",
            key="hand-in-hand",
            stated_on=dt.date(2018, 11, 2),
            summary="Improving inter-Korean relations should go hand in hand with progress on "
            "the North's denuclearization; concern at the pace of inter-Korean steps without "
            "comparable progress.",
            source="News report of 2 Nov 2018",
        ),
        now=now,
    )
    third_parties.record_position(
        member=chun,
        command=RecordPosition(
            party="united-states",
            key="close-coordination",
            actor="biegun",
            stated_on=dt.date(2018, 10, 30),
            summary="Called for close coordination between the US and the South, and for the "
            "North's final, fully verified denuclearization.",
            source="News report of 2 Nov 2018",
        ),
        now=now,
    )
    third_parties.record_external_event(
        member=chun,
        command=RecordExternalEvent(
            party="united-states",
            key="biegun-in-seoul",
            actor="biegun",
            title="Meets officials of the presidential office and the foreign and unification "
            "ministries in Seoul",
            on=dt.date(2018, 10, 30),
            status="happened",
            source="News report of 2 Nov 2018",
        ),
        now=now,
    )
    third_parties.record_external_event(
        member=chun,
        command=RecordExternalEvent(
            party="united-states",
            key="high-level-meeting",
            actor="pompeo",
            title="High-level meeting with his North Korean counterpart on denuclearization and "
            "a second US-North Korea summit",
            on=dt.date(2018, 11, 8),
            status="expected",
            source="News report of 2 Nov 2018",
        ),
        now=now,
    )


def _projects_held_up(chun: Member) -> None:
    """Where the projects stood on 2 Nov: two postponed, the rail work pending."""
    now = _at("2018-11-02", "18:00")  # ILLUSTRATIVE: when the South recorded it
    opened = dt.date(2018, 10, 1)  # ILLUSTRATIVE: from the month they were due
    for key in ("rail-link-study", "rail-groundbreaking"):
        blockers_actions.open_blocker(
            member=chun,
            command=OpenBlocker(
                project=key,
                key="sanctions",
                kind="sanctions",
                description="International sanctions against the North",
                opened_on=opened,
            ),
            now=now,
        )
    for key, *_ in PROJECTS:
        blockers_actions.open_blocker(
            member=chun,
            command=OpenBlocker(
                project=key,
                key="washington-pace",
                kind="third_party",
                description="Washington's concern at the pace of inter-Korean steps without "
                "comparable progress on denuclearization",
                opened_on=opened,
                position="united-states/hand-in-hand",
            ),
            now=now,
        )
    statuses: dict[str, tuple[StatusName, list[str]]] = {
        "art-troupe-performance": ("postponed", ["washington-pace"]),
        "kaesong-business-visit": ("postponed", ["washington-pace"]),
        "rail-link-study": ("pending", ["sanctions", "washington-pace"]),
        "rail-groundbreaking": ("pending", ["sanctions", "washington-pace"]),
    }
    for key, (status, blockers) in statuses.items():
        plans.state_status(
            member=chun,
            command=StateStatus(
                key=key, status=status, reason="Delayed from October", blockers=blockers
            ),
            now=now,
        )
    # ILLUSTRATIVE: a provisional new window for the performance, to show the slip.
    plans.replan_project(
        member=chun,
        command=Replan(
            key="art-troupe-performance",
            start=dt.date(2018, 12, 1),
            end=dt.date(2018, 12, 31),
            reason="Provisional window (illustrative)",
        ),
        now=now,
    )


# The channel. ILLUSTRATIVE, all of it: the report says only that the meeting took place
# after a month of no-shows; these messages show how the channel records such a month.
def _messages_before(chun: Member, jon: Member) -> None:
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
        now=_at("2018-10-30", "15:00"),
    )
    receipts.mark_shown(jon, [notice], opened=True, now=_at("2018-10-31", "09:10"))
    receipts.acknowledge(
        member=jon,
        command=Acknowledge(message=notice.key, note="Received."),
        now=_at("2018-10-31", "09:12"),
    )
    messages.send_message(
        member=jon,
        command=SendMessage(
            kind="reply",
            subject="Re: Weekly meeting on Friday 2 November (illustrative)",
            body="The North's co-head will attend on 2 November.\n\n(Illustrative message.)",
            in_reply_to=notice.key,
        ),
        now=_at("2018-11-01", "11:00"),
    )


def _notes(office: Office) -> None:
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
        now=_at("2018-11-02", "12:30"),
    )
    notes.add_note(
        member=members["north-staff"],
        command=AddNote(
            target_kind="project",
            target_key="rail-link-study",
            body="Raise the equipment question at the next meeting (North only).",
        ),
        now=_at("2018-11-02", "18:30"),
    )
