from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.lib import clock
from liaison.lib.errors import Refused
from liaison.lib.timezones import DayOutOfRange, end_of_day
from liaison.meetings.standing import check_as_of, compute
from liaison.offices.models import Office


class Command(BaseCommand):
    help = "The office's standing: last held meeting, attendance and no-show streaks per side."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("office")
        parser.add_argument(
            "--as-of", help="a date (YYYY-MM-DD): the standing at its end, office time; default now"
        )
        parser.add_argument("--window", type=int, help="days of attendance to rate (default 90)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        office = Office.objects.filter(id=options["office"]).first()
        if office is None:
            raise CommandError(f"unknown office {options['office']!r}")
        if options["as_of"]:
            try:
                day = dt.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(
                    f"--as-of {options['as_of']!r} is not a date like 2018-11-01"
                ) from None
            try:
                as_of = end_of_day(day, office.zone)
                check_as_of(as_of, clock.now())
            except DayOutOfRange as exc:
                raise CommandError(f"--as-of {exc}") from None
            except Refused as exc:
                raise CommandError(f"--as-of {options['as_of']}: {exc.message}") from None
        else:
            as_of = clock.now()
        window = options["window"]
        if window is not None and window < 1:
            raise CommandError("--window must be at least 1 day")
        standing = compute(office, as_of, window_days=window, with_projects=True)
        data = standing.as_json()
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"{office.name} — as of {data['as_of']}")
        if data["last_held_meeting"]:
            self.stdout.write(
                f"Last held meeting: {data['last_held_meeting']} "
                f"({data['days_since_last_held']} days ago)"
            )
        else:
            self.stdout.write("No meeting held yet.")
        for side in data["sides"]:
            rate = "—" if side["attendance_rate"] is None else f"{side['attendance_rate']:.0%}"
            self.stdout.write(
                f"  {side['name']}: attendance {rate}, no-show streak "
                f"{side['current_no_show_streak']} (longest {side['longest_no_show_streak']})"
                + (
                    f"; cancelled {side['cancelled']}, postponed {side['postponed']}"
                    if side["cancelled"] or side["postponed"]
                    else ""
                )
            )
        cc = data["cadence_compliance"]
        if cc["expected"]:
            self.stdout.write(f"Cadence kept: {cc['held']} of {cc['expected']} sessions held")
