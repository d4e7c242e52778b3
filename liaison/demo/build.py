"""The demo office, built from the facts of the source report through the same actions a
user calls, at the times they happened, so its log verifies like any other.

Facts from the report: the joint liaison office at Kaesong, launched Friday 14 Sep 2018;
the co-heads (Chun Hae-sung, South, Vice Minister of Unification; Jon Jong-su, North,
vice chairman of the Committee for the Peaceful Reunification of Korea) agreed at launch
to meet every week; they last met on Friday 28 Sep; the North's head then did not turn up
for a month; they held an hour-long meeting at the office on Friday 2 Nov 2018.

Illustrative, not in the report (marked ILLUSTRATIVE below): the meeting time of day
(10:00), the grace period, the first weekly session falling on 28 Sep, the minutes of
each check-in, and the staff and observer accounts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from liaison.lib.timezones import localize
from liaison.meetings import actions as meetings
from liaison.offices import actions as offices
from liaison.offices.models import Member, Office, Role

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
        User.objects.get_or_create(
            username=account.username, defaults={"first_name": account.full_name}
        )
    set_passwords(password)


@transaction.atomic
def build(password: str) -> Office:
    """Build office ``kaesong`` from the report's facts. Refuses if it exists."""
    _ensure_accounts(password)
    launch = _at("2018-09-14", "09:00")  # ILLUSTRATIVE hour of the launch
    office = offices.charter_office(
        slug=SLUG,
        name="Inter-Korean Joint Liaison Office",
        place="Kaesong",
        time_zone=ZONE,
        launched_on=dt.date(2018, 9, 14),
        sides=(
            offices.SideSpec("south", "South Korea (Republic of Korea)", "ko", "Asia/Seoul"),
            offices.SideSpec("north", "North Korea (DPRK)", "ko", "Asia/Pyongyang"),
        ),
        actor=OPERATOR,
        now=launch,
    )
    for account in ACCOUNTS:
        offices.add_member(
            office=office,
            username=account.username,
            full_name=account.full_name,
            title=account.title,
            role=account.role,
            side=account.side,
            active_from=dt.date(2018, 9, 14),
            actor=OPERATOR,
            now=launch,
        )
    chun = Member.objects.select_related("office", "side").get(office=office, username="chun")
    jon = Member.objects.select_related("office", "side").get(office=office, username="jon")

    # At the launch the co-heads agreed to meet every week. ILLUSTRATIVE: Fridays at
    # 10:00 office time, an hour, 30 minutes' grace, first session on 28 Sep.
    meetings.set_cadence(
        member=chun,
        key="weekly",
        title="Weekly meeting of the co-heads",
        rule="FREQ=WEEKLY;BYDAY=FR",
        starts_on=dt.date(2018, 9, 28),
        start_time=dt.time(10, 0),
        duration_minutes=60,
        grace_minutes=30,
        required_level="head",
        reason="Agreed by the co-heads at the office's launch",
        now=launch + dt.timedelta(hours=2),
    )
    # 28 Sep: the co-heads met.
    meetings.check_in(member=chun, key="weekly-20180928T1000", now=_at("2018-09-28", "09:52"))
    meetings.check_in(member=jon, key="weekly-20180928T1000", now=_at("2018-09-28", "09:56"))
    # Five, twelve, nineteen and twenty-six October: the South's head came, the North's did not.
    for day in ("2018-10-05", "2018-10-12", "2018-10-19", "2018-10-26"):
        meetings.check_in(
            member=chun, key=f"weekly-{day.replace('-', '')}T1000", now=_at(day, "09:50")
        )
    # 2 Nov: the hour-long meeting after a month of no-shows.
    meetings.check_in(member=chun, key="weekly-20181102T1000", now=_at("2018-11-02", "09:51"))
    meetings.check_in(member=jon, key="weekly-20181102T1000", now=_at("2018-11-02", "09:58"))
    return office
