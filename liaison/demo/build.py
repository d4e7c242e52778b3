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

Illustrative, not in the report (marked ILLUSTRATIVE here and in records.py,
projects.py and channel.py, which build the meeting's record, the projects and the
channel): the meeting time of day (10:00), the grace period, the first weekly session
falling on 28 Sep, the minutes of each check-in, the staff and observer accounts, the
declaration's date and clause summaries, the joint minutes' draft, the hours things were
written, the exact days of the US envoy's visit and the talks "next week", and the
performance's provisional new window.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from liaison.demo import channel as demo_channel
from liaison.demo import projects as demo_projects
from liaison.demo import records as demo_records
from liaison.demo.when import ZONE, at
from liaison.ledger import log
from liaison.meetings import answering, attending, proposing
from liaison.meetings.commands import AcceptProposal, CheckInTo, ProposeCadence
from liaison.offices import actions as offices
from liaison.offices.commands import AddMember, CharterOffice, CharterSide
from liaison.offices.models import Member, Office, Role
from liaison.signing import checkpoints, keys

SLUG = "kaesong"
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
    launch = at("2018-09-14", "09:00")  # ILLUSTRATIVE hour of the launch
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
    demo_projects.propose_projects(chun, launch + dt.timedelta(hours=3))
    # 28 Sep: the co-heads met.
    attending.check_in(
        member=chun, command=CheckInTo(key="weekly-20180928T1000"), now=at("2018-09-28", "09:52")
    )
    attending.check_in(
        member=jon, command=CheckInTo(key="weekly-20180928T1000"), now=at("2018-09-28", "09:56")
    )
    demo_projects.agree_projects(jon, at("2018-09-28", "11:30"))
    checkpoints.sign_scheduled(at("2018-09-28", "18:00"), office.id)  # ILLUSTRATIVE hour
    # Five, twelve, nineteen and twenty-six October: the South's head came, the North's did not.
    for day in ("2018-10-05", "2018-10-12", "2018-10-19", "2018-10-26"):
        attending.check_in(
            member=chun,
            command=CheckInTo(key=f"weekly-{day.replace('-', '')}T1000"),
            now=at(day, "09:50"),
        )
    # 2 Nov: the hour-long meeting after a month of no-shows.
    demo_channel.send_messages_before(chun, jon)
    attending.check_in(
        member=chun, command=CheckInTo(key="weekly-20181102T1000"), now=at("2018-11-02", "09:51")
    )
    attending.check_in(
        member=jon, command=CheckInTo(key="weekly-20181102T1000"), now=at("2018-11-02", "09:58")
    )
    demo_records.write_records(office, chun, jon)
    demo_projects.record_third_party(chun)
    demo_projects.hold_up_projects(chun)
    demo_channel.write_notes(office)
    checkpoints.sign_scheduled(at("2018-11-02", "18:00"), office.id)  # ILLUSTRATIVE hour
    return office
